// Use cases of webhook endpoints: register, change, rotate the secret,
// list the attempts. Delivery itself is the WebhookDeliverer's.
#include <arpa/inet.h>
#include <netdb.h>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/outbox.h"
#include "app/secrets.h"
#include "app/webhook_deliverer.h"

namespace rebound::app {

namespace {

const std::vector<std::string> kEventTypes = {"bounce.hard",        "bounce.soft",       "bounce.pending",
                                              "bounce.global",      "complaint",         "delivery",
                                              "contact.suppressed", "contact.unbounced", "email.paused"};

// Whether `host` names a loopback, private or link-local address (or a
// name that resolves to one): such endpoints would let a caller make us
// post into the platform's own network.
bool IsPrivateHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return false;  // unresolvable: fails at delivery
  bool is_private = false;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      const uint32_t ip = ntohl(reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr.s_addr);
      const uint8_t b0 = ip >> 24, b1 = (ip >> 16) & 0xFF;
      is_private = is_private || b0 == 127 || b0 == 10 || b0 == 0 || (b0 == 172 && (b1 & 0xF0) == 16) ||
                   (b0 == 192 && b1 == 168) || (b0 == 169 && b1 == 254) || (b0 == 100 && (b1 & 0xC0) == 64);
    } else if (a->ai_family == AF_INET6) {
      const in6_addr& ip = reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr;
      is_private = is_private || IN6_IS_ADDR_LOOPBACK(&ip) || IN6_IS_ADDR_LINKLOCAL(&ip) ||
                   (ip.s6_addr[0] & 0xFE) == 0xFC || IN6_IS_ADDR_V4MAPPED(&ip);
    }
  }
  freeaddrinfo(res);
  return is_private;
}

Status CheckUrl(const std::string& url, bool allow_private) {
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) return Status::BadRequest("the url must start with http:// or https://");
  if (url.size() > 2000) return Status::BadRequest("the url is longer than 2000 characters");
  if (url.find_first_of(" \t\r\n") != std::string::npos) return Status::BadRequest("the url holds blanks");
  std::string rest = url.substr(https ? 8 : 7);
  std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string::npos) return Status::BadRequest("the url must not hold credentials");
  std::string host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') == std::string::npos ? std::string::npos : host.find(']') - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  if (host.empty()) return Status::BadRequest("the url names no host");
  if (!allow_private && IsPrivateHost(host)) {
    return Status::BadRequest("the url's host is a loopback or private address");
  }
  return Status::Ok();
}

Status CheckTypes(const std::vector<std::string>& types) {
  for (const std::string& t : types) {
    if (std::find(kEventTypes.begin(), kEventTypes.end(), t) == kEventTypes.end()) {
      return Status::BadRequest("unknown event type \"" + t +
                                "\" (bounce.hard, bounce.soft, bounce.pending, bounce.global, complaint, delivery, "
                                "contact.suppressed, contact.unbounced, email.paused)");
    }
  }
  return Status::Ok();
}

}  // namespace

Status App::CreateEndpoint(int64_t account_id, const EndpointInput& in, store::WebhookEndpoint* out,
                           std::string* secret) {
  if (!in.url) return Status::BadRequest("an endpoint needs a url");
  Status st = CheckUrl(*in.url, options_.webhooks.allow_private_targets);
  if (!st.ok()) return st;
  if (in.event_types) {
    st = CheckTypes(*in.event_types);
    if (!st.ok()) return st;
  }
  if (options_.secrets_key.size() != kSecretKeyBytes) {
    return Status::Conflict("webhooks need secrets.key (or secrets.key_file) in the configuration");
  }
  *secret = NewWebhookSecret();
  out->account_id = account_id;
  out->url = *in.url;
  out->description = in.description.value_or("");
  out->event_types = in.event_types ? nlohmann::json(*in.event_types).dump() : "[]";
  out->secret = Seal(options_.secrets_key, *secret);
  out->enabled = in.enabled.value_or(true);
  out->created_at = out->updated_at = Now();
  StorePool::Lease s;
  st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::InsertEndpoint(*s, out, &error)) return StoreError("create endpoint", error);
  outbox_->Forget(account_id);
  return Status::Ok();
}

Status App::ListEndpoints(int64_t account_id, std::vector<store::WebhookEndpoint>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ListEndpoints(*s, account_id, out, &error)) return StoreError("list endpoints", error);
  return Status::Ok();
}

Status App::GetEndpoint(int64_t account_id, int64_t id, store::WebhookEndpoint* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!store::FindEndpoint(*s, account_id, id, out, &found, &error)) return StoreError("get endpoint", error);
  if (!found) return Status::NotFound("no such webhook endpoint");
  return Status::Ok();
}

Status App::UpdateEndpoint(int64_t account_id, int64_t id, const EndpointInput& in, store::WebhookEndpoint* out) {
  Status st = GetEndpoint(account_id, id, out);
  if (!st.ok()) return st;
  if (in.url) {
    st = CheckUrl(*in.url, options_.webhooks.allow_private_targets);
    if (!st.ok()) return st;
    out->url = *in.url;
  }
  if (in.event_types) {
    st = CheckTypes(*in.event_types);
    if (!st.ok()) return st;
    out->event_types = nlohmann::json(*in.event_types).dump();
  }
  if (in.description) out->description = *in.description;
  if (in.enabled) {
    out->enabled = *in.enabled;
    if (*in.enabled) out->disabled_reason.clear();
    if (!*in.enabled && out->disabled_reason.empty()) out->disabled_reason = "disabled through the API";
  }
  out->updated_at = Now();
  StorePool::Lease s;
  st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::UpdateEndpoint(*s, *out, &error)) return StoreError("update endpoint", error);
  outbox_->Forget(account_id);
  NudgeWebhooks();
  return Status::Ok();
}

Status App::DeleteEndpoint(int64_t account_id, int64_t id) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!s->Begin(&error) || !store::DeleteEndpoint(*s, account_id, id, &found, &error) || !s->Commit(&error)) {
    s->Rollback();
    return StoreError("delete endpoint", error);
  }
  if (!found) return Status::NotFound("no such webhook endpoint");
  outbox_->Forget(account_id);
  return Status::Ok();
}

Status App::RotateSecret(int64_t account_id, int64_t id, std::string* secret) {
  store::WebhookEndpoint e;
  Status st = GetEndpoint(account_id, id, &e);
  if (!st.ok()) return st;
  if (options_.secrets_key.size() != kSecretKeyBytes) {
    return Status::Conflict("webhooks need secrets.key (or secrets.key_file) in the configuration");
  }
  *secret = NewWebhookSecret();
  const int64_t now = Now();
  e.previous_secret = e.secret;
  e.previous_until = now + options_.webhooks.rotation_overlap;
  e.secret = Seal(options_.secrets_key, *secret);
  e.updated_at = now;
  StorePool::Lease s;
  st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::UpdateEndpoint(*s, e, &error)) return StoreError("rotate secret", error);
  return Status::Ok();
}

Status App::ListAttempts(int64_t account_id, int64_t endpoint_id, int64_t before, size_t limit,
                         std::vector<store::AttemptRow>* out) {
  store::WebhookEndpoint e;
  Status st = GetEndpoint(account_id, endpoint_id, &e);
  if (!st.ok()) return st;
  StorePool::Lease s;
  st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ListAttempts(*s, account_id, endpoint_id, before, limit, out, &error)) {
    return StoreError("list attempts", error);
  }
  return Status::Ok();
}

}  // namespace rebound::app
