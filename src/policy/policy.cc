#include "policy/policy.h"

#include <openssl/evp.h>

#include <chrono>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

namespace rebound::policy {

using store::Account;
using store::Contact;
using store::Suppression;

namespace {

const std::vector<std::string> kDeadReasons = {"UNKNOWN_USER", "MAILBOX_FULL"};
const std::vector<std::string> kFilterReasons = {"CONTENT", "SPAM", "POLICY", "OTHER"};

bool IsFilterReason(const std::string& r) {
  for (const std::string& f : kFilterReasons) {
    if (r == f) return true;
  }
  return false;
}

// Runs fn inside a transaction: commits when it succeeds, rolls back
// otherwise.
template <typename Fn>
bool InTransaction(store::Store* store, std::string* error, Fn fn) {
  if (!store->Begin(error)) return false;
  if (!fn()) {
    store->Rollback();
    return false;
  }
  if (!store->Commit(error)) {
    store->Rollback();
    return false;
  }
  return true;
}

}  // namespace

Clock SystemClock() {
  // REBOUND_NOW (seconds since the epoch) replays history at a chosen time:
  // tests of the time rules and operators re-running an old batch use it.
  if (const char* fixed = std::getenv("REBOUND_NOW"); fixed != nullptr && *fixed != '\0') {
    const int64_t now = std::strtoll(fixed, nullptr, 10);
    return [now] { return now; };
  }
  return [] {
    return static_cast<int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  };
}

bool IsAddressDeadReason(const std::string& reason) { return reason == "UNKNOWN_USER" || reason == "MAILBOX_FULL"; }

bool IsAddressDeadReason(classify::Reason reason) {
  return reason == classify::Reason::kUnknownUser || reason == classify::Reason::kMailboxFull;
}

int64_t Policy::HealingSecondWithin(const Account& account) const {
  return account.healing_second_within > 0 ? account.healing_second_within : settings_.healing_second_within;
}

int64_t Policy::HealingLapseAfter(const Account& account) const {
  return account.healing_lapse_after > 0 ? account.healing_lapse_after : settings_.healing_lapse_after;
}

bool Policy::Emit(const Change& change, std::string* error) {
  return sink_ == nullptr || sink_->OnChange(*store_, change, error);
}

std::string Fingerprint(int64_t account_id, const std::string& address, const std::string& raw,
                        const std::string& salt) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string head = std::to_string(account_id) + '\n' + store::NormalizeAddress(address) + '\n' + salt + '\n';
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, head.data(), head.size());
  EVP_DigestUpdate(ctx, raw.data(), raw.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

bool Policy::Apply(const Incoming& in, Outcome* out, std::string* error) {
  accounts_.clear();
  return InTransaction(store_, error, [&] { return ApplyInTransaction(in, out, error); });
}

bool Policy::CachedAccount(int64_t id, Account* out, std::string* error) {
  for (const Account& a : accounts_) {
    if (a.id == id) {
      *out = a;
      return true;
    }
  }
  bool found = false;
  if (!store_->FindAccountById(id, out, &found, error)) return false;
  if (!found) {
    *error = "unknown account id " + std::to_string(id);
    return false;
  }
  accounts_.push_back(*out);
  return true;
}

bool Policy::ApplyBatch(const std::vector<Incoming>& batch, std::vector<Outcome>* outcomes,
                        std::vector<std::string>* errors, std::string* error) {
  outcomes->assign(batch.size(), Outcome());
  errors->assign(batch.size(), std::string());
  accounts_.clear();
  // Records rarely fail: try the batch whole, without a savepoint per
  // record (two round trips each on PostgreSQL).
  std::string first_error;
  bool whole = InTransaction(store_, error, [&] {
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!ApplyInTransaction(batch[i], &(*outcomes)[i], &first_error)) return false;
    }
    return true;
  });
  if (whole) return true;
  // Some record failed, and the whole batch was rolled back: apply again
  // with a savepoint per record, so that only the failing ones are lost.
  outcomes->assign(batch.size(), Outcome());
  accounts_.clear();
  return InTransaction(store_, error, [&] {
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!store_->db().ExecScript("SAVEPOINT item", error)) return false;
      std::string item_error;
      if (ApplyInTransaction(batch[i], &(*outcomes)[i], &item_error)) {
        if (!store_->db().ExecScript("RELEASE SAVEPOINT item", error)) return false;
      } else {
        (*errors)[i] = item_error.empty() ? "failed" : item_error;
        (*outcomes)[i] = Outcome();
        if (!store_->db().ExecScript("ROLLBACK TO SAVEPOINT item", error) ||
            !store_->db().ExecScript("RELEASE SAVEPOINT item", error)) {
          return false;
        }
      }
    }
    return true;
  });
}

bool Policy::ApplyInTransaction(const Incoming& in, Outcome* out, std::string* error) {
  using classify::BounceType;
  *out = Outcome();
  const int64_t now = clock_();
  Account account;
  if (!CachedAccount(in.account_id, &account, error)) return false;
  const std::string address = store::NormalizeAddress(in.address);
  if (address.empty() || address.find('@') == std::string::npos) {
    *error = "no valid recipient address (\"" + in.address + "\")";
    return false;
  }
  // A HARD bounce may change the address's global state: take its lock
  // before anything else, so that concurrent ingests for the same address
  // are serialised and count each other's bounces.
  int64_t global_since = 0;
  int64_t lifted_at = 0;
  if (in.type == BounceType::kHard && !store_->LockAddress(address, &global_since, &lifted_at, error)) return false;

  Contact contact;
  if (!store_->UpsertContact(account.id, address, "", now, &contact, error)) return false;

  const std::string type(classify::TypeName(in.type));
  const std::string reason(classify::ReasonName(in.reason));
  store::BounceEvent event;
  event.fingerprint = Fingerprint(account.id, address, in.raw, in.fingerprint_salt);
  event.account_id = account.id;
  event.contact_id = contact.id;
  event.send_id = in.send_id;
  event.address = address;
  event.type = type;
  event.reason = reason;
  event.cause = std::string(formats::CauseName(in.cause));
  event.status = in.status;
  event.reply_code = in.reply_code;
  event.diagnostic = in.diagnostic;
  event.format = in.format;
  event.remote_mta = in.remote_mta;
  event.evidence = in.evidence;
  event.raw_message = in.raw;
  event.occurred_at = now;
  event.channel = in.one_to_one ? "one_to_one" : "marketing";
  event.matched_by = in.matched_by;
  bool inserted = false;
  if (!store_->InsertBounceEvent(&event, &inserted, error)) return false;
  if (!inserted) {
    out->duplicate = true;
    return true;
  }
  out->event_id = event.id;

  // The send, when known, records the outcome.
  store::Send send;
  bool have_send = false;
  if (in.send_id != 0 && !store_->FindSend(in.send_id, &send, &have_send, error)) return false;

  Change change;
  change.account_id = account.id;
  change.address = address;
  change.send_id = in.send_id;
  change.at = now;
  change.event = &event;

  // A final bounce is the send's outcome.
  auto bounced = [&] {
    send.state = "bounced";
    send.bounce_type = type;
    send.reason = reason;
    send.last_reply = in.diagnostic;
    return store_->UpdateSend(send, error);
  };
  if (in.one_to_one && in.type != BounceType::kNone) {
    // The user's own mail server may have said it, for its own reasons:
    // only a dead address is a fact worth acting on everywhere.
    // A delay notice: the user's server still tries.
    if (have_send && in.type != BounceType::kPending && !bounced()) return false;
    if (!Emit(change, error)) return false;
    const bool dead = in.reason == classify::Reason::kUnknownUser || in.reason == classify::Reason::kMailboxFull;
    if (in.type == BounceType::kHard && dead) {
      return ApplyHard(in, account, contact, event.id, global_since, lifted_at, out, error);
    }
    return true;
  }
  if (in.type == BounceType::kHard || in.type == BounceType::kSoft) {
    if (have_send && !bounced()) return false;
    if (!Emit(change, error)) return false;
    if (in.type == BounceType::kHard)
      return ApplyHard(in, account, contact, event.id, global_since, lifted_at, out, error);
    if (contact.bounce_status == "none") {
      return store_->SetContactBounceState(contact.id, "soft", contact.hard_bounce_reason, error);
    }
    return true;
  }
  if (in.type == BounceType::kPending) {
    // Still being retried: the send waits, the contact is untouched.
    if (have_send && send.state != "delivered" && send.state != "bounced") {
      send.state = "pending";
      send.reason = reason;
      send.last_reply = in.diagnostic;
      if (send.first_attempt_at == 0) send.first_attempt_at = now;
      if (!store_->UpdateSend(send, error)) return false;
    }
    return Emit(change, error);
  }
  // Not a bounce.
  if (in.cause == formats::Cause::kFeedback) {
    if (!store_->RecordComplaint(account.id, address, in.feedback_type, event.id, now, error)) return false;
    change.kind = ChangeKind::kComplaint;
    if (!Emit(change, error)) return false;
    Suppression existing;
    bool suppressed = false;
    if (!store_->FindSuppression(account.id, address, &existing, &suppressed, error)) return false;
    if (!suppressed) {
      if (!store_->PutSuppression(Suppression{account.id, address, "complaint", "", now, ""}, event.id, error)) {
        return false;
      }
      Change s;
      s.kind = ChangeKind::kSuppressed;
      s.account_id = account.id;
      s.address = address;
      s.at = now;
      s.suppression_kind = "complaint";
      if (!Emit(s, error)) return false;
    }
    out->suppressed = true;
    return true;
  }
  if (in.cause == formats::Cause::kDelivered) {
    change.kind = ChangeKind::kDelivery;
    return Emit(change, error) && RecordDeliveryState(account.id, address, in.send_id, error);
  }
  return true;  // auto-replies and the like change nothing
}

bool Policy::ApplyHard(const Incoming& in, const Account& account, const Contact& contact, int64_t event_id,
                       int64_t global_since, int64_t lifted_at, Outcome* out, std::string* error) {
  const int64_t now = clock_();
  const std::string& address = contact.address;
  const std::string reason(classify::ReasonName(in.reason));
  bool suppress = true;
  if (account.policy == "healing" && IsFilterReason(reason)) {
    // Filters often reject valid people: suppress only at the second such
    // bounce within the window.
    int64_t earlier = 0;
    if (!store_->CountHardBounces(account.id, address, kFilterReasons, now - HealingSecondWithin(account), event_id,
                                  &earlier, error)) {
      return false;
    }
    suppress = earlier > 0;
  }
  if (suppress) {
    // A hard bounce outranks a complaint or a manual suppression; a newer
    // hard bounce refreshes the reason and the time it lapses from.
    Suppression before;
    bool was = false;
    if (!store_->FindSuppression(account.id, address, &before, &was, error) ||
        !store_->PutSuppression(Suppression{account.id, address, "hard_bounce", reason, now, ""}, event_id, error) ||
        !store_->SetContactBounceState(contact.id, "hard", reason, error)) {
      return false;
    }
    out->suppressed = true;
    if (!was || before.kind != "hard_bounce" || before.reason != reason) {
      Change s;
      s.kind = ChangeKind::kSuppressed;
      s.account_id = account.id;
      s.address = address;
      s.send_id = in.send_id;
      s.at = now;
      s.suppression_kind = "hard_bounce";
      s.reason = reason;
      if (!Emit(s, error)) return false;
    }
  } else if (contact.bounce_status == "none") {
    if (!store_->SetContactBounceState(contact.id, "soft", contact.hard_bounce_reason, error)) return false;
  }

  if (!IsAddressDeadReason(in.reason)) return true;
  if (global_since != 0) return true;  // already GLOBAL
  // After an operator lifted it, only newer bounces count.
  int64_t since = now - settings_.global_window;
  if (lifted_at > since) since = lifted_at + 1;
  int64_t accounts = 0;
  if (!store_->CountAccountsWithHardBounce(address, kDeadReasons, since, &accounts, error)) return false;
  if (accounts >= settings_.global_accounts) {
    if (!store_->SetGlobal(address, now, error)) return false;
    out->became_global = true;
    Change g;
    g.kind = ChangeKind::kGlobal;
    g.address = address;
    g.at = now;
    if (!Emit(g, error)) return false;
  }
  return true;
}

bool Policy::Unbounce(int64_t account_id, const std::string& address, const std::string& by, const std::string& why,
                      bool confirmed, std::string* error) {
  LiftError code = LiftError::kNone;
  return Unbounce(account_id, address, by, why, confirmed, &code, error);
}

bool Policy::Unbounce(int64_t account_id, const std::string& raw_address, const std::string& by, const std::string& why,
                      bool confirmed, LiftError* code, std::string* error) {
  const std::string address = store::NormalizeAddress(raw_address);
  *code = LiftError::kNone;
  if (by.empty() || why.empty()) {
    *code = LiftError::kBadRequest;
    *error = "an unbounce needs who asked for it and why";
    return false;
  }
  return InTransaction(store_, error, [&] {
    // A GLOBAL address stays suppressed whatever the account lifts: the
    // unbounce is refused rather than done to no effect.
    int64_t global_since = 0;
    int64_t lifted = 0;
    if (!store_->GlobalState(address, &global_since, &lifted, error)) return false;
    if (global_since != 0) {
      *code = LiftError::kGlobal;
      *error = address + " is globally bounced: only a platform operator can lift it";
      return false;
    }
    Suppression s;
    bool found = false;
    if (!store_->FindSuppression(account_id, address, &s, &found, error)) return false;
    if (!found || s.kind != "hard_bounce") {
      if (found) {
        *code = LiftError::kBadRequest;
        *error = address + (s.kind == "manual" ? " is suppressed by hand, not by a hard bounce"
                                               : " is suppressed by a spam complaint, not a hard bounce");
      } else {
        *code = LiftError::kNotFound;
        *error = "the contact has no hard bounce in this account";
      }
      return false;
    }
    if (IsAddressDeadReason(s.reason) && !confirmed) {
      *code = LiftError::kNeedsConfirmation;
      *error =
          address + " bounced with " + s.reason + ": the address is probably dead; confirm the unbounce explicitly";
      return false;
    }
    return LiftHardBounce(account_id, address, s, by, why, error);
  });
}

bool Policy::LiftHardBounce(int64_t account_id, const std::string& address, const Suppression& s, const std::string& by,
                            const std::string& why, std::string* error) {
  Contact contact;
  bool have_contact = false;
  const int64_t now = clock_();
  if (!store_->DeleteSuppression(account_id, address, error) || !store_->LiftBounceEvents(account_id, address, error) ||
      !store_->RecordUnbounce(account_id, address, s.reason, by, why, now, error) ||
      !store_->FindContact(account_id, address, &contact, &have_contact, error)) {
    return false;
  }
  if (have_contact && !store_->SetContactBounceState(contact.id, "none", "", error)) return false;
  Change c;
  c.kind = ChangeKind::kUnbounced;
  c.account_id = account_id;
  c.address = address;
  c.at = now;
  c.suppression_kind = s.kind;
  c.reason = s.reason;
  c.by = by;
  c.why = why;
  return Emit(c, error);
}

bool Policy::Suppress(int64_t account_id, const std::string& raw_address, const std::string& by, const std::string& why,
                      bool* already, std::string* error) {
  const std::string address = store::NormalizeAddress(raw_address);
  *already = false;
  if (address.empty() || address.find('@') == std::string::npos) {
    *error = "\"" + raw_address + "\" is not an email address";
    return false;
  }
  if (by.empty() || why.empty()) {
    *error = "a manual suppression needs who asked for it and why";
    return false;
  }
  return InTransaction(store_, error, [&] {
    Suppression s;
    bool found = false;
    if (!store_->FindSuppression(account_id, address, &s, &found, error)) return false;
    if (found) {
      *already = true;
      return true;
    }
    const int64_t now = clock_();
    Contact contact;
    if (!store_->UpsertContact(account_id, address, "", now, &contact, error) ||
        !store_->PutSuppression(Suppression{account_id, address, "manual", "", now, why}, 0, error) ||
        !store_->RecordSuppressionChange(account_id, address, "suppress", "manual", "", by, why, now, error)) {
      return false;
    }
    Change c;
    c.kind = ChangeKind::kSuppressed;
    c.account_id = account_id;
    c.address = address;
    c.at = now;
    c.suppression_kind = "manual";
    c.by = by;
    c.why = why;
    return Emit(c, error);
  });
}

bool Policy::RemoveSuppression(int64_t account_id, const std::string& raw_address, const std::string& by,
                               const std::string& why, bool confirmed, LiftError* code, std::string* error) {
  const std::string address = store::NormalizeAddress(raw_address);
  *code = LiftError::kNone;
  Suppression s;
  bool found = false;
  if (!store_->FindSuppression(account_id, address, &s, &found, error)) return false;
  if (found && s.kind == "hard_bounce") return Unbounce(account_id, address, by, why, confirmed, code, error);
  if (by.empty() || why.empty()) {
    *code = LiftError::kBadRequest;
    *error = "removing a suppression needs who asked for it and why";
    return false;
  }
  return InTransaction(store_, error, [&] {
    if (!store_->FindSuppression(account_id, address, &s, &found, error)) return false;
    if (!found) {
      int64_t global_since = 0;
      int64_t lifted = 0;
      if (!store_->GlobalState(address, &global_since, &lifted, error)) return false;
      *code = global_since != 0 ? LiftError::kGlobal : LiftError::kNotFound;
      *error = global_since != 0 ? address + " is globally bounced: only a platform operator can lift it"
                                 : std::string("the contact is not suppressed in this account");
      return false;
    }
    const int64_t now = clock_();
    if (!store_->DeleteSuppression(account_id, address, error) ||
        !store_->RecordSuppressionChange(account_id, address, "remove", s.kind, s.reason, by, why, now, error)) {
      return false;
    }
    Change c;
    c.kind = ChangeKind::kUnbounced;
    c.account_id = account_id;
    c.address = address;
    c.at = now;
    c.suppression_kind = s.kind;
    c.by = by;
    c.why = why;
    return Emit(c, error);
  });
}

bool Policy::LiftGlobal(const std::string& raw_address, const std::string& operator_name, const std::string& why,
                        std::string* error) {
  const std::string address = store::NormalizeAddress(raw_address);
  if (operator_name.empty() || why.empty()) {
    *error = "lifting a global bounce needs the operator's name and why";
    return false;
  }
  return InTransaction(store_, error, [&] {
    int64_t global_since = 0;
    int64_t lifted = 0;
    if (!store_->LockAddress(address, &global_since, &lifted, error)) return false;
    if (global_since == 0) {
      *error = address + " is not globally bounced";
      return false;
    }
    const int64_t now = clock_();
    return store_->LiftGlobal(address, operator_name, now, error) &&
           store_->RecordUnbounce(0, address, "GLOBAL", operator_name, why, now, error);
  });
}

bool Policy::RecordDelivery(int64_t account_id, const std::string& address, int64_t send_id, std::string* error) {
  Change c;
  c.kind = ChangeKind::kDelivery;
  c.account_id = account_id;
  c.address = store::NormalizeAddress(address);
  c.send_id = send_id;
  c.at = clock_();
  return Emit(c, error) && RecordDeliveryState(account_id, address, send_id, error);
}

bool Policy::RecordDeliveryState(int64_t account_id, const std::string& address, int64_t send_id, std::string* error) {
  Contact contact;
  bool found = false;
  if (!store_->FindContact(account_id, address, &contact, &found, error)) return false;
  if (found && contact.bounce_status == "soft" &&
      !store_->SetContactBounceState(contact.id, "none", contact.hard_bounce_reason, error)) {
    return false;
  }
  if (send_id != 0) {
    store::Send send;
    bool have_send = false;
    if (!store_->FindSend(send_id, &send, &have_send, error)) return false;
    if (have_send) {
      send.state = "delivered";
      send.bounce_type.clear();
      if (!store_->UpdateSend(send, error)) return false;
    }
  }
  return true;
}

bool Policy::NoteSent(const store::Send& send, std::string* error) {
  Change c;
  c.kind = ChangeKind::kSent;
  c.account_id = send.account_id;
  c.address = send.address;
  c.send_id = send.id;
  c.at = clock_();
  return Emit(c, error);
}

bool Policy::ExpirePending(int* expired, std::string* error) {
  *expired = 0;
  return InTransaction(store_, error, [&] {
    std::vector<store::Send> sends;
    const int64_t now = clock_();
    if (!store_->PendingSendsStartedBefore(now - settings_.pending_expiry, &sends, error)) return false;
    for (store::Send& send : sends) {
      send.state = "bounced";
      send.bounce_type = "SOFT";
      if (send.reason.empty()) send.reason = "TEMPORARY_TECHNICAL";
      if (!store_->UpdateSend(send, error)) return false;
      Contact contact;
      bool found = false;
      if (!store_->FindContact(send.account_id, send.address, &contact, &found, error)) return false;
      if (found && contact.bounce_status == "none" &&
          !store_->SetContactBounceState(contact.id, "soft", contact.hard_bounce_reason, error)) {
        return false;
      }
      // The SOFT bounce the send became is an event of its own, on the
      // timeline and in the statistics, with the last reply seen.
      store::BounceEvent event;
      event.fingerprint = Fingerprint(send.account_id, send.address, "expired", "send " + std::to_string(send.id));
      event.account_id = send.account_id;
      event.contact_id = send.contact_id;
      event.send_id = send.id;
      event.address = send.address;
      event.type = "SOFT";
      event.reason = send.reason;
      event.cause = "expired";
      event.diagnostic = send.last_reply;
      event.format = "smtp";
      event.evidence = "[\"still not delivered " + std::to_string(settings_.pending_expiry / 3600) +
                       " hours after the first attempt\"]";
      event.occurred_at = now;
      bool inserted = false;
      if (!store_->InsertBounceEvent(&event, &inserted, error)) return false;
      if (inserted) {
        Change c;
        c.account_id = send.account_id;
        c.address = send.address;
        c.send_id = send.id;
        c.at = now;
        c.event = &event;
        if (!Emit(c, error)) return false;
      }
      ++*expired;
    }
    return true;
  });
}

bool Policy::InForce(const Account& account, const Suppression& s, int64_t now) const {
  if (s.kind == "hard_bounce" && account.policy == "healing" && IsFilterReason(s.reason)) {
    return now - s.since < HealingLapseAfter(account);
  }
  return true;
}

bool Policy::View(int64_t account_id, const std::string& raw_address, ContactView* out, std::string* error,
                  bool with_history) {
  const std::string address = store::NormalizeAddress(raw_address);
  *out = ContactView();
  Account account;
  bool found = false;
  if (!store_->FindAccountById(account_id, &account, &found, error)) return false;
  if (!found) {
    *error = "unknown account id " + std::to_string(account_id);
    return false;
  }
  if (!store_->FindContact(account_id, address, &out->contact, &out->exists, error)) return false;
  out->status = out->exists ? out->contact.bounce_status : "none";
  Suppression s;
  bool suppressed = false;
  if (!store_->FindSuppression(account_id, address, &s, &suppressed, error)) return false;
  const int64_t now = clock_();
  if (suppressed && InForce(account, s, now)) {
    out->suppressed = true;
    out->suppression = s.kind;
    out->suppression_row = s;
  } else if (suppressed && out->status == "hard") {
    out->status = "soft";  // a healing suppression that lapsed
  }
  int64_t global_since = 0;
  int64_t lifted = 0;
  if (!store_->GlobalState(address, &global_since, &lifted, error)) return false;
  if (global_since != 0) {
    out->status = "global";
    out->suppressed = true;
    if (out->suppression.empty()) out->suppression = "global_bounce";
  }
  out->global_since = global_since;
  return !with_history || store_->BounceHistory(account_id, address, &out->history, error);
}

bool Policy::Eligibility(int64_t account_id, const std::vector<std::string>& addresses,
                         std::vector<Exclusion>* excluded, std::string* error) {
  Account account;
  bool found = false;
  if (!store_->FindAccountById(account_id, &account, &found, error)) return false;
  if (!found) {
    *error = "unknown account id " + std::to_string(account_id);
    return false;
  }
  // Both suppression lists fit in memory (a hash set each); the contact
  // list is streamed through them once.
  std::vector<Suppression> suppressions;
  std::vector<std::pair<std::string, int64_t>> global;
  if (!store_->ListSuppressions(account_id, &suppressions, error) || !store_->ListGlobal(&global, error)) {
    return false;
  }
  const int64_t now = clock_();
  std::unordered_map<std::string, const Suppression*> by_address;
  by_address.reserve(suppressions.size() * 2);
  for (const Suppression& s : suppressions) {
    if (InForce(account, s, now)) by_address.emplace(s.address, &s);
  }
  std::unordered_set<std::string> global_set;
  global_set.reserve(global.size() * 2);
  for (auto& g : global) global_set.insert(std::move(g.first));
  std::string key;
  for (size_t i = 0; i < addresses.size(); ++i) {
    key = store::NormalizeAddress(addresses[i]);
    auto it = by_address.find(key);
    if (it != by_address.end() && it->second->kind == "hard_bounce") {
      excluded->push_back(Exclusion{i, "hard_bounce", it->second->reason});
    } else if (global_set.count(key)) {
      excluded->push_back(Exclusion{i, "global_bounce", ""});
    } else if (it != by_address.end()) {
      excluded->push_back(Exclusion{i, it->second->kind, ""});
    }
  }
  return true;
}

}  // namespace rebound::policy
