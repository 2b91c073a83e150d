// The application layer: every use case of Rebound, once. The faces (the
// CLI, the SMTP/LMTP receiver, the HTTP API, the web UI) translate their
// protocol into these calls and their answers back; none of them talks to
// the store or the policy on its own.
//
// An App owns a pool of store connections, the committer that applies
// bounces in group commits, the webhook outbox and the background workers
// (email sending, retries, webhook delivery) once started. Every method is
// thread-safe: each call borrows a connection of its own.
//
// Account-scoped calls take the account's id, which the face resolved from
// its caller (an API key, a signed-in user, an operator naming it): a call
// never reaches another account's rows, and something of another account
// answers exactly like something missing (Code::kNotFound).
//
// Errors are Status values; a store failure is Code::kUnavailable, with the
// store's message logged, not returned.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/ingest.h"
#include "app/status.h"
#include "app/store_pool.h"
#include "classify/classifier.h"
#include "delivery/sender.h"
#include "delivery/verp.h"
#include "policy/policy.h"
#include "store/inboxes.h"
#include "store/keys.h"
#include "store/stats.h"
#include "store/store.h"
#include "store/users.h"
#include "store/views.h"
#include "store/webhooks.h"

namespace rebound::app {

class Outbox;
class WebhookDeliverer;

struct WebhookOptions {
  int timeout_seconds = 10;                    // an answer after this is a failure
  int64_t give_up_after = int64_t{3} * 86400;  // retries stop this long after the event
  int64_t retry_base_seconds = 30;             // the first retry waits about this long, then doubling
  int64_t retry_max_seconds = 3600;            // at most this long between attempts
  int64_t lease_seconds = 60;                  // a claimed delivery is another node's again after this
  int concurrency = 16;                        // requests in flight per node
  int64_t rotation_overlap = 86400;            // the previous secret still signs this long after a rotation
  bool allow_private_targets = true;           // endpoints on loopback and private networks (off in production)
};

// Connected inboxes: how they are reached and watched.
struct InboxOptions {
  std::string ca_file;  // trusted CAs for IMAP, submission and token endpoints; empty: the system's
  int timeout_seconds = 30;
  int64_t idle_renew_seconds = int64_t{25} * 60;  // IDLE is restarted before servers drop it (RFC 2177: 29 min)
  int64_t poll_seconds = 60;                      // servers without IDLE, and the Junk folder, are looked at this often
  int64_t lease_seconds = 60;                     // another node takes a dead node's inboxes after this
  int64_t retry_max_seconds = 300;                // reconnects back off up to this
  int64_t auth_retry_seconds = 900;               // an inbox whose login was refused is tried again this often
  std::string node;                               // this node's name in the leases; empty: host and pid
  size_t max_inboxes = 5000;                      // watched by this node at most
};

struct AppOptions {
  std::string database = "sqlite:rebound.db";
  size_t max_connections = 32;
  policy::Settings policy;
  policy::Clock clock;  // empty: policy::SystemClock()
  // Applying bounces: records per commit, parallel transactions (0: 1 on
  // SQLite, 4 on PostgreSQL), and whether to commit at once (a server) or
  // wait for full batches (a bulk import).
  size_t batch = 500;
  int commit_connections = 0;
  bool eager_commit = true;
  // Sending: needed only by the use cases that send.
  delivery::SenderOptions sender;
  std::optional<delivery::VerpSigner> signer;
  size_t send_chunk = 50;  // sends delivered between two checks of the bounce-rate brake
  int64_t email_lease_seconds = 120;
  // The key that seals secrets at rest (webhook secrets): 32 bytes.
  std::string secrets_key;
  WebhookOptions webhooks;
  InboxOptions inboxes;
  // How long an Idempotency-Key is remembered.
  int64_t idempotency_window = 86400;
};

// Who is calling, as an API key says.
struct Principal {
  enum class Kind { kAccount, kOperator } kind = Kind::kAccount;
  int64_t account_id = 0;  // kAccount
  bool can_write = false;
  int64_t key_id = 0;
  std::string key_name;
};

// One record of an ingested message and what it changed.
struct IngestedRecord {
  Record record;
  Applied applied;
  int64_t bounce_id = 0;  // the event recorded (0 when a duplicate or refused)
};
struct IngestResult {
  std::vector<IngestedRecord> records;
  bool stored_as_not_a_bounce = false;  // kept as received, applied to nothing
  int64_t inbound_id = 0;
  std::string note;  // why nothing was applied
};

struct ContactInput {
  std::string address;
  std::string properties = "{}";  // JSON object
};
struct ImportReport {
  int imported = 0;
  struct RowError {
    size_t row = 0;  // 1-based: the JSON array's item, or the CSV's line
    std::string error;
  };
  std::vector<RowError> rejected;
};

struct ContactDetail {
  std::string address;  // normalised
  policy::ContactView view;
  int64_t global_since = 0;
  std::vector<store::TimelineEntry> timeline;
};

struct EmailInput {
  std::string from;
  std::string subject;
  std::string body;
  std::vector<std::string> recipients;
  bool all_contacts = false;  // every contact of the account instead of `recipients`
};
struct EmailView {
  store::Email email;
  store::SendCounts counts;
};
enum class Bucket { kAll, kDelivered, kPending, kBounced, kNotSent };
bool ParseBucket(std::string_view name, Bucket* out);

struct AccountSettings {
  std::optional<std::string> policy;  // strict | healing
  std::optional<int64_t> healing_second_within_days;
  std::optional<int64_t> healing_lapse_after_days;
  std::optional<int64_t> brake_min_sends;
  std::optional<double> brake_max_hard_rate;  // 0.05 = 5%
};

struct GlobalEntry {
  std::string address;
  int64_t since = 0;
  int64_t accounts = 0;  // how many, never which
};

// Statistics: per bucket of time and per group (a type, a reason or a
// receiving domain), sends and bounces.
struct StatsQuery {
  std::string group_by = "type";  // type | reason | domain
  std::string interval = "day";   // hour | day
  int64_t since = 0;
  int64_t until = 0;
};
struct StatsPoint {
  int64_t start = 0;
  int64_t sends = 0;
  int64_t bounces = 0;
};
struct StatsSeries {
  std::string key;
  std::vector<StatsPoint> points;
  int64_t bounces = 0;
};
struct StatsResult {
  int64_t since = 0;  // the range used (defaults filled in)
  int64_t until = 0;
  std::vector<int64_t> bucket_starts;
  std::vector<int64_t> sends;      // per bucket, all domains
  std::vector<int64_t> delivered;  // per bucket
  std::vector<StatsSeries> series;
  int64_t total_sends = 0;
};

struct EndpointInput {
  std::optional<std::string> url;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> event_types;
  std::optional<bool> enabled;
};

// A connected inbox as given by its user.
struct InboxInput {
  std::string user_email;         // the account's user it belongs to
  std::string address;            // the mailbox's address
  std::string provider = "imap";  // gmail | office365 | imap (presets fill what is not given)
  std::string imap_host;
  int imap_port = 0;
  std::string imap_tls;  // tls | starttls
  std::string smtp_host;
  int smtp_port = 0;
  std::string smtp_tls;           // tls | starttls
  std::string username;           // empty: the address
  std::string auth = "password";  // password | oauth2
  std::string password;
  std::string refresh_token;
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  bool verify = true;  // log in (IMAP) before keeping it
};

struct OneToOneInput {
  int64_t inbox_id = 0;
  std::string to;
  std::string subject;
  std::string body;
};
struct OneToOneResult {
  int64_t email_id = 0;
  int64_t send_id = 0;
  std::string message_id;
  std::string state;  // delivered (accepted by the submission server) | bounced | not_sent
  std::string reply;  // the submission server's answer
  std::string type;   // bounced: HARD or SOFT, and its reason
  std::string reason;
};

// What a message found in a watched inbox was taken for.
struct InboxRecord {
  std::string kind;  // bounce | auto_reply | ignored
  std::string matched_by;
  int64_t send_id = 0;
  int64_t event_id = 0;
  bool duplicate = false;
  std::string why;  // ignored
};

class InboxWatchers;

// A signed-in person of the web UI.
struct WebSession {
  int64_t user_id = 0;
  int64_t account_id = 0;  // 0: a platform operator
  std::string email;
  std::string csrf;  // every change from the browser must carry it
};

// The first answer to a POST, kept under its Idempotency-Key.
struct IdempotencyClaim {
  enum class State { kFirst, kReplay, kMismatch, kInProgress } state = State::kFirst;
  int status = 0;
  std::string content_type;
  std::string body;
};

class App {
 public:
  static std::unique_ptr<App> Create(const classify::Classifier* classifier, AppOptions options, std::string* error);
  ~App();

  const classify::Classifier& classifier() const { return *classifier_; }
  const AppOptions& options() const { return options_; }
  int64_t Now() const { return clock_(); }
  StorePool& pool() { return *pool_; }

  // --- Accounts (operators) and their settings.
  Status CreateAccount(const std::string& name, const std::string& policy, store::Account* out);
  Status FindAccount(const std::string& name, store::Account* out);
  Status GetAccount(int64_t account_id, store::Account* out);
  Status ListAccounts(std::vector<store::Account>* out);
  Status UpdateAccount(int64_t account_id, const AccountSettings& settings, store::Account* out);
  // The numbers that apply to the account (its own, or the defaults).
  policy::Settings EffectiveSettings(const store::Account& account) const;

  // --- API keys. A key is 256 random bits; only its SHA-256 is stored.
  // account_id 0 makes an operator key. `secret` is the key itself, to be
  // shown once.
  Status CreateKey(int64_t account_id, const std::string& scope, const std::string& name, store::ApiKey* out,
                   std::string* secret);
  Status ListKeys(int64_t account_id, std::vector<store::ApiKey>* out);
  Status RevokeKey(int64_t account_id, int64_t key_id);
  // The caller a bearer key names, or kUnauthorized. A key is remembered
  // for a few seconds: a key revoked through another process stops working
  // within that time, one revoked through this one at once.
  Status Authenticate(const std::string& bearer, Principal* out);

  // --- People who sign in to the web UI. Passwords are hashed with
  // Argon2id (libsodium crypto_pwhash_str); sessions are random 256-bit
  // tokens of which only a hash is stored.
  // account_id 0 makes a platform operator.
  Status CreateUser(int64_t account_id, const std::string& email, const std::string& password, store::User* out);
  Status ListUsers(int64_t account_id, std::vector<store::User>* out);
  // On success *token is the new session's cookie value. Failed attempts
  // for an address are counted: after five in a row, the next ones are
  // refused without checking the password for a while that doubles with
  // each (Code::kForbidden with *retry_after seconds).
  Status SignIn(const std::string& email, const std::string& password, std::string* token, WebSession* out,
                int64_t* retry_after);
  // The session a cookie names, or kUnauthorized.
  Status SessionOf(const std::string& token, WebSession* out);
  Status SignOut(const std::string& token);

  // --- Classification, nothing stored.
  std::vector<classify::Verdict> Classify(std::string_view raw) const;
  classify::Verdict ClassifyReply(std::string_view reply) const;

  // --- Bounces.
  // Classifies a raw message given to an account, correlates it with its
  // send and applies it; returns once it is durably stored. A message that
  // is no bounce is kept as received and said so.
  Status IngestRaw(int64_t account_id, std::string_view raw, IngestResult* out);
  // The committer every face shares (the CLI uses it for bulk imports);
  // started on first use, with connections of its own.
  Committer& committer();
  Status ListBounces(const store::BounceFilter& filter, int64_t before, size_t limit,
                     std::vector<store::BounceEvent>* out);
  Status GetBounce(int64_t account_id, int64_t id, store::BounceEvent* out);
  Status GetBounceRaw(int64_t account_id, int64_t id, std::string* raw);
  // Applies the messages the SMTP/LMTP receiver stored and did not apply
  // yet; returns how many it applied.
  Status ProcessInbound(int* applied, int* unmatched);

  // --- Contacts.
  Status ImportContacts(int64_t account_id, const std::vector<ContactInput>& contacts, ImportReport* out);
  Status ImportCsv(int64_t account_id, std::istream& csv, ImportReport* out);
  // out->view.exists is false when the address is not a contact of the
  // account (an API answers that as not found; the CLI shows it).
  // The view's bounce history (view.history) is read only when asked for:
  // the timeline holds the same events.
  Status GetContact(int64_t account_id, const std::string& address, ContactDetail* out, bool with_history = false);
  Status ListContacts(const store::ContactFilter& filter, int64_t after, size_t limit,
                      std::vector<store::ContactRow>* out);
  Status Unbounce(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                  bool confirm);
  Status Eligibility(int64_t account_id, const std::vector<std::string>& addresses,
                     std::vector<policy::Exclusion>* excluded);

  // --- Suppressions.
  Status ListSuppressions(const store::SuppressionFilter& filter, const std::string& after, size_t limit,
                          std::vector<store::Suppression>* out);
  // Calls `row` for every suppression of the account, in pages, without
  // holding them all (CSV export).
  Status ForEachSuppression(int64_t account_id, const std::function<bool(const store::Suppression&)>& row);
  // *created false when the address was suppressed already (nothing changed).
  Status Suppress(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                  bool* created, store::Suppression* out);
  Status RemoveSuppression(int64_t account_id, const std::string& address, const std::string& by,
                           const std::string& why, bool confirm);

  // --- Global bounces (operators).
  Status ListGlobal(const std::string& after, size_t limit, std::vector<GlobalEntry>* out);
  Status LiftGlobal(const std::string& address, const std::string& operator_name, const std::string& why);

  // --- Marketing emails.
  // Creates the email and a send per recipient (those not eligible are
  // recorded as not sent, with why); a background worker (or RunEmail)
  // delivers it.
  Status CreateEmail(int64_t account_id, const EmailInput& input, EmailView* out);
  Status ListEmails(int64_t account_id, int64_t before, size_t limit, std::vector<EmailView>* out);
  Status GetEmail(int64_t account_id, int64_t email_id, EmailView* out);
  // `type` and `reason` narrow the bounced ones (empty: all).
  Status ListRecipients(int64_t account_id, int64_t email_id, Bucket bucket, int64_t after, size_t limit,
                        std::vector<store::Recipient>* out, const std::string& type = "",
                        const std::string& reason = "");
  // Resumes an email the bounce-rate brake paused; the brake counts again
  // from here.
  Status ResumeEmail(int64_t account_id, int64_t email_id, EmailView* out);
  // Delivers the queued sends of an email on this thread, checking the
  // brake between chunks, until none is left or the email pauses.
  Status RunEmail(int64_t email_id, delivery::SendReport* report);
  // Retries the PENDING sends that are due and turns the old ones SOFT.
  Status RetryDue(delivery::SendReport* report, int* expired);
  Status ExpirePending(int* expired);

  // --- Statistics.
  Status Stats(int64_t account_id, const StatsQuery& query, StatsResult* out);
  // The same for several groupings at once, from one read of the counters.
  Status StatsBy(int64_t account_id, const StatsQuery& query, const std::vector<std::string>& group_bys,
                 std::vector<StatsResult>* out);

  // --- Webhooks.
  Status CreateEndpoint(int64_t account_id, const EndpointInput& input, store::WebhookEndpoint* out,
                        std::string* secret);
  Status ListEndpoints(int64_t account_id, std::vector<store::WebhookEndpoint>* out);
  Status GetEndpoint(int64_t account_id, int64_t id, store::WebhookEndpoint* out);
  Status UpdateEndpoint(int64_t account_id, int64_t id, const EndpointInput& input, store::WebhookEndpoint* out);
  Status DeleteEndpoint(int64_t account_id, int64_t id);
  // A new secret; the old one keeps signing (a second signature) for the
  // rotation overlap.
  Status RotateSecret(int64_t account_id, int64_t id, std::string* secret);
  Status ListAttempts(int64_t account_id, int64_t endpoint_id, int64_t before, size_t limit,
                      std::vector<store::AttemptRow>* out);

  // --- Connected inboxes (one-to-one email). Credentials are sealed
  // with the secrets key and never returned.
  Status ConnectInbox(int64_t account_id, const InboxInput& input, store::Inbox* out);
  Status ListInboxes(int64_t account_id, std::vector<store::Inbox>* out);
  Status GetInbox(int64_t account_id, int64_t id, store::Inbox* out);
  Status RemoveInbox(int64_t account_id, int64_t id);
  // Sends through the inbox's submission server; a refusal is classified
  // and recorded on the spot.
  Status SendOneToOne(int64_t account_id, const OneToOneInput& input, OneToOneResult* out);
  // Takes one message read from a watched inbox: a bounceback or an
  // auto-reply of a tracked one-to-one email is recorded (durably, on
  // return), anything else left alone.
  Status RecordInboxMessage(const store::Inbox& inbox, std::string_view raw, InboxRecord* out);
  // The secret to log in with: the password, or an OAuth access token
  // (refreshed when `refresh` or when the one kept is about to expire).
  // kUnauthorized when the provider refused the refresh token. A refresh
  // token the provider rotated is kept (in the store; for an inbox not
  // stored yet, sealed in *rotated).
  Status InboxLogin(const store::Inbox& inbox, bool refresh, std::string* secret, std::string* rotated = nullptr);

  // --- Idempotency of POSTs: `principal` names whose key it is.
  Status ClaimIdempotency(const std::string& principal, const std::string& key, const std::string& request_hash,
                          IdempotencyClaim* out);
  Status FinishIdempotency(const std::string& principal, const std::string& key, int status,
                           const std::string& content_type, const std::string& body);
  Status ReleaseIdempotency(const std::string& principal, const std::string& key);

  // --- Background work of `rebound serve`, each switchable.
  struct Workers {
    bool inbound = false;  // apply what the SMTP/LMTP receiver stored
    bool email_jobs = true;
    bool retries = true;
    int64_t retry_interval_seconds = 60;
    bool webhooks = true;
    bool inboxes = true;  // watch the connected inboxes this node holds leases on
  };
  void StartWorkers(const Workers& workers);
  // Stops taking new work, finishes what is in hand, joins.
  void StopWorkers();
  // Wakes the workers that wait for new work (tests, and after a POST).
  void Nudge();

  // The store connection is checked (readiness).
  Status Ping();

 private:
  App(const classify::Classifier* classifier, AppOptions options);
  policy::Policy PolicyOn(store::Store* store) const;
  Status Lease(StorePool::Lease* lease);
  Status StoreError(const std::string& what, const std::string& error) const;
  Status EnsureSigner() const;
  void NudgeWebhooks();
  void EmailLoop();
  void RetryLoop(int64_t interval);
  void InboundLoop();
  void HousekeepingLoop();
  void Housekeeping();

  const classify::Classifier* classifier_;
  AppOptions options_;
  policy::Clock clock_;
  std::unique_ptr<StorePool> pool_;
  std::unique_ptr<Outbox> outbox_;
  // Keys seen lately, by hash: most requests authenticate without the store.
  struct CachedKey {
    Principal principal;
    int64_t expires_ms = 0;
  };
  std::mutex keys_mu_;
  std::unordered_map<std::string, CachedKey> keys_;
  // Last uses to record (key id -> when), written by the housekeeping
  // worker, so that no request waits on a write for it.
  std::unordered_map<int64_t, int64_t> touches_;
  std::unordered_map<int64_t, int64_t> touched_;  // key id -> last use recorded
  std::once_flag committer_once_;
  std::unique_ptr<Committer> committer_;
  std::unique_ptr<WebhookDeliverer> deliverer_;
  std::unique_ptr<InboxWatchers> watchers_;
  std::mutex tokens_mu_;
  std::mutex refresh_mu_;  // one refresh at a time: a rotated refresh token is used once
  std::unordered_map<int64_t, std::pair<std::string, int64_t>> tokens_;  // inbox id -> access token, expiry

  std::mutex worker_mu_;
  std::condition_variable worker_cv_;
  bool stopping_ = false;
  uint64_t nudges_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace rebound::app
