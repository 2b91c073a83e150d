// Inside the store only: the column lists and row readers that several of
// its files share, so that a table is read one way everywhere.
#pragma once

#include <string>
#include <string_view>

#include "store/db.h"
#include "store/store.h"

namespace rebound::store {

inline constexpr std::string_view kAccountColumns =
    "id, name, policy, created_at, healing_second_within, healing_lapse_after, brake_min_sends, brake_max_hard_bp";
inline constexpr std::string_view kContactColumns =
    "id, account_id, address, properties, hard_bounce_reason, bounce_status";
inline constexpr std::string_view kEmailColumns =
    "id, account_id, kind, subject, body, from_address, state, created_at, paused_at, paused_rate_bp, "
    "brake_base_sends, brake_base_hard, finished_at";
// Sends are read joined with their contact (alias c) for the address.
inline constexpr std::string_view kSendColumns =
    "s.id, s.email_id, s.account_id, s.contact_id, c.address, s.message_id, s.state, s.bounce_type, s.reason, "
    "s.last_reply, s.first_attempt_at, s.attempts, s.next_attempt_at";
inline constexpr std::string_view kSuppressionColumns = "account_id, address, kind, reason, since, note";
// Without the raw message, which only GET .../raw reads.
inline constexpr std::string_view kBounceEventColumns =
    "id, fingerprint, account_id, contact_id, send_id, address, type, reason, cause, status, reply_code, diagnostic, "
    "format, evidence, occurred_at, lifted, remote_mta, channel, matched_by";

Account ReadAccount(const Row& r);
Contact ReadContact(const Row& r);
Email ReadEmail(const Row& r);
Send ReadSend(const Row& r);
Suppression ReadSuppression(const Row& r);
BounceEvent ReadBounceEvent(const Row& r);

// NULL for an empty string or a zero id, so that columns stay NULL-able.
Value TextOrNull(const std::string& s);
Value IdOrNull(int64_t id);
// "(?,?,?)" for an IN list of n values.
std::string InList(size_t n);

}  // namespace rebound::store
