// The JSON shapes of Rebound's resources, written once: the HTTP API
// answers with them, webhook events carry them, the CLI's --json prints
// them. docs/api.md and the OpenAPI document describe the same fields.
//
// Times are RFC 3339 in UTC ("2026-11-02T10:01:40Z"), absent times null.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "app/app.h"

namespace rebound::app {

using Json = nlohmann::json;

// "2026-11-02T10:01:40Z"; null for 0.
Json Time(int64_t t);
std::string Rfc3339(int64_t t);
// Seconds since the epoch from RFC 3339 ("2026-11-02T10:01:40Z", an offset,
// or a date alone); false when it is not one.
bool ParseTime(std::string_view text, int64_t* out);
// Text or null when empty.
Json TextOrNull(const std::string& s);
// Serialises without throwing on bytes that are not UTF-8.
std::string Dump(const Json& j);

Json AccountJson(const store::Account& account, const policy::Settings& effective);
Json KeyJson(const store::ApiKey& key);
Json BounceJson(const store::BounceEvent& event);
// What an account sees of its contact; `detail` adds the timeline.
Json ContactJson(const ContactDetail& detail, bool with_timeline);
Json ContactRowJson(const store::ContactRow& row);
Json TimelineJson(const store::TimelineEntry& entry);
Json SuppressionJson(const store::Suppression& s);
Json EmailJson(const EmailView& email);
Json RecipientJson(const store::Recipient& recipient);
Json EndpointJson(const store::WebhookEndpoint& endpoint);
Json AttemptJson(const store::AttemptRow& attempt);
// A connected inbox: never its credentials.
Json InboxJson(const store::Inbox& inbox);
Json OneToOneJson(const OneToOneResult& result);
Json GlobalJson(const GlobalEntry& entry);
Json IngestJson(const IngestResult& result);
Json StatsJson(const StatsQuery& query, const StatsResult& result);

// The bucket a send's state belongs to in the recipients view.
std::string BucketOf(const std::string& state);

}  // namespace rebound::app
