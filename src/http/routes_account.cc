// The account's settings and its API keys.
#include "http/api.h"

namespace rebound::http {

namespace {

void GetAccount(Call& call) {
  store::Account a;
  app::Status st = call.app.GetAccount(call.account_id, &a);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::AccountJson(a, call.app.EffectiveSettings(a)));
}

void PatchAccount(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  app::AccountSettings s;
  if (!OptionalString(call, body, "suppression_policy", &s.policy)) return;
  for (const char* group : {"healing", "bounce_brake"}) {
    auto it = body.find(group);
    if (it != body.end() && !it->is_null() && !it->is_object()) {
      return call.Fail(400, "bad_request", std::string("\"") + group + "\" must be an object");
    }
  }
  const Json healing = body.value("healing", Json::object());
  const Json brake = body.value("bounce_brake", Json::object());
  if (!OptionalInt(call, healing, "second_within_days", &s.healing_second_within_days) ||
      !OptionalInt(call, healing, "lapse_after_days", &s.healing_lapse_after_days) ||
      !OptionalInt(call, brake, "min_sends", &s.brake_min_sends) ||
      !OptionalNumber(call, brake, "max_hard_bounce_rate", &s.brake_max_hard_rate)) {
    return;
  }
  store::Account a;
  app::Status st = call.app.UpdateAccount(call.account_id, s, &a);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::AccountJson(a, call.app.EffectiveSettings(a)));
}

void ListKeys(Call& call) {
  std::vector<store::ApiKey> keys;
  app::Status st = call.app.ListKeys(call.account_id, &keys);
  if (!st.ok()) return call.Fail(st);
  Json data = Json::array();
  for (const store::ApiKey& k : keys) data.push_back(app::KeyJson(k));
  call.Page(data, "");
}

void CreateKey(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  std::optional<std::string> name, scope;
  if (!OptionalString(call, body, "name", &name) || !OptionalString(call, body, "scope", &scope)) return;
  store::ApiKey key;
  std::string secret;
  app::Status st = call.app.CreateKey(call.account_id, scope.value_or("write"), name.value_or(""), &key, &secret);
  if (!st.ok()) return call.Fail(st);
  Json j = app::KeyJson(key);
  j["key"] = secret;  // shown this once
  call.Send(201, j);
}

void RevokeKey(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  app::Status st = call.app.RevokeKey(call.account_id, id);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, Json{{"id", id}, {"revoked", true}});
}

void ListUsers(Call& call) {
  std::vector<store::User> users;
  app::Status st = call.app.ListUsers(call.account_id, &users);
  if (!st.ok()) return call.Fail(st);
  Json data = Json::array();
  for (const store::User& u : users) {
    data.push_back(Json{{"id", u.id}, {"email", u.email}, {"created_at", app::Time(u.created_at)}});
  }
  call.Page(data, "");
}

void CreateUser(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  std::optional<std::string> email, password;
  if (!OptionalString(call, body, "email", &email) || !OptionalString(call, body, "password", &password)) return;
  if (!email || !password) return call.Fail(400, "bad_request", "a user needs \"email\" and \"password\"");
  store::User u;
  app::Status st = call.app.CreateUser(call.account_id, *email, *password, &u);
  if (!st.ok()) return call.Fail(st);
  call.Send(201, Json{{"id", u.id}, {"email", u.email}, {"created_at", app::Time(u.created_at)}});
}

}  // namespace

void AddAccountRoutes(std::vector<Route>* r) {
  r->push_back({"GET", "/v1/users", Access::kWrite, true, ListUsers});
  r->push_back({"POST", "/v1/users", Access::kWrite, true, CreateUser});
  r->push_back({"GET", "/v1/account", Access::kRead, true, GetAccount});
  r->push_back({"PATCH", "/v1/account", Access::kWrite, true, PatchAccount});
  r->push_back({"GET", "/v1/apikeys", Access::kWrite, true, ListKeys});
  r->push_back({"POST", "/v1/apikeys", Access::kWrite, true, CreateKey});
  r->push_back({"DELETE", "/v1/apikeys/{id}", Access::kWrite, true, RevokeKey});
}

}  // namespace rebound::http
