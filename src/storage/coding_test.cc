#include "storage/coding.h"

#include <gtest/gtest.h>

#include <vector>

namespace quarry::storage {
namespace {

TEST(CodingTest, RoundTrip) {
  Encoder e;
  e.PutU32(7);
  e.PutU64(1ull << 40);
  e.PutString("héllo");
  std::vector<float> floats = {1.5f, -2.25f};
  e.PutFloats(floats);
  Decoder d(e.buffer());
  uint32_t a = 0;
  uint64_t b = 0;
  std::string s;
  std::vector<float> f(2);
  EXPECT_TRUE(d.GetU32(&a));
  EXPECT_TRUE(d.GetU64(&b));
  EXPECT_TRUE(d.GetString(&s));
  EXPECT_TRUE(d.GetFloats(f));
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.remaining(), 0u);
  EXPECT_EQ(a, 7u);
  EXPECT_EQ(b, 1ull << 40);
  EXPECT_EQ(s, "héllo");
  EXPECT_EQ(f, floats);
}

TEST(CodingTest, ReadsPastTheEndFailAndStayFailed) {
  Encoder e;
  e.PutU32(1000);  // a string length with no bytes behind it
  Decoder d(e.buffer());
  std::string s;
  EXPECT_FALSE(d.GetString(&s));
  EXPECT_FALSE(d.ok());
  uint32_t x;
  EXPECT_FALSE(d.GetU32(&x));
  Decoder short_input(std::string_view("ab"));
  EXPECT_FALSE(short_input.GetU32(&x));
}

TEST(CodingTest, StringLimit) {
  Encoder e;
  e.PutString("0123456789");
  Decoder d(e.buffer());
  std::string s;
  EXPECT_FALSE(d.GetString(&s, 5));
}

}  // namespace
}  // namespace quarry::storage
