// ObjectPool: reusable per-call workers for code that is not thread-safe but
// costly to build (analyzers with ICU iterators and a stemmer, searchers with
// scratch buffers). A caller leases one object, uses it alone, and the lease
// gives it back; the pool grows to the number of concurrent callers and
// keeps that many.
//
// Thread-safety: Acquire() may be called from any thread; a leased object
// belongs to its lease holder until the lease is destroyed. The pool must
// outlive its leases.
#ifndef QUARRY_BASE_OBJECT_POOL_H_
#define QUARRY_BASE_OBJECT_POOL_H_

#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "quarry/status.h"

namespace quarry {

template <typename T>
class ObjectPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<T>>()>;

  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), object_(std::move(other.object_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr && object_ != nullptr) pool_->Release(std::move(object_));
    }
    T* operator->() const { return object_.get(); }
    T& operator*() const { return *object_; }

   private:
    friend class ObjectPool;
    Lease(ObjectPool* pool, std::unique_ptr<T> object) : pool_(pool), object_(std::move(object)) {}
    ObjectPool* pool_;
    std::unique_ptr<T> object_;
  };

  explicit ObjectPool(Factory factory) : factory_(std::move(factory)) {}
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  // A free object, or a new one from the factory (whose error it returns).
  Result<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<T> object = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(object));
      }
    }
    QUARRY_ASSIGN_OR_RETURN(std::unique_ptr<T> object, factory_());
    return Lease(this, std::move(object));
  }

 private:
  void Release(std::unique_ptr<T> object) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(object));
  }

  const Factory factory_;
  std::mutex mu_;
  std::vector<std::unique_ptr<T>> free_;  // guarded by mu_
};

}  // namespace quarry

#endif  // QUARRY_BASE_OBJECT_POOL_H_
