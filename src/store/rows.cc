#include "store/rows.h"

namespace rebound::store {

Account ReadAccount(const Row& r) {
  Account a;
  a.id = AsInt(r[0]);
  a.name = AsText(r[1]);
  a.policy = AsText(r[2]);
  a.created_at = AsInt(r[3]);
  a.healing_second_within = AsInt(r[4]);
  a.healing_lapse_after = AsInt(r[5]);
  a.brake_min_sends = AsInt(r[6]);
  a.brake_max_hard_bp = AsInt(r[7]);
  return a;
}

Contact ReadContact(const Row& r) {
  return Contact{AsInt(r[0]), AsInt(r[1]), AsText(r[2]), AsText(r[3], "{}"), AsText(r[4]), AsText(r[5], "none")};
}

Email ReadEmail(const Row& r) {
  Email e;
  e.id = AsInt(r[0]);
  e.account_id = AsInt(r[1]);
  e.kind = AsText(r[2]);
  e.subject = AsText(r[3]);
  e.body = AsText(r[4]);
  e.from = AsText(r[5]);
  e.state = AsText(r[6]);
  e.created_at = AsInt(r[7]);
  e.paused_at = AsInt(r[8]);
  e.paused_rate_bp = AsInt(r[9]);
  e.brake_base_sends = AsInt(r[10]);
  e.brake_base_hard = AsInt(r[11]);
  e.finished_at = AsInt(r[12]);
  return e;
}

Send ReadSend(const Row& r) {
  Send s;
  s.id = AsInt(r[0]);
  s.email_id = AsInt(r[1]);
  s.account_id = AsInt(r[2]);
  s.contact_id = AsInt(r[3]);
  s.address = AsText(r[4]);
  s.message_id = AsText(r[5]);
  s.state = AsText(r[6]);
  s.bounce_type = AsText(r[7]);
  s.reason = AsText(r[8]);
  s.last_reply = AsText(r[9]);
  s.first_attempt_at = AsInt(r[10]);
  s.attempts = AsInt(r[11]);
  s.next_attempt_at = AsInt(r[12]);
  return s;
}

Suppression ReadSuppression(const Row& r) {
  return Suppression{AsInt(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), AsInt(r[4]), AsText(r[5])};
}

BounceEvent ReadBounceEvent(const Row& r) {
  BounceEvent e;
  e.id = AsInt(r[0]);
  e.fingerprint = AsText(r[1]);
  e.account_id = AsInt(r[2]);
  e.contact_id = AsInt(r[3]);
  e.send_id = AsInt(r[4]);
  e.address = AsText(r[5]);
  e.type = AsText(r[6]);
  e.reason = AsText(r[7]);
  e.cause = AsText(r[8]);
  e.status = AsText(r[9]);
  e.reply_code = AsText(r[10]);
  e.diagnostic = AsText(r[11]);
  e.format = AsText(r[12]);
  e.evidence = AsText(r[13], "[]");
  e.occurred_at = AsInt(r[14]);
  e.lifted = AsInt(r[15]) != 0;
  e.remote_mta = AsText(r[16]);
  e.channel = AsText(r[17], "marketing");
  e.matched_by = AsText(r[18]);
  return e;
}

Value TextOrNull(const std::string& s) { return s.empty() ? Value(nullptr) : Value(ValidUtf8(s)); }
Value IdOrNull(int64_t id) { return id == 0 ? Value(nullptr) : Value(id); }

std::string InList(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s + ")";
}

}  // namespace rebound::store
