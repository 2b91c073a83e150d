// Connected inboxes and the one-to-one email sent through them.
#include <algorithm>

#include "http/api.h"

namespace rebound::http {

namespace {

bool Text(Call& call, const Json& body, const char* name, std::string* out) {
  std::optional<std::string> v;
  if (!OptionalString(call, body, name, &v)) return false;
  if (v) *out = *v;
  return true;
}

bool Port(Call& call, const Json& body, const char* name, int* out) {
  std::optional<int64_t> v;
  if (!OptionalInt(call, body, name, &v)) return false;
  if (v) *out = static_cast<int>(std::clamp<int64_t>(*v, -1, 70000));
  return true;
}

void List(Call& call) {
  std::vector<store::Inbox> inboxes;
  app::Status st = call.app.ListInboxes(call.account_id, &inboxes);
  if (!st.ok()) return call.Fail(st);
  Json data = Json::array();
  for (const store::Inbox& i : inboxes) data.push_back(app::InboxJson(i));
  call.Page(data, "");
}

void Connect(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  app::InboxInput in;
  std::optional<bool> verify;
  if (!Text(call, body, "user_email", &in.user_email) || !Text(call, body, "address", &in.address) ||
      !Text(call, body, "provider", &in.provider) || !Text(call, body, "imap_host", &in.imap_host) ||
      !Port(call, body, "imap_port", &in.imap_port) || !Text(call, body, "imap_tls", &in.imap_tls) ||
      !Text(call, body, "smtp_host", &in.smtp_host) || !Port(call, body, "smtp_port", &in.smtp_port) ||
      !Text(call, body, "smtp_tls", &in.smtp_tls) || !Text(call, body, "username", &in.username) ||
      !Text(call, body, "auth", &in.auth) || !Text(call, body, "password", &in.password) ||
      !Text(call, body, "refresh_token", &in.refresh_token) || !Text(call, body, "token_url", &in.token_url) ||
      !Text(call, body, "client_id", &in.client_id) || !Text(call, body, "client_secret", &in.client_secret) ||
      !OptionalBool(call, body, "verify", &verify)) {
    return;
  }
  if (verify) in.verify = *verify;
  store::Inbox inbox;
  app::Status st = call.app.ConnectInbox(call.account_id, in, &inbox);
  if (!st.ok()) return call.Fail(st);
  call.Send(201, app::InboxJson(inbox));
}

void Get(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  store::Inbox inbox;
  app::Status st = call.app.GetInbox(call.account_id, id, &inbox);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::InboxJson(inbox));
}

void Remove(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  app::Status st = call.app.RemoveInbox(call.account_id, id);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, Json{{"id", id}, {"deleted", true}});
}

void Send(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  Json body;
  if (!call.JsonBody(&body)) return;
  app::OneToOneInput in;
  in.inbox_id = id;
  if (!Text(call, body, "to", &in.to) || !Text(call, body, "subject", &in.subject) ||
      !Text(call, body, "body", &in.body)) {
    return;
  }
  app::OneToOneResult r;
  app::Status st = call.app.SendOneToOne(call.account_id, in, &r);
  if (!st.ok()) return call.Fail(st);
  call.Send(201, app::OneToOneJson(r));
}

}  // namespace

void AddInboxRoutes(std::vector<Route>* r) {
  r->push_back({"GET", "/v1/inboxes", Access::kRead, true, List});
  r->push_back({"POST", "/v1/inboxes", Access::kWrite, true, Connect});
  r->push_back({"GET", "/v1/inboxes/{id}", Access::kRead, true, Get});
  r->push_back({"DELETE", "/v1/inboxes/{id}", Access::kWrite, true, Remove});
  r->push_back({"POST", "/v1/inboxes/{id}/send", Access::kWrite, true, Send});
}

}  // namespace rebound::http
