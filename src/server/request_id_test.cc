#include "server/request_id.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

bool IsLowerHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(RequestIdTest, AcceptsPrintableAsciiUpTo128) {
  EXPECT_TRUE(IsAcceptableRequestId("abc-123"));
  EXPECT_TRUE(IsAcceptableRequestId("x"));
  EXPECT_TRUE(IsAcceptableRequestId(std::string(128, 'a')));
  EXPECT_TRUE(IsAcceptableRequestId("!~{}[]/:;"));
}

TEST(RequestIdTest, RefusesEmptyLongSpacedControlAndNonAscii) {
  EXPECT_FALSE(IsAcceptableRequestId(""));
  EXPECT_FALSE(IsAcceptableRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsAcceptableRequestId("has space"));
  EXPECT_FALSE(IsAcceptableRequestId("line\nbreak"));
  EXPECT_FALSE(IsAcceptableRequestId("tab\there"));
  EXPECT_FALSE(IsAcceptableRequestId("del\x7f"));
  EXPECT_FALSE(IsAcceptableRequestId("caf\xC3\xA9"));
}

TEST(RequestIdTest, GeneratesDistinct32HexIds) {
  RequestIdGenerator generator;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = generator.Next();
    ASSERT_EQ(id.size(), 32u);
    ASSERT_TRUE(IsLowerHex(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  // Two generators are seeded independently.
  RequestIdGenerator other;
  EXPECT_EQ(seen.count(other.Next()), 0u);
}

TEST(RequestIdTest, ChooseEchoesAcceptableIdsOnly) {
  RequestIdGenerator generator;
  EXPECT_EQ(ChooseRequestId("client-id-7", generator), "client-id-7");
  std::string made = ChooseRequestId("bad id", generator);
  EXPECT_EQ(made.size(), 32u);
  EXPECT_TRUE(IsLowerHex(made));
  EXPECT_EQ(ChooseRequestId("", generator).size(), 32u);
}

}  // namespace
}  // namespace quarry::server
