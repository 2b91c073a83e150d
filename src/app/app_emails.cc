// Use cases of marketing emails: create one with its sends, deliver it in
// the background with the bounce-rate brake, its views, resume, retries.
#include <spdlog/spdlog.h>

#include <unordered_set>

#include "app/json.h"
#include "app/outbox.h"
#include "store/email_jobs.h"
#include "store/views.h"

namespace rebound::app {

namespace {

constexpr size_t kCreateChunk = 2000;  // sends created per transaction
constexpr size_t kMaxRecipients = 1'000'000;

bool HasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

std::vector<std::string> StatesOf(Bucket b) {
  switch (b) {
    case Bucket::kDelivered:
      return {"delivered"};
    case Bucket::kPending:
      return {"queued", "pending"};
    case Bucket::kBounced:
      return {"bounced"};
    case Bucket::kNotSent:
      return {"not_sent"};
    case Bucket::kAll:
      break;
  }
  return {};
}

}  // namespace

Status App::CreateEmail(int64_t account_id, const EmailInput& in, EmailView* out) {
  if (in.from.empty() || in.from.find('@') == std::string::npos) {
    return Status::BadRequest("\"from\" must hold the sender's address, e.g. \"News <news@shop.example>\"");
  }
  if (HasLineBreak(in.from) || HasLineBreak(in.subject)) {
    return Status::BadRequest("\"from\" and \"subject\" are one line each");
  }
  if (in.all_contacts == !in.recipients.empty()) {
    return Status::BadRequest("give either \"recipients\" (addresses) or \"all_contacts\": true");
  }
  if (in.recipients.size() > kMaxRecipients) {
    return Status::BadRequest("at most 1000000 recipients per email");
  }
  Status st = EnsureSigner();
  if (!st.ok()) return st;
  StorePool::Lease s;
  st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  policy::Policy policy = PolicyOn(s.get());
  const int64_t now = Now();
  int64_t email_id = 0;
  if (!s->CreateEmail(account_id, "marketing", in.subject, in.body, in.from, now, &email_id, &error, "sending")) {
    return StoreError("create email", error);
  }
  std::unordered_set<std::string> seen;
  // One chunk of recipients: the eligibility of each, then its send (or
  // its record as not sent), in one transaction.
  auto create = [&](const std::vector<std::string>& chunk) -> Status {
    std::vector<std::string> addresses;
    for (const std::string& r : chunk) {
      std::string a = store::NormalizeAddress(r);
      if (a.find('@') == std::string::npos || HasLineBreak(a) || a.find_first_of(" <>,;\"") != std::string::npos) {
        continue;  // not an address: no send
      }
      if (seen.insert(a).second) addresses.push_back(std::move(a));
    }
    std::vector<policy::Exclusion> excluded;
    if (!policy.Eligibility(account_id, addresses, &excluded, &error)) return StoreError("create email", error);
    std::vector<std::string> why(addresses.size());
    for (const policy::Exclusion& e : excluded) why[e.index] = e.why;
    if (!s->Begin(&error)) return StoreError("create email", error);
    for (size_t i = 0; i < addresses.size(); ++i) {
      store::Contact contact;
      int64_t send_id = 0;
      if (!s->UpsertContact(account_id, addresses[i], "", now, &contact, &error) ||
          !s->CreateSend(email_id, account_id, contact.id, delivery::NewMessageId(options_.sender.message_id_domain),
                         now, &send_id, &error) ||
          (!why[i].empty() && !store::MarkNotSent(*s, send_id, why[i], &error))) {
        s->Rollback();
        return StoreError("create email", error);
      }
    }
    if (!s->Commit(&error)) return StoreError("create email", error);
    return Status::Ok();
  };
  if (in.all_contacts) {
    int64_t after = 0;
    while (true) {
      std::vector<std::pair<int64_t, std::string>> page;
      if (!store::ContactAddresses(*s, account_id, after, kCreateChunk, &page, &error)) {
        return StoreError("create email", error);
      }
      if (page.empty()) break;
      after = page.back().first;
      std::vector<std::string> chunk;
      chunk.reserve(page.size());
      for (auto& p : page) chunk.push_back(std::move(p.second));
      st = create(chunk);
      if (!st.ok()) return st;
    }
  } else {
    for (size_t begin = 0; begin < in.recipients.size(); begin += kCreateChunk) {
      const size_t end = std::min(in.recipients.size(), begin + kCreateChunk);
      st = create(std::vector<std::string>(in.recipients.begin() + static_cast<std::ptrdiff_t>(begin),
                                           in.recipients.begin() + static_cast<std::ptrdiff_t>(end)));
      if (!st.ok()) return st;
    }
  }
  bool found = false;
  if (!s->FindEmail(email_id, &out->email, &found, &error) || !store::CountSends(*s, email_id, &out->counts, &error)) {
    return StoreError("create email", error);
  }
  Nudge();
  return Status::Ok();
}

Status App::ListEmails(int64_t account_id, int64_t before, size_t limit, std::vector<EmailView>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  std::vector<store::Email> emails;
  if (!store::ListEmails(*s, account_id, before, limit, &emails, &error)) return StoreError("list emails", error);
  for (store::Email& e : emails) {
    EmailView v;
    if (!store::CountSends(*s, e.id, &v.counts, &error)) return StoreError("list emails", error);
    v.email = std::move(e);
    out->push_back(std::move(v));
  }
  return Status::Ok();
}

Status App::GetEmail(int64_t account_id, int64_t email_id, EmailView* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!store::FindAccountEmail(*s, account_id, email_id, &out->email, &found, &error)) {
    return StoreError("get email", error);
  }
  if (!found || out->email.kind != "marketing") return Status::NotFound("no such email");
  if (!store::CountSends(*s, email_id, &out->counts, &error)) return StoreError("get email", error);
  return Status::Ok();
}

Status App::ListRecipients(int64_t account_id, int64_t email_id, Bucket bucket, int64_t after, size_t limit,
                           std::vector<store::Recipient>* out, const std::string& type, const std::string& reason) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  store::Email email;
  bool found = false;
  if (!store::FindAccountEmail(*s, account_id, email_id, &email, &found, &error)) {
    return StoreError("list recipients", error);
  }
  if (!found) return Status::NotFound("no such email");
  if (!store::ListRecipients(*s, email_id, StatesOf(bucket), after, limit, out, &error, type, reason)) {
    return StoreError("list recipients", error);
  }
  return Status::Ok();
}

Status App::ResumeEmail(int64_t account_id, int64_t email_id, EmailView* out) {
  Status st = GetEmail(account_id, email_id, out);
  if (!st.ok()) return st;
  if (out->email.state != "paused") {
    return Status::Conflict("the email is " + out->email.state + ", not paused: there is nothing to resume");
  }
  StorePool::Lease s;
  st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool changed = false;
  if (!store::ResumeEmail(*s, email_id, out->counts.attempted(), out->counts.bounced_hard, &changed, &error)) {
    return StoreError("resume email", error);
  }
  if (!changed) return Status::Conflict("the email is no longer paused");
  bool found = false;
  if (!s->FindEmail(email_id, &out->email, &found, &error)) return StoreError("resume email", error);
  Nudge();
  return Status::Ok();
}

Status App::RunEmail(int64_t email_id, delivery::SendReport* report) {
  Status st = EnsureSigner();
  if (!st.ok()) return st;
  StorePool::Lease s;
  st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  policy::Policy policy = PolicyOn(s.get());
  delivery::Sender sender(s.get(), &policy, classifier_, &*options_.signer, options_.sender);
  report->email_id = email_id;
  while (true) {
    store::Email email;
    bool found = false;
    if (!s->FindEmail(email_id, &email, &found, &error)) return StoreError("send email", error);
    if (!found) return Status::NotFound("no such email");
    if (email.state != "sending") return Status::Ok();
    store::Account account;
    if (!s->FindAccountById(email.account_id, &account, &found, &error)) return StoreError("send email", error);
    const policy::Settings limits = EffectiveSettings(account);
    // The brake: counted over the sends made since the last resume.
    store::SendCounts counts;
    if (!store::CountSends(*s, email_id, &counts, &error)) return StoreError("send email", error);
    const int64_t sends = counts.attempted() - email.brake_base_sends;
    const int64_t hard = counts.bounced_hard - email.brake_base_hard;
    if (sends >= limits.brake_min_sends && hard * 10000 > sends * limits.brake_max_hard_bp) {
      const int64_t rate_bp = sends == 0 ? 0 : hard * 10000 / sends;
      const int64_t now = Now();
      bool changed = false;
      if (!s->Begin(&error) || !store::PauseEmail(*s, email_id, now, rate_bp, &changed, &error)) {
        s->Rollback();
        return StoreError("pause email", error);
      }
      if (changed) {
        email.state = "paused";
        email.paused_at = now;
        email.paused_rate_bp = rate_bp;
        if (!outbox_->Write(*s, email.account_id, "email.paused", Dump(EmailJson(EmailView{email, counts})),
                            "email:" + std::to_string(email_id), now, &error)) {
          s->Rollback();
          return StoreError("pause email", error);
        }
      }
      if (!s->Commit(&error)) return StoreError("pause email", error);
      spdlog::warn("email {} paused: {} of {} sends hard-bounced ({:.2f}%, the limit is {:.2f}%)", email_id, hard,
                   sends, static_cast<double>(rate_bp) / 100, static_cast<double>(limits.brake_max_hard_bp) / 100);
      NudgeWebhooks();
      return Status::Ok();
    }
    std::vector<store::Send> queued;
    if (!store::QueuedSends(*s, email_id, options_.send_chunk, &queued, &error)) return StoreError("send email", error);
    if (queued.empty()) {
      if (!store::FinishEmail(*s, email_id, Now(), &error)) return StoreError("send email", error);
      return Status::Ok();
    }
    if (!sender.Deliver(std::move(queued), report, &error)) return StoreError("send email", error);
    if (!store::RenewEmailLease(*s, email_id, Now() + options_.email_lease_seconds, &error)) {
      return StoreError("send email", error);
    }
    NudgeWebhooks();
    std::lock_guard<std::mutex> lock(worker_mu_);
    if (stopping_) return Status::Ok();  // the lease ends; another run takes it up
  }
}

Status App::RetryDue(delivery::SendReport* report, int* expired) {
  *expired = 0;
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  policy::Policy policy = PolicyOn(s.get());
  if (options_.signer) {
    delivery::Sender sender(s.get(), &policy, classifier_, &*options_.signer, options_.sender);
    if (!sender.RetryDue(report, &error)) return StoreError("retry", error);
  }
  if (!policy.ExpirePending(expired, &error)) return StoreError("expire pending", error);
  return Status::Ok();
}

Status App::ExpirePending(int* expired) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  policy::Policy policy = PolicyOn(s.get());
  if (!policy.ExpirePending(expired, &error)) return StoreError("expire pending", error);
  return Status::Ok();
}

void App::EmailLoop() {
  while (true) {
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(worker_mu_);
      if (stopping_) return;
      seen = nudges_;
    }
    store::Email email;
    bool found = false;
    {
      StorePool::Lease s;
      std::string error;
      const int64_t now = Now();
      if (!pool_->Acquire(&s, &error) || !s->Begin(&error) ||
          !store::ClaimEmailJob(*s, now, now + options_.email_lease_seconds, &email, &found, &error) ||
          !s->Commit(&error)) {
        if (s) s->Rollback();
        spdlog::error("email jobs: {}", error);
        found = false;
      }
    }
    if (found) {
      delivery::SendReport report;
      Status st = RunEmail(email.id, &report);
      if (!st.ok()) spdlog::error("email {}: {}", email.id, st.message());
      spdlog::info("email {}: {} delivered, {} bounced, {} pending", email.id, report.delivered, report.bounced,
                   report.pending);
      continue;
    }
    std::unique_lock<std::mutex> lock(worker_mu_);
    worker_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || nudges_ != seen; });
  }
}

}  // namespace rebound::app
