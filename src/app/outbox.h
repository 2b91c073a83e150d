// The ChangeSink of the application: inside the transaction of every
// change it counts the statistics and writes the webhook events (the
// outbox) with one delivery per endpoint that wants them. Nothing is sent
// from here: the WebhookDeliverer sends what this wrote, after the commit.
//
// Thread-safe. The endpoints of an account are cached for a second or two,
// so that a busy ingest does not read them per event; a change of an
// endpoint through this process is seen at once (Forget).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/policy.h"
#include "store/store.h"

namespace rebound::app {

class Outbox : public policy::ChangeSink {
 public:
  explicit Outbox(policy::Clock clock) : clock_(std::move(clock)) {}

  bool OnChange(store::Store& store, const policy::Change& change, std::string* error) override;

  // Writes one event of `type` for the account (and its deliveries), in the
  // caller's transaction. `order_key` orders the events of one subject.
  bool Write(store::Store& store, int64_t account_id, const std::string& type, const std::string& data_json,
             const std::string& order_key, int64_t at, std::string* error);

  // The account's endpoints changed.
  void Forget(int64_t account_id);

 private:
  struct Endpoint {
    int64_t id = 0;
    std::vector<std::string> types;  // empty: all
  };
  struct Cached {
    int64_t loaded_at_ms = 0;
    std::vector<Endpoint> endpoints;
  };
  bool EndpointsFor(store::Store& store, int64_t account_id, const std::string& type, std::vector<int64_t>* out,
                    std::string* error);

  policy::Clock clock_;
  std::mutex mu_;
  std::unordered_map<int64_t, Cached> cache_;
};

// The webhook event type of a change ("bounce.hard", ...), or "" for none.
std::string EventType(const policy::Change& change);

}  // namespace rebound::app
