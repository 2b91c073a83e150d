// The operator's resources: accounts and global bounces; and the public
// ones: the contract, liveness and readiness.
#include "http/api.h"
#include "http/openapi.h"

namespace rebound::http {

namespace {

void ListAccounts(Call& call) {
  std::vector<store::Account> accounts;
  app::Status st = call.app.ListAccounts(&accounts);
  if (!st.ok()) return call.Fail(st);
  Json data = Json::array();
  for (const store::Account& a : accounts) data.push_back(app::AccountJson(a, call.app.EffectiveSettings(a)));
  call.Page(data, "");
}

void CreateAccount(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  std::optional<std::string> name, policy;
  if (!OptionalString(call, body, "name", &name) || !OptionalString(call, body, "suppression_policy", &policy)) return;
  if (!name) return call.Fail(400, "bad_request", "an account needs a \"name\"");
  store::Account a;
  app::Status st = call.app.CreateAccount(*name, policy.value_or("strict"), &a);
  if (!st.ok()) return call.Fail(st);
  call.Send(201, app::AccountJson(a, call.app.EffectiveSettings(a)));
}

void ListGlobal(Call& call) {
  size_t limit = 0;
  std::string after;
  if (!call.Limit(&limit) || !call.CursorText(&after)) return;
  std::vector<app::GlobalEntry> rows;
  app::Status st = call.app.ListGlobal(after, limit + 1, &rows);
  if (!st.ok()) return call.Fail(st);
  std::string next;
  if (rows.size() > limit) {
    rows.resize(limit);
    next = CursorOf(rows.back().address);
  }
  Json data = Json::array();
  for (const app::GlobalEntry& g : rows) data.push_back(app::GlobalJson(g));
  call.Page(data, next);
}

void LiftGlobal(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  std::optional<std::string> op, why;
  if (!OptionalString(call, body, "operator", &op) || !OptionalString(call, body, "why", &why)) return;
  if (!why || why->empty()) return call.Fail(400, "bad_request", "say why in \"why\" (it is recorded)");
  const std::string who = op && !op->empty() ? *op : call.Actor(body);
  app::Status st = call.app.LiftGlobal(call.params[0], who, *why);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, Json{{"address", store::NormalizeAddress(call.params[0])}, {"global", false}});
}

void OpenApi(Call& call) {
  call.res.status = 200;
  call.res.set_content(OpenApiDocument(), "application/json; charset=utf-8");
}

void Health(Call& call) { call.Send(200, Json{{"status", "ok"}}); }

void Ready(Call& call) {
  app::Status st = call.app.Ping();
  if (!st.ok()) return call.Fail(st);
  call.Send(200, Json{{"status", "ready"}});
}

}  // namespace

void AddOperatorRoutes(std::vector<Route>* r) {
  r->push_back({"GET", "/v1/accounts", Access::kOperator, false, ListAccounts});
  r->push_back({"POST", "/v1/accounts", Access::kOperator, false, CreateAccount});
  r->push_back({"GET", "/v1/global", Access::kOperator, false, ListGlobal});
  r->push_back({"POST", "/v1/global/{address}/lift", Access::kOperator, false, LiftGlobal});
  r->push_back({"GET", "/v1/openapi.json", Access::kPublic, false, OpenApi});
  r->push_back({"GET", "/healthz", Access::kPublic, false, Health});
  r->push_back({"GET", "/readyz", Access::kPublic, false, Ready});
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> r;
    AddBounceRoutes(&r);
    AddContactRoutes(&r);
    AddEmailRoutes(&r);
    AddAccountRoutes(&r);
    AddWebhookRoutes(&r);
    AddInboxRoutes(&r);
    AddOperatorRoutes(&r);
    return r;
  }();
  return routes;
}

}  // namespace rebound::http
