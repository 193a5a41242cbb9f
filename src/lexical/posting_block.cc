#include "lexical/posting_block.h"

#include "lexical/varint.h"

namespace quarry::lexical {

void EncodeBlock(std::span<const Posting> postings, uint32_t base, std::vector<uint8_t>* out) {
  uint32_t expected = base;
  for (const Posting& p : postings) {
    PutVarint32(p.doc - expected, out);
    expected = p.doc + 1;
  }
  for (size_t f = 0; f < kNumFields; ++f) {
    for (const Posting& p : postings) PutVarint32(p.tf[f], out);
  }
}

bool DecodeBlock(std::span<const uint8_t> bytes, uint32_t count, uint32_t base, DecodedBlock* out) {
  if (count == 0 || count > format::kBlockSize) return false;
  const uint8_t* p = bytes.data();
  const uint8_t* const end = p + bytes.size();
  uint64_t expected = base;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t gap;
    if (!GetVarint32(&p, end, &gap)) return false;
    const uint64_t doc = expected + gap;
    if (doc > UINT32_MAX) return false;
    out->docs[i] = static_cast<uint32_t>(doc);
    expected = doc + 1;
  }
  for (size_t f = 0; f < kNumFields; ++f) {
    for (uint32_t i = 0; i < count; ++i) {
      if (!GetVarint32(&p, end, &out->tf[f][i])) return false;
    }
  }
  out->count = count;
  return p == end;
}

}  // namespace quarry::lexical
