#include "store/email_jobs.h"

#include "store/rows.h"

namespace rebound::store {

bool ClaimEmailJob(Store& store, int64_t now, int64_t lease_until, Email* out, bool* found, std::string* error) {
  Db& db = store.db();
  std::string pick =
      "SELECT id FROM emails WHERE state = 'sending' AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT 1";
  if (db.dialect() == Dialect::kPostgres) pick += " FOR UPDATE SKIP LOCKED";
  Rows rows;
  if (!db.Exec("UPDATE emails SET lease_until = ? WHERE id IN (" + pick + ") RETURNING " + std::string(kEmailColumns),
               {lease_until, now}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadEmail(rows[0]);
  return true;
}

bool RenewEmailLease(Store& store, int64_t email_id, int64_t lease_until, std::string* error) {
  return store.db().Exec("UPDATE emails SET lease_until = ? WHERE id = ?", {lease_until, email_id}, nullptr, error);
}

bool QueuedSends(Store& store, int64_t email_id, size_t limit, std::vector<Send>* out, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT " + std::string(kSendColumns) +
                           " FROM sends s JOIN contacts c ON c.id = s.contact_id WHERE s.email_id = ? AND s.state = "
                           "'queued' ORDER BY s.id LIMIT ?",
                       {email_id, static_cast<int64_t>(limit)}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) out->push_back(ReadSend(r));
  return true;
}

bool PauseEmail(Store& store, int64_t email_id, int64_t at, int64_t rate_bp, bool* changed, std::string* error) {
  Rows rows;
  if (!store.db().Exec("UPDATE emails SET state = 'paused', paused_at = ?, paused_rate_bp = ?, lease_until = NULL "
                       "WHERE id = ? AND state = 'sending' RETURNING id",
                       {at, rate_bp, email_id}, &rows, error)) {
    return false;
  }
  *changed = !rows.empty();
  return true;
}

bool ResumeEmail(Store& store, int64_t email_id, int64_t base_sends, int64_t base_hard, bool* changed,
                 std::string* error) {
  Rows rows;
  if (!store.db().Exec("UPDATE emails SET state = 'sending', brake_base_sends = ?, brake_base_hard = ?, lease_until "
                       "= NULL WHERE id = ? AND state = 'paused' RETURNING id",
                       {base_sends, base_hard, email_id}, &rows, error)) {
    return false;
  }
  *changed = !rows.empty();
  return true;
}

bool FinishEmail(Store& store, int64_t email_id, int64_t at, std::string* error) {
  return store.db().Exec(
      "UPDATE emails SET state = 'sent', finished_at = ?, lease_until = NULL WHERE id = ? AND state = 'sending'",
      {at, email_id}, nullptr, error);
}

bool MarkNotSent(Store& store, int64_t send_id, const std::string& why, std::string* error) {
  return store.db().Exec("UPDATE sends SET state = 'not_sent', reason = ? WHERE id = ?", {why, send_id}, nullptr,
                         error);
}

}  // namespace rebound::store
