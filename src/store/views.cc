#include "store/views.h"

#include <algorithm>

#include "store/rows.h"

namespace rebound::store {

namespace {

// The bounce event columns, qualified with alias b, and the send's email.
std::string EventColumnsJoined() {
  std::string cols;
  std::string_view all = kBounceEventColumns;
  size_t start = 0;
  while (start < all.size()) {
    size_t comma = all.find(',', start);
    std::string_view name = all.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    if (!cols.empty()) cols += ", ";
    cols += "b.";
    cols += name;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return cols + ", s.email_id";
}

BounceEvent ReadJoinedEvent(const Row& r) {
  BounceEvent e = ReadBounceEvent(r);
  e.email_id = AsInt(r[19]);
  return e;
}

}  // namespace

bool ListBounceEvents(Store& store, const BounceFilter& f, int64_t before, size_t limit, std::vector<BounceEvent>* out,
                      std::string* error) {
  std::string sql = "SELECT " + EventColumnsJoined() +
                    " FROM bounce_events b LEFT JOIN sends s ON s.id = b.send_id WHERE b.account_id = ?";
  std::vector<Value> params = {f.account_id};
  if (before > 0) {
    sql += " AND b.id < ?";
    params.emplace_back(before);
  }
  if (!f.type.empty()) {
    sql += " AND b.type = ?";
    params.emplace_back(f.type);
  }
  if (!f.reason.empty()) {
    sql += " AND b.reason = ?";
    params.emplace_back(f.reason);
  }
  if (!f.address.empty()) {
    sql += " AND b.address = ?";
    params.emplace_back(NormalizeAddress(f.address));
  }
  if (f.email_id != 0) {
    sql += " AND s.email_id = ?";
    params.emplace_back(f.email_id);
  }
  if (f.since != 0) {
    sql += " AND b.occurred_at >= ?";
    params.emplace_back(f.since);
  }
  if (f.until != 0) {
    sql += " AND b.occurred_at < ?";
    params.emplace_back(f.until);
  }
  sql += " ORDER BY b.id DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  Rows rows;
  if (!store.db().Exec(sql, params, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadJoinedEvent(r));
  return true;
}

bool FindBounceEvent(Store& store, int64_t account_id, int64_t id, BounceEvent* out, bool* found, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT " + EventColumnsJoined() +
                           " FROM bounce_events b LEFT JOIN sends s ON s.id = b.send_id WHERE b.id = ? AND "
                           "b.account_id = ?",
                       {id, account_id}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadJoinedEvent(rows[0]);
  return true;
}

bool BounceEventRaw(Store& store, int64_t account_id, int64_t id, std::string* raw, bool* found, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT raw_message FROM bounce_events WHERE id = ? AND account_id = ?", {id, account_id}, &rows,
                       error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *raw = AsText(rows[0][0]);
  return true;
}

bool ListContacts(Store& store, const ContactFilter& f, int64_t after, size_t limit, std::vector<ContactRow>* out,
                  std::string* error) {
  std::string sql =
      "SELECT c.id, c.account_id, c.address, c.properties, c.hard_bounce_reason, c.bounce_status, su.kind, "
      "su.reason, su.since, a.global_since, c.created_at FROM contacts c "
      "LEFT JOIN account_suppressions su ON su.account_id = c.account_id AND su.address = c.address "
      "LEFT JOIN addresses a ON a.address = c.address WHERE c.account_id = ? AND c.id > ?";
  std::vector<Value> params = {f.account_id, after};
  if (f.bounce_status == "global") {
    sql += " AND a.global_since IS NOT NULL";
  } else if (!f.bounce_status.empty()) {
    sql += " AND c.bounce_status = ? AND a.global_since IS NULL";
    params.emplace_back(f.bounce_status);
  }
  if (!f.reason.empty()) {
    sql += " AND c.hard_bounce_reason = ?";
    params.emplace_back(f.reason);
  }
  if (f.suppressed.has_value()) {
    sql += *f.suppressed ? " AND (su.kind IS NOT NULL OR a.global_since IS NOT NULL)"
                         : " AND su.kind IS NULL AND a.global_since IS NULL";
  }
  if (!f.address_prefix.empty()) {
    // A range, not LIKE: it uses the (account_id, address) index and needs
    // no escaping of % and _.
    sql += " AND c.address >= ? AND c.address < ?";
    std::string prefix = NormalizeAddress(f.address_prefix);
    params.emplace_back(prefix);
    params.emplace_back(prefix + "\xF4\x8F\xBF\xBF");
  }
  sql += " ORDER BY c.id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  Rows rows;
  if (!store.db().Exec(sql, params, &rows, error)) return false;
  for (const Row& r : rows) {
    ContactRow c;
    c.contact = ReadContact(r);
    c.suppression_kind = AsText(r[6]);
    c.suppression_reason = AsText(r[7]);
    c.suppressed_since = AsInt(r[8]);
    c.global_since = AsInt(r[9]);
    c.created_at = AsInt(r[10]);
    out->push_back(std::move(c));
  }
  return true;
}

bool ContactAddresses(Store& store, int64_t account_id, int64_t after, size_t limit,
                      std::vector<std::pair<int64_t, std::string>>* out, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT id, address FROM contacts WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?",
                       {account_id, after, static_cast<int64_t>(limit)}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) out->emplace_back(AsInt(r[0]), AsText(r[1]));
  return true;
}

bool ListSuppressionsPage(Store& store, const SuppressionFilter& f, const std::string& after, size_t limit,
                          std::vector<Suppression>* out, std::string* error) {
  std::string sql =
      "SELECT " + std::string(kSuppressionColumns) + " FROM account_suppressions WHERE account_id = ? AND address > ?";
  std::vector<Value> params = {f.account_id, after};
  if (!f.kind.empty()) {
    sql += " AND kind = ?";
    params.emplace_back(f.kind);
  }
  if (!f.reason.empty()) {
    sql += " AND reason = ?";
    params.emplace_back(f.reason);
  }
  sql += " ORDER BY address LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  Rows rows;
  if (!store.db().Exec(sql, params, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadSuppression(r));
  return true;
}

bool ListEmails(Store& store, int64_t account_id, int64_t before, size_t limit, std::vector<Email>* out,
                std::string* error) {
  std::string sql = "SELECT " + std::string(kEmailColumns) + " FROM emails WHERE account_id = ? AND kind = 'marketing'";
  std::vector<Value> params = {account_id};
  if (before > 0) {
    sql += " AND id < ?";
    params.emplace_back(before);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  Rows rows;
  if (!store.db().Exec(sql, params, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadEmail(r));
  return true;
}

bool FindAccountEmail(Store& store, int64_t account_id, int64_t email_id, Email* out, bool* found, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT " + std::string(kEmailColumns) + " FROM emails WHERE id = ? AND account_id = ?",
                       {email_id, account_id}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadEmail(rows[0]);
  return true;
}

bool CountSends(Store& store, int64_t email_id, SendCounts* out, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT state, bounce_type, COUNT(*) FROM sends WHERE email_id = ? GROUP BY state, bounce_type",
                       {email_id}, &rows, error)) {
    return false;
  }
  *out = SendCounts();
  for (const Row& r : rows) {
    const std::string state = AsText(r[0]);
    const int64_t n = AsInt(r[2]);
    if (state == "queued") {
      out->queued += n;
    } else if (state == "pending") {
      out->pending += n;
    } else if (state == "delivered") {
      out->delivered += n;
    } else if (state == "not_sent") {
      out->not_sent += n;
    } else if (state == "bounced") {
      (AsText(r[1]) == "HARD" ? out->bounced_hard : out->bounced_soft) += n;
    }
  }
  return true;
}

bool ListRecipients(Store& store, int64_t email_id, const std::vector<std::string>& states, int64_t after, size_t limit,
                    std::vector<Recipient>* out, std::string* error, const std::string& bounce_type,
                    const std::string& reason) {
  std::string sql = "SELECT " + std::string(kSendColumns) +
                    ", (SELECT MAX(b.id) FROM bounce_events b WHERE b.send_id = s.id AND b.type <> 'NONE') "
                    "FROM sends s JOIN contacts c ON c.id = s.contact_id WHERE s.email_id = ? AND s.id > ?";
  std::vector<Value> params = {email_id, after};
  if (!states.empty()) {
    sql += " AND s.state IN " + InList(states.size());
    for (const std::string& st : states) params.emplace_back(st);
  }
  if (!bounce_type.empty()) {
    sql += " AND s.bounce_type = ?";
    params.emplace_back(bounce_type);
  }
  if (!reason.empty()) {
    sql += " AND s.reason = ?";
    params.emplace_back(reason);
  }
  sql += " ORDER BY s.id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  Rows rows;
  if (!store.db().Exec(sql, params, &rows, error)) return false;
  std::vector<size_t> with_event;
  for (const Row& r : rows) {
    Recipient rec;
    rec.send = ReadSend(r);
    rec.bounce_event_id = AsInt(r[13]);
    if (rec.bounce_event_id != 0) with_event.push_back(out->size());
    out->push_back(std::move(rec));
  }
  // The status and code of each latest event, in one query for the page.
  if (with_event.empty()) return true;
  std::vector<Value> ids;
  ids.reserve(with_event.size());
  for (size_t i : with_event) ids.emplace_back((*out)[i].bounce_event_id);
  Rows events;
  if (!store.db().Exec("SELECT id, status, reply_code, cause FROM bounce_events WHERE id IN " + InList(ids.size()), ids,
                       &events, error)) {
    return false;
  }
  for (const Row& e : events) {
    const int64_t id = AsInt(e[0]);
    for (size_t i : with_event) {
      Recipient& rec = (*out)[i];
      if (rec.bounce_event_id != id) continue;
      rec.status = AsText(e[1]);
      rec.reply_code = AsText(e[2]);
      rec.cause = AsText(e[3]);
    }
  }
  return true;
}

bool Timeline(Store& store, int64_t account_id, const std::string& raw_address, int64_t contact_id,
              std::vector<TimelineEntry>* out, std::string* error) {
  const std::string address = NormalizeAddress(raw_address);
  Db& db = store.db();
  Rows rows;
  if (!db.Exec("SELECT " + EventColumnsJoined() +
                   " FROM bounce_events b LEFT JOIN sends s ON s.id = b.send_id WHERE b.account_id = ? AND "
                   "b.address = ?",
               {account_id, address}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) {
    TimelineEntry t;
    t.event = ReadJoinedEvent(r);
    t.at = t.event.occurred_at;
    t.send_id = t.event.send_id;
    t.email_id = t.event.email_id;
    if (t.event.type != "NONE") {
      t.kind = "bounce";
    } else if (t.event.cause == "feedback") {
      t.kind = "complaint";
    } else if (t.event.cause == "delivered") {
      t.kind = "delivery_notice";
    } else {
      t.kind = "auto_reply";
    }
    out->push_back(std::move(t));
  }
  if (contact_id != 0) {
    rows.clear();
    if (!db.Exec("SELECT d.at, d.send_id, s.email_id, d.reply, e.kind FROM delivery_attempts d JOIN sends s ON s.id = "
                 "d.send_id JOIN emails e ON e.id = s.email_id WHERE s.contact_id = ? AND d.type = 'DELIVERED'",
                 {contact_id}, &rows, error)) {
      return false;
    }
    for (const Row& r : rows) {
      TimelineEntry t;
      // A one-to-one email is accepted by the user's own mail server: sent,
      // not yet known to be delivered.
      t.kind = AsText(r[4]) == "one_to_one" ? "one_to_one_sent" : "delivered";
      t.at = AsInt(r[0]);
      t.send_id = AsInt(r[1]);
      t.email_id = AsInt(r[2]);
      t.reply = AsText(r[3]);
      out->push_back(std::move(t));
    }
  }
  rows.clear();
  if (!db.Exec("SELECT at, by_user, why, reason FROM unbounces WHERE account_id = ? AND address = ?",
               {account_id, address}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) {
    TimelineEntry t;
    t.kind = "unbounce";
    t.at = AsInt(r[0]);
    t.by = AsText(r[1]);
    t.why = AsText(r[2]);
    t.reason = AsText(r[3]);
    t.suppression_kind = "hard_bounce";
    out->push_back(std::move(t));
  }
  rows.clear();
  if (!db.Exec("SELECT at, action, kind, reason, by_user, why FROM suppression_changes WHERE account_id = ? AND "
               "address = ?",
               {account_id, address}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) {
    TimelineEntry t;
    t.at = AsInt(r[0]);
    t.kind = AsText(r[1]) == "suppress" ? "suppressed" : "suppression_removed";
    t.suppression_kind = AsText(r[2]);
    t.reason = AsText(r[3]);
    t.by = AsText(r[4]);
    t.why = AsText(r[5]);
    out->push_back(std::move(t));
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  return true;
}

bool AccountsWithContact(Store& store, const std::string& address, std::vector<int64_t>* out, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT account_id FROM contacts WHERE address = ? ORDER BY account_id",
                       {NormalizeAddress(address)}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) out->push_back(AsInt(r[0]));
  return true;
}

bool InsertApiInbound(Store& store, int64_t account_id, const std::string& raw, const std::string& state,
                      const std::string& note, int64_t now, int64_t* id, std::string* error) {
  Rows rows;
  if (!store.db().Exec("INSERT INTO inbound_messages (received_at, rcpt_to, raw_message, state, note, processed_at, "
                       "account_id, source) VALUES (?, '', ?, ?, ?, ?, ?, 'api') RETURNING id",
                       {now, Blob{raw}, state, TextOrNull(note), now, account_id}, &rows, error)) {
    return false;
  }
  *id = AsInt(rows.at(0).at(0));
  return true;
}

}  // namespace rebound::store
