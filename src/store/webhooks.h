// Webhook endpoints, the outbox of events and their deliveries.
//
// An event is written in the transaction of the change it tells (the
// outbox), with one delivery row per endpoint that wants it. Delivery
// workers, on any node, claim due deliveries with a lease: a claimed row
// is skipped by every other worker until its lease ends, so that an event
// is in flight from one node at a time and again only if that node died.
// Deliveries that share an order key (one contact's events) to one
// endpoint go out one after the other, in id order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace rebound::store {

struct WebhookEndpoint {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string url;
  std::string description;
  std::string event_types = "[]";  // JSON array; empty: every type
  std::string secret;              // sealed (see app/secrets.h)
  std::string previous_secret;     // sealed; signs too until previous_until
  int64_t previous_until = 0;
  bool enabled = true;
  std::string disabled_reason;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

bool InsertEndpoint(Store& store, WebhookEndpoint* endpoint, std::string* error);
bool FindEndpoint(Store& store, int64_t account_id, int64_t id, WebhookEndpoint* out, bool* found, std::string* error);
bool ListEndpoints(Store& store, int64_t account_id, std::vector<WebhookEndpoint>* out, std::string* error);
bool UpdateEndpoint(Store& store, const WebhookEndpoint& endpoint, std::string* error);
// Deletes the endpoint with its deliveries and their attempts.
bool DeleteEndpoint(Store& store, int64_t account_id, int64_t id, bool* found, std::string* error);

bool InsertWebhookEvent(Store& store, int64_t account_id, const std::string& type, const std::string& payload,
                        int64_t now, int64_t* id, std::string* error);
bool InsertDelivery(Store& store, int64_t event_id, int64_t endpoint_id, const std::string& order_key, int64_t now,
                    std::string* error);

// A delivery claimed for sending, with all it needs.
struct DueDelivery {
  int64_t id = 0;
  int64_t event_id = 0;
  int64_t endpoint_id = 0;
  int64_t attempts = 0;  // before this one
  int64_t created_at = 0;
  std::string url;
  std::string secret;  // sealed
  std::string previous_secret;
  int64_t previous_until = 0;
  std::string payload;
  int64_t event_created_at = 0;
};
// Claims up to `limit` deliveries due at `now` whose lease has ended, and
// leases them until `lease_until`.
bool ClaimDeliveries(Store& store, int64_t now, int64_t lease_until, size_t limit, std::vector<DueDelivery>* out,
                     std::string* error);

// The result of one attempt.
struct AttemptResult {
  int64_t delivery_id = 0;
  int64_t endpoint_id = 0;
  int64_t at = 0;
  int status = 0;  // HTTP status; 0 when no answer came
  std::string error;
  int64_t duration_ms = 0;
  // What to do with the delivery.
  enum class Next { kDelivered, kRetry, kFailed, kGone } next = Next::kRetry;
  int64_t next_attempt_at = 0;  // kRetry
};
// Records attempts and their consequences in the caller's transaction. A
// kGone result disables its endpoint.
bool RecordAttempts(Store& store, const std::vector<AttemptResult>& results, std::string* error);

struct AttemptRow {
  int64_t id = 0;
  int64_t delivery_id = 0;
  int64_t event_id = 0;
  std::string event_type;
  int64_t at = 0;
  int status = 0;
  std::string error;
  int64_t duration_ms = 0;
  std::string delivery_state;
};
// Attempts at the account's endpoint, newest first.
bool ListAttempts(Store& store, int64_t account_id, int64_t endpoint_id, int64_t before, size_t limit,
                  std::vector<AttemptRow>* out, std::string* error);
// Deliveries not yet delivered nor given up (for tests and operators).
bool CountUndelivered(Store& store, int64_t* count, std::string* error);

}  // namespace rebound::store
