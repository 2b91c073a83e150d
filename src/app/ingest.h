// The ingest pipeline, once for every face: a raw message is classified,
// each of its records correlated with an account and a send (Prepare), and
// the records applied to the contacts in batches, one durable commit per
// batch (Committer).
//
// The CLI's `bounce ingest`, the SMTP/LMTP receiver's stored messages and
// `POST /v1/bounces` all go through these two steps; they differ only in
// where a message comes from (Source) and in how they wait for the commit.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/store_pool.h"
#include "classify/classifier.h"
#include "message/message.h"
#include "policy/policy.h"

namespace rebound::app {

// Where a message came from, which decides its account and send.
struct Source {
  // The account it was given to (the CLI's --account, an API key's
  // account); 0: the account of the send it names.
  int64_t account_id = 0;
  // The send its signed return path names (the receiver, a pipe); 0: none.
  int64_t send_id = 0;
};

// One record of a message: ready to apply, or refused with why.
struct Record {
  policy::Incoming incoming;
  std::string account_name;
  std::string action;  // the DSN action, if any
  std::string original_message_id;
  std::string error;  // set: not applied, for this reason
};

// What a record takes from its verdict: recipient, type, reason, cause,
// codes, diagnostic, format, evidence; the caller adds account, send and
// the raw message.
policy::Incoming IncomingOf(const classify::Verdict& v);

// Classifies `raw` and correlates its records: the send the return path
// names, else the send whose Message-ID the returned original carries, else
// the send our X-Rebound-Send-Id header names, each only within the source's
// account when it has one. `message` is scratch space, reused across calls.
// Returns false only when the store cannot be read (`error`); every record
// that cannot be applied says why in its own `error`.
bool Prepare(store::Store& lookup, const classify::Classifier& classifier, std::string_view raw, const Source& source,
             message::Message* message, std::vector<Record>* out, std::string* error);

// The result of one record's commit.
struct Applied {
  bool committed = false;  // false: the store failed and nothing of it was kept
  policy::Outcome outcome;
  std::string error;  // the record itself was refused (the others were kept)
};

// Applies records in batches, one durable transaction per batch, on
// connections of its own; with several connections (PostgreSQL) a batch is
// split by address so that two connections never wait on one address.
//
// Submit queues the records of one message with a callback; callbacks run
// on the committer's thread, in the order of Submit, once the commit that
// holds their records ended. An eager committer commits whatever is queued
// as soon as the commit before it ended (group commit: many waiting callers
// share one fsync); a lazy one waits for a full batch or Flush.
class Committer {
 public:
  struct Options {
    size_t batch = 500;   // records per transaction, at most
    int connections = 1;  // parallel transactions
    bool eager = true;
    policy::Settings settings;
    policy::Clock clock;
    policy::ChangeSink* sink = nullptr;
  };
  using Done = std::function<void(std::vector<Applied>)>;

  static std::unique_ptr<Committer> Start(const StorePool& pool, Options options, std::string* error);
  // A committer without a store: every record is reported not stored, with
  // `why` (the store could not be opened).
  static std::unique_ptr<Committer> StartDetached(Options options, const std::string& why);
  ~Committer();  // commits what is queued, then stops

  // Blocks while more than four batches wait, so that memory stays bounded.
  void Submit(std::vector<policy::Incoming> records, Done done);
  // Returns once every record submitted before it is committed and its
  // callback ran.
  void Flush();
  // Submits and waits: the records' results.
  std::vector<Applied> Apply(std::vector<policy::Incoming> records);

 private:
  struct Item {
    std::vector<policy::Incoming> records;
    Done done;
  };
  explicit Committer(Options options) : options_(std::move(options)) {}
  void Loop();
  void Commit(std::vector<Item>* items);

  Options options_;
  std::string unavailable_;  // set for a detached committer
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::vector<std::unique_ptr<policy::Policy>> policies_;
  std::mutex mu_;
  std::condition_variable cv_;       // work for the loop
  std::condition_variable room_cv_;  // room in the queue, or a flush done
  std::deque<Item> queue_;
  size_t queued_records_ = 0;
  uint64_t submitted_ = 0;
  uint64_t finished_ = 0;
  uint64_t flush_upto_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rebound::app
