#include "store/store.h"

#include "store/rows.h"

#include <algorithm>
#include <string_view>

namespace rebound::store::migrations {
std::string_view File(std::string_view name);  // embedded migrations/ (generated)
}

namespace rebound::store {

namespace {

// Schema versions, in order. Each is applied once, in its own transaction,
// and recorded in schema_migrations.
struct Migration {
  int version;
  std::string_view name;  // migrations/<name>.<dialect>.sql
};
constexpr Migration kMigrations[] = {{1, "001_init"},  {2, "002_inbound"},     {3, "003_api"},
                                     {4, "004_users"}, {5, "005_stats_daily"}, {6, "006_inboxes"}};

// "001_init" -> the embedded "001_init.sqlite.sql" or "001_init.postgres.sql".
std::string EmbeddedMigration(Dialect d, std::string_view name) {
  std::string key = std::string(name) + (d == Dialect::kSqlite ? ".sqlite.sql" : ".postgres.sql");
  return std::string(migrations::File(key));
}

}  // namespace

std::string NormalizeAddress(std::string_view address) {
  size_t b = 0;
  size_t e = address.size();
  while (b < e && (address[b] == ' ' || address[b] == '\t' || address[b] == '<')) ++b;
  while (e > b && (address[e - 1] == ' ' || address[e - 1] == '\t' || address[e - 1] == '>' || address[e - 1] == '\r' ||
                   address[e - 1] == '\n')) {
    --e;
  }
  std::string out = ValidUtf8(address.substr(b, e - b));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  return out;
}

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size() && !(n == 2 && c < 0xC2) && !(n == 4 && c > 0xF4);
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n == 3) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0));
    }
    if (ok && n == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90));
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

std::unique_ptr<Store> Store::Open(const std::string& url, std::string* error) {
  std::unique_ptr<Db> db = Db::Open(url, error);
  if (!db) return nullptr;
  std::unique_ptr<Store> store(new Store(std::move(db)));
  if (!store->Migrate(error)) return nullptr;
  return store;
}

bool Store::Migrate(std::string* error) {
  // Two processes may start at once: the version table is created if
  // missing, then each migration runs inside a transaction that first
  // re-checks whether another process applied it.
  if (!db_->ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                       "applied_at INTEGER NOT NULL)",
                       error)) {
    return false;
  }
  for (const Migration& m : kMigrations) {
    if (!db_->Begin(error)) return false;
    if (dialect() == Dialect::kPostgres && !db_->ExecScript("LOCK TABLE schema_migrations IN EXCLUSIVE MODE", error)) {
      db_->Rollback();
      return false;
    }
    Rows rows;
    if (!db_->Exec("SELECT version FROM schema_migrations WHERE version = ?", {int64_t{m.version}}, &rows, error)) {
      db_->Rollback();
      return false;
    }
    if (rows.empty()) {
      std::string script = EmbeddedMigration(dialect(), m.name);
      if (script.empty()) {
        *error = "migration " + std::string(m.name) + " is missing from the binary";
        db_->Rollback();
        return false;
      }
      if (!db_->ExecScript(script, error) ||
          !db_->Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", {int64_t{m.version}}, nullptr,
                     error)) {
        *error = "migration " + std::string(m.name) + ": " + *error;
        db_->Rollback();
        return false;
      }
    }
    if (!db_->Commit(error)) return false;
    schema_version_ = m.version;
  }
  return true;
}

bool Store::CreateAccount(const std::string& name, const std::string& policy, int64_t now, Account* out,
                          std::string* error) {
  if (policy != "strict" && policy != "healing") {
    *error = "unknown suppression policy \"" + policy + "\" (strict or healing)";
    return false;
  }
  Rows rows;
  if (!db_->Exec(
          "INSERT INTO accounts (name, policy, created_at) VALUES (?, ?, ?) RETURNING " + std::string(kAccountColumns),
          {name, policy, now}, &rows, error)) {
    return false;
  }
  *out = ReadAccount(rows.at(0));
  return true;
}

bool Store::FindAccount(const std::string& name, Account* out, bool* found, std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE name = ?", {name}, &rows, error))
    return false;
  *found = !rows.empty();
  if (*found) *out = ReadAccount(rows[0]);
  return true;
}

bool Store::FindAccountById(int64_t id, Account* out, bool* found, std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE id = ?", {id}, &rows, error))
    return false;
  *found = !rows.empty();
  if (*found) *out = ReadAccount(rows[0]);
  return true;
}

bool Store::SetAccountPolicy(int64_t account_id, const std::string& policy, std::string* error) {
  if (policy != "strict" && policy != "healing") {
    *error = "unknown suppression policy \"" + policy + "\" (strict or healing)";
    return false;
  }
  return db_->Exec("UPDATE accounts SET policy = ? WHERE id = ?", {policy, account_id}, nullptr, error);
}

bool Store::UpdateAccount(const Account& a, std::string* error) {
  if (a.policy != "strict" && a.policy != "healing") {
    *error = "unknown suppression policy \"" + a.policy + "\" (strict or healing)";
    return false;
  }
  auto number = [](int64_t n) { return n == 0 ? Value(nullptr) : Value(n); };
  return db_->Exec(
      "UPDATE accounts SET policy = ?, healing_second_within = ?, healing_lapse_after = ?, brake_min_sends = ?, "
      "brake_max_hard_bp = ? WHERE id = ?",
      {a.policy, number(a.healing_second_within), number(a.healing_lapse_after), number(a.brake_min_sends),
       number(a.brake_max_hard_bp), a.id},
      nullptr, error);
}

bool Store::ListAccounts(std::vector<Account>* out, std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT " + std::string(kAccountColumns) + " FROM accounts ORDER BY id", {}, &rows, error))
    return false;
  for (const Row& r : rows) out->push_back(ReadAccount(r));
  return true;
}

bool Store::UpsertContact(int64_t account_id, const std::string& address, const std::string& properties, int64_t now,
                          Contact* out, std::string* error) {
  const std::string a = NormalizeAddress(address);
  Rows rows;
  // The no-op update makes RETURNING give the existing row too; imported
  // properties replace the old ones only when given.
  std::string sql =
      "INSERT INTO contacts (account_id, address, properties, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (account_id, address) DO UPDATE SET properties = "
      "CASE WHEN ? = '' THEN contacts.properties ELSE excluded.properties END RETURNING " +
      std::string(kContactColumns);
  if (!db_->Exec(sql, {account_id, a, properties.empty() ? std::string("{}") : properties, now, properties}, &rows,
                 error)) {
    return false;
  }
  *out = ReadContact(rows.at(0));
  return true;
}

bool Store::FindContact(int64_t account_id, const std::string& address, Contact* out, bool* found, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kContactColumns) + " FROM contacts WHERE account_id = ? AND address = ?";
  if (!db_->Exec(sql, {account_id, NormalizeAddress(address)}, &rows, error)) return false;
  *found = !rows.empty();
  if (*found) *out = ReadContact(rows[0]);
  return true;
}

bool Store::SetContactBounceState(int64_t contact_id, const std::string& bounce_status,
                                  const std::string& hard_bounce_reason, std::string* error) {
  return db_->Exec("UPDATE contacts SET bounce_status = ?, hard_bounce_reason = ? WHERE id = ?",
                   {bounce_status, TextOrNull(hard_bounce_reason), contact_id}, nullptr, error);
}

bool Store::CreateEmail(int64_t account_id, const std::string& kind, const std::string& subject,
                        const std::string& body, const std::string& from, int64_t now, int64_t* email_id,
                        std::string* error, const std::string& state) {
  Rows rows;
  if (!db_->Exec("INSERT INTO emails (account_id, kind, subject, body, from_address, created_at, state) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 {account_id, kind, ValidUtf8(subject), ValidUtf8(body), ValidUtf8(from), now, state}, &rows, error)) {
    return false;
  }
  *email_id = AsInt(rows.at(0).at(0));
  return true;
}

bool Store::CreateSend(int64_t email_id, int64_t account_id, int64_t contact_id, const std::string& message_id,
                       int64_t now, int64_t* send_id, std::string* error) {
  Rows rows;
  if (!db_->Exec("INSERT INTO sends (email_id, account_id, contact_id, message_id, created_at) "
                 "VALUES (?, ?, ?, ?, ?) RETURNING id",
                 {email_id, account_id, contact_id, TextOrNull(message_id), now}, &rows, error)) {
    return false;
  }
  *send_id = AsInt(rows.at(0).at(0));
  return true;
}

bool Store::FindSendByMessageId(const std::string& message_id, Send* out, bool* found, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kSendColumns) +
                    " FROM sends s JOIN contacts c ON c.id = s.contact_id WHERE s.message_id = ?";
  if (!db_->Exec(sql, {message_id}, &rows, error)) return false;
  *found = !rows.empty();
  if (*found) *out = ReadSend(rows[0]);
  return true;
}

bool Store::FindSend(int64_t send_id, Send* out, bool* found, std::string* error) {
  Rows rows;
  std::string sql =
      "SELECT " + std::string(kSendColumns) + " FROM sends s JOIN contacts c ON c.id = s.contact_id WHERE s.id = ?";
  if (!db_->Exec(sql, {send_id}, &rows, error)) return false;
  *found = !rows.empty();
  if (*found) *out = ReadSend(rows[0]);
  return true;
}

bool Store::UpdateSend(const Send& s, std::string* error) {
  return db_->Exec(
      "UPDATE sends SET state = ?, bounce_type = ?, reason = ?, last_reply = ?, first_attempt_at = ?, attempts = ?, "
      "next_attempt_at = ? WHERE id = ?",
      {s.state, TextOrNull(s.bounce_type), TextOrNull(s.reason), TextOrNull(s.last_reply),
       s.first_attempt_at == 0 ? Value(nullptr) : Value(s.first_attempt_at), s.attempts,
       s.next_attempt_at == 0 ? Value(nullptr) : Value(s.next_attempt_at), s.id},
      nullptr, error);
}

bool Store::FindEmail(int64_t email_id, Email* out, bool* found, std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT " + std::string(kEmailColumns) + " FROM emails WHERE id = ?", {email_id}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadEmail(rows[0]);
  return true;
}

bool Store::DueSends(int64_t now, int64_t started_after, size_t limit, std::vector<Send>* out, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kSendColumns) +
                    " FROM sends s JOIN contacts c ON c.id = s.contact_id WHERE s.state = 'pending' AND "
                    "s.next_attempt_at <= ? AND s.first_attempt_at > ? ORDER BY s.next_attempt_at, s.id LIMIT ?";
  if (dialect() == Dialect::kPostgres) sql += " FOR UPDATE OF s SKIP LOCKED";
  if (!db_->Exec(sql, {now, started_after, static_cast<int64_t>(limit)}, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadSend(r));
  return true;
}

bool Store::SendsOfEmail(int64_t email_id, std::vector<Send>* out, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kSendColumns) +
                    " FROM sends s JOIN contacts c ON c.id = s.contact_id WHERE s.email_id = ? ORDER BY s.id";
  if (!db_->Exec(sql, {email_id}, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadSend(r));
  return true;
}

bool Store::RecordAttempt(int64_t send_id, int64_t at, const std::string& reply, const std::string& type,
                          const std::string& reason, std::string* error) {
  return db_->Exec("INSERT INTO delivery_attempts (send_id, at, reply, type, reason) VALUES (?, ?, ?, ?, ?)",
                   {send_id, at, TextOrNull(reply), TextOrNull(type), TextOrNull(reason)}, nullptr, error);
}

bool Store::PendingSendsStartedBefore(int64_t cutoff, std::vector<Send>* out, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kSendColumns) +
                    " FROM sends s JOIN contacts c ON c.id = s.contact_id WHERE s.state = 'pending' AND "
                    "s.first_attempt_at <= ? ORDER BY s.id";
  // A work queue shared by many nodes: each takes the rows no other holds.
  if (dialect() == Dialect::kPostgres) sql += " FOR UPDATE OF s SKIP LOCKED";
  if (!db_->Exec(sql, {cutoff}, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadSend(r));
  return true;
}

bool Store::InsertBounceEvent(BounceEvent* e, bool* inserted, std::string* error) {
  Rows rows;
  if (!db_->Exec(
          "INSERT INTO bounce_events (fingerprint, account_id, contact_id, send_id, address, type, reason, "
          "cause, status, reply_code, diagnostic, format, evidence, raw_message, occurred_at, remote_mta, channel, "
          "matched_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
          {e->fingerprint, e->account_id, IdOrNull(e->contact_id), IdOrNull(e->send_id), NormalizeAddress(e->address),
           e->type, TextOrNull(e->reason), e->cause, TextOrNull(e->status), TextOrNull(e->reply_code),
           TextOrNull(e->diagnostic), TextOrNull(e->format),
           e->evidence.empty() ? std::string("[]") : ValidUtf8(e->evidence),
           e->raw_message.empty() ? Value(nullptr) : Value(Blob{e->raw_message}), e->occurred_at,
           TextOrNull(e->remote_mta), e->channel.empty() ? std::string("marketing") : e->channel,
           ValidUtf8(e->matched_by)},
          &rows, error)) {
    return false;
  }
  *inserted = !rows.empty();
  if (*inserted) e->id = AsInt(rows[0][0]);
  return true;
}

bool Store::BounceHistory(int64_t account_id, const std::string& address, std::vector<BounceEvent>* out,
                          std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT " + std::string(kBounceEventColumns) +
                     " FROM bounce_events WHERE account_id = ? AND address = ? ORDER BY occurred_at, id",
                 {account_id, NormalizeAddress(address)}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) out->push_back(ReadBounceEvent(r));
  return true;
}

bool Store::CountHardBounces(int64_t account_id, const std::string& address, const std::vector<std::string>& reasons,
                             int64_t since, int64_t except_event, int64_t* count, std::string* error) {
  std::vector<Value> params = {account_id, NormalizeAddress(address), since, except_event};
  for (const std::string& r : reasons) params.emplace_back(r);
  Rows rows;
  if (!db_->Exec("SELECT COUNT(*) FROM bounce_events WHERE account_id = ? AND address = ? AND type = 'HARD' AND "
                 "lifted = 0 AND channel = 'marketing' AND occurred_at >= ? AND id <> ? AND reason IN " +
                     InList(reasons.size()),
                 params, &rows, error)) {
    return false;
  }
  *count = AsInt(rows.at(0).at(0));
  return true;
}

bool Store::CountAccountsWithHardBounce(const std::string& address, const std::vector<std::string>& reasons,
                                        int64_t since, int64_t* count, std::string* error) {
  std::vector<Value> params = {NormalizeAddress(address), since};
  for (const std::string& r : reasons) params.emplace_back(r);
  Rows rows;
  if (!db_->Exec("SELECT COUNT(DISTINCT account_id) FROM bounce_events WHERE address = ? AND type = 'HARD' AND "
                 "lifted = 0 AND occurred_at >= ? AND reason IN " +
                     InList(reasons.size()),
                 params, &rows, error)) {
    return false;
  }
  *count = AsInt(rows.at(0).at(0));
  return true;
}

bool Store::LiftBounceEvents(int64_t account_id, const std::string& address, std::string* error) {
  return db_->Exec("UPDATE bounce_events SET lifted = 1 WHERE account_id = ? AND address = ? AND type = 'HARD'",
                   {account_id, NormalizeAddress(address)}, nullptr, error);
}

bool Store::FindSuppression(int64_t account_id, const std::string& address, Suppression* out, bool* found,
                            std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT " + std::string(kSuppressionColumns) +
                     " FROM account_suppressions WHERE account_id = ? AND address = ?",
                 {account_id, NormalizeAddress(address)}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadSuppression(rows[0]);
  return true;
}

bool Store::PutSuppression(const Suppression& s, int64_t bounce_event_id, std::string* error) {
  return db_->Exec(
      "INSERT INTO account_suppressions (account_id, address, kind, reason, since, bounce_event_id, note) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, address) DO UPDATE SET kind = excluded.kind, "
      "reason = excluded.reason, since = excluded.since, bounce_event_id = excluded.bounce_event_id, "
      "note = excluded.note",
      {s.account_id, NormalizeAddress(s.address), s.kind, TextOrNull(s.reason), s.since, IdOrNull(bounce_event_id),
       TextOrNull(s.note)},
      nullptr, error);
}

bool Store::DeleteSuppression(int64_t account_id, const std::string& address, std::string* error) {
  return db_->Exec("DELETE FROM account_suppressions WHERE account_id = ? AND address = ?",
                   {account_id, NormalizeAddress(address)}, nullptr, error);
}

bool Store::ListSuppressions(int64_t account_id, std::vector<Suppression>* out, std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT account_id, address, kind, reason, since, note FROM account_suppressions WHERE account_id = ? "
                 "ORDER BY address",
                 {account_id}, &rows, error)) {
    return false;
  }
  out->reserve(out->size() + rows.size());
  for (const Row& r : rows) out->push_back(ReadSuppression(r));
  return true;
}

bool Store::LockAddress(const std::string& address, int64_t* global_since, int64_t* lifted_at, std::string* error) {
  Rows rows;
  // DO UPDATE (not DO NOTHING) so that the row is returned, and locked in
  // PostgreSQL, whether it was just made or already there.
  if (!db_->Exec("INSERT INTO addresses (address) VALUES (?) ON CONFLICT (address) DO UPDATE SET address = "
                 "excluded.address RETURNING global_since, global_lifted_at",
                 {NormalizeAddress(address)}, &rows, error)) {
    return false;
  }
  *global_since = rows.empty() ? 0 : AsInt(rows[0][0]);
  *lifted_at = rows.empty() ? 0 : AsInt(rows[0][1]);
  return true;
}

bool Store::GlobalState(const std::string& address, int64_t* global_since, int64_t* lifted_at, std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT global_since, global_lifted_at FROM addresses WHERE address = ?", {NormalizeAddress(address)},
                 &rows, error)) {
    return false;
  }
  *global_since = rows.empty() ? 0 : AsInt(rows[0][0]);
  *lifted_at = rows.empty() ? 0 : AsInt(rows[0][1]);
  return true;
}

bool Store::SetGlobal(const std::string& address, int64_t at, std::string* error) {
  const std::string a = NormalizeAddress(address);
  return db_->Exec("UPDATE addresses SET global_since = ? WHERE address = ?", {at, a}, nullptr, error) &&
         db_->Exec("INSERT INTO global_events (address, kind, at) VALUES (?, 'global', ?)", {a, at}, nullptr, error);
}

bool Store::LiftGlobal(const std::string& address, const std::string& by, int64_t at, std::string* error) {
  const std::string a = NormalizeAddress(address);
  return db_->Exec(
             "UPDATE addresses SET global_since = NULL, global_lifted_at = ?, global_lifted_by = ? "
             "WHERE address = ?",
             {at, by, a}, nullptr, error) &&
         db_->Exec("INSERT INTO global_events (address, kind, by_user, at) VALUES (?, 'lifted', ?, ?)", {a, by, at},
                   nullptr, error);
}

bool Store::ListGlobal(std::vector<std::pair<std::string, int64_t>>* out, std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT address, global_since FROM addresses WHERE global_since IS NOT NULL ORDER BY address", {},
                 &rows, error)) {
    return false;
  }
  out->reserve(out->size() + rows.size());
  for (const Row& r : rows) out->emplace_back(AsText(r[0]), AsInt(r[1]));
  return true;
}

bool Store::CountGlobalEvents(const std::string& address, const std::string& kind, int64_t* count, std::string* error) {
  Rows rows;
  if (!db_->Exec("SELECT COUNT(*) FROM global_events WHERE address = ? AND kind = ?", {NormalizeAddress(address), kind},
                 &rows, error)) {
    return false;
  }
  *count = AsInt(rows.at(0).at(0));
  return true;
}

bool Store::InsertInbound(const std::string& mail_from, const std::string& rcpt_to, int64_t send_id,
                          const std::string& raw, int64_t now, int64_t* id, std::string* error) {
  Rows rows;
  if (!db_->Exec("INSERT INTO inbound_messages (received_at, mail_from, rcpt_to, send_id, raw_message) "
                 "VALUES (?, ?, ?, ?, ?) RETURNING id",
                 {now, ValidUtf8(mail_from), ValidUtf8(rcpt_to), IdOrNull(send_id), Blob{raw}}, &rows, error)) {
    return false;
  }
  *id = AsInt(rows.at(0).at(0));
  return true;
}

bool Store::PendingInbound(size_t limit, std::vector<Inbound>* out, std::string* error) {
  Rows rows;
  std::string sql =
      "SELECT id, mail_from, rcpt_to, send_id, raw_message FROM inbound_messages WHERE state = 'stored' "
      "ORDER BY id LIMIT ?";
  if (dialect() == Dialect::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
  if (!db_->Exec(sql, {static_cast<int64_t>(limit)}, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(Inbound{AsInt(r[0]), AsText(r[1]), AsText(r[2]), AsInt(r[3]), AsText(r[4])});
  return true;
}

bool Store::MarkInbound(int64_t id, const std::string& state, const std::string& note, int64_t now,
                        std::string* error) {
  return db_->Exec("UPDATE inbound_messages SET state = ?, note = ?, processed_at = ? WHERE id = ?",
                   {state, TextOrNull(note), now, id}, nullptr, error);
}

bool Store::RecordUnbounce(int64_t account_id, const std::string& address, const std::string& reason,
                           const std::string& by, const std::string& why, int64_t at, std::string* error) {
  return db_->Exec("INSERT INTO unbounces (account_id, address, reason, by_user, why, at) VALUES (?, ?, ?, ?, ?, ?)",
                   {IdOrNull(account_id), NormalizeAddress(address), TextOrNull(reason), by, why, at}, nullptr, error);
}

bool Store::RecordSuppressionChange(int64_t account_id, const std::string& address, const std::string& action,
                                    const std::string& kind, const std::string& reason, const std::string& by,
                                    const std::string& why, int64_t at, std::string* error) {
  return db_->Exec(
      "INSERT INTO suppression_changes (account_id, address, action, kind, reason, by_user, why, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {account_id, NormalizeAddress(address), action, TextOrNull(kind), TextOrNull(reason), ValidUtf8(by),
       ValidUtf8(why), at},
      nullptr, error);
}

bool Store::RecordComplaint(int64_t account_id, const std::string& address, const std::string& feedback_type,
                            int64_t bounce_event_id, int64_t at, std::string* error) {
  return db_->Exec(
      "INSERT INTO complaints (account_id, address, feedback_type, bounce_event_id, at) "
      "VALUES (?, ?, ?, ?, ?)",
      {account_id, NormalizeAddress(address), TextOrNull(feedback_type), IdOrNull(bounce_event_id), at}, nullptr,
      error);
}

}  // namespace rebound::store
