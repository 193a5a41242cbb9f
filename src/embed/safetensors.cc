#include "embed/safetensors.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include <boost/json.hpp>

namespace quarry::embed {
namespace {

namespace json = boost::json;

struct DTypeEntry {
  std::string_view name;
  DType dtype;
  size_t size;
};

constexpr std::array<DTypeEntry, 10> kDTypes = {{
    {"BOOL", DType::kBool, 1}, {"U8", DType::kU8, 1},     {"I8", DType::kI8, 1},
    {"I16", DType::kI16, 2},   {"I32", DType::kI32, 4},   {"I64", DType::kI64, 8},
    {"F16", DType::kF16, 2},   {"BF16", DType::kBF16, 2}, {"F32", DType::kF32, 4},
    {"F64", DType::kF64, 8},
}};

Status TensorError(std::string_view name, std::string_view why) {
  return Status::Corruption("safetensors: tensor '" + std::string(name) + "': " + std::string(why));
}

Result<TensorInfo> ParseTensor(std::string_view name, const json::value& value) {
  if (!value.is_object()) return TensorError(name, "entry is not an object");
  const json::object& obj = value.as_object();
  TensorInfo info;
  info.name = std::string(name);

  const json::value* dtype = obj.if_contains("dtype");
  if (dtype == nullptr || !dtype->is_string()) return TensorError(name, "dtype missing");
  auto entry = std::find_if(kDTypes.begin(), kDTypes.end(),
                            [&](const DTypeEntry& e) { return dtype->as_string() == e.name; });
  if (entry == kDTypes.end()) {
    return TensorError(name, "unknown dtype '" + std::string(dtype->as_string()) + "'");
  }
  info.dtype = entry->dtype;

  const json::value* shape = obj.if_contains("shape");
  if (shape == nullptr || !shape->is_array()) return TensorError(name, "shape missing");
  if (shape->as_array().size() > 8) return TensorError(name, "more than 8 dimensions");
  uint64_t bytes = entry->size;
  for (const json::value& dim : shape->as_array()) {
    if (!dim.is_uint64() && !(dim.is_int64() && dim.as_int64() >= 0)) {
      return TensorError(name, "shape holds something other than a non-negative integer");
    }
    const uint64_t d = dim.to_number<uint64_t>();
    if (d != 0 && bytes > UINT64_MAX / d) return TensorError(name, "shape overflows");
    bytes *= d;
    info.shape.push_back(d);
  }

  const json::value* offsets = obj.if_contains("data_offsets");
  if (offsets == nullptr || !offsets->is_array() || offsets->as_array().size() != 2) {
    return TensorError(name, "data_offsets must be [begin, end]");
  }
  for (const json::value& o : offsets->as_array()) {
    if (!o.is_uint64() && !(o.is_int64() && o.as_int64() >= 0)) {
      return TensorError(name, "data_offsets must be non-negative integers");
    }
  }
  info.begin = offsets->as_array()[0].to_number<uint64_t>();
  info.end = offsets->as_array()[1].to_number<uint64_t>();
  if (info.begin > info.end) return TensorError(name, "data_offsets begin after end");
  if (info.end - info.begin != bytes) {
    return TensorError(name, "data_offsets span " + std::to_string(info.end - info.begin) +
                                 " bytes but shape and dtype need " + std::to_string(bytes));
  }
  return info;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exponent = (h >> 10) & 0x1F;
  uint32_t mantissa = h & 0x3FF;
  uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000 | (mantissa << 13);  // inf or NaN
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {  // subnormal: renormalize
    int e = -1;
    do {
      ++e;
      mantissa <<= 1;
    } while ((mantissa & 0x400) == 0);
    bits = sign | (static_cast<uint32_t>(112 - e) << 23) | ((mantissa & 0x3FF) << 13);
  }
  return std::bit_cast<float>(bits);
}

}  // namespace

std::string_view DTypeName(DType dtype) {
  for (const DTypeEntry& e : kDTypes) {
    if (e.dtype == dtype) return e.name;
  }
  return "?";
}

size_t DTypeSize(DType dtype) {
  for (const DTypeEntry& e : kDTypes) {
    if (e.dtype == dtype) return e.size;
  }
  return 0;
}

uint64_t TensorInfo::elements() const {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;  // cannot overflow: bounded by the validated byte size
  return n;
}

Result<std::vector<TensorInfo>> SafetensorsFile::ParseHeader(
    std::span<const uint8_t> file, std::map<std::string, std::string>* metadata) {
  if (file.size() < 8) return Status::Corruption("safetensors: file shorter than 8 bytes");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | file[static_cast<size_t>(i)];
  if (header_len > kMaxHeaderBytes) {
    return Status::Corruption("safetensors: header length " + std::to_string(header_len) +
                              " is above the limit of " + std::to_string(kMaxHeaderBytes));
  }
  if (header_len > file.size() - 8) {
    return Status::Corruption("safetensors: header length " + std::to_string(header_len) +
                              " runs past the end of the " + std::to_string(file.size()) +
                              "-byte file");
  }
  const uint64_t data_size = file.size() - 8 - header_len;
  std::string_view header(reinterpret_cast<const char*>(file.data()) + 8, header_len);

  boost::system::error_code ec;
  json::value root;
  try {
    root = json::parse(header, ec);
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("safetensors: header: ") + e.what());
  }
  if (ec) return Status::Corruption("safetensors: header is not JSON: " + ec.message());
  if (!root.is_object()) return Status::Corruption("safetensors: header is not a JSON object");

  std::vector<TensorInfo> tensors;
  for (const auto& [key, value] : root.as_object()) {
    if (key == "__metadata__") {
      if (!value.is_object()) return Status::Corruption("safetensors: __metadata__ is not an object");
      for (const auto& [mkey, mvalue] : value.as_object()) {
        if (!mvalue.is_string()) return Status::Corruption("safetensors: __metadata__ values must be strings");
        if (metadata != nullptr) (*metadata)[std::string(mkey)] = std::string(mvalue.as_string());
      }
      continue;
    }
    QUARRY_ASSIGN_OR_RETURN(TensorInfo info, ParseTensor(key, value));
    if (info.end > data_size) {
      return TensorError(key, "data ends at byte " + std::to_string(info.end) +
                                  " of a data section of " + std::to_string(data_size));
    }
    tensors.push_back(std::move(info));
  }

  // Overlap: sorted by start, each tensor must begin at or after the end of
  // the previous one (empty tensors occupy nothing).
  std::vector<const TensorInfo*> by_offset;
  for (const TensorInfo& t : tensors) {
    if (t.end > t.begin) by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i]->begin < by_offset[i - 1]->end) {
      return TensorError(by_offset[i]->name, "overlaps tensor '" + by_offset[i - 1]->name + "'");
    }
  }
  std::sort(tensors.begin(), tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
  for (size_t i = 1; i < tensors.size(); ++i) {
    if (tensors[i].name == tensors[i - 1].name) return TensorError(tensors[i].name, "appears twice");
  }
  return tensors;
}

Result<SafetensorsFile> SafetensorsFile::Open(const std::string& path) {
  QUARRY_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  std::map<std::string, std::string> metadata;
  Result<std::vector<TensorInfo>> tensors = ParseHeader(file.bytes(), &metadata);
  if (!tensors.ok()) return tensors.status().WithContext(path);
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | file.data()[i];
  return SafetensorsFile(std::move(file), 8 + header_len, std::move(tensors).value(),
                         std::move(metadata));
}

const TensorInfo* SafetensorsFile::Find(std::string_view name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorInfo& t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

std::span<const uint8_t> SafetensorsFile::Data(const TensorInfo& tensor) const {
  return file_.View(data_start_ + tensor.begin, tensor.end - tensor.begin);
}

Result<std::vector<float>> SafetensorsFile::ReadFloats(std::string_view name) const {
  const TensorInfo* tensor = Find(name);
  if (tensor == nullptr) return Status::NotFound("safetensors: no tensor '" + std::string(name) + "'");
  std::span<const uint8_t> data = Data(*tensor);
  std::vector<float> out(tensor->elements());
  switch (tensor->dtype) {
    case DType::kF32:
      std::memcpy(out.data(), data.data(), data.size());  // the mapping may be unaligned
      return out;
    case DType::kF16:
    case DType::kBF16:
      for (size_t i = 0; i < out.size(); ++i) {
        uint16_t h;
        std::memcpy(&h, data.data() + 2 * i, 2);
        out[i] = tensor->dtype == DType::kF16
                     ? HalfToFloat(h)
                     : std::bit_cast<float>(static_cast<uint32_t>(h) << 16);
      }
      return out;
    default:
      return Status::NotSupported("safetensors: tensor '" + tensor->name + "' has dtype " +
                                  std::string(DTypeName(tensor->dtype)) +
                                  "; only F32, F16 and BF16 convert to float");
  }
}

}  // namespace quarry::embed
