// Rebound's memory: accounts, contacts, emails and sends, bounce events,
// suppressions, unbounces and complaints, on SQLite (one file, the default)
// or PostgreSQL (shared by many processes on many machines).
//
// Store is the data access layer: it knows tables, not rules. The rules of
// PRODUCT.md section 4 live in src/policy/, which calls these methods inside
// one transaction per decision.
//
// A Store owns one connection and is used by one thread at a time. Several
// processes may open the same database: SQLite serialises writers on its
// file lock, PostgreSQL with row locks (see LockAddress).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/db.h"

namespace rebound::store {

struct Account {
  int64_t id = 0;
  std::string name;
  std::string policy;  // "strict" or "healing"
  int64_t created_at = 0;
  // The account's own numbers; 0 takes the configuration's (policy::Settings).
  int64_t healing_second_within = 0;  // seconds
  int64_t healing_lapse_after = 0;    // seconds
  int64_t brake_min_sends = 0;
  int64_t brake_max_hard_bp = 0;  // basis points: 500 = 5%
};

struct Contact {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string address;
  std::string properties;          // JSON object
  std::string hard_bounce_reason;  // empty when none
  std::string bounce_status;       // "none", "soft", "hard"
};

struct Send {
  int64_t id = 0;
  int64_t email_id = 0;
  int64_t account_id = 0;
  int64_t contact_id = 0;
  std::string address;
  std::string message_id;
  std::string state;  // queued, pending, delivered, bounced, not_sent
  std::string bounce_type;
  std::string reason;
  std::string last_reply;
  int64_t first_attempt_at = 0;
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;  // PENDING: when to try again
};

struct Email {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string kind;
  std::string subject;
  std::string body;
  std::string from;
  std::string state;  // sending | paused | sent
  int64_t created_at = 0;
  int64_t paused_at = 0;
  int64_t paused_rate_bp = 0;  // the hard bounce rate that paused it
  int64_t brake_base_sends = 0;
  int64_t brake_base_hard = 0;
  int64_t finished_at = 0;
};

// One classified bounce (or complaint, or delivery notice) for one address.
struct BounceEvent {
  int64_t id = 0;
  std::string fingerprint;  // identical bounces share it
  int64_t account_id = 0;
  int64_t contact_id = 0;  // 0 when unknown
  int64_t send_id = 0;     // 0 when not correlated
  std::string address;
  std::string type;  // HARD, SOFT, PENDING, NONE
  std::string reason;
  std::string cause;
  std::string status;
  std::string reply_code;
  std::string diagnostic;
  std::string format;
  std::string remote_mta;
  std::string evidence;  // JSON array
  std::string raw_message;
  int64_t occurred_at = 0;
  bool lifted = false;
  std::string channel = "marketing";  // marketing | one_to_one
  std::string matched_by;             // one_to_one: how the notice was matched with its send
  int64_t email_id = 0;               // filled by the queries that join the send (store/views.h)
};

struct Suppression {
  int64_t account_id = 0;
  std::string address;
  std::string kind;    // "hard_bounce", "complaint" or "manual"
  std::string reason;  // hard bounce reason
  int64_t since = 0;
  std::string note;  // why, for a manual suppression
};

class Store {
 public:
  // Opens the database at `url` ("sqlite:PATH", a path, or
  // "postgresql://...") and brings its schema to the latest version.
  static std::unique_ptr<Store> Open(const std::string& url, std::string* error);

  Db& db() { return *db_; }
  Dialect dialect() const { return db_->dialect(); }
  // The schema version after Open.
  int schema_version() const { return schema_version_; }

  // A transaction; nested use is not supported. Commit durably or roll back.
  bool Begin(std::string* error) { return db_->Begin(error); }
  bool Commit(std::string* error) { return db_->Commit(error); }
  void Rollback() { db_->Rollback(); }

  // Accounts.
  bool CreateAccount(const std::string& name, const std::string& policy, int64_t now, Account* out, std::string* error);
  bool FindAccount(const std::string& name, Account* out, bool* found, std::string* error);
  bool FindAccountById(int64_t id, Account* out, bool* found, std::string* error);
  bool SetAccountPolicy(int64_t account_id, const std::string& policy, std::string* error);
  // Writes the policy and the account's own numbers (0: the default).
  bool UpdateAccount(const Account& account, std::string* error);
  bool ListAccounts(std::vector<Account>* out, std::string* error);

  // Contacts. Addresses are stored lowercased.
  bool UpsertContact(int64_t account_id, const std::string& address, const std::string& properties, int64_t now,
                     Contact* out, std::string* error);
  bool FindContact(int64_t account_id, const std::string& address, Contact* out, bool* found, std::string* error);
  bool SetContactBounceState(int64_t contact_id, const std::string& bounce_status,
                             const std::string& hard_bounce_reason, std::string* error);

  // Emails and sends.
  // A new email starts in `state` ("sent" for one delivered at once by the
  // CLI, "sending" for a background job).
  bool CreateEmail(int64_t account_id, const std::string& kind, const std::string& subject, const std::string& body,
                   const std::string& from, int64_t now, int64_t* email_id, std::string* error,
                   const std::string& state = "sent");
  bool CreateSend(int64_t email_id, int64_t account_id, int64_t contact_id, const std::string& message_id, int64_t now,
                  int64_t* send_id, std::string* error);
  bool FindSendByMessageId(const std::string& message_id, Send* out, bool* found, std::string* error);
  bool FindSend(int64_t send_id, Send* out, bool* found, std::string* error);
  bool UpdateSend(const Send& send, std::string* error);
  bool RecordAttempt(int64_t send_id, int64_t at, const std::string& reply, const std::string& type,
                     const std::string& reason, std::string* error);
  bool FindEmail(int64_t email_id, Email* out, bool* found, std::string* error);
  // PENDING sends due for another attempt at `now` (and not yet past the
  // retry window, which ExpirePending handles), oldest first.
  bool DueSends(int64_t now, int64_t started_after, size_t limit, std::vector<Send>* out, std::string* error);
  // Sends of an email, for its recipients view.
  bool SendsOfEmail(int64_t email_id, std::vector<Send>* out, std::string* error);
  // PENDING sends whose first attempt is at or before `cutoff`, locked for
  // this transaction; on PostgreSQL rows another node holds are skipped.
  bool PendingSendsStartedBefore(int64_t cutoff, std::vector<Send>* out, std::string* error);

  // Bounce events. InsertBounceEvent sets *inserted to false (and changes
  // nothing) when an event with the same fingerprint exists.
  bool InsertBounceEvent(BounceEvent* event, bool* inserted, std::string* error);
  bool BounceHistory(int64_t account_id, const std::string& address, std::vector<BounceEvent>* out, std::string* error);
  // Counts the account's own marketing HARD bounces of `reasons` for the
  // address since `since`, not lifted, other than `except_event`.
  bool CountHardBounces(int64_t account_id, const std::string& address, const std::vector<std::string>& reasons,
                        int64_t since, int64_t except_event, int64_t* count, std::string* error);
  // Distinct accounts with a not-lifted HARD bounce of `reasons` since `since`.
  bool CountAccountsWithHardBounce(const std::string& address, const std::vector<std::string>& reasons, int64_t since,
                                   int64_t* count, std::string* error);
  bool LiftBounceEvents(int64_t account_id, const std::string& address, std::string* error);

  // Suppressions.
  bool FindSuppression(int64_t account_id, const std::string& address, Suppression* out, bool* found,
                       std::string* error);
  bool PutSuppression(const Suppression& s, int64_t bounce_event_id, std::string* error);
  bool DeleteSuppression(int64_t account_id, const std::string& address, std::string* error);
  bool ListSuppressions(int64_t account_id, std::vector<Suppression>* out, std::string* error);

  // Global state of an address. LockAddress makes the address's row exist,
  // holds it locked until the transaction ends (PostgreSQL: the upsert's
  // row lock; SQLite's write transaction already excludes other writers)
  // and reads its global state, in one round trip.
  bool LockAddress(const std::string& address, int64_t* global_since, int64_t* lifted_at, std::string* error);
  bool GlobalState(const std::string& address, int64_t* global_since, int64_t* lifted_at, std::string* error);
  bool SetGlobal(const std::string& address, int64_t at, std::string* error);
  bool LiftGlobal(const std::string& address, const std::string& by, int64_t at, std::string* error);
  bool ListGlobal(std::vector<std::pair<std::string, int64_t>>* out, std::string* error);
  bool CountGlobalEvents(const std::string& address, const std::string& kind, int64_t* count, std::string* error);

  // Bounces received over SMTP/LMTP, stored as received (see intake/).
  struct Inbound {
    int64_t id = 0;
    std::string mail_from;
    std::string rcpt_to;
    int64_t send_id = 0;
    std::string raw;
  };
  bool InsertInbound(const std::string& mail_from, const std::string& rcpt_to, int64_t send_id, const std::string& raw,
                     int64_t now, int64_t* id, std::string* error);
  // Stored but not yet classified and applied, oldest first; on PostgreSQL
  // rows another node is processing are skipped.
  bool PendingInbound(size_t limit, std::vector<Inbound>* out, std::string* error);
  bool MarkInbound(int64_t id, const std::string& state, const std::string& note, int64_t now, std::string* error);

  // Audit of unbounces and complaints.
  bool RecordUnbounce(int64_t account_id, const std::string& address, const std::string& reason, const std::string& by,
                      const std::string& why, int64_t at, std::string* error);
  // A manual suppression, or the removal of one (action "suppress" or
  // "remove"), audited like an unbounce.
  bool RecordSuppressionChange(int64_t account_id, const std::string& address, const std::string& action,
                               const std::string& kind, const std::string& reason, const std::string& by,
                               const std::string& why, int64_t at, std::string* error);
  bool RecordComplaint(int64_t account_id, const std::string& address, const std::string& feedback_type,
                       int64_t bounce_event_id, int64_t at, std::string* error);

 private:
  explicit Store(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  bool Migrate(std::string* error);

  std::unique_ptr<Db> db_;
  int schema_version_ = 0;
};

// Lowercases and trims an address for storage and comparison.
std::string NormalizeAddress(std::string_view address);

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD:
// text columns hold text (PostgreSQL refuses anything else).
std::string ValidUtf8(std::string_view s);

}  // namespace rebound::store
