// Marketing emails, their recipients, resume; statistics.
#include "http/api.h"

namespace rebound::http {

namespace {

void Create(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  std::optional<std::string> from, subject, text;
  std::optional<std::vector<std::string>> recipients;
  std::optional<bool> all;
  if (!OptionalString(call, body, "from", &from) || !OptionalString(call, body, "subject", &subject) ||
      !OptionalString(call, body, "body", &text) || !OptionalStrings(call, body, "recipients", &recipients) ||
      !OptionalBool(call, body, "all_contacts", &all)) {
    return;
  }
  app::EmailInput in;
  in.from = from.value_or("");
  in.subject = subject.value_or("");
  in.body = text.value_or("");
  if (recipients) in.recipients = std::move(*recipients);
  in.all_contacts = all.value_or(false);
  app::EmailView v;
  app::Status st = call.app.CreateEmail(call.account_id, in, &v);
  if (!st.ok()) return call.Fail(st);
  call.Send(202, app::EmailJson(v));
}

void List(Call& call) {
  size_t limit = 0;
  int64_t before = 0;
  if (!call.Limit(&limit) || !call.CursorId(&before)) return;
  std::vector<app::EmailView> emails;
  app::Status st = call.app.ListEmails(call.account_id, before, limit + 1, &emails);
  if (!st.ok()) return call.Fail(st);
  std::string next;
  if (emails.size() > limit) {
    emails.resize(limit);
    next = CursorOf(emails.back().email.id);
  }
  Json data = Json::array();
  for (const app::EmailView& e : emails) data.push_back(app::EmailJson(e));
  call.Page(data, next);
}

void Get(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  app::EmailView v;
  app::Status st = call.app.GetEmail(call.account_id, id, &v);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::EmailJson(v));
}

void Resume(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  app::EmailView v;
  app::Status st = call.app.ResumeEmail(call.account_id, id, &v);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::EmailJson(v));
}

void Recipients(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  app::Bucket bucket = app::Bucket::kAll;
  if (!app::ParseBucket(call.Query("bucket"), &bucket)) {
    return call.Fail(400, "bad_request", "bucket is delivered, pending, bounced or not_sent");
  }
  size_t limit = 0;
  int64_t after = 0;
  if (!call.Limit(&limit) || !call.CursorId(&after)) return;
  std::vector<store::Recipient> rows;
  const std::string type = call.Query("type");
  const std::string reason = call.Query("reason");
  if (!type.empty() && type != "HARD" && type != "SOFT") return call.Fail(400, "bad_request", "type is HARD or SOFT");
  app::Status st = call.app.ListRecipients(call.account_id, id, bucket, after, limit + 1, &rows, type, reason);
  if (!st.ok()) return call.Fail(st);
  std::string next;
  if (rows.size() > limit) {
    rows.resize(limit);
    next = CursorOf(rows.back().send.id);
  }
  Json data = Json::array();
  for (const store::Recipient& r : rows) data.push_back(app::RecipientJson(r));
  call.Page(data, next);
}

void Stats(Call& call) {
  app::StatsQuery q;
  if (call.HasQuery("group_by")) q.group_by = call.Query("group_by");
  if (call.HasQuery("interval")) q.interval = call.Query("interval");
  if (!call.TimeParam("since", &q.since) || !call.TimeParam("until", &q.until)) return;
  app::StatsResult r;
  app::Status st = call.app.Stats(call.account_id, q, &r);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::StatsJson(q, r));
}

}  // namespace

void AddEmailRoutes(std::vector<Route>* r) {
  r->push_back({"POST", "/v1/emails", Access::kWrite, true, Create});
  r->push_back({"GET", "/v1/emails", Access::kRead, true, List});
  r->push_back({"GET", "/v1/emails/{id}", Access::kRead, true, Get});
  r->push_back({"POST", "/v1/emails/{id}/resume", Access::kWrite, true, Resume});
  r->push_back({"GET", "/v1/emails/{id}/recipients", Access::kRead, true, Recipients});
  r->push_back({"GET", "/v1/stats", Access::kRead, true, Stats});
}

}  // namespace rebound::http
