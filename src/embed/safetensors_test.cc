// SafetensorsFile on well-formed files and on hostile ones: each malformed
// header must be refused with a Corruption naming what is wrong, never read
// out of bounds.
#include "embed/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "base/testing/temp_dir.h"

namespace quarry::embed {
namespace {

std::string Build(const std::string& header, const std::string& data, uint64_t header_len) {
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) file[static_cast<size_t>(i)] = static_cast<char>(header_len >> (8 * i));
  return file + header + data;
}
std::string Build(const std::string& header, const std::string& data) {
  return Build(header, data, header.size());
}

std::string FloatBytes(std::initializer_list<float> values) {
  std::string out(values.size() * 4, '\0');
  std::memcpy(out.data(), std::data(values), out.size());
  return out;
}

Status Parse(const std::string& file) {
  auto bytes = std::span(reinterpret_cast<const uint8_t*>(file.data()), file.size());
  Result<std::vector<TensorInfo>> r = SafetensorsFile::ParseHeader(bytes, nullptr);
  return r.ok() ? Status::Ok() : r.status();
}

void ExpectCorrupt(const std::string& file, std::string_view fragment) {
  Status s = Parse(file);
  ASSERT_FALSE(s.ok()) << "accepted: " << fragment;
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(fragment), std::string::npos) << s.ToString();
}

TEST(SafetensorsTest, ReadsF32F16Bf16) {
  quarry::testing::TempDir dir;
  // F16 1.0 = 0x3C00, -2.0 = 0xC000, a subnormal 0x0001 = 2^-24; BF16 1.5 = 0x3FC0.
  std::string data = FloatBytes({1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f});
  data += std::string("\x00\x3C\x00\xC0\x01\x00", 6);
  data += std::string("\xC0\x3F", 2);
  std::string header =
      R"({"__metadata__": {"format": "pt"},)"
      R"("w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},)"
      R"("h": {"dtype": "F16", "shape": [3], "data_offsets": [24, 30]},)"
      R"("b": {"dtype": "BF16", "shape": [1], "data_offsets": [30, 32]},)"
      R"("i": {"dtype": "I64", "shape": [0], "data_offsets": [32, 32]}})";
  std::ofstream(dir.Sub("m.safetensors"), std::ios::binary) << Build(header, data);

  Result<SafetensorsFile> file = SafetensorsFile::Open(dir.Sub("m.safetensors"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->tensors().size(), 4u);
  EXPECT_EQ(file->metadata().at("format"), "pt");
  const TensorInfo* w = file->Find("w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->shape, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(*file->ReadFloats("w"), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  std::vector<float> h = *file->ReadFloats("h");
  EXPECT_EQ(h[0], 1.0f);
  EXPECT_EQ(h[1], -2.0f);
  EXPECT_EQ(h[2], 1.0f / (1 << 24));
  EXPECT_EQ(*file->ReadFloats("b"), std::vector<float>{1.5f});
  EXPECT_EQ(file->ReadFloats("i").status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(file->ReadFloats("absent").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(file->Find("absent"), nullptr);
}

TEST(SafetensorsTest, RefusesTruncatedFiles) {
  ExpectCorrupt("", "shorter than 8 bytes");
  ExpectCorrupt(std::string("\x10\x00\x00", 3), "shorter than 8 bytes");
  const std::string header = R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})";
  std::string whole = Build(header, FloatBytes({1, 2}));
  ExpectCorrupt(whole.substr(0, 8 + header.size() / 2), "runs past the end");
  ExpectCorrupt(whole.substr(0, whole.size() - 1), "data ends at byte 8");
}

TEST(SafetensorsTest, RefusesHugeHeaderLength) {
  ExpectCorrupt(Build("{}", "", UINT64_MAX), "above the limit");
  ExpectCorrupt(Build("{}", "", (1ull << 62)), "above the limit");
  ExpectCorrupt(Build("{}", "", 1000), "runs past the end");
}

TEST(SafetensorsTest, RefusesMalformedHeaders) {
  ExpectCorrupt(Build("{not json", ""), "not JSON");
  ExpectCorrupt(Build("[1, 2]", ""), "not a JSON object");
  ExpectCorrupt(Build(R"({"w": 3})", ""), "not an object");
  ExpectCorrupt(Build(R"({"__metadata__": {"a": 1}})", ""), "__metadata__");
  ExpectCorrupt(Build(R"({"w": {"dtype": "F8", "shape": [1], "data_offsets": [0, 1]}})", "x"),
                "unknown dtype 'F8'");
  ExpectCorrupt(Build(R"({"w": {"shape": [1], "data_offsets": [0, 4]}})", "xxxx"),
                "dtype missing");
  ExpectCorrupt(Build(R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", "xxxx"),
                "non-negative integer");
  ExpectCorrupt(Build(R"({"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})", "xxxx"),
                "non-negative integer");
  ExpectCorrupt(
      Build(R"({"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}})",
            "xxxx"),
      "overflows");
}

TEST(SafetensorsTest, RefusesBadOffsets) {
  const std::string data = FloatBytes({1, 2, 3, 4});
  ExpectCorrupt(Build(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 12]}})", data),
                "need 8");
  ExpectCorrupt(Build(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}})", data),
                "begin after end");
  ExpectCorrupt(Build(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}})", data),
                "data ends at byte 20");
  ExpectCorrupt(Build(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0]}})", data),
                "[begin, end]");
  ExpectCorrupt(Build(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [-8, 0]}})", data),
                "non-negative");
  ExpectCorrupt(Build(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
                      R"("b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                      data),
                "overlaps");
  EXPECT_TRUE(Parse(Build(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
                          R"("b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}})",
                          data))
                  .ok());
}

TEST(SafetensorsTest, MissingFileIsNotFound) {
  EXPECT_EQ(SafetensorsFile::Open("/nonexistent/x.safetensors").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace quarry::embed
