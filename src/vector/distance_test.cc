#include "vector/distance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace quarry::vector {
namespace {

TEST(DistanceTest, NormalizeMakesUnitLengthAndLeavesZeroAlone) {
  std::vector<float> v = {3, 4};
  EXPECT_FLOAT_EQ(NormalizeL2(v), 5.0f);
  EXPECT_FLOAT_EQ(v[0], 0.6f);
  EXPECT_FLOAT_EQ(v[1], 0.8f);
  std::vector<float> zero(8, 0.0f);
  EXPECT_EQ(NormalizeL2(zero), 0.0f);
  for (float x : zero) EXPECT_EQ(x, 0.0f);
  // Extremes must not overflow to infinity: the norm is computed in double.
  std::vector<float> big(4, 3e38f);
  NormalizeL2(big);
  EXPECT_NEAR(big[0], 0.5f, 1e-6);
}

TEST(DistanceTest, AllFiniteRejectsNanAndInfinity) {
  std::vector<float> v = {1, 2, 3};
  EXPECT_TRUE(AllFinite(v));
  v[1] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(AllFinite(v));
  v[1] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(AllFinite(v));
}

}  // namespace
}  // namespace quarry::vector
