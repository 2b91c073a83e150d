#include "store/webhooks.h"

#include "store/rows.h"

namespace rebound::store {

namespace {

constexpr std::string_view kEndpointColumns =
    "id, account_id, url, description, event_types, secret, previous_secret, previous_until, enabled, "
    "disabled_reason, created_at, updated_at";

WebhookEndpoint ReadEndpoint(const Row& r) {
  WebhookEndpoint e;
  e.id = AsInt(r[0]);
  e.account_id = AsInt(r[1]);
  e.url = AsText(r[2]);
  e.description = AsText(r[3]);
  e.event_types = AsText(r[4], "[]");
  e.secret = AsText(r[5]);
  e.previous_secret = AsText(r[6]);
  e.previous_until = AsInt(r[7]);
  e.enabled = AsInt(r[8]) != 0;
  e.disabled_reason = AsText(r[9]);
  e.created_at = AsInt(r[10]);
  e.updated_at = AsInt(r[11]);
  return e;
}

Value BlobOrNull(const std::string& s) { return s.empty() ? Value(nullptr) : Value(Blob{s}); }

}  // namespace

bool InsertEndpoint(Store& store, WebhookEndpoint* e, std::string* error) {
  Rows rows;
  if (!store.db().Exec("INSERT INTO webhook_endpoints (account_id, url, description, event_types, secret, enabled, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       {e->account_id, ValidUtf8(e->url), ValidUtf8(e->description), e->event_types, Blob{e->secret},
                        int64_t{e->enabled ? 1 : 0}, e->created_at, e->updated_at},
                       &rows, error)) {
    return false;
  }
  e->id = AsInt(rows.at(0).at(0));
  return true;
}

bool FindEndpoint(Store& store, int64_t account_id, int64_t id, WebhookEndpoint* out, bool* found, std::string* error) {
  Rows rows;
  if (!store.db().Exec(
          "SELECT " + std::string(kEndpointColumns) + " FROM webhook_endpoints WHERE id = ? AND account_id = ?",
          {id, account_id}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadEndpoint(rows[0]);
  return true;
}

bool ListEndpoints(Store& store, int64_t account_id, std::vector<WebhookEndpoint>* out, std::string* error) {
  Rows rows;
  if (!store.db().Exec(
          "SELECT " + std::string(kEndpointColumns) + " FROM webhook_endpoints WHERE account_id = ? ORDER BY id",
          {account_id}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) out->push_back(ReadEndpoint(r));
  return true;
}

bool UpdateEndpoint(Store& store, const WebhookEndpoint& e, std::string* error) {
  return store.db().Exec(
      "UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, secret = ?, previous_secret = ?, "
      "previous_until = ?, enabled = ?, disabled_reason = ?, updated_at = ? WHERE id = ? AND account_id = ?",
      {ValidUtf8(e.url), ValidUtf8(e.description), e.event_types, Blob{e.secret}, BlobOrNull(e.previous_secret),
       e.previous_until == 0 ? Value(nullptr) : Value(e.previous_until), int64_t{e.enabled ? 1 : 0},
       TextOrNull(e.disabled_reason), e.updated_at, e.id, e.account_id},
      nullptr, error);
}

bool DeleteEndpoint(Store& store, int64_t account_id, int64_t id, bool* found, std::string* error) {
  Db& db = store.db();
  Rows rows;
  if (!db.Exec("SELECT id FROM webhook_endpoints WHERE id = ? AND account_id = ?", {id, account_id}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (!*found) return true;
  return db.Exec("DELETE FROM webhook_attempts WHERE endpoint_id = ?", {id}, nullptr, error) &&
         db.Exec("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", {id}, nullptr, error) &&
         db.Exec("DELETE FROM webhook_endpoints WHERE id = ?", {id}, nullptr, error);
}

bool InsertWebhookEvent(Store& store, int64_t account_id, const std::string& type, const std::string& payload,
                        int64_t now, int64_t* id, std::string* error) {
  Rows rows;
  if (!store.db().Exec(
          "INSERT INTO webhook_events (account_id, type, payload, created_at) VALUES (?, ?, ?, ?) RETURNING id",
          {account_id, type, ValidUtf8(payload), now}, &rows, error)) {
    return false;
  }
  *id = AsInt(rows.at(0).at(0));
  return true;
}

bool InsertDelivery(Store& store, int64_t event_id, int64_t endpoint_id, const std::string& order_key, int64_t now,
                    std::string* error) {
  return store.db().Exec(
      "INSERT INTO webhook_deliveries (event_id, endpoint_id, order_key, next_attempt_at, created_at) "
      "VALUES (?, ?, ?, ?, ?)",
      {event_id, endpoint_id, ValidUtf8(order_key), now, now}, nullptr, error);
}

bool ClaimDeliveries(Store& store, int64_t now, int64_t lease_until, size_t limit, std::vector<DueDelivery>* out,
                     std::string* error) {
  Db& db = store.db();
  // Due, not leased, its endpoint enabled, and no earlier delivery of the
  // same order key to the same endpoint still waiting.
  std::string pick =
      "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints p ON p.id = d.endpoint_id "
      "WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND d.lease_until < ? AND p.enabled = 1 "
      "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.endpoint_id = d.endpoint_id AND "
      "e.order_key = d.order_key AND e.id < d.id AND e.state = 'pending') "
      "ORDER BY d.next_attempt_at, d.id LIMIT ?";
  if (db.dialect() == Dialect::kPostgres) pick += " FOR UPDATE OF d SKIP LOCKED";
  Rows ids;
  if (!db.Exec("UPDATE webhook_deliveries SET lease_until = ? WHERE id IN (" + pick + ") RETURNING id",
               {lease_until, now, now, static_cast<int64_t>(limit)}, &ids, error)) {
    return false;
  }
  if (ids.empty()) return true;
  std::vector<Value> params;
  for (const Row& r : ids) params.push_back(r[0]);
  Rows rows;
  if (!db.Exec("SELECT d.id, d.event_id, d.endpoint_id, d.attempts, d.created_at, p.url, p.secret, "
               "p.previous_secret, p.previous_until, v.payload, v.created_at FROM webhook_deliveries d "
               "JOIN webhook_endpoints p ON p.id = d.endpoint_id JOIN webhook_events v ON v.id = d.event_id "
               "WHERE d.id IN " +
                   InList(params.size()) + " ORDER BY d.id",
               params, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) {
    DueDelivery d;
    d.id = AsInt(r[0]);
    d.event_id = AsInt(r[1]);
    d.endpoint_id = AsInt(r[2]);
    d.attempts = AsInt(r[3]);
    d.created_at = AsInt(r[4]);
    d.url = AsText(r[5]);
    d.secret = AsText(r[6]);
    d.previous_secret = AsText(r[7]);
    d.previous_until = AsInt(r[8]);
    d.payload = AsText(r[9]);
    d.event_created_at = AsInt(r[10]);
    out->push_back(std::move(d));
  }
  return true;
}

bool RecordAttempts(Store& store, const std::vector<AttemptResult>& results, std::string* error) {
  Db& db = store.db();
  for (const AttemptResult& a : results) {
    if (!db.Exec("INSERT INTO webhook_attempts (delivery_id, endpoint_id, at, status, error, duration_ms) VALUES (?, "
                 "?, ?, ?, ?, ?)",
                 {a.delivery_id, a.endpoint_id, a.at, a.status == 0 ? Value(nullptr) : Value(int64_t{a.status}),
                  TextOrNull(a.error), a.duration_ms},
                 nullptr, error)) {
      return false;
    }
    Value status(nullptr);
    if (a.status != 0) status = int64_t{a.status};
    bool ok = true;
    switch (a.next) {
      case AttemptResult::Next::kDelivered:
        ok = db.Exec(
            "UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, finished_at = ?, "
            "lease_until = 0, last_status = ?, last_error = NULL WHERE id = ?",
            {a.at, status, a.delivery_id}, nullptr, error);
        break;
      case AttemptResult::Next::kRetry:
        ok = db.Exec(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, lease_until = 0, "
            "last_status = ?, last_error = ? WHERE id = ?",
            {a.next_attempt_at, status, TextOrNull(a.error), a.delivery_id}, nullptr, error);
        break;
      case AttemptResult::Next::kFailed:
      case AttemptResult::Next::kGone:
        ok = db.Exec(
            "UPDATE webhook_deliveries SET state = 'failed', attempts = attempts + 1, finished_at = ?, "
            "lease_until = 0, last_status = ?, last_error = ? WHERE id = ?",
            {a.at, status, TextOrNull(a.error), a.delivery_id}, nullptr, error);
        break;
    }
    if (!ok) return false;
    if (a.next == AttemptResult::Next::kGone &&
        !db.Exec("UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?",
                 {std::string("the endpoint answered 410 Gone"), a.at, a.endpoint_id}, nullptr, error)) {
      return false;
    }
  }
  return true;
}

bool ListAttempts(Store& store, int64_t account_id, int64_t endpoint_id, int64_t before, size_t limit,
                  std::vector<AttemptRow>* out, std::string* error) {
  std::string sql =
      "SELECT a.id, a.delivery_id, d.event_id, v.type, a.at, a.status, a.error, a.duration_ms, d.state "
      "FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN webhook_events v ON v.id = "
      "d.event_id JOIN webhook_endpoints p ON p.id = a.endpoint_id WHERE a.endpoint_id = ? AND p.account_id = ?";
  std::vector<Value> params = {endpoint_id, account_id};
  if (before > 0) {
    sql += " AND a.id < ?";
    params.emplace_back(before);
  }
  sql += " ORDER BY a.id DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  Rows rows;
  if (!store.db().Exec(sql, params, &rows, error)) return false;
  for (const Row& r : rows) {
    AttemptRow a;
    a.id = AsInt(r[0]);
    a.delivery_id = AsInt(r[1]);
    a.event_id = AsInt(r[2]);
    a.event_type = AsText(r[3]);
    a.at = AsInt(r[4]);
    a.status = static_cast<int>(AsInt(r[5]));
    a.error = AsText(r[6]);
    a.duration_ms = AsInt(r[7]);
    a.delivery_state = AsText(r[8]);
    out->push_back(std::move(a));
  }
  return true;
}

bool CountUndelivered(Store& store, int64_t* count, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'", {}, &rows, error)) {
    return false;
  }
  *count = AsInt(rows.at(0).at(0));
  return true;
}

}  // namespace rebound::store
