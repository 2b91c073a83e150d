// Webhook endpoints, their attempts and their secrets.
#include "http/api.h"

namespace rebound::http {

namespace {

bool ReadInput(Call& call, const Json& body, app::EndpointInput* in) {
  return OptionalString(call, body, "url", &in->url) && OptionalString(call, body, "description", &in->description) &&
         OptionalStrings(call, body, "event_types", &in->event_types) &&
         OptionalBool(call, body, "enabled", &in->enabled);
}

void List(Call& call) {
  std::vector<store::WebhookEndpoint> endpoints;
  app::Status st = call.app.ListEndpoints(call.account_id, &endpoints);
  if (!st.ok()) return call.Fail(st);
  Json data = Json::array();
  for (const store::WebhookEndpoint& e : endpoints) data.push_back(app::EndpointJson(e));
  call.Page(data, "");
}

void Create(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  app::EndpointInput in;
  if (!ReadInput(call, body, &in)) return;
  store::WebhookEndpoint e;
  std::string secret;
  app::Status st = call.app.CreateEndpoint(call.account_id, in, &e, &secret);
  if (!st.ok()) return call.Fail(st);
  Json j = app::EndpointJson(e);
  j["secret"] = secret;  // to verify signatures; shown at creation and rotation only
  call.Send(201, j);
}

void Get(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  store::WebhookEndpoint e;
  app::Status st = call.app.GetEndpoint(call.account_id, id, &e);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::EndpointJson(e));
}

void Patch(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  Json body;
  if (!call.JsonBody(&body)) return;
  app::EndpointInput in;
  if (!ReadInput(call, body, &in)) return;
  store::WebhookEndpoint e;
  app::Status st = call.app.UpdateEndpoint(call.account_id, id, in, &e);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::EndpointJson(e));
}

void Delete(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  app::Status st = call.app.DeleteEndpoint(call.account_id, id);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, Json{{"id", id}, {"deleted", true}});
}

void Attempts(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  size_t limit = 0;
  int64_t before = 0;
  if (!call.Limit(&limit) || !call.CursorId(&before)) return;
  std::vector<store::AttemptRow> rows;
  app::Status st = call.app.ListAttempts(call.account_id, id, before, limit + 1, &rows);
  if (!st.ok()) return call.Fail(st);
  std::string next;
  if (rows.size() > limit) {
    rows.resize(limit);
    next = CursorOf(rows.back().id);
  }
  Json data = Json::array();
  for (const store::AttemptRow& a : rows) data.push_back(app::AttemptJson(a));
  call.Page(data, next);
}

void Rotate(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  std::string secret;
  app::Status st = call.app.RotateSecret(call.account_id, id, &secret);
  if (!st.ok()) return call.Fail(st);
  store::WebhookEndpoint e;
  st = call.app.GetEndpoint(call.account_id, id, &e);
  if (!st.ok()) return call.Fail(st);
  Json j = app::EndpointJson(e);
  j["secret"] = secret;
  j["previous_secret_valid_until"] = app::Time(e.previous_until);
  call.Send(200, j);
}

}  // namespace

void AddWebhookRoutes(std::vector<Route>* r) {
  r->push_back({"GET", "/v1/webhooks", Access::kRead, true, List});
  r->push_back({"POST", "/v1/webhooks", Access::kWrite, true, Create});
  r->push_back({"GET", "/v1/webhooks/{id}", Access::kRead, true, Get});
  r->push_back({"PATCH", "/v1/webhooks/{id}", Access::kWrite, true, Patch});
  r->push_back({"DELETE", "/v1/webhooks/{id}", Access::kWrite, true, Delete});
  r->push_back({"GET", "/v1/webhooks/{id}/attempts", Access::kRead, true, Attempts});
  r->push_back({"POST", "/v1/webhooks/{id}/rotate-secret", Access::kWrite, true, Rotate});
}

}  // namespace rebound::http
