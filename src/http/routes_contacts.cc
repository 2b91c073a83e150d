// Contacts, unbounce and suppressions.
#include <sstream>

#include "app/csv.h"
#include "http/api.h"

namespace rebound::http {

namespace {

constexpr size_t kMaxImportRows = 100000;

Json ImportJson(const app::ImportReport& report) {
  Json rejected = Json::array();
  for (const auto& e : report.rejected) rejected.push_back(Json{{"row", e.row}, {"error", e.error}});
  return Json{{"imported", report.imported}, {"rejected", rejected}};
}

void Import(Call& call) {
  const std::string type = call.MediaType();
  app::ImportReport report;
  if (type == "text/csv") {
    std::istringstream in(call.req.body);
    app::Status st = call.app.ImportCsv(call.account_id, in, &report);
    if (!st.ok()) return call.Fail(st);
    return call.Send(200, ImportJson(report));
  }
  if (type != "application/json") {
    return call.Fail(415, "unsupported_media_type", "send contacts as a JSON array (application/json) or as text/csv");
  }
  Json parsed;
  if (!call.JsonBody(&parsed, true)) return;
  if (parsed.size() > kMaxImportRows) {
    return call.Fail(400, "bad_request", "at most 100000 contacts per request");
  }
  std::vector<app::ContactInput> contacts;
  std::vector<size_t> rows;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const Json& item = parsed[i];
    std::string problem;
    app::ContactInput c;
    if (!item.is_object()) {
      problem = "each item must be an object";
    } else {
      auto email = item.find("email");
      if (email == item.end()) email = item.find("address");
      auto props = item.find("properties");
      if (email == item.end() || !email->is_string()) {
        problem = "\"email\" must be a string";
      } else if (props != item.end() && !props->is_null() && !props->is_object()) {
        problem = "\"properties\" must be an object";
      } else {
        c.address = email->get<std::string>();
        if (props != item.end() && props->is_object()) c.properties = app::Dump(*props);
      }
    }
    if (!problem.empty()) {
      report.rejected.push_back({i + 1, problem});
      continue;
    }
    contacts.push_back(std::move(c));
    rows.push_back(i + 1);
  }
  app::ImportReport part;
  app::Status st = call.app.ImportContacts(call.account_id, contacts, &part);
  if (!st.ok()) return call.Fail(st);
  report.imported = part.imported;
  for (const auto& e : part.rejected) report.rejected.push_back({rows[e.row - 1], e.error});
  std::sort(report.rejected.begin(), report.rejected.end(), [](const auto& a, const auto& b) { return a.row < b.row; });
  call.Send(200, ImportJson(report));
}

void List(Call& call) {
  store::ContactFilter f;
  f.account_id = call.account_id;
  f.bounce_status = call.Query("bounce_status");
  f.reason = call.Query("reason");
  f.address_prefix = call.Query("address");
  if (!f.bounce_status.empty() && f.bounce_status != "none" && f.bounce_status != "soft" && f.bounce_status != "hard" &&
      f.bounce_status != "global") {
    return call.Fail(400, "bad_request", "bounce_status is none, soft, hard or global");
  }
  if (call.HasQuery("suppressed")) {
    const std::string v = call.Query("suppressed");
    if (v != "true" && v != "false") return call.Fail(400, "bad_request", "suppressed is true or false");
    f.suppressed = v == "true";
  }
  size_t limit = 0;
  int64_t after = 0;
  if (!call.Limit(&limit) || !call.CursorId(&after)) return;
  std::vector<store::ContactRow> rows;
  app::Status st = call.app.ListContacts(f, after, limit + 1, &rows);
  if (!st.ok()) return call.Fail(st);
  std::string next;
  if (rows.size() > limit) {
    rows.resize(limit);
    next = CursorOf(rows.back().contact.id);
  }
  Json data = Json::array();
  for (const store::ContactRow& r : rows) data.push_back(app::ContactRowJson(r));
  call.Page(data, next);
}

void Get(Call& call) {
  app::ContactDetail d;
  app::Status st = call.app.GetContact(call.account_id, call.params[0], &d);
  if (!st.ok()) return call.Fail(st);
  // An address the account never had, and that nothing happened to here,
  // is not one of its contacts (a GLOBAL bounce elsewhere does not make it one).
  if (!d.view.exists && d.timeline.empty()) return call.Fail(404, "not_found", "no such contact");
  call.Send(200, app::ContactJson(d, true));
}

void Unbounce(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  std::optional<std::string> by, why;
  std::optional<bool> confirm;
  if (!OptionalString(call, body, "by", &by) || !OptionalString(call, body, "why", &why) ||
      !OptionalBool(call, body, "confirm", &confirm)) {
    return;
  }
  if (!why || why->empty()) return call.Fail(400, "bad_request", "say why in \"why\" (it is recorded)");
  app::Status st = call.app.Unbounce(call.account_id, call.params[0], call.Actor(body), *why, confirm.value_or(false));
  if (!st.ok()) return call.Fail(st);
  app::ContactDetail d;
  st = call.app.GetContact(call.account_id, call.params[0], &d);
  if (!st.ok()) return call.Fail(st);
  call.Send(200, app::ContactJson(d, false));
}

void ListSuppressions(Call& call) {
  const std::string accept = call.req.get_header_value("Accept");
  if (accept.find("text/csv") != std::string::npos) {
    // The whole list, streamed page by page.
    app::App* a = &call.app;
    const int64_t account = call.account_id;
    call.res.set_header("Content-Disposition", "attachment; filename=\"suppressions.csv\"");
    call.res.set_chunked_content_provider("text/csv; charset=utf-8", [a, account](size_t, httplib::DataSink& sink) {
      std::string buffer = "email,kind,reason,since,note\n";
      bool open = true;
      app::Status st = a->ForEachSuppression(account, [&](const store::Suppression& s) {
        buffer += app::CsvField(s.address) + "," + s.kind + "," + s.reason + "," +
                  (s.since ? app::Rfc3339(s.since) : "") + "," + app::CsvField(s.note) + "\n";
        if (buffer.size() >= size_t{64} * 1024) {
          open = sink.write(buffer.data(), buffer.size());
          buffer.clear();
        }
        return open;
      });
      if (open && !buffer.empty()) open = sink.write(buffer.data(), buffer.size());
      // A store failure midway cuts the stream without its end: the
      // client sees an incomplete transfer rather than a short list.
      if (st.ok() && open) sink.done();
      return st.ok() && open;
    });
    return;
  }
  store::SuppressionFilter f;
  f.account_id = call.account_id;
  f.kind = call.Query("kind");
  f.reason = call.Query("reason");
  if (!f.kind.empty() && f.kind != "hard_bounce" && f.kind != "complaint" && f.kind != "manual") {
    return call.Fail(400, "bad_request", "kind is hard_bounce, complaint or manual");
  }
  size_t limit = 0;
  std::string after;
  if (!call.Limit(&limit) || !call.CursorText(&after)) return;
  std::vector<store::Suppression> rows;
  app::Status st = call.app.ListSuppressions(f, after, limit + 1, &rows);
  if (!st.ok()) return call.Fail(st);
  std::string next;
  if (rows.size() > limit) {
    rows.resize(limit);
    next = CursorOf(rows.back().address);
  }
  Json data = Json::array();
  for (const store::Suppression& s : rows) data.push_back(app::SuppressionJson(s));
  call.Page(data, next);
}

void AddSuppression(Call& call) {
  Json body;
  if (!call.JsonBody(&body)) return;
  std::optional<std::string> address, why, by;
  if (!OptionalString(call, body, "address", &address) || !OptionalString(call, body, "why", &why) ||
      !OptionalString(call, body, "by", &by)) {
    return;
  }
  if (!address) {
    std::optional<std::string> email;
    if (!OptionalString(call, body, "email", &email)) return;
    address = email;
  }
  if (!address) return call.Fail(400, "bad_request", "name the contact in \"address\"");
  if (!why || why->empty()) return call.Fail(400, "bad_request", "say why in \"why\" (it is recorded)");
  bool created = false;
  store::Suppression s;
  app::Status st = call.app.Suppress(call.account_id, *address, call.Actor(body), *why, &created, &s);
  if (!st.ok()) return call.Fail(st);
  Json j = app::SuppressionJson(s);
  j["created"] = created;
  call.Send(created ? 201 : 200, j);
}

void RemoveSuppression(Call& call) {
  // Who and why come as query parameters (a DELETE has no body by
  // convention) or in a JSON body.
  Json body = Json::object();
  if (!call.req.body.empty()) {
    if (!call.JsonBody(&body)) return;
  }
  std::optional<std::string> why, by;
  std::optional<bool> confirm;
  if (!OptionalString(call, body, "why", &why) || !OptionalString(call, body, "by", &by) ||
      !OptionalBool(call, body, "confirm", &confirm)) {
    return;
  }
  if (!why && call.HasQuery("why")) why = call.Query("why");
  if (!by && call.HasQuery("by")) body["by"] = call.Query("by");
  if (!confirm && call.HasQuery("confirm")) confirm = call.Query("confirm") == "true";
  if (!why || why->empty()) return call.Fail(400, "bad_request", "say why in \"why\" (it is recorded)");
  app::Status st =
      call.app.RemoveSuppression(call.account_id, call.params[0], call.Actor(body), *why, confirm.value_or(false));
  if (!st.ok()) return call.Fail(st);
  call.Send(200, Json{{"address", store::NormalizeAddress(call.params[0])}, {"suppressed", false}});
}

}  // namespace

void AddContactRoutes(std::vector<Route>* r) {
  r->push_back({"POST", "/v1/contacts", Access::kWrite, true, Import});
  r->push_back({"GET", "/v1/contacts", Access::kRead, true, List});
  r->push_back({"GET", "/v1/contacts/{address}", Access::kRead, true, Get});
  r->push_back({"POST", "/v1/contacts/{address}/unbounce", Access::kWrite, true, Unbounce});
  r->push_back({"GET", "/v1/suppressions", Access::kRead, true, ListSuppressions});
  r->push_back({"POST", "/v1/suppressions", Access::kWrite, true, AddSuppression});
  r->push_back({"DELETE", "/v1/suppressions/{address}", Access::kWrite, true, RemoveSuppression});
}

}  // namespace rebound::http
