#include "search/filter_bitmap.h"

#include "base/check.h"

namespace quarry::search {

OrdinalBitmap::OrdinalBitmap(size_t size, bool all)
    : size_(size), words_((size + 63) / 64, all ? ~uint64_t{0} : 0) {
  ClearTail();
}

void OrdinalBitmap::ClearTail() {
  if (size_ % 64 != 0) words_.back() &= (uint64_t{1} << (size_ % 64)) - 1;
}

size_t OrdinalBitmap::Count() const {
  size_t n = 0;
  for (uint64_t w : words_) n += static_cast<size_t>(std::popcount(w));
  return n;
}

bool OrdinalBitmap::None() const {
  for (uint64_t w : words_) {
    if (w != 0) return false;
  }
  return true;
}

void OrdinalBitmap::And(const OrdinalBitmap& other) {
  QUARRY_CHECK(other.size_ == size_, "bitmaps of one index all have its document count");
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= other.words_[i];
}

void OrdinalBitmap::Or(const OrdinalBitmap& other) {
  QUARRY_CHECK(other.size_ == size_, "bitmaps of one index all have its document count");
  for (size_t i = 0; i < words_.size(); ++i) words_[i] |= other.words_[i];
}

void OrdinalBitmap::AndNot(const OrdinalBitmap& other) {
  QUARRY_CHECK(other.size_ == size_, "bitmaps of one index all have its document count");
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= ~other.words_[i];
}

void OrdinalBitmap::Invert() {
  for (uint64_t& w : words_) w = ~w;
  ClearTail();
}

}  // namespace quarry::search
