// Classification (stateless) and bounces: ingest, list, one, raw.
#include "app/verdict_output.h"
#include "http/api.h"

namespace rebound::http {

namespace {

bool RawBody(Call& call) {
  const std::string type = call.MediaType();
  if (type != "message/rfc822" && type != "application/octet-stream" && type != "text/plain") {
    call.Fail(415, "unsupported_media_type", "send the raw message as message/rfc822 (or application/octet-stream)");
    return false;
  }
  if (call.req.body.empty()) {
    call.Fail(400, "bad_request", "the body is empty: send the raw message");
    return false;
  }
  return true;
}

void Classify(Call& call) {
  if (!RawBody(call)) return;
  Json records = Json::array();
  std::string line;
  for (const classify::Verdict& v : call.app.Classify(call.req.body)) {
    line.clear();
    app::AppendJson(v, "-", &line);
    Json j = Json::parse(line, nullptr, false);
    j.erase("file");
    records.push_back(std::move(j));
  }
  call.Send(200, Json{{"records", records}});
}

void ClassifyReply(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  std::optional<std::vector<std::string>> replies;
  if (!OptionalStrings(call, body, "replies", &replies)) return;
  if (!replies || replies->empty() || replies->size() > 1000) {
    call.Fail(400, "bad_request", "\"replies\" is an array of 1 to 1000 SMTP replies");
    return;
  }
  Json out = Json::array();
  std::string line;
  for (const std::string& r : *replies) {
    line.clear();
    app::AppendReplyJson(call.app.ClassifyReply(r), r, &line);
    out.push_back(Json::parse(line, nullptr, false));
  }
  call.Send(200, Json{{"records", out}});
}

void Ingest(Call& call) {
  if (!RawBody(call)) return;
  app::IngestResult result;
  app::Status st = call.app.IngestRaw(call.account_id, call.req.body, &result);
  if (!st.ok()) return call.Fail(st);
  call.Send(202, app::IngestJson(result));
}

void List(Call& call) {
  store::BounceFilter f;
  f.account_id = call.account_id;
  f.type = call.Query("type");
  f.reason = call.Query("reason");
  f.address = call.Query("address");
  size_t limit = 0;
  int64_t before = 0;
  if (!call.Limit(&limit) || !call.CursorId(&before) || !call.TimeParam("since", &f.since) ||
      !call.TimeParam("until", &f.until)) {
    return;
  }
  if (!f.type.empty() && f.type != "HARD" && f.type != "SOFT" && f.type != "PENDING" && f.type != "NONE") {
    return call.Fail(400, "bad_request", "type is HARD, SOFT, PENDING or NONE");
  }
  if (call.HasQuery("email_id")) {
    const std::string v = call.Query("email_id");
    char* end = nullptr;
    f.email_id = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || f.email_id <= 0) return call.Fail(400, "bad_request", "email_id is an email's id");
  }
  std::vector<store::BounceEvent> events;
  app::Status st = call.app.ListBounces(f, before, limit + 1, &events);
  if (!st.ok()) return call.Fail(st);
  std::string next;
  if (events.size() > limit) {
    events.resize(limit);
    next = CursorOf(events.back().id);
  }
  Json data = Json::array();
  for (const store::BounceEvent& e : events) data.push_back(app::BounceJson(e));
  call.Page(data, next);
}

void Get(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  store::BounceEvent e;
  app::Status st = call.app.GetBounce(call.account_id, id, &e);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::BounceJson(e));
}

void Raw(Call& call) {
  int64_t id = 0;
  if (!call.IdParam(0, &id)) return;
  std::string raw;
  app::Status st = call.app.GetBounceRaw(call.account_id, id, &raw);
  if (!st.ok()) return call.Fail(st);
  call.res.status = 200;
  // As received: a download, never rendered as a page.
  call.res.set_header("Content-Disposition", "attachment; filename=\"bounce-" + std::to_string(id) + ".eml\"");
  call.res.set_header("X-Content-Type-Options", "nosniff");
  call.res.set_content(raw, "message/rfc822");
}

}  // namespace

void AddBounceRoutes(std::vector<Route>* r) {
  r->push_back({"POST", "/v1/classify", Access::kRead, true, Classify});
  r->push_back({"POST", "/v1/classify-reply", Access::kRead, true, ClassifyReply});
  r->push_back({"POST", "/v1/bounces", Access::kWrite, true, Ingest});
  r->push_back({"GET", "/v1/bounces", Access::kRead, true, List});
  r->push_back({"GET", "/v1/bounces/{id}", Access::kRead, true, Get});
  r->push_back({"GET", "/v1/bounces/{id}/raw", Access::kRead, true, Raw});
}

}  // namespace rebound::http
