#include "base/huge_page_allocator.h"

#include <sys/mman.h>

namespace quarry {

void* MapAnonymousMemory(size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
#ifdef MADV_HUGEPAGE
  // A hint: where THP is off, 4 KiB pages. Random access over hundreds of
  // megabytes (HNSW codes and links) also misses the TLB far less.
  if (bytes >= kHugePageAllocationBytes) ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

void* AllocateHugePages(size_t bytes) {
  void* p = MapAnonymousMemory(bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void FreeHugePages(void* p, size_t bytes) {
  if (p != nullptr) ::munmap(p, bytes);
}

}  // namespace quarry
