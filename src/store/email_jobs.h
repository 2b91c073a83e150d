// The background sending of marketing emails: which email a node sends,
// its queued sends, and its state (sending, paused by the bounce-rate
// brake, sent).
//
// A node claims an email with a lease, renewed while it sends; another
// node takes it over only once the lease ended (its holder died).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace rebound::store {

// An email in state "sending" whose lease ended (or was never taken),
// leased to the caller until `lease_until`. *found false when none.
bool ClaimEmailJob(Store& store, int64_t now, int64_t lease_until, Email* out, bool* found, std::string* error);
bool RenewEmailLease(Store& store, int64_t email_id, int64_t lease_until, std::string* error);
// The first `limit` queued sends of the email, in id order.
bool QueuedSends(Store& store, int64_t email_id, size_t limit, std::vector<Send>* out, std::string* error);
// Sets the state "paused" with the rate that paused it; false *changed when
// it was not sending any more.
bool PauseEmail(Store& store, int64_t email_id, int64_t at, int64_t rate_bp, bool* changed, std::string* error);
// From "paused" to "sending", the brake counting again from these numbers.
bool ResumeEmail(Store& store, int64_t email_id, int64_t base_sends, int64_t base_hard, bool* changed,
                 std::string* error);
bool FinishEmail(Store& store, int64_t email_id, int64_t at, std::string* error);
// Marks a send left out of an email, with why.
bool MarkNotSent(Store& store, int64_t send_id, const std::string& why, std::string* error);

}  // namespace rebound::store
