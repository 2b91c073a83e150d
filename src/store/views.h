// The read side of the API and the web UI: pages of bounce events,
// contacts, suppressions, emails and recipients, and a contact's timeline.
//
// Every query is scoped by account id: a caller can only name rows of the
// account it passes, which is how one account never sees another's. Pages
// are keyset pages: the caller passes the last key of the page before
// (`after`), never an offset, so that a page costs the same at row 10 or
// at row 1,000,000.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace rebound::store {

struct BounceFilter {
  int64_t account_id = 0;
  std::string type;     // HARD, SOFT, PENDING, NONE; empty: all
  std::string reason;   // empty: all
  std::string address;  // empty: all
  int64_t email_id = 0;
  int64_t since = 0;  // occurred_at >= since
  int64_t until = 0;  // occurred_at < until; 0: no bound
};
// Newest first: `before` is the id the previous page ended with (0: the start).
bool ListBounceEvents(Store& store, const BounceFilter& filter, int64_t before, size_t limit,
                      std::vector<BounceEvent>* out, std::string* error);
// One event of the account, with its email id; *found false for another account's.
bool FindBounceEvent(Store& store, int64_t account_id, int64_t id, BounceEvent* out, bool* found, std::string* error);
bool BounceEventRaw(Store& store, int64_t account_id, int64_t id, std::string* raw, bool* found, std::string* error);

// A contact with what decides its bounce status.
struct ContactRow {
  Contact contact;
  std::string suppression_kind;  // empty when not suppressed in the account
  std::string suppression_reason;
  int64_t suppressed_since = 0;
  int64_t global_since = 0;  // 0 when not GLOBAL
  int64_t created_at = 0;
};
struct ContactFilter {
  int64_t account_id = 0;
  std::string bounce_status;  // none, soft, hard, global; empty: all
  std::string reason;         // the hard bounce reason; empty: all
  std::optional<bool> suppressed;
  std::string address_prefix;  // search: addresses starting with it
};
// In id order: `after` is the last id of the page before.
bool ListContacts(Store& store, const ContactFilter& filter, int64_t after, size_t limit, std::vector<ContactRow>* out,
                  std::string* error);
// Addresses of the account's contacts in id order, for "send to all".
bool ContactAddresses(Store& store, int64_t account_id, int64_t after, size_t limit,
                      std::vector<std::pair<int64_t, std::string>>* out, std::string* error);

struct SuppressionFilter {
  int64_t account_id = 0;
  std::string kind;    // hard_bounce, complaint, manual; empty: all
  std::string reason;  // empty: all
};
// In address order: `after` is the last address of the page before.
bool ListSuppressionsPage(Store& store, const SuppressionFilter& filter, const std::string& after, size_t limit,
                          std::vector<Suppression>* out, std::string* error);

// Emails of the account, newest first.
bool ListEmails(Store& store, int64_t account_id, int64_t before, size_t limit, std::vector<Email>* out,
                std::string* error);
bool FindAccountEmail(Store& store, int64_t account_id, int64_t email_id, Email* out, bool* found, std::string* error);

// Sends of an email by state: the buckets of the recipients view.
struct SendCounts {
  int64_t queued = 0;
  int64_t pending = 0;
  int64_t delivered = 0;
  int64_t bounced_hard = 0;
  int64_t bounced_soft = 0;
  int64_t not_sent = 0;
  int64_t attempted() const { return pending + delivered + bounced_hard + bounced_soft; }
  int64_t total() const { return queued + attempted() + not_sent; }
};
bool CountSends(Store& store, int64_t email_id, SendCounts* out, std::string* error);

// One recipient of an email: its send, and the latest bounce event of it.
struct Recipient {
  Send send;
  int64_t bounce_event_id = 0;
  std::string status;  // of that event
  std::string reply_code;
  std::string cause;
};
// states: the send states of the bucket (e.g. {"queued", "pending"}). In id
// order: `after` is the last send id of the page before.
// `bounce_type` and `reason` narrow the bounced ones (empty: all).
bool ListRecipients(Store& store, int64_t email_id, const std::vector<std::string>& states, int64_t after, size_t limit,
                    std::vector<Recipient>* out, std::string* error, const std::string& bounce_type = "",
                    const std::string& reason = "");

// What happened to a contact, oldest first: bounce events (bounces,
// complaints, notices, auto-replies), deliveries, unbounces, manual
// suppressions and their removal.
struct TimelineEntry {
  int64_t at = 0;
  std::string kind;   // bounce, complaint, delivery_notice, auto_reply, delivered, one_to_one_sent, unbounce,
                      // suppressed, suppression_removed
  BounceEvent event;  // for the kinds that come from a bounce event
  int64_t send_id = 0;
  int64_t email_id = 0;
  std::string reply;  // delivered: the server's answer
  std::string by;
  std::string why;
  std::string reason;
  std::string suppression_kind;
};
bool Timeline(Store& store, int64_t account_id, const std::string& address, int64_t contact_id,
              std::vector<TimelineEntry>* out, std::string* error);

// The accounts that have `address` as a contact (a GLOBAL bounce is news
// to each of them).
bool AccountsWithContact(Store& store, const std::string& address, std::vector<int64_t>* out, std::string* error);

// Raw messages given to the API that were not bounces, kept as received.
bool InsertApiInbound(Store& store, int64_t account_id, const std::string& raw, const std::string& state,
                      const std::string& note, int64_t now, int64_t* id, std::string* error);

}  // namespace rebound::store
