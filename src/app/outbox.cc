#include "app/outbox.h"

#include <chrono>

#include "app/json.h"
#include "store/stats.h"
#include "store/views.h"
#include "store/webhooks.h"

namespace rebound::app {

namespace {

constexpr int64_t kCacheMs = 2000;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string DomainOf(const std::string& address) {
  size_t at = address.rfind('@');
  return at == std::string::npos ? std::string() : address.substr(at + 1);
}

// What an account learns of a change, as GET /v1/bounces/{id} or
// GET /v1/contacts/{address} would show it.
bool EventData(store::Store& store, const policy::Change& c, Json* out, std::string* error) {
  using policy::ChangeKind;
  switch (c.kind) {
    case ChangeKind::kBounce:
    case ChangeKind::kComplaint: {
      if (c.event == nullptr) return true;
      store::BounceEvent e = *c.event;
      if (e.send_id != 0) {
        store::Send send;
        bool found = false;
        if (!store.FindSend(e.send_id, &send, &found, error)) return false;
        if (found) e.email_id = send.email_id;
      }
      *out = BounceJson(e);
      return true;
    }
    case ChangeKind::kDelivery: {
      Json j{{"address", c.address}, {"delivered_at", Time(c.at)}, {"send_id", nullptr}, {"email_id", nullptr}};
      if (c.send_id != 0) {
        store::Send send;
        bool found = false;
        if (!store.FindSend(c.send_id, &send, &found, error)) return false;
        j["send_id"] = c.send_id;
        if (found) j["email_id"] = send.email_id;
      }
      if (c.event != nullptr) j["notice"] = BounceJson(*c.event);
      *out = std::move(j);
      return true;
    }
    case ChangeKind::kSuppressed:
      *out = Json{{"address", c.address},
                  {"suppressed", true},
                  {"email_hard_bounce_reason", TextOrNull(c.reason)},
                  {"suppression",
                   {{"kind", c.suppression_kind},
                    {"reason", TextOrNull(c.reason)},
                    {"since", Time(c.at)},
                    {"note", TextOrNull(c.why)}}}};
      if (!c.by.empty()) (*out)["by"] = c.by;
      return true;
    case ChangeKind::kUnbounced:
      *out = Json{{"address", c.address},
                  {"suppressed", false},
                  {"lifted", {{"kind", c.suppression_kind}, {"reason", TextOrNull(c.reason)}}},
                  {"by", c.by},
                  {"why", c.why},
                  {"at", Time(c.at)}};
      return true;
    case ChangeKind::kGlobal:
      *out = Json{{"address", c.address}, {"bounce_status", "global"}, {"suppressed", true}, {"since", Time(c.at)}};
      return true;
    case ChangeKind::kSent:
      break;
  }
  return true;
}

}  // namespace

std::string EventType(const policy::Change& c) {
  using policy::ChangeKind;
  switch (c.kind) {
    case ChangeKind::kBounce:
      if (c.event == nullptr) return "";
      if (c.event->type == "HARD") return "bounce.hard";
      if (c.event->type == "SOFT") return "bounce.soft";
      if (c.event->type == "PENDING") return "bounce.pending";
      return "";
    case ChangeKind::kComplaint:
      return "complaint";
    case ChangeKind::kDelivery:
      return "delivery";
    case ChangeKind::kSuppressed:
      return "contact.suppressed";
    case ChangeKind::kUnbounced:
      return "contact.unbounced";
    case ChangeKind::kGlobal:
      return "bounce.global";
    case ChangeKind::kSent:
      break;
  }
  return "";
}

bool Outbox::OnChange(store::Store& store, const policy::Change& c, std::string* error) {
  using policy::ChangeKind;
  // The statistics.
  const std::string domain = DomainOf(c.address);
  bool ok = true;
  switch (c.kind) {
    case ChangeKind::kBounce:
      // The statistics are the marketing email's: one-to-one bounces stay
      // on the contact's timeline.
      if (c.event != nullptr && c.event->channel != "one_to_one") {
        ok = store::AddStat(store, c.account_id, c.at, domain, c.event->type,
                            c.event->type == "PENDING" ? "" : c.event->reason, 1, error);
      }
      break;
    case ChangeKind::kComplaint:
      ok = store::AddStat(store, c.account_id, c.at, domain, "complaint", "", 1, error);
      break;
    case ChangeKind::kDelivery:
      ok = store::AddStat(store, c.account_id, c.at, domain, "delivered", "", 1, error);
      break;
    case ChangeKind::kSent:
      ok = store::AddStat(store, c.account_id, c.at, domain, "sent", "", 1, error);
      break;
    default:
      break;
  }
  if (!ok) return false;

  // The webhooks.
  const std::string type = EventType(c);
  if (type.empty()) return true;
  std::vector<int64_t> accounts;
  if (c.kind == ChangeKind::kGlobal) {
    if (!store::AccountsWithContact(store, c.address, &accounts, error)) return false;
  } else {
    accounts.push_back(c.account_id);
  }
  Json data;
  bool rendered = false;
  for (int64_t account : accounts) {
    std::vector<int64_t> endpoints;
    if (!EndpointsFor(store, account, type, &endpoints, error)) return false;
    if (endpoints.empty()) continue;
    if (!rendered) {
      if (!EventData(store, c, &data, error)) return false;
      rendered = true;
    }
    if (!Write(store, account, type, Dump(data), c.address, c.at, error)) return false;
  }
  return true;
}

bool Outbox::Write(store::Store& store, int64_t account_id, const std::string& type, const std::string& data_json,
                   const std::string& order_key, int64_t at, std::string* error) {
  std::vector<int64_t> endpoints;
  if (!EndpointsFor(store, account_id, type, &endpoints, error)) return false;
  if (endpoints.empty()) return true;
  std::string payload =
      "{\"type\":" + Dump(Json(type)) + ",\"timestamp\":" + Dump(Time(at)) + ",\"data\":" + data_json + "}";
  int64_t event_id = 0;
  if (!store::InsertWebhookEvent(store, account_id, type, payload, at, &event_id, error)) return false;
  for (int64_t endpoint : endpoints) {
    if (!store::InsertDelivery(store, event_id, endpoint, order_key, at, error)) return false;
  }
  return true;
}

void Outbox::Forget(int64_t account_id) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(account_id);
}

bool Outbox::EndpointsFor(store::Store& store, int64_t account_id, const std::string& type, std::vector<int64_t>* out,
                          std::string* error) {
  const int64_t now_ms = SteadyMs();
  std::vector<Endpoint> endpoints;
  bool have = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(account_id);
    if (it != cache_.end() && now_ms - it->second.loaded_at_ms < kCacheMs) {
      endpoints = it->second.endpoints;
      have = true;
    }
  }
  if (!have) {
    std::vector<store::WebhookEndpoint> rows;
    if (!store::ListEndpoints(store, account_id, &rows, error)) return false;
    for (const store::WebhookEndpoint& e : rows) {
      if (!e.enabled) continue;
      Endpoint ep;
      ep.id = e.id;
      Json types = Json::parse(e.event_types, nullptr, false);
      if (types.is_array()) {
        for (const Json& t : types) {
          if (t.is_string()) ep.types.push_back(t.get<std::string>());
        }
      }
      endpoints.push_back(std::move(ep));
    }
    std::lock_guard<std::mutex> lock(mu_);
    cache_[account_id] = Cached{now_ms, endpoints};
  }
  for (const Endpoint& e : endpoints) {
    bool wants = e.types.empty();
    for (const std::string& t : e.types) wants = wants || t == type;
    if (wants) out->push_back(e.id);
  }
  return true;
}

}  // namespace rebound::app
