#include "vecs_io.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "base/testing/temp_dir.h"
#include "npy_io.h"

namespace quarry::bench {
namespace {

TEST(VecsIoTest, RoundTripsAndLimitsRows) {
  testing::TempDir dir;
  FloatMatrix m(3, 5);
  for (size_t i = 0; i < m.data.size(); ++i) m.data[i] = static_cast<float>(i) * 0.5f;
  ASSERT_TRUE(WriteFvecs(dir.Sub("a.fvecs"), m).ok());
  auto back = ReadFvecs(dir.Sub("a.fvecs"));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->data, m.data);
  auto two = ReadFvecs(dir.Sub("a.fvecs"), 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->rows, 2u);

  IntMatrix ids(2, 3);
  ids.data = {1, 2, 3, -1, 5, 6};
  ASSERT_TRUE(WriteIvecs(dir.Sub("a.ivecs"), ids).ok());
  EXPECT_EQ(ReadIvecs(dir.Sub("a.ivecs"))->data, ids.data);
}

TEST(VecsIoTest, RefusesTruncatedAndMixedDimensionFiles) {
  testing::TempDir dir;
  {
    std::ofstream out(dir.Sub("short.fvecs"), std::ios::binary);
    const int32_t d = 4;
    const float v[3] = {1, 2, 3};  // one value short
    out.write(reinterpret_cast<const char*>(&d), 4);
    out.write(reinterpret_cast<const char*>(v), sizeof v);
  }
  EXPECT_EQ(ReadFvecs(dir.Sub("short.fvecs")).status().code(), StatusCode::kCorruption);
  {
    std::ofstream out(dir.Sub("mixed.bvecs"), std::ios::binary);
    const int32_t d2 = 2, d1 = 1;
    const uint8_t v[3] = {1, 2, 3};
    out.write(reinterpret_cast<const char*>(&d2), 4);
    out.write(reinterpret_cast<const char*>(v), 2);
    out.write(reinterpret_cast<const char*>(&d1), 4);  // 6 + 5 bytes: not whole records
    out.write(reinterpret_cast<const char*>(v), 1);
  }
  EXPECT_FALSE(ReadBvecsAsFloat(dir.Sub("mixed.bvecs")).ok());
  EXPECT_EQ(ReadFvecs(dir.Sub("missing.fvecs")).status().code(), StatusCode::kIOError);
}

TEST(NpyIoTest, ReadsFloat32MatrixAndRefusesOtherTypes) {
  testing::TempDir dir;
  auto write = [&](const std::string& name, const std::string& dict, size_t floats) {
    std::string header = dict;
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::ofstream out(dir.Sub(name), std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = static_cast<uint16_t>(header.size());
    out.write(reinterpret_cast<const char*>(&len), 2);
    out << header;
    for (size_t i = 0; i < floats; ++i) {
      const float f = static_cast<float>(i);
      out.write(reinterpret_cast<const char*>(&f), 4);
    }
  };
  write("ok.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 6);
  auto m = ReadNpyFloat32Matrix(dir.Sub("ok.npy"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->rows, 2u);
  EXPECT_EQ(m->cols, 3u);
  EXPECT_EQ(m->row(1)[2], 5.0f);
  write("f8.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 12);
  EXPECT_EQ(ReadNpyFloat32Matrix(dir.Sub("f8.npy")).status().code(), StatusCode::kNotSupported);
  write("short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 5);
  EXPECT_EQ(ReadNpyFloat32Matrix(dir.Sub("short.npy")).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace quarry::bench
