// One block of postings: up to format::kBlockSize (doc id, tf per field)
// entries of one term, encoded as LEB128 varints in three runs:
//   doc gaps (doc - expected, where expected is the previous doc + 1, or the
//   block's `base` for its first doc), then the title tfs, then the body tfs.
// Runs rather than interleaved triples so a decoder fills each array in one
// tight loop. The writer, the validator and the search cursors all go
// through this file, so the encoding lives in one place.
//
// Thread-safety: pure functions.
#ifndef QUARRY_LEXICAL_POSTING_BLOCK_H_
#define QUARRY_LEXICAL_POSTING_BLOCK_H_

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "lexical/bm25_format.h"
#include "lexical/field.h"

namespace quarry::lexical {

struct Posting {
  uint32_t doc = 0;
  std::array<uint32_t, kNumFields> tf = {};  // occurrences in each field; not all 0
};

struct DecodedBlock {
  uint32_t count = 0;
  alignas(64) std::array<uint32_t, format::kBlockSize> docs;
  alignas(64) std::array<std::array<uint32_t, format::kBlockSize>, kNumFields> tf;
};

// Appends the encoding of `postings` to *out.
// REQUIRES: 1 <= postings.size() <= kBlockSize; docs strictly increasing and
// the first >= base.
void EncodeBlock(std::span<const Posting> postings, uint32_t base, std::vector<uint8_t>* out);

// Decodes `count` postings from exactly `bytes`. False when the bytes are
// malformed: too short or too long, a varint over 32 bits, a doc id that
// overflows. (Ordering is implied by the gap encoding.)
bool DecodeBlock(std::span<const uint8_t> bytes, uint32_t count, uint32_t base, DecodedBlock* out);

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_POSTING_BLOCK_H_
