// Little-endian encoding of integers, floats and length-prefixed strings, and
// a bounds-checked decoder for reading them back from untrusted bytes.
//
// Every Decoder read checks the remaining length first; a failed read leaves
// the decoder in a failed state and every later read fails too, so a caller
// can decode a whole record and check ok() once.
//
// Thread-safety: values; one per thread.
#ifndef QUARRY_STORAGE_CODING_H_
#define QUARRY_STORAGE_CODING_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace quarry::storage {

class Encoder {
 public:
  void PutU32(uint32_t v) { PutRaw(&v, sizeof v); }
  void PutU64(uint64_t v) { PutRaw(&v, sizeof v); }
  void PutString(std::string_view s) {
    PutU32(static_cast<uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  void PutFloats(std::span<const float> v) { PutRaw(v.data(), v.size_bytes()); }
  std::string& buffer() { return out_; }

 private:
  // x86-64 and aarch64 are little-endian; formats are defined little-endian.
  void PutRaw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  bool GetU32(uint32_t* v) { return GetRaw(v, sizeof *v); }
  bool GetU64(uint64_t* v) { return GetRaw(v, sizeof *v); }
  // Fails if the declared length runs past the end or over max_bytes.
  bool GetString(std::string* s, uint32_t max_bytes = UINT32_MAX) {
    uint32_t n = 0;
    if (!GetU32(&n) || n > max_bytes || n > in_.size()) return Fail();
    s->assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  // As GetString, but a view of the input: valid while the input is.
  bool GetView(std::string_view* s, uint32_t max_bytes = UINT32_MAX) {
    uint32_t n = 0;
    if (!GetU32(&n) || n > max_bytes || n > in_.size()) return Fail();
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool GetFloats(std::span<float> out) { return GetRaw(out.data(), out.size_bytes()); }

  bool ok() const { return ok_; }
  size_t remaining() const { return in_.size(); }

 private:
  bool Fail() {
    ok_ = false;
    in_ = {};
    return false;
  }
  bool GetRaw(void* p, size_t n) {
    if (!ok_ || n > in_.size()) return Fail();
    if (n > 0) std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }

  std::string_view in_;
  bool ok_ = true;
};

}  // namespace quarry::storage

#endif  // QUARRY_STORAGE_CODING_H_
