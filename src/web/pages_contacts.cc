// Contacts (search, one contact, unbounce) and suppressions (list, add,
// lift, CSV export).
#include "app/csv.h"
#include "app/json.h"
#include "web/page.h"

namespace rebound::web {

namespace {

constexpr size_t kPage = 50;

const std::vector<std::string>& Statuses() {
  static const std::vector<std::string> s = {"none", "soft", "hard", "global"};
  return s;
}

std::string Why(const Page& p, const policy::ContactView& v) { return p.SuppressionLabel(v.suppression); }

void Contacts(Page& p) {
  store::ContactFilter f;
  f.account_id = p.session.account_id;
  f.address_prefix = p.Query("q");
  f.bounce_status = p.Query("status");
  f.reason = p.Query("reason");
  if (std::find(Statuses().begin(), Statuses().end(), f.bounce_status) == Statuses().end()) f.bounce_status.clear();
  if (std::find(HardReasons().begin(), HardReasons().end(), f.reason) == HardReasons().end()) f.reason.clear();
  const int64_t after = std::strtoll(p.Query("after").c_str(), nullptr, 10);
  std::vector<store::ContactRow> rows;
  app::Status st = p.app.ListContacts(f, after, kPage + 1, &rows);
  if (!st.ok()) return p.Failed(st);
  Data d;
  d.set("q", f.address_prefix);
  d.set("status_options",
        Options(p, Statuses(), f.bounce_status, [&](const std::string& s) { return p.StatusLabel(s); }));
  d.set("reason_options", Options(p, HardReasons(), f.reason, [&](const std::string& r) { return p.ReasonLabel(r); }));
  if (rows.size() > kPage) {
    rows.resize(kPage);
    d.set("next_url", "/contacts?q=" + QueryValue(f.address_prefix) + "&status=" + f.bounce_status +
                          "&reason=" + f.reason + "&after=" + std::to_string(rows.back().contact.id));
  }
  Data list{Data::type::list};
  for (const store::ContactRow& r : rows) {
    const std::string status = r.global_since != 0 ? "global" : r.contact.bounce_status;
    const bool suppressed = !r.suppression_kind.empty() || r.global_since != 0;
    Data c;
    c.set("address", r.contact.address);
    c.set("url", "/contacts/" + PathSegment(r.contact.address));
    c.set("status", status);
    c.set("status_label", p.StatusLabel(status));
    c.set("reason_label", p.ReasonLabel(r.contact.hard_bounce_reason));
    c.set("suppressed_label",
          suppressed ? p.SuppressionLabel(r.suppression_kind.empty() ? "global_bounce" : r.suppression_kind) : "");
    list.push_back(c);
  }
  d.set("contacts", list);
  p.Html(200, "contacts", d, p.T("contacts.title"), "contacts");
}

void ShowContact(Page& p, int status) {
  app::ContactDetail c;
  app::Status st = p.app.GetContact(p.session.account_id, p.params[0], &c);
  if (!st.ok()) return p.Failed(st);
  // An address that is not a contact of the account, and that nothing
  // happened to in it, is not there for it (a GLOBAL elsewhere included).
  if (!c.view.exists && c.timeline.empty()) return p.NotFound();
  const policy::ContactView& v = c.view;
  Data d;
  d.set("address", c.address);
  d.set("known", v.exists);
  d.set("status", v.status);
  d.set("status_label", p.StatusLabel(v.status));
  d.set("reason", v.contact.hard_bounce_reason);
  d.set("reason_label",
        v.contact.hard_bounce_reason.empty() ? p.T("common.none") : p.ReasonLabel(v.contact.hard_bounce_reason));
  d.set("eligible", v.suppressed ? "no" : "yes");
  d.set("marketing_label",
        v.suppressed ? Fill(p.T("contact.suppressed_because"), {{"why", Why(p, v)}}) : p.T("contact.allowed"));
  if (v.suppressed) d.set("since", p.Date(v.suppression == "global_bounce" ? c.global_since : v.suppression_row.since));
  if (v.status == "hard") d.set("action", p.ActionLabel(v.contact.hard_bounce_reason));
  const bool global = v.status == "global";
  d.set("can_unbounce", global || (v.suppressed && v.suppression == "hard_bounce"));
  d.set("global", global);
  d.set("unbounce_url", "/contacts/" + PathSegment(c.address) + "/unbounce");
  const std::string& reason = v.suppression_row.reason;
  const bool dead = reason == "UNKNOWN_USER" || reason == "MAILBOX_FULL";
  d.set("needs_confirm", dead);
  if (dead) d.set("confirm_text", Fill(p.T("unbounce.confirm_dead"), {{"reason", p.ReasonLabel(reason)}}));
  d.set("timeline", p.Timeline(c.timeline));
  p.Html(status, "contact", d, p.T("contact.title") + ": " + c.address, "contacts");
}

void OneContact(Page& p) {
  if (p.Query("done") == "unbounced") p.notice = p.T("unbounce.done");
  ShowContact(p, 200);
}

void Unbounce(Page& p) {
  const std::string why = p.Form("why");
  if (why.empty()) {
    p.error = p.T("error.why_required");
    return ShowContact(p, 400);
  }
  app::Status st = p.app.Unbounce(p.session.account_id, p.params[0], p.session.email, why, p.Form("confirm") == "yes");
  switch (st.code()) {
    case app::Code::kOk:
      return p.Redirect("/contacts/" + PathSegment(store::NormalizeAddress(p.params[0])) + "?done=unbounced");
    case app::Code::kConfirmationRequired:
      p.error = p.T("error.confirm_required");
      return ShowContact(p, 409);
    case app::Code::kForbidden:
      p.error = p.T("error.global_only_operator");
      return ShowContact(p, 403);
    case app::Code::kNotFound:
      p.error = p.T("error.not_suppressed");
      return ShowContact(p, 404);
    default:
      return p.Failed(st);
  }
}

void Suppressions(Page& p) {
  store::SuppressionFilter f;
  f.account_id = p.session.account_id;
  f.kind = p.Query("kind");
  f.reason = p.Query("reason");
  static const std::vector<std::string> kinds = {"hard_bounce", "complaint", "manual"};
  if (std::find(kinds.begin(), kinds.end(), f.kind) == kinds.end()) f.kind.clear();
  if (std::find(HardReasons().begin(), HardReasons().end(), f.reason) == HardReasons().end()) f.reason.clear();
  const std::string after = p.Query("after");
  std::vector<store::Suppression> rows;
  app::Status st = p.app.ListSuppressions(f, after, kPage + 1, &rows);
  if (!st.ok()) return p.Failed(st);
  const std::string done = p.Query("done");
  if (done == "added") p.notice = p.T("suppressions.added");
  if (done == "already") p.notice = p.T("suppressions.already");
  if (done == "removed") p.notice = p.T("suppressions.removed");
  Data d;
  d.set("kind_options", Options(p, kinds, f.kind, [&](const std::string& k) { return p.SuppressionLabel(k); }));
  d.set("reason_options", Options(p, HardReasons(), f.reason, [&](const std::string& r) { return p.ReasonLabel(r); }));
  if (rows.size() > kPage) {
    rows.resize(kPage);
    d.set("next_url",
          "/suppressions?kind=" + f.kind + "&reason=" + f.reason + "&after=" + QueryValue(rows.back().address));
  }
  Data list{Data::type::list};
  int n = 0;
  for (const store::Suppression& s : rows) {
    Data e;
    e.set("n", std::to_string(++n));
    e.set("address", s.address);
    e.set("url", "/contacts/" + PathSegment(s.address));
    e.set("remove_url", "/suppressions/" + PathSegment(s.address) + "/remove");
    e.set("kind_label", p.SuppressionLabel(s.kind));
    e.set("reason_label", p.ReasonLabel(s.reason));
    e.set("since", p.Date(s.since));
    e.set("note", s.note);
    e.set("needs_confirm", s.reason == "UNKNOWN_USER" || s.reason == "MAILBOX_FULL");
    e.set("csrf", p.session.csrf);
    list.push_back(e);
  }
  d.set("suppressions", list);
  d.set("add_open", p.Query("add") == "1");
  p.Html(200, "suppressions", d, p.T("suppressions.title"), "suppressions");
}

void AddSuppression(Page& p) {
  bool created = false;
  store::Suppression s;
  app::Status st =
      p.app.Suppress(p.session.account_id, p.Form("address"), p.session.email, p.Form("why"), &created, &s);
  if (!st.ok()) return p.Failed(st);
  p.Redirect(std::string("/suppressions?done=") + (created ? "added" : "already"));
}

void RemoveSuppression(Page& p) {
  app::Status st = p.app.RemoveSuppression(p.session.account_id, p.params[0], p.session.email, p.Form("why"),
                                           p.Form("confirm") == "yes");
  if (st.code() == app::Code::kConfirmationRequired) {
    p.error = p.T("error.confirm_required");
    return Suppressions(p);
  }
  if (st.code() == app::Code::kForbidden) {
    p.error = p.T("error.global_only_operator");
    return Suppressions(p);
  }
  if (!st.ok()) return p.Failed(st);
  p.Redirect("/suppressions?done=removed");
}

void ExportCsv(Page& p) {
  app::App* a = &p.app;
  const int64_t account = p.session.account_id;
  p.res.set_header("Content-Disposition", "attachment; filename=\"suppressions.csv\"");
  p.res.set_chunked_content_provider("text/csv; charset=utf-8", [a, account](size_t, httplib::DataSink& sink) {
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
    if (st.ok() && open) sink.done();
    return st.ok() && open;
  });
}

}  // namespace

void AddContactPages(std::vector<PageRoute>* r) {
  r->push_back({"GET", "/contacts", Who::kAccountUser, Contacts});
  r->push_back({"GET", "/contacts/{address}", Who::kAccountUser, OneContact});
  r->push_back({"POST", "/contacts/{address}/unbounce", Who::kAccountUser, Unbounce});
  r->push_back({"GET", "/suppressions", Who::kAccountUser, Suppressions});
  r->push_back({"POST", "/suppressions", Who::kAccountUser, AddSuppression});
  r->push_back({"POST", "/suppressions/{address}/remove", Who::kAccountUser, RemoveSuppression});
  r->push_back({"GET", "/suppressions.csv", Who::kAccountUser, ExportCsv});
}

}  // namespace rebound::web
