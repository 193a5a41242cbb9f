#include "engine/document_table.h"

#include <algorithm>
#include <bit>
#include <new>
#include <utility>

#include "base/check.h"
#include "base/hash.h"

namespace quarry::engine {
namespace {

// From this size on, slots live in an anonymous mapping on huge pages.
constexpr size_t kMappedSlotBytes = size_t{2} << 20;

// Slots needed so that `documents` fill at most 3/4 of them.
size_t CapacityFor(size_t documents) {
  const size_t needed = documents + documents / 3 + 1;
  return std::bit_ceil(std::max<size_t>(needed, 16));
}

}  // namespace

uint32_t DocumentTable::Hash(std::string_view id) {
  return static_cast<uint32_t>(Hash64(id));
}

void DocumentTable::Reserve(size_t documents) {
  const size_t capacity = CapacityFor(documents);
  if (capacity > capacity_) Grow(capacity);
}

DocumentTable::Entry* DocumentTable::FindSlot(std::string_view id, uint32_t hash) const {
  if (size_ == 0) return nullptr;
  const size_t mask = capacity_ - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    Entry& slot = slots_[i];
    if (slot.source == 0) return nullptr;
    if (slot.hash_ == hash && key_of_(slot) == id) return &slot;
  }
}

bool DocumentTable::Insert(std::string_view id, Entry entry) {
  QUARRY_CHECK(entry.source != 0, "source 0 marks an empty slot");
  const uint32_t hash = Hash(id);
  if (FindSlot(id, hash) != nullptr) return false;
  if (size_ + 1 > capacity_ / 4 * 3) Grow(CapacityFor(size_ + 1));
  const size_t mask = capacity_ - 1;
  size_t i = hash & mask;
  while (slots_[i].source != 0) i = (i + 1) & mask;
  entry.hash_ = hash;
  slots_[i] = entry;
  ++size_;
  return true;
}

bool DocumentTable::Relocate(std::string_view id, Entry to) {
  Entry* slot = FindSlot(id, Hash(id));
  if (slot == nullptr) return false;
  slot->source = to.source;
  slot->ordinal = to.ordinal;
  return true;
}

bool DocumentTable::Erase(std::string_view id) {
  Entry* found = FindSlot(id, Hash(id));
  if (found == nullptr) return false;
  const size_t mask = capacity_ - 1;
  // Backward shift: every later slot of the same run that may live at the
  // hole (its home is not between the hole and itself) moves into it.
  size_t hole = static_cast<size_t>(found - slots_);
  for (size_t j = (hole + 1) & mask; slots_[j].source != 0; j = (j + 1) & mask) {
    const size_t home = slots_[j].hash_ & mask;
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    slots_[hole] = slots_[j];
    hole = j;
  }
  slots_[hole] = Entry();
  --size_;
  return true;
}

void DocumentTable::Grow(size_t min_capacity) {
  // The new slots first: if they cannot be had, the table is left as it was.
  std::unique_ptr<Entry[]> heap;
  MappedFile mapped;
  Entry* slots = nullptr;
  const size_t bytes = min_capacity * sizeof(Entry);
  if (bytes >= kMappedSlotBytes) {
    Result<MappedFile> m = MappedFile::Anonymous(bytes);  // zero-filled
    if (!m.ok()) throw std::bad_alloc();
    mapped = std::move(m).value();
    slots = reinterpret_cast<Entry*>(mapped.mutable_data());
  } else {
    heap = std::make_unique<Entry[]>(min_capacity);
    slots = heap.get();
  }
  Entry* old = std::exchange(slots_, slots);
  std::unique_ptr<Entry[]> old_heap = std::exchange(heap_slots_, std::move(heap));
  MappedFile old_mapped = std::exchange(mapped_slots_, std::move(mapped));
  const size_t old_capacity = std::exchange(capacity_, min_capacity);
  const size_t mask = capacity_ - 1;
  for (size_t o = 0; o < old_capacity; ++o) {
    if (old[o].source == 0) continue;
    size_t i = old[o].hash_ & mask;
    while (slots_[i].source != 0) i = (i + 1) & mask;
    slots_[i] = old[o];
  }
}

}  // namespace quarry::engine
