// The bounce receiver (`rebound serve`): an SMTP or LMTP server for the
// platform's bounce domain. It accepts mail only for signed VERP return
// paths (550 for anything else: never a relay, and a forged bounce
// suppresses nobody) and answers 250 only once the message is durably
// stored. Classifying and applying a stored message is the application's
// (app::App::ProcessInbound), told by `on_stored` after each commit; a
// message stored but not applied (say, after a crash) is applied then.
//
// One network thread runs every connection (asio); one writer thread owns
// the database connection and commits the messages that finished DATA
// together (group commit), then answers them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <functional>

#include "delivery/verp.h"

namespace rebound::intake {

struct ReceiverOptions {
  std::string listen = "127.0.0.1:2525";  // host:port; port 0 picks a free one
  bool lmtp = false;
  std::string hostname = "localhost";
  size_t max_message_bytes = 10u << 20;
  int max_connections = 100;
  int timeout_seconds = 300;
  std::string database;  // store URL
  // Runs on the writer thread after each commit of stored messages (and
  // once at Start): a hint that there is something to apply.
  std::function<void()> on_stored;
};

class Receiver {
 public:
  Receiver(ReceiverOptions options, delivery::VerpSigner signer);
  ~Receiver();

  // Opens the store and binds the listening socket. False with `error` when any of it fails.
  bool Start(std::string* error);
  // The port actually bound (useful with port 0).
  int port() const;
  // Serves until Stop() (from a signal handler's thread or another thread).
  void Run();
  void Stop();

  // Counters for logs and tests.
  struct Stats {
    std::atomic<uint64_t> connections{0};
    std::atomic<uint64_t> stored{0};
    std::atomic<uint64_t> refused_recipients{0};
  };
  const Stats& stats() const;

  struct Impl;  // the network and writer threads' state (receiver.cc)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rebound::intake
