// Watching connected inboxes: one thread per inbox this node holds the
// lease of, each with one IMAP connection that IDLEs on INBOX (or polls,
// where the server has no IDLE) and looks at the Junk folder now and then.
//
// What a watcher reads moves the folder's (uidvalidity, last_uid) forward
// only after the messages up to it are recorded, so that a restart, a
// reconnect or another node taking over reads on from there; a changed
// UIDVALIDITY rereads the days since the last sync, and the records'
// fingerprints make a message read twice count once.
//
// The manager thread claims and renews the leases (store/inboxes.h): an
// inbox is watched by one node at a time, and by another within the lease
// time when its node dies.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/inboxes.h"

namespace rebound::app {

class App;
struct InboxOptions;

class InboxWatchers {
 public:
  InboxWatchers(App* app, const InboxOptions* options);
  ~InboxWatchers();  // Stop()

  void Start();
  // Ends every watcher (IDLE is left, the connection logged out) and joins.
  void Stop();
  // Claims leases now (an inbox was connected or removed).
  void Nudge();

 private:
  struct Watcher;
  void Manage();
  void Watch(Watcher* w);
  void StopWatcher(Watcher* w);

  App* app_;
  const InboxOptions* options_;
  std::string node_;
  std::mutex mu_;  // stopping_ and nudged_; watchers_ is the manager thread's (and Stop's, after it)
  std::condition_variable cv_;
  bool stopping_ = false;
  bool nudged_ = false;
  std::thread manager_;
  std::map<int64_t, std::unique_ptr<Watcher>> watchers_;  // by inbox id
};

}  // namespace rebound::app
