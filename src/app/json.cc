#include "app/json.h"

#include <ctime>

#include "classify/verdict.h"

namespace rebound::app {

namespace {

Json Evidence(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_array() ? j : Json::array();
}

Json Properties(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

Json RecommendedAction(const std::string& reason_name) {
  classify::Reason r = classify::Reason::kNone;
  if (!classify::ParseReason(reason_name, &r)) return nullptr;
  std::string_view action = classify::RecommendedAction(r);
  return action.empty() ? Json(nullptr) : Json(std::string(action));
}

// What kind of thing a bounce event records.
std::string EventKind(const store::BounceEvent& e) {
  if (e.type != "NONE") return "bounce";
  if (e.cause == "feedback") return "complaint";
  if (e.cause == "delivered") return "delivery_notice";
  return "auto_reply";
}

bool Digits(std::string_view s, size_t at, size_t n, int* out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string Rfc3339(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json Time(int64_t t) { return t == 0 ? Json(nullptr) : Json(Rfc3339(t)); }

bool ParseTime(std::string_view s, int64_t* out) {
  struct tm tm {};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(s, 0, 4, &year) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, &day)) {
    return false;
  }
  size_t i = 10;
  int64_t offset = 0;
  if (i < s.size()) {
    if ((s[i] != 'T' && s[i] != 't' && s[i] != ' ') || !Digits(s, i + 1, 2, &hour) || s.size() < i + 9 ||
        s[i + 3] != ':' || !Digits(s, i + 4, 2, &minute) || s[i + 6] != ':' || !Digits(s, i + 7, 2, &second)) {
      return false;
    }
    i += 9;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
    if (i >= s.size()) return false;  // RFC 3339 requires the offset
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh = 0, om = 0;
      if (!Digits(s, i + 1, 2, &oh) || s.size() < i + 6 || s[i + 3] != ':' || !Digits(s, i + 4, 2, &om)) {
        return false;
      }
      offset = (s[i] == '+' ? 1 : -1) * (int64_t{oh} * 3600 + int64_t{om} * 60);
      i += 6;
    } else {
      return false;
    }
    if (i != s.size()) return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  *out = static_cast<int64_t>(timegm(&tm)) - offset;
  return true;
}

Json TextOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json AccountJson(const store::Account& a, const policy::Settings& e) {
  return Json{
      {"id", a.name},
      {"name", a.name},
      {"created_at", Time(a.created_at)},
      {"suppression_policy", a.policy},
      {"healing",
       {{"second_within_days", e.healing_second_within / 86400}, {"lapse_after_days", e.healing_lapse_after / 86400}}},
      {"bounce_brake",
       {{"min_sends", e.brake_min_sends}, {"max_hard_bounce_rate", static_cast<double>(e.brake_max_hard_bp) / 10000}}}};
}

Json KeyJson(const store::ApiKey& k) {
  return Json{{"id", k.id},
              {"name", k.name},
              {"scope", k.scope},
              {"prefix", k.prefix},
              {"created_at", Time(k.created_at)},
              {"last_used_at", Time(k.last_used_at)},
              {"revoked_at", Time(k.revoked_at)}};
}

Json BounceJson(const store::BounceEvent& e) {
  return Json{{"id", e.id},
              {"kind", EventKind(e)},
              {"address", e.address},
              {"type", e.type},
              {"reason", TextOrNull(e.reason)},
              {"recommended_action", RecommendedAction(e.reason)},
              {"cause", e.cause},
              {"status", TextOrNull(e.status)},
              {"reply_code", TextOrNull(e.reply_code)},
              {"diagnostic", TextOrNull(e.diagnostic)},
              {"remote_mta", TextOrNull(e.remote_mta)},
              {"format", TextOrNull(e.format)},
              {"evidence", Evidence(e.evidence)},
              {"send_id", e.send_id == 0 ? Json(nullptr) : Json(e.send_id)},
              {"email_id", e.email_id == 0 ? Json(nullptr) : Json(e.email_id)},
              {"occurred_at", Time(e.occurred_at)},
              {"lifted", e.lifted},
              {"channel", e.channel},
              {"matched_by", TextOrNull(e.matched_by)}};
}

Json ContactJson(const ContactDetail& d, bool with_timeline) {
  const policy::ContactView& v = d.view;
  Json suppression = nullptr;
  if (v.suppressed) {
    if (v.suppression == "global_bounce") {
      suppression =
          Json{{"kind", "global_bounce"}, {"reason", nullptr}, {"since", Time(d.global_since)}, {"note", nullptr}};
    } else {
      suppression = Json{{"kind", v.suppression},
                         {"reason", TextOrNull(v.suppression_row.reason)},
                         {"since", Time(v.suppression_row.since)},
                         {"note", TextOrNull(v.suppression_row.note)}};
    }
  }
  Json j{{"address", d.address},
         {"known", v.exists},
         {"bounce_status", v.status},
         {"email_hard_bounce_reason", TextOrNull(v.contact.hard_bounce_reason)},
         {"recommended_action", v.status == "hard" ? RecommendedAction(v.contact.hard_bounce_reason) : Json(nullptr)},
         {"suppressed", v.suppressed},
         {"suppression", suppression},
         {"properties", Properties(v.contact.properties)}};
  if (with_timeline) {
    Json timeline = Json::array();
    for (const store::TimelineEntry& t : d.timeline) timeline.push_back(TimelineJson(t));
    j["timeline"] = std::move(timeline);
  }
  return j;
}

Json ContactRowJson(const store::ContactRow& r) {
  std::string status = r.global_since != 0 ? "global" : r.contact.bounce_status;
  Json suppression = nullptr;
  if (!r.suppression_kind.empty()) {
    suppression = Json{{"kind", r.suppression_kind},
                       {"reason", TextOrNull(r.suppression_reason)},
                       {"since", Time(r.suppressed_since)}};
  } else if (r.global_since != 0) {
    suppression = Json{{"kind", "global_bounce"}, {"reason", nullptr}, {"since", Time(r.global_since)}};
  }
  return Json{{"address", r.contact.address},
              {"bounce_status", status},
              {"email_hard_bounce_reason", TextOrNull(r.contact.hard_bounce_reason)},
              {"suppressed", !suppression.is_null()},
              {"suppression", suppression},
              {"properties", Properties(r.contact.properties)},
              {"created_at", Time(r.created_at)}};
}

Json TimelineJson(const store::TimelineEntry& t) {
  Json j{{"at", Time(t.at)}, {"kind", t.kind}};
  if (t.kind == "bounce" || t.kind == "complaint" || t.kind == "delivery_notice" || t.kind == "auto_reply") {
    j["bounce"] = BounceJson(t.event);
  }
  if (t.send_id != 0) j["send_id"] = t.send_id;
  if (t.email_id != 0) j["email_id"] = t.email_id;
  if (t.kind == "delivered" || t.kind == "one_to_one_sent") j["reply"] = TextOrNull(t.reply);
  if (!t.by.empty()) {
    j["by"] = t.by;
    j["why"] = t.why;
  }
  if (!t.suppression_kind.empty()) j["suppression_kind"] = t.suppression_kind;
  if (!t.reason.empty()) j["reason"] = t.reason;
  return j;
}

Json SuppressionJson(const store::Suppression& s) {
  return Json{{"address", s.address},
              {"kind", s.kind},
              {"reason", TextOrNull(s.reason)},
              {"since", Time(s.since)},
              {"note", TextOrNull(s.note)}};
}

std::string BucketOf(const std::string& state) {
  if (state == "delivered") return "delivered";
  if (state == "bounced") return "bounced";
  if (state == "not_sent") return "not_sent";
  return "pending";  // queued or pending: still on its way
}

Json EmailJson(const EmailView& v) {
  const store::Email& e = v.email;
  const store::SendCounts& c = v.counts;
  const int64_t attempted = c.attempted();
  auto rate = [&](int64_t n) { return attempted == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(attempted); };
  Json paused = nullptr;
  if (e.state == "paused") {
    paused = Json{{"at", Time(e.paused_at)},
                  {"hard_bounce_rate", static_cast<double>(e.paused_rate_bp) / 10000},
                  {"reason", "the hard bounce rate passed the account's limit; resume sends the rest"}};
  }
  return Json{{"id", e.id},
              {"subject", e.subject},
              {"from", e.from},
              {"state", e.state},
              {"created_at", Time(e.created_at)},
              {"finished_at", Time(e.finished_at)},
              {"paused", paused},
              {"counts",
               {{"recipients", c.total()},
                {"delivered", c.delivered},
                {"pending", c.queued + c.pending},
                {"bounced", c.bounced_hard + c.bounced_soft},
                {"hard_bounced", c.bounced_hard},
                {"soft_bounced", c.bounced_soft},
                {"not_sent", c.not_sent}}},
              {"rates",
               {{"delivered", rate(c.delivered)},
                {"bounced", rate(c.bounced_hard + c.bounced_soft)},
                {"hard_bounced", rate(c.bounced_hard)}}}};
}

Json RecipientJson(const store::Recipient& r) {
  const store::Send& s = r.send;
  const std::string bucket = BucketOf(s.state);
  Json j{{"send_id", s.id},  {"address", s.address},   {"bucket", bucket},
         {"state", s.state}, {"attempts", s.attempts}, {"first_attempt_at", Time(s.first_attempt_at)}};
  if (bucket == "bounced" || bucket == "pending") {
    if (bucket == "bounced") {
      j["type"] = TextOrNull(s.bounce_type);
    } else {
      j["type"] = s.state == "pending" ? Json("PENDING") : Json(nullptr);
    }
    j["reason"] = TextOrNull(s.reason);
    j["recommended_action"] = RecommendedAction(s.reason);
    j["server_response"] = TextOrNull(s.last_reply);
    j["status"] = TextOrNull(r.status);
    j["reply_code"] = TextOrNull(r.reply_code);
    j["cause"] = TextOrNull(r.cause);
    j["bounce_id"] = r.bounce_event_id == 0 ? Json(nullptr) : Json(r.bounce_event_id);
    if (s.state == "pending") j["next_attempt_at"] = Time(s.next_attempt_at);
  }
  if (bucket == "not_sent") j["why"] = TextOrNull(s.reason);
  return j;
}

Json InboxJson(const store::Inbox& i) {
  return Json{{"id", i.id},
              {"user_email", i.user_email},
              {"address", i.address},
              {"provider", i.provider},
              {"imap_host", i.imap_host},
              {"imap_port", i.imap_port},
              {"imap_tls", i.imap_tls},
              {"smtp_host", i.smtp_host},
              {"smtp_port", i.smtp_port},
              {"smtp_tls", i.smtp_tls},
              {"username", i.username},
              {"auth", i.auth},
              {"state", i.state},
              {"last_error", TextOrNull(i.last_error)},
              {"state_at", Time(i.state_at)},
              {"created_at", Time(i.created_at)}};
}

Json OneToOneJson(const OneToOneResult& r) {
  return Json{
      {"email_id", r.email_id},       {"send_id", r.send_id},       {"message_id", r.message_id},    {"state", r.state},
      {"reply", TextOrNull(r.reply)}, {"type", TextOrNull(r.type)}, {"reason", TextOrNull(r.reason)}};
}

Json EndpointJson(const store::WebhookEndpoint& e) {
  Json types = Json::parse(e.event_types, nullptr, false);
  return Json{{"id", e.id},
              {"url", e.url},
              {"description", e.description},
              {"event_types", types.is_array() ? types : Json::array()},
              {"enabled", e.enabled},
              {"disabled_reason", TextOrNull(e.disabled_reason)},
              {"created_at", Time(e.created_at)},
              {"updated_at", Time(e.updated_at)}};
}

Json AttemptJson(const store::AttemptRow& a) {
  return Json{{"id", a.id},
              {"event_id", "evt_" + std::to_string(a.event_id)},
              {"event_type", a.event_type},
              {"at", Time(a.at)},
              {"status", a.status == 0 ? Json(nullptr) : Json(a.status)},
              {"error", TextOrNull(a.error)},
              {"duration_ms", a.duration_ms},
              {"delivery_state", a.delivery_state}};
}

Json GlobalJson(const GlobalEntry& g) {
  return Json{{"address", g.address}, {"since", Time(g.since)}, {"accounts", g.accounts}};
}

Json IngestJson(const IngestResult& r) {
  Json records = Json::array();
  for (const IngestedRecord& i : r.records) {
    const policy::Incoming& in = i.record.incoming;
    Json j{{"recipient", TextOrNull(store::NormalizeAddress(in.address))},
           {"type", std::string(classify::TypeName(in.type))},
           {"reason",
            in.reason == classify::Reason::kNone ? Json(nullptr) : Json(std::string(classify::ReasonName(in.reason)))},
           {"cause", std::string(formats::CauseName(in.cause))},
           {"status", TextOrNull(in.status)},
           {"reply_code", TextOrNull(in.reply_code)},
           {"diagnostic", TextOrNull(in.diagnostic)},
           {"format", TextOrNull(in.format)},
           {"evidence", Evidence(in.evidence)},
           {"send_id", in.send_id == 0 ? Json(nullptr) : Json(in.send_id)}};
    if (!i.record.error.empty() || !i.applied.error.empty()) {
      j["stored"] = false;
      j["error"] = i.record.error.empty() ? i.applied.error : i.record.error;
    } else {
      j["stored"] = true;
      j["bounce_id"] = i.bounce_id == 0 ? Json(nullptr) : Json(i.bounce_id);
      j["duplicate"] = i.applied.outcome.duplicate;
      j["suppressed"] = i.applied.outcome.suppressed;
      j["global"] = i.applied.outcome.became_global;
    }
    records.push_back(std::move(j));
  }
  Json out{{"records", records}, {"stored_as_not_a_bounce", r.stored_as_not_a_bounce}};
  if (r.inbound_id != 0) out["message_id"] = r.inbound_id;
  if (!r.note.empty()) out["note"] = r.note;
  return out;
}

Json StatsJson(const StatsQuery& q, const StatsResult& r) {
  Json buckets = Json::array();
  for (size_t i = 0; i < r.bucket_starts.size(); ++i) {
    buckets.push_back(Json{{"start", Time(r.bucket_starts[i])}, {"sends", r.sends[i]}, {"delivered", r.delivered[i]}});
  }
  Json series = Json::array();
  for (const StatsSeries& s : r.series) {
    Json points = Json::array();
    for (const StatsPoint& p : s.points) {
      points.push_back(
          Json{{"start", Time(p.start)},
               {"sends", p.sends},
               {"bounces", p.bounces},
               {"rate", p.sends == 0 ? 0.0 : static_cast<double>(p.bounces) / static_cast<double>(p.sends)}});
    }
    series.push_back(Json{{"key", s.key}, {"bounces", s.bounces}, {"points", std::move(points)}});
  }
  return Json{{"group_by", q.group_by},     {"interval", q.interval},       {"since", Time(r.since)},
              {"until", Time(r.until)},     {"total_sends", r.total_sends}, {"buckets", std::move(buckets)},
              {"series", std::move(series)}};
}

}  // namespace rebound::app
