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
  cv_.wait(lock, [this] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    *out = Lease();
    out->pool_ = this;
    out->store_ = std::move(idle_.back());
    idle_.pop_back();
    return true;
  }
  ++open_;  // reserved while the connection opens, outside the lock
  lock.unlock();
  std::unique_ptr<store::Store> store = store::Store::Open(url_, error);
  if (!store) {
    lock.lock();
    --open_;
    cv_.notify_one();
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
  std::lock_guard<std::mutex> lock(mu_);
  if (store) {
    store->Rollback();  // a lease never ends inside a transaction
    idle_.push_back(std::move(store));
  } else {
    --open_;
  }
  cv_.notify_one();
}

}  // namespace rebound::app
