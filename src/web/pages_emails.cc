// Emails: the list, one email with its recipients view, one recipient, a
// raw bounce message.
#include <nlohmann/json.hpp>

#include "app/json.h"
#include "web/page.h"

namespace rebound::web {

namespace {

constexpr size_t kPage = 50;

bool Id(Page& p, size_t index, int64_t* out) {
  const std::string& v = p.params.at(index);
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n <= 0 || v.size() > 18) {
    p.NotFound();
    return false;
  }
  *out = n;
  return true;
}

int64_t CursorParam(const Page& p) {
  const std::string v = p.Query("after");
  return std::strtoll(v.c_str(), nullptr, 10);
}

void Emails(Page& p) {
  std::vector<app::EmailView> emails;
  const int64_t before = CursorParam(p);
  app::Status st = p.app.ListEmails(p.session.account_id, before, kPage + 1, &emails);
  if (!st.ok()) return p.Failed(st);
  Data d;
  if (emails.size() > kPage) {
    emails.resize(kPage);
    d.set("next_url", "/emails?after=" + std::to_string(emails.back().email.id));
  }
  Data list{Data::type::list};
  for (const app::EmailView& v : emails) {
    const store::SendCounts& c = v.counts;
    const int64_t sent = c.attempted();
    auto rate = [&](int64_t n) {
      return p.Percent(sent == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(sent));
    };
    Data e;
    e.set("id", std::to_string(v.email.id));
    e.set("subject", v.email.subject.empty() ? "—" : v.email.subject);
    e.set("state", v.email.state);
    e.set("state_label", p.StateLabel(v.email.state));
    e.set("created", p.Date(v.email.created_at));
    e.set("sent", p.Number(sent));
    e.set("delivered", p.Number(c.delivered));
    e.set("delivered_rate", rate(c.delivered));
    e.set("bounced", p.Number(c.bounced_hard + c.bounced_soft));
    e.set("bounced_rate", rate(c.bounced_hard + c.bounced_soft));
    e.set("hard_rate", rate(c.bounced_hard));
    list.push_back(e);
  }
  d.set("emails", list);
  p.Html(200, "emails", d, p.T("emails.title"), "emails");
}

void OneEmail(Page& p) {
  int64_t id = 0;
  if (!Id(p, 0, &id)) return;
  app::EmailView v;
  app::Status st = p.app.GetEmail(p.session.account_id, id, &v);
  if (!st.ok()) return p.Failed(st);
  app::Bucket bucket = app::Bucket::kBounced;
  std::string bucket_name = p.Query("bucket");
  if (bucket_name.empty()) bucket_name = "bounced";
  if (!app::ParseBucket(bucket_name, &bucket) || bucket == app::Bucket::kAll) {
    bucket = app::Bucket::kBounced;
    bucket_name = "bounced";
  }
  std::string type = p.Query("type");
  std::string reason = p.Query("reason");
  if (type != "HARD" && type != "SOFT") type.clear();
  if (std::find(AllReasons().begin(), AllReasons().end(), reason) == AllReasons().end()) reason.clear();
  if (bucket != app::Bucket::kBounced) type.clear(), reason.clear();
  const int64_t after = CursorParam(p);
  std::vector<store::Recipient> rows;
  st = p.app.ListRecipients(p.session.account_id, id, bucket, after, kPage + 1, &rows, type, reason);
  if (!st.ok()) return p.Failed(st);

  const store::SendCounts& c = v.counts;
  const std::string base = "/emails/" + std::to_string(id);
  Data d;
  d.set("id", std::to_string(id));
  d.set("subject", v.email.subject.empty() ? "—" : v.email.subject);
  d.set("from", v.email.from);
  d.set("created", p.Date(v.email.created_at));
  d.set("state", v.email.state);
  d.set("state_label", p.StateLabel(v.email.state));
  if (v.email.state == "paused") {
    d.set("paused", true);
    d.set("paused_text",
          Fill(p.T("email.paused_banner"), {{"rate", p.Percent(static_cast<double>(v.email.paused_rate_bp) / 10000)}}));
  }
  Data buckets{Data::type::list};
  const std::pair<const char*, int64_t> counts[] = {{"delivered", c.delivered},
                                                    {"pending", c.queued + c.pending},
                                                    {"bounced", c.bounced_hard + c.bounced_soft},
                                                    {"not_sent", c.not_sent}};
  for (const auto& [name, n] : counts) {
    Data b;
    b.set("name", name);
    b.set("label", p.T(std::string("bucket.") + name));
    b.set("count", p.Number(n));
    b.set("url", base + "?bucket=" + name);
    b.set("current", bucket_name == name);
    buckets.push_back(b);
  }
  d.set("buckets", buckets);
  const bool bounced = bucket == app::Bucket::kBounced;
  const bool show_bounce = bounced || bucket == app::Bucket::kPending;
  d.set("bounced_view", bounced);
  d.set("show_bounce", show_bounce);
  d.set("show_why", bucket == app::Bucket::kNotSent);
  d.set("type_options", Options(p, {"HARD", "SOFT"}, type, [&](const std::string& t) { return p.TypeLabel(t); }));
  d.set("reason_options", Options(p, AllReasons(), reason, [&](const std::string& r) { return p.ReasonLabel(r); }));
  std::string next;
  if (rows.size() > kPage) {
    rows.resize(kPage);
    next = base + "?bucket=" + bucket_name + "&type=" + type + "&reason=" + reason +
           "&after=" + std::to_string(rows.back().send.id);
  }
  Data list{Data::type::list};
  for (const store::Recipient& r : rows) {
    const store::Send& s = r.send;
    Data e;
    e.set("address", s.address);
    e.set("url", base + "/recipients/" + std::to_string(s.id));
    e.set("state_label", p.StateLabel(s.state));
    e.set("show_bounce", show_bounce);
    e.set("show_why", bucket == app::Bucket::kNotSent);
    e.set("type_label", p.TypeLabel(s.state == "pending" ? "PENDING" : s.bounce_type));
    e.set("reason_label", p.ReasonLabel(s.reason));
    e.set("action", p.ActionLabel(s.reason));
    e.set("server_response", s.last_reply);
    e.set("why_label", p.WhyLabel(s.reason));
    list.push_back(e);
  }
  d.set("recipients", list);
  if (!next.empty()) {
    d.set("next_url", next);
    d.set("first_url", base + "?bucket=" + bucket_name + "&type=" + type + "&reason=" + reason);
  }
  p.Html(200, "email", d, v.email.subject.empty() ? p.T("emails.title") : v.email.subject, "emails");
}

void Resume(Page& p) {
  int64_t id = 0;
  if (!Id(p, 0, &id)) return;
  app::EmailView v;
  app::Status st = p.app.ResumeEmail(p.session.account_id, id, &v);
  if (!st.ok() && st.code() != app::Code::kConflict) return p.Failed(st);
  p.Redirect("/emails/" + std::to_string(id) + "?bucket=pending");
}

void OneRecipient(Page& p) {
  int64_t email_id = 0;
  int64_t send_id = 0;
  if (!Id(p, 0, &email_id) || !Id(p, 1, &send_id)) return;
  app::EmailView v;
  app::Status st = p.app.GetEmail(p.session.account_id, email_id, &v);
  if (!st.ok()) return p.Failed(st);
  std::vector<store::Recipient> rows;
  st = p.app.ListRecipients(p.session.account_id, email_id, app::Bucket::kAll, send_id - 1, 1, &rows);
  if (!st.ok()) return p.Failed(st);
  if (rows.empty() || rows[0].send.id != send_id) return p.NotFound();
  const store::Recipient& r = rows[0];
  const store::Send& s = r.send;
  Data d;
  d.set("email_id", std::to_string(email_id));
  d.set("email_subject", v.email.subject);
  d.set("address", s.address);
  d.set("contact_url", "/contacts/" + PathSegment(s.address));
  d.set("state_label", p.StateLabel(s.state));
  d.set("attempts", p.Number(s.attempts));
  if (s.state == "bounced" || s.state == "pending") {
    d.set("type_label", p.TypeLabel(s.state == "pending" ? "PENDING" : s.bounce_type));
    d.set("reason_label", p.ReasonLabel(s.reason));
    d.set("action", p.ActionLabel(s.reason));
    d.set("server_response", s.last_reply);
  }
  if (s.state == "not_sent") d.set("why_label", p.WhyLabel(s.reason));
  Data evidence{Data::type::list};
  if (r.bounce_event_id != 0) {
    store::BounceEvent e;
    if (p.app.GetBounce(p.session.account_id, r.bounce_event_id, &e).ok()) {
      d.set("status", e.status);
      d.set("reply_code", e.reply_code);
      d.set("cause", e.cause);
      d.set("format", e.format);
      d.set("remote_mta", e.remote_mta);
      if (!e.diagnostic.empty()) d.set("server_response", e.diagnostic);
      const nlohmann::json ev = nlohmann::json::parse(e.evidence, nullptr, false);
      if (ev.is_array()) {
        for (const auto& item : ev) {
          if (item.is_string()) evidence.push_back(Data(item.get<std::string>()));
        }
      }
      d.set("raw_url", "/bounces/" + std::to_string(e.id) + "/raw");
    }
  }
  d.set("evidence", evidence);
  d.set("has_evidence", !evidence.is_empty_list());
  app::ContactDetail contact;
  st = p.app.GetContact(p.session.account_id, s.address, &contact);
  if (!st.ok()) return p.Failed(st);
  d.set("timeline", p.Timeline(contact.timeline));
  p.Html(200, "recipient", d, p.T("recipient.title") + ": " + s.address, "emails");
}

void Raw(Page& p) {
  int64_t id = 0;
  if (!Id(p, 0, &id)) return;
  std::string raw;
  app::Status st = p.app.GetBounceRaw(p.session.account_id, id, &raw);
  if (!st.ok()) return p.Failed(st);
  Data d;
  d.set("raw", store::ValidUtf8(raw));
  p.Html(200, "raw", d, p.T("raw.title"), "emails");
}

}  // namespace

void AddEmailPages(std::vector<PageRoute>* r) {
  r->push_back({"GET", "/emails", Who::kAccountUser, Emails});
  r->push_back({"GET", "/emails/{id}", Who::kAccountUser, OneEmail});
  r->push_back({"POST", "/emails/{id}/resume", Who::kAccountUser, Resume});
  r->push_back({"GET", "/emails/{id}/recipients/{send}", Who::kAccountUser, OneRecipient});
  r->push_back({"GET", "/bounces/{id}/raw", Who::kAccountUser, Raw});
}

}  // namespace rebound::web
