// Sends the webhook events the outbox wrote: claims due deliveries with a
// lease, posts them (libcurl, many at once over kept-alive connections),
// signs each as the Standard Webhooks specification says, and records every
// attempt with its consequence in one transaction per round:
//
//   2xx within the timeout   delivered
//   410 Gone                 the endpoint is disabled; the delivery failed
//   anything else, no answer retried with exponential back-off and jitter,
//                            until give_up_after past the event
//
// Redirects are not followed (a 3xx is a failure): an endpoint cannot send
// our signed events to another host.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/store_pool.h"
#include "policy/policy.h"
#include "store/webhooks.h"

namespace rebound::app {

struct WebhookOptions;

class WebhookDeliverer {
 public:
  WebhookDeliverer(const StorePool* pool, const WebhookOptions* options, std::string secrets_key, policy::Clock clock);
  ~WebhookDeliverer();

  // Starts the delivery thread (with a connection of its own).
  bool Start(std::string* error);
  // Finishes the round in hand, then stops.
  void Stop();
  // New events may be due.
  void Nudge();

  // One round on the caller's thread: claims, sends, records. Sets *sent to
  // how many deliveries it attempted. For tests and the CLI.
  bool RunOnce(store::Store& store, int* sent, std::string* error);

  // The headers of a signed request (exposed for tests).
  struct Signed {
    std::string id;
    std::string timestamp;
    std::string signature;  // "v1,<base64>" [space "v1,<base64>"]
  };
  static bool Sign(const std::string& secret, const std::string& previous_secret, const std::string& id,
                   int64_t timestamp, const std::string& body, Signed* out);

 private:
  void Loop();
  int64_t NextAttempt(const store::DueDelivery& d, int64_t now) const;

  const StorePool* pool_;
  const WebhookOptions* options_;
  std::string key_;
  policy::Clock clock_;
  std::unique_ptr<store::Store> store_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t nudges_ = 0;
};

// The text of a new webhook secret: "whsec_" and 24 random bytes in base64.
std::string NewWebhookSecret();

}  // namespace rebound::app
