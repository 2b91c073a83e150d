#include "app/webhook_deliverer.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <random>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/secrets.h"

namespace rebound::app {

namespace {

constexpr size_t kMaxResponseBytes = 4096;  // what is kept of an answer: nothing is read past it

size_t Discard(char* data, size_t size, size_t n, void* user) {
  auto* kept = static_cast<std::string*>(user);
  const size_t bytes = size * n;
  if (kept->size() < kMaxResponseBytes) kept->append(data, std::min(bytes, kMaxResponseBytes - kept->size()));
  return bytes;
}

// The key bytes of a "whsec_<base64>" secret.
bool SecretBytes(const std::string& secret, std::string* out) {
  std::string text = secret.starts_with("whsec_") ? secret.substr(6) : secret;
  return DecodeBase64(text, out);
}

struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string response;
  char error[CURL_ERROR_SIZE] = {0};
  std::chrono::steady_clock::time_point started;
  size_t index = 0;
};

// One multi handle per thread: its connection cache keeps connections to
// the endpoints alive from one round to the next.
struct Multi {
  CURLM* handle = nullptr;
  explicit Multi(int connections) {
    handle = curl_multi_init();
    curl_multi_setopt(handle, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(connections));
    curl_multi_setopt(handle, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(connections));
    curl_multi_setopt(handle, CURLMOPT_PIPELINING, CURLPIPE_NOTHING);
  }
  ~Multi() { curl_multi_cleanup(handle); }
};

}  // namespace

std::string NewWebhookSecret() { return "whsec_" + Base64(RandomBytes(24)); }

WebhookDeliverer::WebhookDeliverer(const StorePool* pool, const WebhookOptions* options, std::string secrets_key,
                                   policy::Clock clock)
    : pool_(pool), options_(options), key_(std::move(secrets_key)), clock_(std::move(clock)) {
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)curl_ready;
}

WebhookDeliverer::~WebhookDeliverer() { Stop(); }

bool WebhookDeliverer::Start(std::string* error) {
  store_ = pool_->OpenDedicated(error);
  if (!store_) return false;
  thread_ = std::thread([this] { Loop(); });
  return true;
}

void WebhookDeliverer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebhookDeliverer::Nudge() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++nudges_;
  }
  cv_.notify_all();
}

bool WebhookDeliverer::Sign(const std::string& secret, const std::string& previous_secret, const std::string& id,
                            int64_t timestamp, const std::string& body, Signed* out) {
  out->id = id;
  out->timestamp = std::to_string(timestamp);
  const std::string content = id + "." + out->timestamp + "." + body;
  std::string key;
  if (!SecretBytes(secret, &key)) return false;
  out->signature = "v1," + Base64(HmacSha256(key, content));
  std::string old_key;
  if (!previous_secret.empty() && SecretBytes(previous_secret, &old_key)) {
    out->signature += " v1," + Base64(HmacSha256(old_key, content));
  }
  return true;
}

int64_t WebhookDeliverer::NextAttempt(const store::DueDelivery& d, int64_t now) const {
  // Exponential back-off with full jitter between half and all of the step,
  // so that a recovering receiver is not hit by every retry at once.
  int64_t step = options_->retry_base_seconds;
  for (int64_t i = 0; i < d.attempts && step < options_->retry_max_seconds; ++i) step *= 2;
  step = std::min(step, options_->retry_max_seconds);
  thread_local std::mt19937_64 rng(std::random_device{}());
  const int64_t half = std::max<int64_t>(1, step / 2);
  std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(0, step - half));
  return now + half + jitter(rng);
}

bool WebhookDeliverer::RunOnce(store::Store& store, int* sent, std::string* error) {
  *sent = 0;
  const int64_t now = clock_();
  std::vector<store::DueDelivery> due;
  const size_t limit = static_cast<size_t>(std::max(1, options_->concurrency)) * 8;
  if (!store.Begin(error)) return false;
  if (!store::ClaimDeliveries(store, now, now + options_->lease_seconds, limit, &due, error) || !store.Commit(error)) {
    store.Rollback();
    return false;
  }
  if (due.empty()) return true;

  thread_local Multi multi(std::max(1, options_->concurrency));
  std::vector<Transfer> transfers(due.size());
  std::vector<store::AttemptResult> results(due.size());
  for (size_t i = 0; i < due.size(); ++i) {
    const store::DueDelivery& d = due[i];
    store::AttemptResult& r = results[i];
    r.delivery_id = d.id;
    r.endpoint_id = d.endpoint_id;
    r.at = now;
    std::string secret;
    std::string previous;
    if (!Unseal(key_, d.secret, &secret)) {
      r.error = "the endpoint's secret cannot be read with this node's secrets key";
      r.next = store::AttemptResult::Next::kRetry;
      r.next_attempt_at = NextAttempt(d, now);
      continue;
    }
    if (!d.previous_secret.empty() && d.previous_until > now) Unseal(key_, d.previous_secret, &previous);
    Signed s;
    if (!Sign(secret, previous, "evt_" + std::to_string(d.event_id), now, d.payload, &s)) {
      r.error = "the endpoint's secret is malformed";
      r.next = store::AttemptResult::Next::kRetry;
      r.next_attempt_at = NextAttempt(d, now);
      continue;
    }
    Transfer& t = transfers[i];
    t.index = i;
    t.easy = curl_easy_init();
    t.headers = curl_slist_append(t.headers, "Content-Type: application/json");
    t.headers = curl_slist_append(t.headers, ("webhook-id: " + s.id).c_str());
    t.headers = curl_slist_append(t.headers, ("webhook-timestamp: " + s.timestamp).c_str());
    t.headers = curl_slist_append(t.headers, ("webhook-signature: " + s.signature).c_str());
    t.headers = curl_slist_append(t.headers, "Expect:");
    curl_easy_setopt(t.easy, CURLOPT_URL, d.url.c_str());
    curl_easy_setopt(t.easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(t.easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(t.easy, CURLOPT_POST, 1L);
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDS, d.payload.data());
    curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(d.payload.size()));
    curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(t.easy, CURLOPT_USERAGENT, "Rebound-Webhooks/1");
    curl_easy_setopt(t.easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_->timeout_seconds) * 1000);
    curl_easy_setopt(t.easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_->timeout_seconds) * 1000);
    curl_easy_setopt(t.easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t.easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(t.easy, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(t.easy, CURLOPT_WRITEDATA, &t.response);
    curl_easy_setopt(t.easy, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(t.easy, CURLOPT_PRIVATE, &t);
    t.started = std::chrono::steady_clock::now();
    curl_multi_add_handle(multi.handle, t.easy);
  }
  int running = 0;
  do {
    CURLMcode mc = curl_multi_perform(multi.handle, &running);
    if (mc != CURLM_OK) break;
    if (running > 0) curl_multi_poll(multi.handle, nullptr, 0, 200, nullptr);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.handle, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      store::AttemptResult& r = results[t->index];
      const store::DueDelivery& d = due[t->index];
      r.duration_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t->started).count();
      long code = 0;
      if (msg->data.result == CURLE_OK) {
        curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
        r.status = static_cast<int>(code);
      } else {
        r.error = t->error[0] != '\0' ? t->error : curl_easy_strerror(msg->data.result);
      }
      if (code >= 200 && code < 300) {
        r.next = store::AttemptResult::Next::kDelivered;
      } else if (code == 410) {
        r.next = store::AttemptResult::Next::kGone;
        r.error = "410 Gone: the endpoint is disabled";
      } else {
        if (r.error.empty()) r.error = "HTTP " + std::to_string(code);
        const int64_t next = NextAttempt(d, now);
        if (next > d.event_created_at + options_->give_up_after) {
          r.next = store::AttemptResult::Next::kFailed;
        } else {
          r.next = store::AttemptResult::Next::kRetry;
          r.next_attempt_at = next;
        }
      }
      curl_multi_remove_handle(multi.handle, msg->easy_handle);
      curl_easy_cleanup(msg->easy_handle);
      curl_slist_free_all(t->headers);
      t->easy = nullptr;
      t->headers = nullptr;
      ++*sent;
    }
  } while (running > 0);
  // Anything curl did not finish (a multi error) is retried.
  for (Transfer& t : transfers) {
    if (t.easy == nullptr) continue;
    curl_multi_remove_handle(multi.handle, t.easy);
    curl_easy_cleanup(t.easy);
    curl_slist_free_all(t.headers);
    store::AttemptResult& r = results[t.index];
    r.error = "not sent: the HTTP client failed";
    r.next = store::AttemptResult::Next::kRetry;
    r.next_attempt_at = NextAttempt(due[t.index], now);
  }
  if (!store.Begin(error)) return false;
  if (!store::RecordAttempts(store, results, error) || !store.Commit(error)) {
    store.Rollback();
    return false;
  }
  for (const store::AttemptResult& r : results) {
    if (r.next == store::AttemptResult::Next::kGone) {
      spdlog::warn("webhook endpoint {} answered 410 Gone: disabled", r.endpoint_id);
    }
  }
  return true;
}

void WebhookDeliverer::Loop() {
  while (true) {
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      seen = nudges_;
    }
    int sent = 0;
    std::string error;
    if (!RunOnce(*store_, &sent, &error)) {
      spdlog::error("webhook delivery: {}", error);
      sent = 0;
    }
    if (sent > 0) continue;  // more may be due at once
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping_ || nudges_ != seen; });
  }
}

}  // namespace rebound::app
