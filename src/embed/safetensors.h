// SafetensorsFile: a read-only, memory-mapped .safetensors file.
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON mapping
// each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (plus
// an optional "__metadata__" object of strings), then the data; offsets are
// relative to the first byte after the header.
//
// The file is untrusted. Open refuses, with a message naming the tensor and
// the rule broken: a file shorter than 8 bytes; a header length beyond the file
// or above kMaxHeaderBytes; a header that is not a JSON object; an unknown
// dtype; a shape that is not a list of non-negative integers, or whose byte
// size overflows; data offsets that are not [begin <= end] inside the data,
// that disagree with shape x dtype size, or that overlap another tensor.
// After Open succeeds every view and conversion is in bounds.
//
// Thread-safety: immutable after Open; all const methods may run concurrently.
#ifndef QUARRY_EMBED_SAFETENSORS_H_
#define QUARRY_EMBED_SAFETENSORS_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/mapped_file.h"
#include "quarry/status.h"

namespace quarry::embed {

enum class DType { kBool, kU8, kI8, kI16, kI32, kI64, kF16, kBF16, kF32, kF64 };

std::string_view DTypeName(DType dtype);
size_t DTypeSize(DType dtype);

struct TensorInfo {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<uint64_t> shape;
  uint64_t begin = 0;  // byte offsets into the data section
  uint64_t end = 0;

  uint64_t elements() const;
};

class SafetensorsFile {
 public:
  static constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

  // Maps and validates the file at `path`.
  static Result<SafetensorsFile> Open(const std::string& path);

  // Validates the header of a whole file's bytes; the parser behind Open,
  // for tests and fuzzing. Returns the tensors sorted by name.
  static Result<std::vector<TensorInfo>> ParseHeader(std::span<const uint8_t> file,
                                                     std::map<std::string, std::string>* metadata);

  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // nullptr when there is no tensor of that name.
  const TensorInfo* Find(std::string_view name) const;

  // The raw bytes of a tensor (a view into the mapping).
  std::span<const uint8_t> Data(const TensorInfo& tensor) const;

  // The tensor converted to float32 (from F32, F16 or BF16). NotFound when
  // absent; NotSupported for other dtypes.
  Result<std::vector<float>> ReadFloats(std::string_view name) const;

  // The whole file, for fingerprinting.
  std::span<const uint8_t> bytes() const { return file_.bytes(); }

 private:
  SafetensorsFile(MappedFile file, uint64_t data_start, std::vector<TensorInfo> tensors,
                  std::map<std::string, std::string> metadata)
      : file_(std::move(file)),
        data_start_(data_start),
        tensors_(std::move(tensors)),
        metadata_(std::move(metadata)) {}

  MappedFile file_;
  uint64_t data_start_ = 0;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_SAFETENSORS_H_
