// An allocator for the large arrays an open builds once and keeps (a
// million chunk-store entries, 53 MiB): from 2 MiB up, memory comes from an
// anonymous mapping advised onto transparent huge pages, which fills with a
// page fault per 2 MiB instead of one per 4 KiB. Faults are what filling
// fresh memory costs on a virtual machine: on this project's, 100 MiB take
// about 280 ms in 4 KiB pages and under 10 ms in huge ones. Smaller arrays
// come from the heap. With THP disabled the mapping simply uses 4 KiB pages;
// only the 2 MiB-aligned part of a mapping can be on huge pages (Linux 6.7+
// aligns large anonymous mappings so; older kernels may leave the ends small).
//
// Thread-safety: stateless; allocate and deallocate are thread-safe.
#ifndef QUARRY_BASE_HUGE_PAGE_ALLOCATOR_H_
#define QUARRY_BASE_HUGE_PAGE_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

namespace quarry {

inline constexpr size_t kHugePageAllocationBytes = size_t{2} << 20;

// Zero-filled private memory of `bytes` (> 0), advised onto huge pages from
// kHugePageAllocationBytes up; nullptr when the kernel refuses.
void* MapAnonymousMemory(size_t bytes);
// MapAnonymousMemory, throwing std::bad_alloc when it fails.
void* AllocateHugePages(size_t bytes);
void FreeHugePages(void* p, size_t bytes);

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    if (n * sizeof(T) < kHugePageAllocationBytes) return std::allocator<T>().allocate(n);
    return static_cast<T*>(AllocateHugePages(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n * sizeof(T) < kHugePageAllocationBytes) {
      std::allocator<T>().deallocate(p, n);
    } else {
      FreeHugePages(p, n * sizeof(T));
    }
  }

  template <typename U>
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) {
    return true;
  }
};

}  // namespace quarry

#endif  // QUARRY_BASE_HUGE_PAGE_ALLOCATOR_H_
