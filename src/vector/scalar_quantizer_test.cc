#include "vector/scalar_quantizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "vector/binary_quantizer.h"
#include "vector/hnsw_test_util.h"
#include "vector/quantization.h"
#include "vector/quantizer_test_util.h"
#include "vector/training_columns.h"

namespace quarry::vector {
namespace {

using Target = ScalarQuantizer::Target;
using testing::ExactDot;
using testing::ExactL2;
using testing::Overlap;
using testing::TopK;
using testing::UnitGaussianRows;

constexpr size_t kDims = 384;

int32_t CodeDot(const int8_t* a, const int8_t* b, size_t n) {
  int32_t s = 0;
  for (size_t i = 0; i < n; ++i) s += int32_t{a[i]} * int32_t{b[i]};
  return s;
}

struct Encoded {
  std::vector<int8_t> codes;
  std::vector<float> row_terms;
};

Encoded EncodeRows(const ScalarQuantizer& q, const std::vector<float>& rows, size_t dims,
                   Target target) {
  const size_t n = rows.size() / dims;
  Encoded e{std::vector<int8_t>(rows.size()), std::vector<float>(n)};
  for (size_t r = 0; r < n; ++r) {
    e.row_terms[r] = q.Encode(std::span(rows).subspan(r * dims, dims),
                              std::span(e.codes).subspan(r * dims, dims), target);
  }
  return e;
}

// The estimate of `target` between each query and each row.
std::vector<std::vector<double>> Estimates(const ScalarQuantizer& q, const std::vector<float>& rows,
                                           const std::vector<float>& queries, size_t dims,
                                           Target target) {
  const Encoded e = EncodeRows(q, rows, dims, target);
  std::vector<int8_t> qcode(dims);
  std::vector<std::vector<double>> out;
  for (size_t i = 0; i < queries.size() / dims; ++i) {
    const ScalarQuantizer::QueryCode qc =
        q.EncodeQuery(std::span(queries).subspan(i * dims, dims), qcode, target);
    std::vector<double> row;
    for (size_t j = 0; j < rows.size() / dims; ++j) {
      row.push_back(qc.Estimate(CodeDot(qcode.data(), &e.codes[j * dims], dims), e.row_terms[j]));
    }
    out.push_back(std::move(row));
  }
  return out;
}

// ---- names and validation ---------------------------------------------------

TEST(QuantizationTest, Names) {
  EXPECT_EQ(QuantizationName(Quantization::kNone), "none");
  EXPECT_EQ(QuantizationName(Quantization::kInt8), "int8");
  EXPECT_EQ(QuantizationName(Quantization::kBinary), "binary");
}

TEST(ScalarQuantizerTest, TrainRejectsBadInput) {
  const std::vector<float> ok = {0.1f, -0.2f, 0.3f, 0.4f};
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(ScalarQuantizer::Train({}, 4, 0.99f).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ScalarQuantizer::Train(ok, 0, 0.99f).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ScalarQuantizer::Train(ok, 3, 0.99f).status().code(), StatusCode::kInvalidArgument);
  for (float q : {0.5f, 0.3f, 0.0f, -1.0f, 1.0001f, nan}) {
    EXPECT_EQ(ScalarQuantizer::Train(ok, 2, q).status().code(), StatusCode::kInvalidArgument)
        << "quantile " << q;
  }
  for (float bad : {inf, -inf, nan}) {
    std::vector<float> v = ok;
    v[2] = bad;
    auto r = ScalarQuantizer::Train(v, 2, 0.99f);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("training vector 1"), std::string::npos)
        << r.status().message();
  }
  EXPECT_TRUE(ScalarQuantizer::Train(ok, 2, 1.0f).ok());
  EXPECT_TRUE(ScalarQuantizer::Train(ok, 4, 0.51f).ok());
}

TEST(ScalarQuantizerTest, FromParamsRejectsBadParameters) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float denormal = std::numeric_limits<float>::denorm_min();
  EXPECT_FALSE(ScalarQuantizer::FromParams({}, {}).ok());
  EXPECT_FALSE(ScalarQuantizer::FromParams({1, 1}, {0}).ok());
  for (float bad_scale : {0.0f, -1.0f, inf, nan, denormal}) {
    auto r = ScalarQuantizer::FromParams({1, bad_scale, 1}, {0, 0, 0});
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad_scale;
    EXPECT_NE(r.status().message().find("scale of dimension 1"), std::string::npos)
        << r.status().message();
  }
  for (float bad_offset : {inf, -inf, nan}) {
    auto r = ScalarQuantizer::FromParams({1, 1, 1}, {0, 0, bad_offset});
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad_offset;
    EXPECT_NE(r.status().message().find("offset of dimension 2"), std::string::npos)
        << r.status().message();
  }
  auto q = ScalarQuantizer::FromParams({0.5f, 2.0f}, {-2, 3});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->dims(), 2u);
  EXPECT_EQ(q->scales()[1], 2.0f);
  EXPECT_EQ(q->offsets()[0], -2.0f);
}

TEST(ScalarQuantizerTest, FromParamsOfATrainedQuantizerEncodesTheSame) {
  const std::vector<float> rows = UnitGaussianRows(100, kDims, 3);
  auto trained = ScalarQuantizer::Train(rows, kDims, 0.99f);
  ASSERT_TRUE(trained.ok());
  auto loaded = ScalarQuantizer::FromParams({trained->scales().begin(), trained->scales().end()},
                                            {trained->offsets().begin(), trained->offsets().end()});
  ASSERT_TRUE(loaded.ok());
  for (Target t : {Target::kDot, Target::kL2}) {
    const Encoded a = EncodeRows(*trained, rows, kDims, t);
    const Encoded b = EncodeRows(*loaded, rows, kDims, t);
    EXPECT_EQ(a.codes, b.codes);
    EXPECT_EQ(a.row_terms, b.row_terms);
    std::vector<int8_t> ca(kDims), cb(kDims);
    const auto qa = trained->EncodeQuery(std::span(rows).first(kDims), ca, t);
    const auto qb = loaded->EncodeQuery(std::span(rows).first(kDims), cb, t);
    EXPECT_EQ(ca, cb);
    EXPECT_EQ(qa.scale, qb.scale);
    EXPECT_EQ(qa.bias, qb.bias);
  }
}

// ---- ranges and encoding ----------------------------------------------------

TEST(ScalarQuantizerTest, EachDimensionGetsItsOwnRange) {
  // Dimension 0 in [0, 1], dimension 1 in [100, 1000], dimension 2 in
  // [-5, -4]: one range for all would give dimensions 0 and 2 about one level.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> unit(0, 1);
  std::vector<float> rows;
  for (size_t r = 0; r < 2000; ++r) {
    rows.push_back(unit(rng));
    rows.push_back(100 + 900 * unit(rng));
    rows.push_back(-5 + unit(rng));
  }
  auto q = ScalarQuantizer::Train(rows, 3, 1.0f);
  ASSERT_TRUE(q.ok());
  EXPECT_NEAR(q->offsets()[0], 0.5, 0.01);
  EXPECT_NEAR(q->offsets()[1], 550, 5);
  EXPECT_NEAR(q->offsets()[2], -4.5, 0.01);
  EXPECT_NEAR(q->scales()[0] * 254, 1, 0.01);
  EXPECT_NEAR(q->scales()[1] * 254, 900, 5);
  EXPECT_NEAR(q->scales()[2] * 254, 1, 0.01);
  // Every dimension uses the whole code range.
  const Encoded e = EncodeRows(*q, rows, 3, Target::kL2);
  for (size_t d = 0; d < 3; ++d) {
    int lo = 127, hi = -127;
    for (size_t r = 0; r < 2000; ++r) {
      lo = std::min<int>(lo, e.codes[r * 3 + d]);
      hi = std::max<int>(hi, e.codes[r * 3 + d]);
    }
    EXPECT_EQ(lo, -127) << d;
    EXPECT_EQ(hi, 127) << d;
  }
}

TEST(ScalarQuantizerTest, CodesStayInRangeWhateverTheInput) {
  std::vector<float> train = UnitGaussianRows(200, 14, 11);
  train[5] = 1e6f;  // outliers inside the training data
  train[77] = -3e7f;
  const float max = std::numeric_limits<float>::max();
  const float denorm = std::numeric_limits<float>::denorm_min();
  const std::vector<float> v = {max,   -max, 1e30f, -1e30f, 1e-30f, -1e-30f, denorm,
                                -0.0f, 0.0f, 0.5f,  -0.5f,  127.0f, -128.0f, 3e7f};
  for (float quantile : {0.9f, 0.99f, 1.0f}) {
    auto q = ScalarQuantizer::Train(train, 14, quantile);
    ASSERT_TRUE(q.ok());
    std::vector<int8_t> code(v.size());
    q->Encode(v, code, Target::kDot);
    for (int8_t c : code) {
      EXPECT_GE(c, -127) << "quantile " << quantile;
      EXPECT_LE(c, 127) << "quantile " << quantile;
    }
    EXPECT_EQ(code[0], 127);
    EXPECT_EQ(code[1], -127);
    // The query side scales by its largest weight, which maps to ±127.
    q->EncodeQuery(v, code, Target::kL2);
    int largest = 0;
    for (int8_t c : code) {
      EXPECT_GE(c, -127);
      EXPECT_LE(c, 127);
      largest = std::max(largest, std::abs(int{c}));
    }
    EXPECT_EQ(largest, 127);
  }
  // Training on the extremes of float itself: hi - lo overflows a float.
  const std::vector<float> extremes = {max, -max, 0, 1};
  auto q = ScalarQuantizer::Train(extremes, 1, 1.0f);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(std::isfinite(q->scales()[0]));
  EXPECT_GT(q->scales()[0], 0);
  std::vector<int8_t> code(1);
  q->Encode(std::span(extremes).subspan(0, 1), code, Target::kDot);
  EXPECT_EQ(code[0], 127);
  q->Encode(std::span(extremes).subspan(1, 1), code, Target::kDot);
  EXPECT_EQ(code[0], -127);
}

TEST(ScalarQuantizerTest, InRangeValuesRoundTripWithinHalfAStep) {
  const std::vector<float> rows = UnitGaussianRows(300, kDims, 5);
  auto q = ScalarQuantizer::Train(rows, kDims, 1.0f);  // nothing clipped
  ASSERT_TRUE(q.ok());
  const Encoded e = EncodeRows(*q, rows, kDims, Target::kDot);
  std::vector<float> decoded(kDims);
  for (size_t r = 0; r < 300; ++r) {
    q->Decode(std::span(e.codes).subspan(r * kDims, kDims), decoded);
    for (size_t i = 0; i < kDims; ++i) {
      ASSERT_LE(std::fabs(decoded[i] - rows[r * kDims + i]), 0.5 * q->scales()[i] * (1 + 1e-5))
          << r << " " << i;
    }
  }
}

TEST(ScalarQuantizerTest, ConstantDataEstimatesExactly) {
  for (float c : {3.5f, 0.0f, -1e-3f, 1e15f}) {
    const std::vector<float> rows(size_t{80}, c);
    auto q = ScalarQuantizer::Train(rows, 8, 0.99f);
    ASSERT_TRUE(q.ok()) << c;
    for (size_t d = 0; d < 8; ++d) {
      EXPECT_GT(q->scales()[d], 0) << c;
      EXPECT_TRUE(std::isfinite(q->scales()[d])) << c;
      EXPECT_EQ(q->offsets()[d], c);
    }
    EXPECT_TRUE(ScalarQuantizer::FromParams({q->scales().begin(), q->scales().end()},
                                            {q->offsets().begin(), q->offsets().end()})
                    .ok())
        << c;
    std::vector<int8_t> code(8), qcode(8);
    const float row_term = q->Encode(std::span(rows).first(8), code, Target::kDot);
    for (int8_t v : code) EXPECT_EQ(v, 0);
    const auto qc = q->EncodeQuery(std::span(rows).first(8), qcode, Target::kDot);
    EXPECT_FLOAT_EQ(qc.Estimate(CodeDot(qcode.data(), code.data(), 8), row_term), 8 * c * c) << c;
  }
}

TEST(ScalarQuantizerTest, LargeInputsAreSubsampledDeterministically) {
  // 80,000 rows (more than kMaxTrainingRows) of 4 uniform values on [-1, 1];
  // quantile 0.98 keeps [-0.98, 0.98] in each dimension.
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> unit(-1, 1);
  std::vector<float> rows(80000 * 4);
  for (float& v : rows) v = unit(rng);
  auto a = ScalarQuantizer::Train(rows, 4, 0.98f);
  auto b = ScalarQuantizer::Train(rows, 4, 0.98f);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  for (size_t d = 0; d < 4; ++d) {
    EXPECT_EQ(a->scales()[d], b->scales()[d]);
    EXPECT_EQ(a->offsets()[d], b->offsets()[d]);
    // 65,536 sampled values put each quantile within ~0.003 of the true one.
    EXPECT_NEAR(a->scales()[d] * 127, 0.98, 0.01) << d;
    EXPECT_NEAR(a->offsets()[d], 0.0, 0.01) << d;
  }
}

// Quantizers train on rows read where they are, a block of dimensions at a
// time (an index's rows are in a mapped file while a segment is built), and
// train exactly as on the same rows copied together.
TEST(ScalarQuantizerTest, TrainsOnRowsReadInPlaceABlockOfDimensionsAtATime) {
  constexpr size_t kRows = 300, kDims = 150;  // blocks of 64, 64 and 22 dimensions
  std::mt19937 rng(5);
  std::normal_distribution<float> gauss(0, 1);
  std::vector<std::vector<float>> apart(kRows, std::vector<float>(kDims));
  std::vector<float> together;
  for (auto& row : apart) {
    for (size_t d = 0; d < kDims; ++d) row[d] = gauss(rng) * static_cast<float>(1 + d % 7);
    together.insert(together.end(), row.begin(), row.end());
  }
  const TrainingRows rows{kRows, kDims, [&](size_t i) { return apart[i].data(); }};

  std::vector<size_t> firsts;
  ASSERT_TRUE(ForEachColumnBlock(rows, "test", [&](TrainingColumns& c) {
                firsts.push_back(c.first_dim);
                EXPECT_EQ(c.dims, std::min(kTrainingBlockDims, kDims - c.first_dim));
                for (size_t i = 0; i < c.dims; ++i) {
                  for (size_t r = 0; r < kRows; ++r) {
                    ASSERT_EQ(c.Column(i)[r], apart[r][c.first_dim + i]);
                  }
                }
              }).ok());
  EXPECT_EQ(firsts, (std::vector<size_t>{0, 64, 128}));

  auto in_place = ScalarQuantizer::TrainOnRows(rows, 0.99f);
  auto copied = ScalarQuantizer::Train(together, kDims, 0.99f);
  ASSERT_TRUE(in_place.ok() && copied.ok());
  for (size_t d = 0; d < kDims; ++d) {
    EXPECT_EQ(in_place->scales()[d], copied->scales()[d]) << d;
    EXPECT_EQ(in_place->offsets()[d], copied->offsets()[d]) << d;
  }
  auto centre = BinaryQuantizer::TrainOnRows(rows);
  auto centre_copied = BinaryQuantizer::Train(together, kDims);
  ASSERT_TRUE(centre.ok() && centre_copied.ok());
  for (size_t d = 0; d < kDims; ++d) {
    EXPECT_EQ(centre->centre()[d], centre_copied->centre()[d]) << d;
  }

  // A bad value in a later block is found there, naming its row.
  apart[7][100] = std::numeric_limits<float>::quiet_NaN();
  auto bad = ScalarQuantizer::TrainOnRows(rows, 0.99f);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("training vector 7 contains NaN"), std::string::npos)
      << bad.status().ToString();
  EXPECT_EQ(BinaryQuantizer::TrainOnRows(rows).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ScalarQuantizer::TrainOnRows(TrainingRows{0, kDims, rows.row}, 0.99f).status().code(),
            StatusCode::kInvalidArgument);
}

// ---- estimation quality -----------------------------------------------------

// 1,000 base and 50 query unit vectors of 384 Gaussian dimensions, the
// quantizer trained on the base with quantile 0.99 (the collection default).
TEST(ScalarQuantizerTest, DotEstimateTracksTheTrueDot) {
  const std::vector<float> base = UnitGaussianRows(1000, kDims, 21);
  const std::vector<float> queries = UnitGaussianRows(50, kDims, 22);
  auto q = ScalarQuantizer::Train(base, kDims, 0.99f);
  ASSERT_TRUE(q.ok());
  const auto est = Estimates(*q, base, queries, kDims, Target::kDot);
  double mean_error = 0, max_error = 0, recall = 0;
  for (size_t i = 0; i < 50; ++i) {
    std::vector<double> exact(1000);
    for (size_t j = 0; j < 1000; ++j) {
      exact[j] = ExactDot(&queries[i * kDims], &base[j * kDims], kDims);
      const double err = std::fabs(est[i][j] - exact[j]);
      mean_error += err;
      max_error = std::max(max_error, err);
    }
    recall += Overlap(TopK(exact, 10), TopK(est[i], 10));
  }
  mean_error /= 50 * 1000;
  recall /= 50;
  std::printf("[ int8     ] unit Gaussian 384-d: mean |err| %.5f, max |err| %.5f, recall@10 %.3f\n",
              mean_error, max_error, recall);
  // Components are ~N(0, 1/384), σ = 0.051; quantile 0.99 clips each
  // dimension at ±2.58σ, a step of 0.263/254 = 1.0e-3. Rounding the row
  // gives a dot error of std ≈ 3e-4 and the query's own max-abs rounding
  // about as much; clipping the row's 1% tail adds ≈ 1e-3 (the query is not
  // clipped). Measured 0.0014 mean and recall 0.95 (the single-range
  // quantizer of format version 1, which clipped the query too: 0.0022 and
  // 0.93). Bounds: ~3x the mean, 0.85 recall.
  EXPECT_LT(mean_error, 0.004);
  EXPECT_LT(max_error, 0.05);
  EXPECT_GE(recall, 0.85);
}

// SIFT-like uncentred data under L2, where the single-range quantizer of
// format version 1 ranked only 0.79 of the true top 10 into its top 10 and
// 0.87 into its top 20.
TEST(ScalarQuantizerTest, L2RankingOnUncentredData) {
  const testing::DataSet all = testing::Uncentred(5050, 64, 200, 0.2f, 21);
  const std::vector<float> base(all.values.begin(), all.values.begin() + 5000 * 64);
  const std::vector<float> queries(all.values.begin() + 5000 * 64, all.values.end());
  auto q = ScalarQuantizer::Train(base, 64, 0.99f);
  ASSERT_TRUE(q.ok());
  const auto est = Estimates(*q, base, queries, 64, Target::kL2);
  double recall_10 = 0, recall_20 = 0, mean_rel_error = 0;
  for (size_t i = 0; i < 50; ++i) {
    std::vector<double> exact(5000);
    for (size_t j = 0; j < 5000; ++j) {
      exact[j] = -ExactL2(&queries[i * 64], &base[j * 64], 64);
      mean_rel_error += std::fabs(est[i][j] - exact[j]) / -exact[j];
    }
    const std::vector<size_t> truth = TopK(exact, 10);
    recall_10 += Overlap(truth, TopK(est[i], 10));
    recall_20 += Overlap(truth, TopK(est[i], 20));
  }
  recall_10 /= 50;
  recall_20 /= 50;
  mean_rel_error /= 50 * 5000;
  std::printf("[ int8     ] uncentred L2: recall@10 %.3f, in the top 20 %.3f, mean rel err %.4f\n",
              recall_10, recall_20, mean_rel_error);
  // Measured 0.978 and 1.0.
  EXPECT_GE(recall_10, 0.9);
  EXPECT_GE(recall_20, 0.97);
  EXPECT_LT(mean_rel_error, 0.01);
}

TEST(ScalarQuantizerTest, L2EstimateOfARowAgainstItselfIsNearZero) {
  // The row term makes the error vanish as the query approaches the row: a
  // row's own code scores about 0 = -‖x - x‖², clipped values included. The
  // plain estimate 2 q·x̂ - ‖q‖² - ‖x‖² would be off by 2 x·(x - x̂) there.
  const testing::DataSet data = testing::Uncentred(2000, 64, 50, 0.3f, 3);
  auto q = ScalarQuantizer::Train(data.values, 64, 0.99f);
  ASSERT_TRUE(q.ok());
  std::vector<int8_t> code(64), qcode(64);
  std::vector<float> decoded(64);
  double corrected = 0, plain = 0;
  for (size_t r = 0; r < 200; ++r) {
    const float row_term = q->Encode(data.Row(r), code, Target::kL2);
    const auto qc = q->EncodeQuery(data.Row(r), qcode, Target::kL2);
    corrected += std::fabs(qc.Estimate(CodeDot(qcode.data(), code.data(), 64), row_term)) / 200;
    q->Decode(code, decoded);
    double e = 0;
    for (size_t i = 0; i < 64; ++i) e += double{data.Row(r)[i]} * (data.Row(r)[i] - decoded[i]);
    plain += std::fabs(2 * e) / 200;
  }
  std::printf("[ int8     ] self L2 estimate: mean |est| %.2f, plain estimate's error %.2f\n",
              corrected, plain);
  // Only the query's own rounding remains. Measured 5x less than plain.
  EXPECT_LT(corrected, plain / 2.5);
}

TEST(ScalarQuantizerTest, QuantileClippingProtectsTheBulkFromOutliers) {
  // Standard Gaussian values with 3 huge outliers in every dimension (0.3%
  // of each column): with quantile 1 every range stretches to ±1e4.
  std::mt19937 rng(31);
  std::normal_distribution<float> normal(0, 1);
  constexpr size_t kRows = 1000, kD = 64;
  std::vector<float> rows(kRows * kD);
  for (float& v : rows) v = normal(rng);
  std::vector<bool> outlier(rows.size(), false);
  for (size_t d = 0; d < kD; ++d) {
    for (size_t k = 0; k < 3; ++k) {
      const size_t i = ((d * 7 + k * 331) % kRows) * kD + d;
      rows[i] = (k % 2 ? -1 : 1) * 1e4f;
      outlier[i] = true;
    }
  }
  auto mean_error = [&](float quantile) {
    auto q = ScalarQuantizer::Train(rows, kD, quantile);
    EXPECT_TRUE(q.ok());
    const Encoded e = EncodeRows(*q, rows, kD, Target::kDot);
    std::vector<float> decoded(kD);
    double sum = 0;
    size_t count = 0;
    for (size_t r = 0; r < kRows; ++r) {
      q->Decode(std::span(e.codes).subspan(r * kD, kD), decoded);
      for (size_t d = 0; d < kD; ++d) {
        if (outlier[r * kD + d]) continue;
        sum += std::fabs(double{decoded[d]} - rows[r * kD + d]);
        ++count;
      }
    }
    return sum / static_cast<double>(count);
  };
  const double clipped = mean_error(0.99f);
  const double full_range = mean_error(1.0f);
  std::printf("[ int8     ] outliers: mean |err| of the bulk %.5f (q=0.99) vs %.5f (q=1.0)\n",
              clipped, full_range);
  // q = 1: a step of 2e4/254 ≈ 79, every normal value encodes to 0, error
  // E|x| ≈ 0.8. q = 0.99 keeps ±2.6: a step of 0.02, error ≈ 0.005 plus the
  // clipped tail.
  EXPECT_LT(clipped, 0.02);
  EXPECT_GT(full_range, 0.5);
}

TEST(ScalarQuantizerTest, AnOutlierCostsOnlyItsOwnDimension) {
  // One huge value in dimension 0 only: the other dimensions keep their
  // resolution even when nothing is clipped (the old single range lost all).
  std::mt19937 rng(32);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> rows(1000 * 16);
  for (float& v : rows) v = normal(rng);
  rows[0] = 1e4f;
  auto q = ScalarQuantizer::Train(rows, 16, 1.0f);
  ASSERT_TRUE(q.ok());
  EXPECT_GT(q->scales()[0], 30.0f);
  for (size_t d = 1; d < 16; ++d) EXPECT_LT(q->scales()[d], 0.05f) << d;
}

}  // namespace
}  // namespace quarry::vector
