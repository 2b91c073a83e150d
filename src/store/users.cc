#include "store/users.h"

#include "store/rows.h"

namespace rebound::store {

namespace {

constexpr std::string_view kUserColumns = "id, account_id, email, password_hash, created_at, disabled_at";

User ReadUser(const Row& r, size_t at = 0) {
  User u;
  u.id = AsInt(r[at]);
  u.account_id = AsInt(r[at + 1]);
  u.email = AsText(r[at + 2]);
  u.password_hash = AsText(r[at + 3]);
  u.created_at = AsInt(r[at + 4]);
  u.disabled_at = AsInt(r[at + 5]);
  return u;
}

}  // namespace

bool InsertUser(Store& store, User* u, std::string* error) {
  Rows rows;
  if (!store.db().Exec("INSERT INTO users (account_id, email, password_hash, created_at) VALUES (?, ?, ?, ?) "
                       "RETURNING id",
                       {IdOrNull(u->account_id), NormalizeAddress(u->email), u->password_hash, u->created_at}, &rows,
                       error)) {
    return false;
  }
  u->id = AsInt(rows.at(0).at(0));
  return true;
}

bool FindUserByEmail(Store& store, const std::string& email, User* out, bool* found, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT " + std::string(kUserColumns) + " FROM users WHERE email = ?", {NormalizeAddress(email)},
                       &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadUser(rows[0]);
  return true;
}

bool ListUsers(Store& store, int64_t account_id, std::vector<User>* out, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kUserColumns) + " FROM users WHERE ";
  std::vector<Value> params;
  if (account_id == 0) {
    sql += "account_id IS NULL";
  } else {
    sql += "account_id = ?";
    params.emplace_back(account_id);
  }
  if (!store.db().Exec(sql + " ORDER BY id", params, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadUser(r));
  return true;
}

bool InsertSession(Store& store, const std::string& token_hash, Session* s, std::string* error) {
  Rows rows;
  if (!store.db().Exec("INSERT INTO sessions (token_hash, user_id, csrf, created_at, seen_at, expires_at) VALUES (?, "
                       "?, ?, ?, ?, ?) RETURNING id",
                       {token_hash, s->user_id, s->csrf, s->created_at, s->seen_at, s->expires_at}, &rows, error)) {
    return false;
  }
  s->id = AsInt(rows.at(0).at(0));
  return true;
}

bool FindSession(Store& store, const std::string& token_hash, int64_t now, Session* out, bool* found,
                 std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT s.id, s.user_id, s.csrf, s.created_at, s.seen_at, s.expires_at, u.id, u.account_id, "
                       "u.email, u.password_hash, u.created_at, u.disabled_at FROM sessions s JOIN users u ON u.id = "
                       "s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL",
                       {token_hash, now}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (!*found) return true;
  const Row& r = rows[0];
  out->id = AsInt(r[0]);
  out->user_id = AsInt(r[1]);
  out->csrf = AsText(r[2]);
  out->created_at = AsInt(r[3]);
  out->seen_at = AsInt(r[4]);
  out->expires_at = AsInt(r[5]);
  out->user = ReadUser(r, 6);
  return true;
}

bool TouchSession(Store& store, int64_t id, int64_t seen_at, int64_t expires_at, std::string* error) {
  return store.db().Exec("UPDATE sessions SET seen_at = ?, expires_at = ? WHERE id = ?", {seen_at, expires_at, id},
                         nullptr, error);
}

bool DeleteSession(Store& store, const std::string& token_hash, std::string* error) {
  return store.db().Exec("DELETE FROM sessions WHERE token_hash = ?", {token_hash}, nullptr, error);
}

bool PurgeSessions(Store& store, int64_t now, std::string* error) {
  return store.db().Exec("DELETE FROM sessions WHERE expires_at <= ?", {now}, nullptr, error);
}

bool LoginFailures(Store& store, const std::string& email, int64_t* failures, int64_t* last_at, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT failures, last_at FROM login_failures WHERE email = ?", {NormalizeAddress(email)}, &rows,
                       error)) {
    return false;
  }
  *failures = rows.empty() ? 0 : AsInt(rows[0][0]);
  *last_at = rows.empty() ? 0 : AsInt(rows[0][1]);
  return true;
}

bool RecordLoginFailure(Store& store, const std::string& email, int64_t at, std::string* error) {
  return store.db().Exec(
      "INSERT INTO login_failures (email, failures, last_at) VALUES (?, 1, ?) ON CONFLICT (email) DO UPDATE SET "
      "failures = login_failures.failures + 1, last_at = excluded.last_at",
      {NormalizeAddress(email), at}, nullptr, error);
}

bool ClearLoginFailures(Store& store, const std::string& email, std::string* error) {
  return store.db().Exec("DELETE FROM login_failures WHERE email = ?", {NormalizeAddress(email)}, nullptr, error);
}

}  // namespace rebound::store
