// Test-only helpers for the index-file tests: whole-file reads and writes,
// resealing a file's checksums after a deliberate edit, and typed access to
// bytes at an offset.
//
// Thread-safety: plain functions over values and files.
#ifndef QUARRY_VECTOR_HNSW_FILE_TEST_UTIL_H_
#define QUARRY_VECTOR_HNSW_FILE_TEST_UTIL_H_

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "base/crc32c.h"
#include "base/env.h"
#include "vector/hnsw_format.h"

namespace quarry::vector::testing {

// The Env the index-file tests save and open through: the POSIX one, which
// is stateless, so one serves the whole test binary.
inline Env& TestEnv() {
  static const std::shared_ptr<Env> env = NewPosixEnv();
  return *env;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Rewrites the file, in place when the size does not change: truncating
// costs a synchronous discard on some file systems, and the bit-flip test
// rewrites files hundreds of times.
inline void WriteAll(const std::string& path, const std::string& bytes) {
  std::error_code ec;
  const bool same_size =
      std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) == bytes.size();
  std::ofstream out(path, same_size ? std::ios::binary | std::ios::in | std::ios::out
                                    : std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

template <typename T>
T GetAt(const std::string& bytes, size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}
template <typename T>
void PutAt(std::string& bytes, size_t offset, T v) {
  std::memcpy(bytes.data() + offset, &v, sizeof v);
}

// Recomputes both CRCs so that a deliberately inconsistent value reaches the
// semantic checks instead of the checksum. Returns the new body CRC.
// A version-3 vectors.f32's body CRC covers its block table only (the
// table's own entries are left as they are).
inline uint32_t Reseal(std::string& bytes) {
  namespace fmt = hnsw_format;
  size_t from = fmt::kHeaderSize;
  if (bytes.compare(0, 8, std::string(fmt::kVectorsMagic.begin(), fmt::kVectorsMagic.end())) == 0 &&
      GetAt<uint32_t>(bytes, fmt::kVersionOffset) >= fmt::kFirstBlockCrcVersion) {
    from = fmt::VectorsLayoutFor(GetAt<uint64_t>(bytes, fmt::kRowsOffset),
                                 uint64_t{GetAt<uint32_t>(bytes, fmt::kDimsOffset)} * 4,
                                 GetAt<uint32_t>(bytes, fmt::kVecBlockBytesOffset))
               .table_offset;
  }
  const uint32_t body = crc32c::Value(bytes.data() + from, bytes.size() - from);
  PutAt<uint32_t>(bytes, fmt::kBodyCrcOffset, body);
  PutAt<uint32_t>(bytes, fmt::kHeaderCrcOffset, crc32c::Value(bytes.data(), fmt::kHeaderCrcOffset));
  return body;
}

}  // namespace quarry::vector::testing

#endif  // QUARRY_VECTOR_HNSW_FILE_TEST_UTIL_H_
