// The App itself: creation, accounts, keys, classification, idempotency,
// the background workers. The other use cases live in app_*.cc by concept.
#include "app/app.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>

#include "app/inbox_watcher.h"
#include "app/outbox.h"
#include "app/secrets.h"
#include "app/webhook_deliverer.h"
#include "store/users.h"

namespace rebound::app {

namespace {

// The visible part of a key: enough to tell keys apart in a list.
constexpr size_t kKeyPrefixChars = 12;
constexpr int64_t kKeyCacheMs = 5000;
constexpr size_t kKeyCacheSize = 10000;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool ParseBucket(std::string_view name, Bucket* out) {
  if (name.empty() || name == "all") {
    *out = Bucket::kAll;
  } else if (name == "delivered") {
    *out = Bucket::kDelivered;
  } else if (name == "pending") {
    *out = Bucket::kPending;
  } else if (name == "bounced") {
    *out = Bucket::kBounced;
  } else if (name == "not_sent") {
    *out = Bucket::kNotSent;
  } else {
    return false;
  }
  return true;
}

App::App(const classify::Classifier* classifier, AppOptions options)
    : classifier_(classifier), options_(std::move(options)) {
  clock_ = options_.clock ? options_.clock : policy::SystemClock();
}

App::~App() {
  StopWorkers();
  committer_.reset();  // commits what is queued
}

std::unique_ptr<App> App::Create(const classify::Classifier* classifier, AppOptions options, std::string* error) {
  std::unique_ptr<App> app(new App(classifier, std::move(options)));
  app->pool_ = StorePool::Open(app->options_.database, app->options_.max_connections, error);
  if (!app->pool_) return nullptr;
  app->outbox_ = std::make_unique<Outbox>(app->clock_);
  return app;
}

Committer& App::committer() {
  std::call_once(committer_once_, [this] {
    Committer::Options co;
    co.batch = options_.batch;
    co.connections = options_.commit_connections > 0 ? options_.commit_connections
                                                     : (pool_->dialect() == store::Dialect::kPostgres ? 4 : 1);
    co.eager = options_.eager_commit;
    co.settings = options_.policy;
    co.clock = clock_;
    co.sink = outbox_.get();
    std::string error;
    committer_ = Committer::Start(*pool_, co, &error);
    // Without its connections nothing can be applied: a committer over no
    // connection reports every record as not stored.
    if (!committer_) {
      spdlog::error("the committer cannot open its connections: {}", error);
      co.connections = 0;
      committer_ = Committer::StartDetached(co, error);
    }
  });
  return *committer_;
}

policy::Policy App::PolicyOn(store::Store* store) const {
  return policy::Policy(store, options_.policy, clock_, outbox_.get());
}

Status App::Lease(StorePool::Lease* lease) {
  std::string error;
  if (!pool_->Acquire(lease, &error)) return StoreError("cannot open the store", error);
  return Status::Ok();
}

Status App::StoreError(const std::string& what, const std::string& error) const {
  spdlog::error("{}: {}", what, error);
  return Status::Unavailable("the store is unavailable; try again later");
}

Status App::EnsureSigner() const {
  if (!options_.signer) {
    return Status::Conflict("sending needs the bounce domain and its return-path keys in the configuration");
  }
  return Status::Ok();
}

Status App::Ping() {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  store::Rows rows;
  if (!s->db().Exec("SELECT 1", {}, &rows, &error)) {
    s.Discard();
    return StoreError("readiness", error);
  }
  return Status::Ok();
}

// --- Accounts.

policy::Settings App::EffectiveSettings(const store::Account& a) const {
  policy::Settings s = options_.policy;
  if (a.healing_second_within > 0) s.healing_second_within = a.healing_second_within;
  if (a.healing_lapse_after > 0) s.healing_lapse_after = a.healing_lapse_after;
  if (a.brake_min_sends > 0) s.brake_min_sends = a.brake_min_sends;
  if (a.brake_max_hard_bp > 0) s.brake_max_hard_bp = a.brake_max_hard_bp;
  return s;
}

Status App::CreateAccount(const std::string& name, const std::string& policy_name, store::Account* out) {
  if (name.empty() || name.size() > 100 || name.find_first_of("/?#% \t\r\n") != std::string::npos) {
    return Status::BadRequest("an account name is 1 to 100 characters without spaces, '/', '?', '#' or '%'");
  }
  if (policy_name != "strict" && policy_name != "healing") {
    return Status::BadRequest("the suppression policy is strict or healing");
  }
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  store::Account existing;
  bool found = false;
  if (!s->FindAccount(name, &existing, &found, &error)) return StoreError("find account", error);
  if (found) return Status::Conflict("an account named \"" + name + "\" exists already");
  if (!s->CreateAccount(name, policy_name, Now(), out, &error)) return StoreError("create account", error);
  return Status::Ok();
}

Status App::FindAccount(const std::string& name, store::Account* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!s->FindAccount(name, out, &found, &error)) return StoreError("find account", error);
  if (!found) return Status::NotFound("unknown account \"" + name + "\"");
  return Status::Ok();
}

Status App::GetAccount(int64_t account_id, store::Account* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!s->FindAccountById(account_id, out, &found, &error)) return StoreError("find account", error);
  if (!found) return Status::NotFound("no such account");
  return Status::Ok();
}

Status App::ListAccounts(std::vector<store::Account>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!s->ListAccounts(out, &error)) return StoreError("list accounts", error);
  return Status::Ok();
}

Status App::UpdateAccount(int64_t account_id, const AccountSettings& in, store::Account* out) {
  store::Account a;
  Status st = GetAccount(account_id, &a);
  if (!st.ok()) return st;
  if (in.policy) {
    if (*in.policy != "strict" && *in.policy != "healing") {
      return Status::BadRequest("suppression_policy is strict or healing");
    }
    a.policy = *in.policy;
  }
  auto days = [](const std::optional<int64_t>& v, int64_t* target, const char* name, std::string* problem) {
    if (!v) return;
    if (*v < 1 || *v > 3650) {
      *problem = std::string(name) + " is a number of days from 1 to 3650";
      return;
    }
    *target = *v * 86400;
  };
  std::string problem;
  days(in.healing_second_within_days, &a.healing_second_within, "healing.second_within_days", &problem);
  days(in.healing_lapse_after_days, &a.healing_lapse_after, "healing.lapse_after_days", &problem);
  if (in.brake_min_sends) {
    if (*in.brake_min_sends < 1 || *in.brake_min_sends > 10'000'000) {
      problem = "bounce_brake.min_sends is from 1 to 10000000";
    } else {
      a.brake_min_sends = *in.brake_min_sends;
    }
  }
  if (in.brake_max_hard_rate) {
    if (!(*in.brake_max_hard_rate > 0 && *in.brake_max_hard_rate <= 1)) {
      problem = "bounce_brake.max_hard_bounce_rate is a fraction above 0 and at most 1 (0.05 is 5%)";
    } else {
      a.brake_max_hard_bp = std::lround(*in.brake_max_hard_rate * 10000);
      if (a.brake_max_hard_bp == 0) a.brake_max_hard_bp = 1;
    }
  }
  if (!problem.empty()) return Status::BadRequest(problem);
  StorePool::Lease s;
  st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!s->UpdateAccount(a, &error)) return StoreError("update account", error);
  *out = a;
  return Status::Ok();
}

// --- Keys.

Status App::CreateKey(int64_t account_id, const std::string& scope, const std::string& name, store::ApiKey* out,
                      std::string* secret) {
  if (account_id == 0 ? scope != "operator" : (scope != "read" && scope != "write")) {
    return Status::BadRequest(account_id == 0 ? "an operator key has the scope operator"
                                              : "an account key's scope is read or write");
  }
  if (name.size() > 200) return Status::BadRequest("a key's name is at most 200 characters");
  // "rbk_" and 256 random bits: long enough that a plain hash protects it.
  *secret = std::string(account_id == 0 ? "rbo_" : "rbk_") + Base64Url(RandomBytes(32));
  out->account_id = account_id;
  out->name = name;
  out->scope = scope;
  out->prefix = secret->substr(0, kKeyPrefixChars);
  out->created_at = Now();
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::InsertApiKey(*s, out, Sha256Hex(*secret), &error)) return StoreError("create key", error);
  return Status::Ok();
}

Status App::ListKeys(int64_t account_id, std::vector<store::ApiKey>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ListApiKeys(*s, account_id, out, &error)) return StoreError("list keys", error);
  // Uses this process saw and has not written yet.
  std::lock_guard<std::mutex> lock(keys_mu_);
  for (store::ApiKey& k : *out) {
    for (const auto* m : {&touches_, &touched_}) {
      auto it = m->find(k.id);
      if (it != m->end() && it->second > k.last_used_at) k.last_used_at = it->second;
    }
  }
  return Status::Ok();
}

Status App::RevokeKey(int64_t account_id, int64_t key_id) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!store::RevokeApiKey(*s, account_id, key_id, Now(), &found, &error)) return StoreError("revoke key", error);
  if (!found) return Status::NotFound("no such key");
  std::lock_guard<std::mutex> lock(keys_mu_);
  keys_.clear();
  return Status::Ok();
}

Status App::Authenticate(const std::string& bearer, Principal* out) {
  if (bearer.size() < 20 || bearer.size() > 200) return Status::Unauthorized("the API key is not valid");
  const std::string hash = Sha256Hex(bearer);
  const int64_t now_ms = SteadyMs();
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    auto it = keys_.find(hash);
    if (it != keys_.end() && it->second.expires_ms > now_ms) {
      *out = it->second.principal;
      return Status::Ok();
    }
  }
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  store::ApiKey key;
  bool found = false;
  if (!store::FindApiKeyByHash(*s, hash, &key, &found, &error)) return StoreError("authenticate", error);
  if (!found || key.revoked_at != 0) return Status::Unauthorized("the API key is not valid or was revoked");
  out->kind = key.account_id == 0 ? Principal::Kind::kOperator : Principal::Kind::kAccount;
  out->account_id = key.account_id;
  out->can_write = key.scope != "read";
  out->key_id = key.id;
  out->key_name = key.name;
  // Last use, to the minute, written later by the housekeeping worker.
  const int64_t now = Now();
  std::lock_guard<std::mutex> lock(keys_mu_);
  if (now - std::max(key.last_used_at, touched_[key.id]) >= 60) touches_[key.id] = now;
  if (keys_.size() >= kKeyCacheSize) keys_.clear();
  keys_[hash] = CachedKey{*out, now_ms + kKeyCacheMs};
  return Status::Ok();
}

// --- Classification.

std::vector<classify::Verdict> App::Classify(std::string_view raw) const { return classifier_->ClassifyBytes(raw); }

classify::Verdict App::ClassifyReply(std::string_view reply) const { return classifier_->ClassifyReply(reply); }

// --- Idempotency.

Status App::ClaimIdempotency(const std::string& principal, const std::string& key, const std::string& request_hash,
                             IdempotencyClaim* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool claimed = false;
  store::IdempotencyRecord existing;
  const int64_t now = Now();
  if (!s->Begin(&error) ||
      !store::ClaimIdempotencyKey(*s, principal, key, request_hash, now, now - options_.idempotency_window, &claimed,
                                  &existing, &error) ||
      !s->Commit(&error)) {
    s->Rollback();
    return StoreError("idempotency", error);
  }
  *out = IdempotencyClaim();
  if (claimed) return Status::Ok();
  if (existing.request_hash != request_hash) {
    out->state = IdempotencyClaim::State::kMismatch;
  } else if (existing.status == 0) {
    out->state = IdempotencyClaim::State::kInProgress;
  } else {
    out->state = IdempotencyClaim::State::kReplay;
    out->status = existing.status;
    out->content_type = existing.content_type;
    out->body = existing.response;
  }
  return Status::Ok();
}

Status App::FinishIdempotency(const std::string& principal, const std::string& key, int status,
                              const std::string& content_type, const std::string& body) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::FinishIdempotencyKey(*s, principal, key, status, content_type, body, &error)) {
    return StoreError("idempotency", error);
  }
  return Status::Ok();
}

Status App::ReleaseIdempotency(const std::string& principal, const std::string& key) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ReleaseIdempotencyKey(*s, principal, key, &error)) return StoreError("idempotency", error);
  return Status::Ok();
}

// --- Workers.

void App::StartWorkers(const Workers& w) {
  {
    std::lock_guard<std::mutex> lock(worker_mu_);
    stopping_ = false;
  }
  if (w.webhooks) {
    deliverer_ = std::make_unique<WebhookDeliverer>(pool_.get(), &options_.webhooks, options_.secrets_key, clock_);
    std::string error;
    if (!deliverer_->Start(&error)) {
      spdlog::error("the webhook worker cannot start: {}", error);
      deliverer_.reset();
    }
  }
  workers_.emplace_back([this] { HousekeepingLoop(); });
  if (w.inbound) workers_.emplace_back([this] { InboundLoop(); });
  if (w.email_jobs) workers_.emplace_back([this] { EmailLoop(); });
  if (w.retries) workers_.emplace_back([this, interval = w.retry_interval_seconds] { RetryLoop(interval); });
  if (w.inboxes) {
    watchers_ = std::make_unique<InboxWatchers>(this, &options_.inboxes);
    watchers_->Start();
  }
}

void App::StopWorkers() {
  {
    std::lock_guard<std::mutex> lock(worker_mu_);
    stopping_ = true;
  }
  worker_cv_.notify_all();
  if (watchers_) watchers_->Stop();
  watchers_.reset();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  if (deliverer_) deliverer_->Stop();
  deliverer_.reset();
}

void App::Nudge() {
  {
    std::lock_guard<std::mutex> lock(worker_mu_);
    ++nudges_;
  }
  worker_cv_.notify_all();
  if (deliverer_) deliverer_->Nudge();
}

void App::NudgeWebhooks() {
  if (deliverer_) deliverer_->Nudge();
}

void App::Housekeeping() {
  std::unordered_map<int64_t, int64_t> touches;
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    touches.swap(touches_);
    for (const auto& [id, at] : touches) touched_[id] = at;
  }
  StorePool::Lease s;
  std::string error;
  if (!pool_->Acquire(&s, &error)) return;
  for (const auto& [id, at] : touches) {
    if (!store::TouchApiKey(*s, id, at, &error)) spdlog::warn("cannot record the last use of key {}: {}", id, error);
  }
  if (!store::PurgeSessions(*s, Now(), &error)) spdlog::warn("cannot purge sessions: {}", error);
  // Idempotency records past their window.
  if (!store::PurgeIdempotencyKeys(*s, Now() - options_.idempotency_window, &error)) {
    spdlog::warn("cannot purge idempotency keys: {}", error);
  }
}

void App::HousekeepingLoop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(worker_mu_);
      worker_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return stopping_; });
      if (stopping_) break;
    }
    Housekeeping();
  }
  Housekeeping();  // what is left, before stopping
}

void App::InboundLoop() {
  uint64_t seen = ~uint64_t{0};
  while (true) {
    {
      std::unique_lock<std::mutex> lock(worker_mu_);
      // Woken by the receiver after each commit; every few seconds anyway,
      // for messages another node stored and did not apply.
      worker_cv_.wait_for(lock, std::chrono::seconds(2), [&] { return stopping_ || nudges_ != seen; });
      if (stopping_) return;
      seen = nudges_;
    }
    int applied = 0;
    int unmatched = 0;
    Status st = ProcessInbound(&applied, &unmatched);
    if (!st.ok()) spdlog::error("applying stored messages: {}", st.message());
    if (applied + unmatched > 0) spdlog::debug("applied {} stored messages, {} unmatched", applied, unmatched);
  }
}

void App::RetryLoop(int64_t interval) {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(worker_mu_);
      worker_cv_.wait_for(lock, std::chrono::seconds(interval), [this] { return stopping_; });
      if (stopping_) return;
    }
    delivery::SendReport report;
    int expired = 0;
    Status st = RetryDue(&report, &expired);
    if (!st.ok()) {
      spdlog::error("retries: {}", st.message());
    } else if (report.delivered + report.bounced + report.pending + expired > 0) {
      spdlog::info("retried: {} delivered, {} bounced, {} still pending; {} expired to SOFT", report.delivered,
                   report.bounced, report.pending, expired);
    }
    if (deliverer_) deliverer_->Nudge();
  }
}

}  // namespace rebound::app
