// Connected inboxes (PRODUCT.md section 5.3): a user's own mailbox, its
// credentials sealed, the folders watched and how far each was read, and
// the lease of the node that watches it.
//
// A folder's (uidvalidity, last_uid) moves forward only after what was
// read up to last_uid is durably recorded, so that a watcher that dies
// reads again, never skips; recording twice is a no-op (bounce
// fingerprints).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace rebound::store {

struct Inbox {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string user_email;  // the account's user who connected it
  std::string address;     // the mailbox's address: From of what it sends
  std::string provider;    // gmail | office365 | imap
  std::string imap_host;
  int64_t imap_port = 993;
  std::string imap_tls = "tls";  // tls (implicit) | starttls
  std::string smtp_host;
  int64_t smtp_port = 465;
  std::string smtp_tls = "tls";  // tls | starttls
  std::string username;
  std::string auth = "password";  // password | oauth2
  std::string secret;             // sealed: the password or the OAuth refresh token
  std::string token_url;          // oauth2: where access tokens are refreshed
  std::string client_id;
  std::string client_secret;         // sealed; may be empty
  std::string state = "connecting";  // connecting | watching | auth_failed | unreachable | removed
  std::string last_error;
  int64_t state_at = 0;
  std::string lease_owner;
  int64_t lease_until = 0;
  int64_t created_at = 0;
};

struct InboxFolder {
  int64_t inbox_id = 0;
  std::string role;  // inbox | junk
  std::string name;  // as the server names it
  int64_t uidvalidity = 0;
  int64_t last_uid = 0;
  int64_t synced_at = 0;
};

bool InsertInbox(Store& store, Inbox* inbox, std::string* error);
// Not found when removed, or of another account (account_id 0: any).
bool FindInbox(Store& store, int64_t account_id, int64_t id, Inbox* out, bool* found, std::string* error);
bool ListInboxes(Store& store, int64_t account_id, std::vector<Inbox>* out, std::string* error);
// Marks it removed and forgets its credentials; its sends and bounces stay
// on the timelines.
bool RemoveInbox(Store& store, int64_t account_id, int64_t id, bool* found, std::string* error);
// A rotated OAuth refresh token (sealed), and the one kept now.
bool UpdateInboxSecret(Store& store, int64_t id, const std::string& sealed, std::string* error);
bool InboxSecret(Store& store, int64_t id, std::string* sealed, std::string* error);
bool SetInboxState(Store& store, int64_t id, const std::string& state, const std::string& last_error, int64_t now,
                   std::string* error);

// Leases inboxes to `node` until `lease_until`: those it holds already and
// up to `limit` more whose lease ended (on PostgreSQL without waiting for
// rows another node is claiming). *out is everything the node now holds.
bool ClaimInboxes(Store& store, const std::string& node, int64_t now, int64_t lease_until, size_t limit,
                  std::vector<Inbox>* out, std::string* error);
bool ReleaseInbox(Store& store, int64_t id, const std::string& node, std::string* error);

bool FindFolder(Store& store, int64_t inbox_id, const std::string& role, InboxFolder* out, bool* found,
                std::string* error);
bool PutFolder(Store& store, const InboxFolder& folder, std::string* error);

// A one-to-one send of the inbox, by the Message-ID it went out with or by
// its id (our X-Rebound-Send-Id header).
bool FindInboxSendByMessageId(Store& store, int64_t inbox_id, const std::string& message_id, Send* out, bool* found,
                              std::string* error);
bool FindInboxSend(Store& store, int64_t inbox_id, int64_t send_id, Send* out, bool* found, std::string* error);
// A one-to-one email: the email (kind one_to_one, sent through the inbox)
// and its single send, in the caller's transaction.
bool CreateOneToOne(Store& store, int64_t account_id, int64_t inbox_id, int64_t contact_id, const std::string& from,
                    const std::string& subject, const std::string& body, const std::string& message_id, int64_t now,
                    int64_t* email_id, int64_t* send_id, std::string* error);

}  // namespace rebound::store
