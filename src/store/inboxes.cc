#include "store/inboxes.h"

#include "store/rows.h"

namespace rebound::store {

namespace {

constexpr std::string_view kInboxColumns =
    "id, account_id, user_email, address, provider, imap_host, imap_port, imap_tls, smtp_host, smtp_port, smtp_tls, "
    "username, auth, secret, token_url, client_id, client_secret, state, last_error, state_at, lease_owner, "
    "lease_until, created_at";

Inbox ReadInbox(const Row& r) {
  Inbox i;
  i.id = AsInt(r[0]);
  i.account_id = AsInt(r[1]);
  i.user_email = AsText(r[2]);
  i.address = AsText(r[3]);
  i.provider = AsText(r[4]);
  i.imap_host = AsText(r[5]);
  i.imap_port = AsInt(r[6]);
  i.imap_tls = AsText(r[7]);
  i.smtp_host = AsText(r[8]);
  i.smtp_port = AsInt(r[9]);
  i.smtp_tls = AsText(r[10]);
  i.username = AsText(r[11]);
  i.auth = AsText(r[12]);
  i.secret = AsText(r[13]);
  i.token_url = AsText(r[14]);
  i.client_id = AsText(r[15]);
  i.client_secret = AsText(r[16]);
  i.state = AsText(r[17]);
  i.last_error = AsText(r[18]);
  i.state_at = AsInt(r[19]);
  i.lease_owner = AsText(r[20]);
  i.lease_until = AsInt(r[21]);
  i.created_at = AsInt(r[22]);
  return i;
}

Value BlobOrNull(const std::string& s) { return s.empty() ? Value(nullptr) : Value(Blob{s}); }

bool FindSendWhere(Store& store, const std::string& where, const std::vector<Value>& params, Send* out, bool* found,
                   std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT " + std::string(kSendColumns) +
                           " FROM sends s JOIN contacts c ON c.id = s.contact_id JOIN emails e ON e.id = s.email_id "
                           "WHERE e.kind = 'one_to_one' AND " +
                           where,
                       params, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) *out = ReadSend(rows[0]);
  return true;
}

}  // namespace

bool InsertInbox(Store& store, Inbox* i, std::string* error) {
  Rows rows;
  if (!store.db().Exec(
          "INSERT INTO inboxes (account_id, user_email, address, provider, imap_host, imap_port, imap_tls, smtp_host, "
          "smtp_port, smtp_tls, username, auth, secret, token_url, client_id, client_secret, state, last_error, "
          "state_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {i->account_id,
           ValidUtf8(i->user_email),
           ValidUtf8(i->address),
           i->provider,
           ValidUtf8(i->imap_host),
           i->imap_port,
           i->imap_tls,
           ValidUtf8(i->smtp_host),
           i->smtp_port,
           i->smtp_tls,
           ValidUtf8(i->username),
           i->auth,
           Blob{i->secret},
           ValidUtf8(i->token_url),
           ValidUtf8(i->client_id),
           BlobOrNull(i->client_secret),
           i->state,
           ValidUtf8(i->last_error),
           i->state_at,
           i->created_at},
          &rows, error)) {
    return false;
  }
  i->id = AsInt(rows.at(0).at(0));
  return true;
}

bool FindInbox(Store& store, int64_t account_id, int64_t id, Inbox* out, bool* found, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kInboxColumns) + " FROM inboxes WHERE id = ? AND state <> 'removed'";
  std::vector<Value> params = {id};
  if (account_id != 0) {
    sql += " AND account_id = ?";
    params.emplace_back(account_id);
  }
  if (!store.db().Exec(sql, params, &rows, error)) return false;
  *found = !rows.empty();
  if (*found) *out = ReadInbox(rows[0]);
  return true;
}

bool ListInboxes(Store& store, int64_t account_id, std::vector<Inbox>* out, std::string* error) {
  Rows rows;
  std::string sql = "SELECT " + std::string(kInboxColumns) + " FROM inboxes WHERE state <> 'removed'";
  std::vector<Value> params;
  if (account_id != 0) {
    sql += " AND account_id = ?";
    params.emplace_back(account_id);
  }
  if (!store.db().Exec(sql + " ORDER BY id", params, &rows, error)) return false;
  for (const Row& r : rows) out->push_back(ReadInbox(r));
  return true;
}

bool RemoveInbox(Store& store, int64_t account_id, int64_t id, bool* found, std::string* error) {
  Rows rows;
  if (!store.db().Exec("UPDATE inboxes SET state = 'removed', secret = ?, client_secret = NULL, lease_owner = NULL, "
                       "lease_until = 0 WHERE id = ? AND account_id = ? AND state <> 'removed' RETURNING id",
                       {Blob{std::string()}, id, account_id}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  return true;
}

bool UpdateInboxSecret(Store& store, int64_t id, const std::string& sealed, std::string* error) {
  return store.db().Exec("UPDATE inboxes SET secret = ? WHERE id = ? AND state <> 'removed'", {Blob{sealed}, id},
                         nullptr, error);
}

bool InboxSecret(Store& store, int64_t id, std::string* sealed, std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT secret FROM inboxes WHERE id = ? AND state <> 'removed'", {id}, &rows, error)) {
    return false;
  }
  if (rows.empty()) {
    *error = "the inbox was removed";
    return false;
  }
  *sealed = AsText(rows[0][0]);
  return true;
}

bool SetInboxState(Store& store, int64_t id, const std::string& state, const std::string& last_error, int64_t now,
                   std::string* error) {
  // A removed inbox stays removed, whatever a watcher still finishing says.
  return store.db().Exec(
      "UPDATE inboxes SET state = ?, last_error = ?, state_at = ? WHERE id = ? AND state <> 'removed'",
      {state, ValidUtf8(last_error), now, id}, nullptr, error);
}

bool ClaimInboxes(Store& store, const std::string& node, int64_t now, int64_t lease_until, size_t limit,
                  std::vector<Inbox>* out, std::string* error) {
  Db& db = store.db();
  if (!db.Exec("UPDATE inboxes SET lease_until = ? WHERE lease_owner = ? AND state <> 'removed'", {lease_until, node},
               nullptr, error)) {
    return false;
  }
  std::string pick = "SELECT id FROM inboxes WHERE state <> 'removed' AND lease_until < ? ORDER BY id LIMIT ?";
  if (db.dialect() == Dialect::kPostgres) pick += " FOR UPDATE SKIP LOCKED";
  if (!db.Exec("UPDATE inboxes SET lease_owner = ?, lease_until = ? WHERE id IN (" + pick + ")",
               {node, lease_until, now, static_cast<int64_t>(limit)}, nullptr, error)) {
    return false;
  }
  Rows rows;
  if (!db.Exec("SELECT " + std::string(kInboxColumns) +
                   " FROM inboxes WHERE lease_owner = ? AND state <> 'removed' ORDER BY id",
               {node}, &rows, error)) {
    return false;
  }
  for (const Row& r : rows) out->push_back(ReadInbox(r));
  return true;
}

bool ReleaseInbox(Store& store, int64_t id, const std::string& node, std::string* error) {
  return store.db().Exec("UPDATE inboxes SET lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ?",
                         {id, node}, nullptr, error);
}

bool FindFolder(Store& store, int64_t inbox_id, const std::string& role, InboxFolder* out, bool* found,
                std::string* error) {
  Rows rows;
  if (!store.db().Exec("SELECT inbox_id, role, name, uidvalidity, last_uid, synced_at FROM inbox_folders WHERE "
                       "inbox_id = ? AND role = ?",
                       {inbox_id, role}, &rows, error)) {
    return false;
  }
  *found = !rows.empty();
  if (*found) {
    const Row& r = rows[0];
    *out = InboxFolder{AsInt(r[0]), AsText(r[1]), AsText(r[2]), AsInt(r[3]), AsInt(r[4]), AsInt(r[5])};
  }
  return true;
}

bool PutFolder(Store& store, const InboxFolder& f, std::string* error) {
  return store.db().Exec(
      "INSERT INTO inbox_folders (inbox_id, role, name, uidvalidity, last_uid, synced_at) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (inbox_id, role) DO UPDATE SET name = excluded.name, uidvalidity = excluded.uidvalidity, "
      "last_uid = excluded.last_uid, synced_at = excluded.synced_at",
      {f.inbox_id, f.role, ValidUtf8(f.name), f.uidvalidity, f.last_uid, f.synced_at}, nullptr, error);
}

bool FindInboxSendByMessageId(Store& store, int64_t inbox_id, const std::string& message_id, Send* out, bool* found,
                              std::string* error) {
  return FindSendWhere(store, "e.inbox_id = ? AND s.message_id = ?", {inbox_id, message_id}, out, found, error);
}

bool FindInboxSend(Store& store, int64_t inbox_id, int64_t send_id, Send* out, bool* found, std::string* error) {
  return FindSendWhere(store, "e.inbox_id = ? AND s.id = ?", {inbox_id, send_id}, out, found, error);
}

bool CreateOneToOne(Store& store, int64_t account_id, int64_t inbox_id, int64_t contact_id, const std::string& from,
                    const std::string& subject, const std::string& body, const std::string& message_id, int64_t now,
                    int64_t* email_id, int64_t* send_id, std::string* error) {
  Rows rows;
  if (!store.db().Exec("INSERT INTO emails (account_id, kind, subject, body, from_address, created_at, state, "
                       "inbox_id) VALUES (?, 'one_to_one', ?, ?, ?, ?, 'sent', ?) RETURNING id",
                       {account_id, ValidUtf8(subject), ValidUtf8(body), ValidUtf8(from), now, inbox_id}, &rows,
                       error)) {
    return false;
  }
  *email_id = AsInt(rows.at(0).at(0));
  return store.CreateSend(*email_id, account_id, contact_id, message_id, now, send_id, error);
}

}  // namespace rebound::store
