// The collection's id map: for every live document, where it lives (a
// segment and an ordinal in it). It is rebuilt at every open for every live
// document, a million at 1M, so it is a flat open-addressing table of
// 16-byte slots instead of a heap node per document (about 100 bytes each
// with std::unordered_map<std::string, ...>). The id itself is not copied:
// it is read from where the document lives, through the owner's KeyOf,
// whenever a probe meets a slot whose stored hash matches.
//
// Linear probing over a power-of-two array at most 3/4 full; erasing shifts
// the following slots back (no tombstones), so probe lengths do not decay
// under churn. See docs/design/document-table.md.
//
// Thread-safety: none of its own. The collection changes it only holding
// both write_mu_ and state_mu_ exclusively, so a reader needs either one
// (state_mu_ shared suffices). KeyOf must be safe to call wherever Find is:
// the collection's reads an id from a segment that never changes it (a
// MutableSegment's Remove leaves Doc::doc alone).
#ifndef QUARRY_ENGINE_DOCUMENT_TABLE_H_
#define QUARRY_ENGINE_DOCUMENT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "base/mapped_file.h"

namespace quarry::engine {

class DocumentTable {
 public:
  // Where a document lives. `source` is the owner's token (never 0: 0 marks
  // an empty slot); KeyOf(entry) must give the document's id.
  struct Entry {
    Entry() = default;
    Entry(uint64_t at_source, uint32_t at_ordinal) : source(at_source), ordinal(at_ordinal) {}
    uint64_t source = 0;
    uint32_t ordinal = 0;

   private:
    friend class DocumentTable;
    uint32_t hash_ = 0;  // low 32 bits of the id's Hash64: the home slot and a filter
  };
  static_assert(sizeof(Entry) == 16 && std::is_trivially_copyable_v<Entry>);
  using KeyOf = std::string_view (*)(const Entry& entry);

  explicit DocumentTable(KeyOf key_of) : key_of_(key_of) {}
  DocumentTable(const DocumentTable&) = delete;
  DocumentTable& operator=(const DocumentTable&) = delete;

  size_t size() const { return size_; }
  // Makes room for `documents` without growing again (one allocation at open).
  void Reserve(size_t documents);

  // The entry of `id`, or nullptr. The pointer stays valid until the next
  // Insert or Erase.
  const Entry* Find(std::string_view id) const { return FindSlot(id, Hash(id)); }
  // Points `id` at `to` (a seal or merge moved the document); false if `id`
  // is not present. REQUIRES: KeyOf(to) == id.
  bool Relocate(std::string_view id, Entry to);
  // Adds `id` at `entry`; false (and no change) if it is present.
  // REQUIRES: entry.source != 0 and KeyOf(entry) == id.
  bool Insert(std::string_view id, Entry entry);
  // Removes `id`; false if it was not present.
  bool Erase(std::string_view id);

  // Bytes of the slot array.
  size_t MemoryBytes() const { return capacity_ * sizeof(Entry); }

 private:
  static uint32_t Hash(std::string_view id);
  Entry* FindSlot(std::string_view id, uint32_t hash) const;
  void Grow(size_t min_capacity);

  KeyOf key_of_;
  // The slots (source 0: empty): zeroed memory from the heap, or for a
  // large table an anonymous mapping on 2 MiB pages, which a million
  // documents fill without 8,000 page faults (see the design page).
  Entry* slots_ = nullptr;
  std::unique_ptr<Entry[]> heap_slots_;
  MappedFile mapped_slots_;
  size_t capacity_ = 0;  // 0 or a power of two
  size_t size_ = 0;
};

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_DOCUMENT_TABLE_H_
