// Settings: the suppression policy and the bounce-rate brake, API keys
// (shown once), webhook endpoints (secret shown once, attempts, rotation).
#include <nlohmann/json.hpp>

#include "app/json.h"
#include "web/page.h"

namespace rebound::web {

namespace {

const std::vector<std::string>& EventTypes() {
  static const std::vector<std::string> t = {"bounce.hard",        "bounce.soft",       "bounce.pending",
                                             "bounce.global",      "complaint",         "delivery",
                                             "contact.suppressed", "contact.unbounced", "email.paused"};
  return t;
}

// The settings page; `secret` (a new API key or webhook secret) is shown
// this once, in the answer to the POST that made it.
void ShowSettings(Page& p, int status, const std::string& secret = "", const std::string& secret_label = "") {
  store::Account account;
  app::Status st = p.app.GetAccount(p.session.account_id, &account);
  if (!st.ok()) return p.Failed(st);
  const policy::Settings e = p.app.EffectiveSettings(account);
  Data d;
  d.set("strict", account.policy == "strict");
  d.set("healing", account.policy == "healing");
  d.set("within", std::to_string(e.healing_second_within / 86400));
  d.set("lapse", std::to_string(e.healing_lapse_after / 86400));
  d.set("healing_explain",
        Fill(p.T("settings.healing_explain"), {{"within", std::to_string(e.healing_second_within / 86400)},
                                               {"lapse", std::to_string(e.healing_lapse_after / 86400)}}));
  d.set("brake_min", std::to_string(e.brake_min_sends));
  char rate[16];
  snprintf(rate, sizeof(rate), "%.2f", static_cast<double>(e.brake_max_hard_bp) / 100);
  d.set("brake_rate_percent", std::string(rate));
  d.set("brake_explain",
        Fill(p.T("settings.brake_explain"), {{"min", p.Number(e.brake_min_sends)},
                                             {"rate", p.Percent(static_cast<double>(e.brake_max_hard_bp) / 10000)}}));
  std::vector<store::ApiKey> keys;
  st = p.app.ListKeys(p.session.account_id, &keys);
  if (!st.ok()) return p.Failed(st);
  Data key_list{Data::type::list};
  for (const store::ApiKey& k : keys) {
    Data e2;
    e2.set("id", std::to_string(k.id));
    e2.set("name", k.name);
    e2.set("prefix", k.prefix);
    e2.set("scope_label", p.T("settings.scope." + k.scope));
    e2.set("last_used", k.last_used_at ? p.Date(k.last_used_at) : "—");
    e2.set("revoked", k.revoked_at != 0);
    e2.set("csrf", p.session.csrf);
    key_list.push_back(e2);
  }
  d.set("keys", key_list);
  std::vector<store::WebhookEndpoint> hooks;
  st = p.app.ListEndpoints(p.session.account_id, &hooks);
  if (!st.ok()) return p.Failed(st);
  Data hook_list{Data::type::list};
  for (const store::WebhookEndpoint& h : hooks) {
    Data e3;
    e3.set("id", std::to_string(h.id));
    e3.set("url", h.url);
    std::string events;
    const nlohmann::json types = nlohmann::json::parse(h.event_types, nullptr, false);
    if (types.is_array()) {
      for (const auto& t : types) {
        if (t.is_string()) events += (events.empty() ? "" : ", ") + t.get<std::string>();
      }
    }
    e3.set("events", events.empty() ? p.T("settings.webhook_all_events") : events);
    e3.set("state_label", p.T(h.enabled ? "settings.webhook_enabled" : "settings.webhook_disabled"));
    e3.set("disabled_reason", h.disabled_reason);
    e3.set("toggle_label", p.T(h.enabled ? "settings.webhook_disable" : "settings.webhook_enable"));
    e3.set("csrf", p.session.csrf);
    hook_list.push_back(e3);
  }
  d.set("webhooks", hook_list);
  std::vector<store::Inbox> inboxes;
  st = p.app.ListInboxes(p.session.account_id, &inboxes);
  if (!st.ok()) return p.Failed(st);
  Data inbox_list{Data::type::list};
  for (const store::Inbox& i : inboxes) {
    Data e4;
    e4.set("id", std::to_string(i.id));
    e4.set("address", i.address);
    e4.set("user", i.user_email);
    e4.set("provider", p.T("inbox.provider." + i.provider));
    e4.set("state_label", p.T("inbox.state." + i.state));
    e4.set("failed", i.state == "auth_failed" || i.state == "unreachable");
    e4.set("last_error", i.last_error);
    e4.set("since", p.Date(i.state_at));
    e4.set("csrf", p.session.csrf);
    inbox_list.push_back(e4);
  }
  d.set("inboxes", inbox_list);
  Data types{Data::type::list};
  for (const std::string& t : EventTypes()) types.push_back(Data(t));
  d.set("event_types", types);
  if (!secret.empty()) {
    d.set("shown_secret", secret);
    d.set("shown_secret_label", secret_label);
  }
  if (p.Query("done") == "saved") p.notice = p.T("settings.saved");
  p.Html(status, "settings", d, p.T("settings.title"), "settings");
}

void Settings(Page& p) { ShowSettings(p, 200); }

void SavePolicy(Page& p) {
  app::AccountSettings s;
  s.policy = p.Form("policy");
  auto number = [&](const char* name) -> std::optional<int64_t> {
    const std::string v = p.Form(name);
    if (v.empty()) return std::nullopt;
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (*end != '\0') return -1;  // refused by the use case with its message
    return n;
  };
  s.healing_second_within_days = number("second_within_days");
  s.healing_lapse_after_days = number("lapse_after_days");
  s.brake_min_sends = number("brake_min_sends");
  const std::string rate = p.Form("brake_rate_percent");
  if (!rate.empty()) s.brake_max_hard_rate = std::strtod(rate.c_str(), nullptr) / 100;
  store::Account a;
  app::Status st = p.app.UpdateAccount(p.session.account_id, s, &a);
  if (st.code() == app::Code::kBadRequest) {
    p.error = Fill(p.T("error.bad_request"), {{"message", st.message()}});
    return ShowSettings(p, 400);
  }
  if (!st.ok()) return p.Failed(st);
  p.Redirect("/settings?done=saved");
}

void CreateKey(Page& p) {
  store::ApiKey key;
  std::string secret;
  const std::string scope = p.Form("scope") == "write" ? "write" : "read";
  app::Status st = p.app.CreateKey(p.session.account_id, scope, p.Form("name"), &key, &secret);
  if (!st.ok()) return p.Failed(st);
  ShowSettings(p, 201, secret, p.T("settings.key_created"));
}

bool Id(Page& p, int64_t* out) {
  const std::string& v = p.params.at(0);
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n <= 0 || v.size() > 18) {
    p.NotFound();
    return false;
  }
  *out = n;
  return true;
}

void RevokeKey(Page& p) {
  int64_t id = 0;
  if (!Id(p, &id)) return;
  app::Status st = p.app.RevokeKey(p.session.account_id, id);
  if (!st.ok()) return p.Failed(st);
  p.Redirect("/settings");
}

void CreateHook(Page& p) {
  app::EndpointInput in;
  in.url = p.Form("url");
  std::vector<std::string> types;
  for (size_t i = 0; i < p.req.get_param_value_count("event"); ++i) types.push_back(p.req.get_param_value("event", i));
  in.event_types = types;
  store::WebhookEndpoint e;
  std::string secret;
  app::Status st = p.app.CreateEndpoint(p.session.account_id, in, &e, &secret);
  if (st.code() == app::Code::kBadRequest) {
    p.error = Fill(p.T("error.bad_request"), {{"message", st.message()}});
    return ShowSettings(p, 400);
  }
  if (!st.ok()) return p.Failed(st);
  ShowSettings(p, 201, secret, p.T("settings.webhook_secret"));
}

void RotateHook(Page& p) {
  int64_t id = 0;
  if (!Id(p, &id)) return;
  std::string secret;
  app::Status st = p.app.RotateSecret(p.session.account_id, id, &secret);
  if (!st.ok()) return p.Failed(st);
  ShowSettings(p, 200, secret, p.T("settings.webhook_secret"));
}

void ToggleHook(Page& p) {
  int64_t id = 0;
  if (!Id(p, &id)) return;
  store::WebhookEndpoint e;
  app::Status st = p.app.GetEndpoint(p.session.account_id, id, &e);
  if (!st.ok()) return p.Failed(st);
  app::EndpointInput in;
  in.enabled = !e.enabled;
  st = p.app.UpdateEndpoint(p.session.account_id, id, in, &e);
  if (!st.ok()) return p.Failed(st);
  p.Redirect("/settings");
}

void DeleteHook(Page& p) {
  int64_t id = 0;
  if (!Id(p, &id)) return;
  app::Status st = p.app.DeleteEndpoint(p.session.account_id, id);
  if (!st.ok()) return p.Failed(st);
  p.Redirect("/settings");
}

void RemoveInbox(Page& p) {
  int64_t id = 0;
  if (!Id(p, &id)) return;
  app::Status st = p.app.RemoveInbox(p.session.account_id, id);
  if (!st.ok()) return p.Failed(st);
  p.Redirect("/settings");
}

void Attempts(Page& p) {
  int64_t id = 0;
  if (!Id(p, &id)) return;
  store::WebhookEndpoint e;
  app::Status st = p.app.GetEndpoint(p.session.account_id, id, &e);
  if (!st.ok()) return p.Failed(st);
  const int64_t before = std::strtoll(p.Query("before").c_str(), nullptr, 10);
  std::vector<store::AttemptRow> rows;
  st = p.app.ListAttempts(p.session.account_id, id, before, 51, &rows);
  if (!st.ok()) return p.Failed(st);
  Data d;
  d.set("url", e.url);
  if (rows.size() > 50) {
    rows.resize(50);
    d.set("next_url", "/settings/webhooks/" + std::to_string(id) + "?before=" + std::to_string(rows.back().id));
  }
  Data list{Data::type::list};
  for (const store::AttemptRow& a : rows) {
    Data r;
    r.set("when", p.Date(a.at));
    r.set("event_type", a.event_type);
    r.set("event_id", "evt_" + std::to_string(a.event_id));
    r.set("status", a.status ? std::to_string(a.status) : "—");
    r.set("error", a.error);
    r.set("duration", p.Number(a.duration_ms));
    r.set("delivery_state", a.delivery_state);
    list.push_back(r);
  }
  d.set("attempts", list);
  p.Html(200, "attempts", d, p.T("attempts.title"), "settings");
}

}  // namespace

void AddSettingsPages(std::vector<PageRoute>* r) {
  r->push_back({"GET", "/settings", Who::kAccountUser, Settings});
  r->push_back({"POST", "/settings/policy", Who::kAccountUser, SavePolicy});
  r->push_back({"POST", "/settings/keys", Who::kAccountUser, CreateKey});
  r->push_back({"POST", "/settings/keys/{id}/revoke", Who::kAccountUser, RevokeKey});
  r->push_back({"POST", "/settings/webhooks", Who::kAccountUser, CreateHook});
  r->push_back({"GET", "/settings/webhooks/{id}", Who::kAccountUser, Attempts});
  r->push_back({"POST", "/settings/webhooks/{id}/rotate", Who::kAccountUser, RotateHook});
  r->push_back({"POST", "/settings/webhooks/{id}/toggle", Who::kAccountUser, ToggleHook});
  r->push_back({"POST", "/settings/webhooks/{id}/delete", Who::kAccountUser, DeleteHook});
  r->push_back({"POST", "/settings/inboxes/{id}/remove", Who::kAccountUser, RemoveInbox});
}

}  // namespace rebound::web
