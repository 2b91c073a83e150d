// The contact-state rules of PRODUCT.md section 4, as functions over a
// store transaction: who is suppressed, why, and for how long.
//
// - A HARD bounce suppresses the contact in its account and sets the
//   "email hard bounce reason" property (healing accounts: CONTENT, SPAM,
//   POLICY and OTHER only at the second within 30 days, lapsing after 90).
// - HARD UNKNOWN_USER or MAILBOX_FULL bounces in 3 or more distinct accounts
//   within 60 days make the address GLOBAL: suppressed everywhere.
// - SOFT and PENDING never suppress; a delivery clears SOFT; a PENDING send
//   becomes SOFT 72 hours after its first attempt (ExpirePending).
// - A complaint suppresses without a hard bounce reason.
// - A one-to-one bounce changes the contact only when it is HARD
//   UNKNOWN_USER or MAILBOX_FULL; the rest is recorded on the timeline.
// - The same bounce applied twice changes nothing the second time.
//
// Time comes from an injectable clock; every number is a Setting. A Policy
// borrows its Store and is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "classify/verdict.h"
#include "store/store.h"

namespace rebound::policy {

// Seconds since the Unix epoch.
using Clock = std::function<int64_t()>;
Clock SystemClock();

struct Settings {
  int64_t global_window = int64_t{60} * 86400;  // look-back for counting accounts
  int global_accounts = 3;                      // distinct accounts that make GLOBAL
  int64_t healing_second_within = int64_t{30} * 86400;
  int64_t healing_lapse_after = int64_t{90} * 86400;
  int64_t pending_expiry = int64_t{72} * 3600;  // PENDING becomes SOFT after this
  // The bounce-rate brake of a marketing email: it pauses itself when, after
  // at least brake_min_sends sends, more than brake_max_hard_bp basis points
  // of them hard-bounced. Accounts may set their own.
  int64_t brake_min_sends = 200;
  int64_t brake_max_hard_bp = 500;
};

// One classified bounce, complaint or notice for one address of an account.
struct Incoming {
  int64_t account_id = 0;
  int64_t send_id = 0;  // 0 when not correlated with a send
  std::string address;
  classify::BounceType type = classify::BounceType::kNone;
  classify::Reason reason = classify::Reason::kNone;  // kNone only for type kNone
  formats::Cause cause = formats::Cause::kUndefined;
  std::string status;
  std::string reply_code;
  std::string diagnostic;
  std::string format;
  std::string remote_mta;
  std::string evidence;       // JSON array
  std::string feedback_type;  // for complaints
  std::string raw;            // the message (or SMTP reply) as received
  // Distinguishes several records of one message (one per recipient);
  // with `raw` it makes the fingerprint.
  std::string fingerprint_salt;
  // A bounce of one-to-one email (a connected inbox): only HARD
  // UNKNOWN_USER and MAILBOX_FULL change the contact's state (they are
  // facts about the address); every other one is recorded only.
  bool one_to_one = false;
  std::string matched_by;  // one-to-one: how the notice was matched with its send
};

struct Outcome {
  bool duplicate = false;      // already applied before: nothing changed
  bool suppressed = false;     // the contact is now suppressed in the account
  bool became_global = false;  // this bounce made the address GLOBAL
  int64_t event_id = 0;
};

// What a decision changed, told to a ChangeSink inside the decision's
// transaction: the webhook outbox and the statistics are written there, so
// that they are committed, or lost, with the change itself.
enum class ChangeKind {
  kBounce,      // a bounce event of type HARD, SOFT or PENDING was recorded
  kComplaint,   // a spam complaint
  kDelivery,    // a delivery (SMTP accepted, or a delivery notice)
  kSuppressed,  // the contact became suppressed in the account (or its reason changed)
  kUnbounced,   // a suppression was lifted by a user
  kGlobal,      // the address became GLOBAL (account_id is 0)
  kSent,        // the first delivery attempt of a send
};

struct Change {
  ChangeKind kind = ChangeKind::kBounce;
  int64_t account_id = 0;
  std::string address;
  int64_t send_id = 0;
  int64_t at = 0;
  // The event recorded, for kBounce, kComplaint and a kDelivery from a
  // notice; null otherwise. Valid during the call only.
  const store::BounceEvent* event = nullptr;
  // kSuppressed: the suppression's kind; kUnbounced: the kind lifted.
  std::string suppression_kind;
  std::string reason;  // kSuppressed: the hard bounce reason, if any
  std::string by;      // kUnbounced, and a manual kSuppressed
  std::string why;
};

class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  // Runs inside the transaction of the change, on `store`, which is the
  // Policy's. False (with `error`) rolls the change back. Must be safe to
  // call from several threads, each with its own store.
  virtual bool OnChange(store::Store& store, const Change& change, std::string* error) = 0;
};

// What an account sees of one of its contacts.
struct ContactView {
  bool exists = false;
  store::Contact contact;
  std::string status;  // none, soft, hard, global
  bool suppressed = false;
  std::string suppression;             // hard_bounce, complaint, manual, global_bounce, or empty
  store::Suppression suppression_row;  // when suppressed in the account
  int64_t global_since = 0;            // when the address became GLOBAL; 0: it is not
  std::vector<store::BounceEvent> history;
};

// Why a contact may not receive marketing email.
struct Exclusion {
  size_t index = 0;    // position in the list given
  std::string why;     // hard_bounce, global_bounce, complaint, manual
  std::string reason;  // the hard bounce reason, for hard_bounce
};

class Policy {
 public:
  Policy(store::Store* store, Settings settings, Clock clock, ChangeSink* sink = nullptr)
      : store_(store), settings_(settings), clock_(std::move(clock)), sink_(sink) {}

  // Why an unbounce or a removal was refused.
  enum class LiftError { kNone, kNotFound, kNeedsConfirmation, kGlobal, kBadRequest };

  // Applies one incoming record in its own transaction.
  bool Apply(const Incoming& in, Outcome* out, std::string* error);

  // Applies many in one durable transaction (one commit for the batch).
  // A record that fails is rolled back alone (a savepoint each) and its
  // error reported at its index; the others are kept.
  bool ApplyBatch(const std::vector<Incoming>& batch, std::vector<Outcome>* outcomes, std::vector<std::string>* errors,
                  std::string* error);

  // A user of the account lifts its hard bounce of `address`. UNKNOWN_USER
  // and MAILBOX_FULL need `confirmed`. A GLOBAL bounce is lifted only by
  // LiftGlobal.
  bool Unbounce(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                bool confirmed, std::string* error);
  // The same with why it failed, for callers that answer with a status.
  bool Unbounce(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                bool confirmed, LiftError* code, std::string* error);

  // A user of the account suppresses `address` by hand (kind "manual"),
  // with who and why. An address suppressed already stays as it is:
  // *already is set and nothing changes.
  bool Suppress(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                bool* already, std::string* error);

  // A user lifts the account's suppression of `address`, whatever its kind:
  // a hard bounce follows the rules of Unbounce, a manual suppression or a
  // complaint is removed and audited. *code tells why it failed.
  bool RemoveSuppression(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                         bool confirmed, LiftError* code, std::string* error);

  // A platform operator lifts the GLOBAL state of an address.
  bool LiftGlobal(const std::string& address, const std::string& operator_name, const std::string& why,
                  std::string* error);

  // A delivery to the address succeeded: SOFT status is cleared. Inside the
  // caller's transaction.
  bool RecordDelivery(int64_t account_id, const std::string& address, int64_t send_id, std::string* error);

  // The first attempt of a send was made (for the statistics). Inside the
  // caller's transaction.
  bool NoteSent(const store::Send& send, std::string* error);

  // The numbers that apply to `account`: its own where set, else the
  // configuration's.
  int64_t HealingSecondWithin(const store::Account& account) const;
  int64_t HealingLapseAfter(const store::Account& account) const;

  // PENDING sends 72 hours past their first attempt become SOFT bounces
  // with the last reason seen. Sets *expired to how many.
  bool ExpirePending(int* expired, std::string* error);

  // The contact's state; its bounce history too unless `with_history` is
  // false (a caller that reads the timeline has it already).
  bool View(int64_t account_id, const std::string& address, ContactView* out, std::string* error,
            bool with_history = true);

  // Of `addresses` (any size), those the account may not mail and why.
  bool Eligibility(int64_t account_id, const std::vector<std::string>& addresses, std::vector<Exclusion>* excluded,
                   std::string* error);

  int64_t Now() const { return clock_(); }
  const Settings& settings() const { return settings_; }
  const Clock& clock() const { return clock_; }
  ChangeSink* sink() const { return sink_; }

 private:
  bool ApplyInTransaction(const Incoming& in, Outcome* out, std::string* error);
  bool RecordDeliveryState(int64_t account_id, const std::string& address, int64_t send_id, std::string* error);
  bool ApplyHard(const Incoming& in, const store::Account& account, const store::Contact& contact, int64_t event_id,
                 int64_t global_since, int64_t lifted_at, Outcome* out, std::string* error);
  // The account, read once per transaction (accounts change rarely).
  bool CachedAccount(int64_t id, store::Account* out, std::string* error);
  // Whether a suppression is in force now under the account's policy.
  bool InForce(const store::Account& account, const store::Suppression& s, int64_t now) const;
  bool Emit(const Change& change, std::string* error);
  bool LiftHardBounce(int64_t account_id, const std::string& address, const store::Suppression& s,
                      const std::string& by, const std::string& why, std::string* error);

  store::Store* store_;
  Settings settings_;
  Clock clock_;
  ChangeSink* sink_;
  std::vector<store::Account> accounts_;  // CachedAccount, cleared per transaction
};

// Reasons whose HARD bounces count toward GLOBAL and are strict under
// every policy.
bool IsAddressDeadReason(const std::string& reason);
bool IsAddressDeadReason(classify::Reason reason);

// The fingerprint that makes applying the same bounce twice a no-op.
std::string Fingerprint(int64_t account_id, const std::string& address, const std::string& raw,
                        const std::string& salt);

}  // namespace rebound::policy
