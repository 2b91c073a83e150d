// Connections to one database, lent to one thread at a time.
//
// A Store is one connection and is not thread-safe; a pool lets the HTTP
// workers, the background jobs and the committer each use their own. The
// first connection is opened (and the schema migrated) by Open; more are
// opened on demand up to `max`, after which Acquire waits for one to come
// back. Waiters are served first come, first served (a connection coming
// back is handed to the oldest), so that under load no caller waits much
// longer than the others. A connection that failed (the server went away)
// is dropped when it comes back broken, and a new one is opened instead.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace rebound::app {

class StorePool {
 public:
  static std::unique_ptr<StorePool> Open(const std::string& url, size_t max, std::string* error);

  // A borrowed connection; returned to the pool when the lease ends.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept : pool_(other.pool_), store_(std::move(other.store_)) { other.pool_ = nullptr; }
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();
    store::Store* get() const { return store_.get(); }
    store::Store* operator->() const { return store_.get(); }
    store::Store& operator*() const { return *store_; }
    explicit operator bool() const { return store_ != nullptr; }
    // The connection failed in a way that may have broken it: close it
    // rather than lend it again.
    void Discard() { store_.reset(); }

   private:
    friend class StorePool;
    StorePool* pool_ = nullptr;
    std::unique_ptr<store::Store> store_;
  };

  // False with `error` when no connection can be opened.
  bool Acquire(Lease* out, std::string* error);
  // A connection of its own for a long-lived worker (not counted in max).
  std::unique_ptr<store::Store> OpenDedicated(std::string* error) const;

  const std::string& url() const { return url_; }
  store::Dialect dialect() const { return dialect_; }

 private:
  StorePool(std::string url, size_t max) : url_(std::move(url)), max_(max) {}
  void Return(std::unique_ptr<store::Store> store);
  bool OpenInto(Lease* out, std::string* error);

  // A caller waiting for a connection.
  struct Waiter {
    std::condition_variable cv;
    bool ready = false;
    std::unique_ptr<store::Store> store;  // handed over; empty: open one (its slot is reserved)
  };

  const std::string url_;
  const size_t max_;
  store::Dialect dialect_ = store::Dialect::kSqlite;
  std::mutex mu_;
  std::deque<Waiter*> waiters_;
  std::vector<std::unique_ptr<store::Store>> idle_;
  size_t open_ = 0;  // lent plus idle
};

}  // namespace rebound::app
