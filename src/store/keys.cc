#include "store/keys.h"

#include "store/rows.h"

namespace rebound::store {

namespace {

constexpr std::string_view kKeyColumns = "id, account_id, name, scope, prefix, created_at, last_used_at, revoked_at";

ApiKey ReadKey(const Row& r) {
  ApiKey k;
  k.id = AsInt(r[0]);
  k.account_id = AsInt(r[1]);
  k.name = AsText(r[2]);
  k.scope = AsText(r[3]);
  k.prefix = AsText(r[4]);
  k.created_at = AsInt(r[5]);
  k.last_used_at = AsInt(r[6]);
  k.revoked_at = AsInt(r[7]);
  return k;
}

}  // namespace

bool InsertApiKey(Store& store, ApiKey* key, const std::string& hash, std::string* error) {
  Rows rows;
  if (!store.db().Exec(
          "INSERT INTO api_keys (account_id, name, scope, prefix, hash, created_at) VALUES (?, ?, ?, ?, "
          "?, ?) RETURNING id",
          {IdOrNull(key->account_id), ValidUtf8(key->name), key->scope, key->prefix, hash, key->created_at}, &rows,
          error)) {
    return false;
  }
  key->id = AsInt(rows.at(0).at(0));
  return true;
}

bool FindApiKeyByHash(Store& store, const std::string& hash, ApiKey* out, bool* found, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT " + std::string(kKeyColumns) + " FROM api_keys WHERE hash = ?", {hash}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadKey(rows[0]);
  return true;
}

bool ListApiKeys(Store& store, int64_t account_id, std::vector<ApiKey>* out, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kKeyColumns) + " FROM api_keys WHERE ";
  std::vector<Value> params;
  if (account_id == 0) {
    sql += "account_id IS NULL";
  } else {
    sql += "account_id = ?";
    params.emplace_back(account_id);
  }
  if (!store.db().Exec(sql + " ORDER BY id", params, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadKey(r));
  return true;
}

bool RevokeApiKey(Store& store, int64_t account_id, int64_t id, int64_t now, bool* found, std::string* error) {
  Rows rows;
  std::string sql = "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND ";
  std::vector<Value> params = {now, id};
  if (account_id == 0) {
    sql += "account_id IS NULL";
  } else {
    sql += "account_id = ?";
    params.emplace_back(account_id);
  }
  if (!store.db().Exec(sql + " RETURNING id", params, &rows, error)) return false;
  *found = !rows.empty();
  return true;
}

bool TouchApiKey(Store& store, int64_t id, int64_t at, std::string* error) {
  return store.db().Exec(
      "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)", {at, id, at},
      nullptr, error);
}

bool ClaimIdempotencyKey(Store& store, const std::string& principal, const std::string& key,
                         const std::string& request_hash, int64_t now, int64_t expire_before, bool* claimed,
                         IdempotencyRecord* existing, std::string* error) {
  Db& db = store.db();
  // An expired record is forgotten first, so that the insert below claims.
  if (!db.Exec("DELETE FROM idempotency_keys WHERE principal = ? AND key = ? AND created_at < ?",
               {principal, key, expire_before}, nullptr, error)) {
    return false;
  }
  Rows rows;
  if (!db.Exec("INSERT INTO idempotency_keys (principal, key, request_hash, created_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (principal, key) DO NOTHING RETURNING created_at",
               {principal, key, request_hash, now}, &rows, error)) {
    return false;
  }
  *claimed = !rows.empty();
  if (*claimed) return true;
  rows.clear();
  if (!db.Exec("SELECT request_hash, status, content_type, response, created_at FROM idempotency_keys WHERE "
               "principal = ? AND key = ?",
               {principal, key}, &rows, error)) {
    return false;
  }
  if (rows.empty()) {  // released meanwhile: the caller may try again
    *error = "the idempotency key was released by a concurrent request; retry";
    return false;
  }
  const Row& r = rows[0];
  existing->request_hash = AsText(r[0]);
  existing->status = static_cast<int>(AsInt(r[1]));
  existing->content_type = AsText(r[2]);
  existing->response = AsText(r[3]);
  existing->created_at = AsInt(r[4]);
  return true;
}

bool FinishIdempotencyKey(Store& store, const std::string& principal, const std::string& key, int status,
                          const std::string& content_type, const std::string& response, std::string* error) {
  return store.db().Exec(
      "UPDATE idempotency_keys SET status = ?, content_type = ?, response = ? WHERE principal = ? AND key = ?",
      {int64_t{status}, content_type, Blob{response}, principal, key}, nullptr, error);
}

bool ReleaseIdempotencyKey(Store& store, const std::string& principal, const std::string& key, std::string* error) {
  return store.db().Exec("DELETE FROM idempotency_keys WHERE principal = ? AND key = ?", {principal, key}, nullptr,
                         error);
}

bool PurgeIdempotencyKeys(Store& store, int64_t before, std::string* error) {
  return store.db().Exec("DELETE FROM idempotency_keys WHERE created_at < ?", {before}, nullptr, error);
}

}  // namespace rebound::store
