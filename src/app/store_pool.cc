#include "app/store_pool.h"

namespace rebound::app {

std::unique_ptr<StorePool> StorePool::Open(const std::string& url, size_t max, std::string* error) {
  std::unique_ptr<store::Store> first = store::Store::Open(url, error);
  if (!first) return nullptr;
  std::unique_ptr<StorePool> pool(new StorePool(url, max < 1 ? 1 : max));
  pool->dialect_ = first->dialect();
  pool->idle_.push_back(std::move(first));
  pool->open_ = 1;
  return pool;
}

StorePool::Lease& StorePool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (pool_ != nullptr) pool_->Return(std::move(store_));
    pool_ = other.pool_;
    store_ = std::move(other.store_);
    other.pool_ = nullptr;
  }
  return *this;
}

StorePool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(store_));
}

bool StorePool::Acquire(Lease* out, std::string* error) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!idle_.empty() && waiters_.empty()) {
    *out = Lease();
    out->pool_ = this;
    out->store_ = std::move(idle_.back());
    idle_.pop_back();
    return true;
  }
  if (open_ < max_) {
    ++open_;  // reserved while the connection opens, outside the lock
    lock.unlock();
    return OpenInto(out, error);
  }
  Waiter w;
  waiters_.push_back(&w);
  w.cv.wait(lock, [&] { return w.ready; });
  if (w.store) {
    *out = Lease();
    out->pool_ = this;
    out->store_ = std::move(w.store);
    return true;
  }
  lock.unlock();
  return OpenInto(out, error);  // the slot of a connection that was dropped
}

bool StorePool::OpenInto(Lease* out, std::string* error) {
  std::unique_ptr<store::Store> store = store::Store::Open(url_, error);
  if (!store) {
    Return(nullptr);  // gives the reserved slot back (or to a waiter)
    return false;
  }
  *out = Lease();
  out->pool_ = this;
  out->store_ = std::move(store);
  return true;
}

std::unique_ptr<store::Store> StorePool::OpenDedicated(std::string* error) const {
  return store::Store::Open(url_, error);
}

void StorePool::Return(std::unique_ptr<store::Store> store) {
  if (store) store->Rollback();  // a lease never ends inside a transaction
  std::lock_guard<std::mutex> lock(mu_);
  if (!waiters_.empty()) {
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->store = std::move(store);  // empty: the waiter opens one in this slot
    w->ready = true;
    w->cv.notify_one();
    return;
  }
  if (store) {
    idle_.push_back(std::move(store));
  } else {
    --open_;
  }
}

}  // namespace rebound::app
