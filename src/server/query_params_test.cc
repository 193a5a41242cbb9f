#include "server/query_params.h"

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

TEST(QueryParamsTest, ParsesDecodesAndReadsFlags) {
  auto p = QueryParams::Parse("wait=true&name=a%20b+c&flag&&empty=");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->Get("name"), "a b c");
  EXPECT_EQ(p->Get("missing"), std::nullopt);
  EXPECT_EQ(*p->GetBool("wait", false), true);
  EXPECT_EQ(*p->GetBool("flag", false), true);
  EXPECT_EQ(*p->GetBool("missing", false), false);
  auto zero = QueryParams::Parse("wait=0");
  EXPECT_EQ(*zero->GetBool("wait", true), false);
}

TEST(QueryParamsTest, HostileQueriesAreRefusedWithAReason) {
  EXPECT_FALSE(QueryParams::Parse("a=%zz").ok());
  EXPECT_FALSE(QueryParams::Parse("a=1&a=2").ok());
  std::string many;
  for (int i = 0; i < 40; ++i) many += "p" + std::to_string(i) + "=1&";
  EXPECT_FALSE(QueryParams::Parse(many).ok());
  auto bad = QueryParams::Parse("wait=yes");
  ASSERT_TRUE(bad.ok());
  auto flag = bad->GetBool("wait", false);
  ASSERT_FALSE(flag.ok());
  EXPECT_NE(flag.status().message().find("wait"), std::string::npos);
  EXPECT_TRUE(QueryParams::Parse("").ok());
}

}  // namespace
}  // namespace quarry::server
