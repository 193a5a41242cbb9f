#include "generators.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rng.h"

namespace quarry::bench {
namespace {

FloatMatrix UnitAnchors(size_t rows, size_t dims) {
  FloatMatrix m(rows, dims);
  Rng rng(9, 0);
  for (size_t i = 0; i < rows; ++i) {
    double s = 0;
    for (size_t d = 0; d < dims; ++d) {
      m.row(i)[d] = static_cast<float>(rng.Normal() + 0.3);  // a shared mean direction
      s += double{m.row(i)[d]} * m.row(i)[d];
    }
    for (size_t d = 0; d < dims; ++d) m.row(i)[d] /= static_cast<float>(std::sqrt(s));
  }
  return m;
}

TEST(GeneratorsTest, MiniLmLikeIsUnitNormAndIndependentOfThreadsAndRange) {
  const FloatMatrix anchors = UnitAnchors(50, 24);
  const MiniLmLikeParams p;
  const FloatMatrix one = GenerateMiniLmLike(anchors, p, 42, 0, 300, 1);
  const FloatMatrix three = GenerateMiniLmLike(anchors, p, 42, 0, 300, 3);
  EXPECT_EQ(one.data, three.data);
  const FloatMatrix tail = GenerateMiniLmLike(anchors, p, 42, 100, 200, 2);
  EXPECT_TRUE(std::equal(tail.data.begin(), tail.data.end(), one.data.begin() + 100 * 24));
  for (size_t i = 0; i < one.rows; ++i) {
    double s = 0;
    for (size_t d = 0; d < one.cols; ++d) s += double{one.row(i)[d]} * one.row(i)[d];
    EXPECT_NEAR(s, 1.0, 1e-5);
  }
  EXPECT_NE(GenerateMiniLmLike(anchors, p, 43, 0, 300, 1).data, one.data);
}

TEST(GeneratorsTest, ClusteredGaussianIsReproducible) {
  ClusteredGaussianParams p;
  p.dims = 8;
  p.clusters = 5;
  const FloatMatrix a = GenerateClusteredGaussian(p, 7, 0, 100, 1);
  const FloatMatrix b = GenerateClusteredGaussian(p, 7, 0, 100, 2);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.rows, 100u);
  EXPECT_EQ(a.cols, 8u);
}

TEST(RngTest, NormalHasUnitVarianceAndIsSpecified) {
  Rng rng(1, 2);
  double s = 0, s2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = rng.Normal();
    s += x;
    s2 += x * x;
  }
  EXPECT_NEAR(s / n, 0.0, 0.01);
  EXPECT_NEAR(s2 / n, 1.0, 0.01);
  // The stream is defined by the algorithm, not by the standard library.
  EXPECT_EQ(Rng(42, 0).Next(), Rng(42, 0).Next());
  EXPECT_NE(Rng(42, 0).Next(), Rng(42, 1).Next());
}

}  // namespace
}  // namespace quarry::bench
