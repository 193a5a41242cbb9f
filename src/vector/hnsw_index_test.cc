#include "vector/hnsw_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <vector>

#include "vector/hnsw_test_util.h"

namespace quarry::vector {
namespace {

using testing::BruteForce;
using testing::Clustered;
using testing::DataSet;
using testing::Gaussian;
using testing::Recall;

std::unique_ptr<HnswIndex> MustCreate(uint32_t dims, const HnswConfig& config) {
  auto index = HnswIndex::Create(dims, config);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return std::move(index).value();
}

// Mean recall@k over `queries` held-out rows of `queries_from`.
double MeanRecall(const HnswIndex& index, const DataSet& base, const DataSet& queries,
                  DistanceKind kind, SearchParams params) {
  double sum = 0;
  for (size_t q = 0; q < queries.rows(); ++q) {
    auto got = index.Search(queries.Row(q), params);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    sum += Recall(*got, BruteForce(base, kind, queries.Row(q), params.k));
  }
  return sum / static_cast<double>(queries.rows());
}

TEST(HnswConfigTest, RejectsBadParameters) {
  EXPECT_TRUE(ValidateHnswConfig(HnswConfig{}).ok());
  auto bad = [](auto mutate, const char* mentions) {
    HnswConfig c;
    mutate(c);
    Status s = ValidateHnswConfig(c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << mentions;
    EXPECT_NE(s.message().find(mentions), std::string::npos) << s.message();
  };
  bad([](HnswConfig& c) { c.m = 0; }, "m must be");
  bad([](HnswConfig& c) { c.m = 1; }, "m must be");
  bad([](HnswConfig& c) { c.m = 129; }, "m must be");
  bad([](HnswConfig& c) { c.ef_construct = 16; }, "ef_construct");
  bad([](HnswConfig& c) { c.ef_search = 0; }, "ef_search");
  bad([](HnswConfig& c) { c.quantile = 0.5f; }, "quantile");
  bad([](HnswConfig& c) { c.quantile = std::numeric_limits<float>::quiet_NaN(); }, "quantile");
  bad([](HnswConfig& c) { c.oversampling = 0.5f; }, "oversampling");
  bad([](HnswConfig& c) { c.oversampling = 65; }, "oversampling");
  bad([](HnswConfig& c) { c.exact_filter_selectivity = 1.5; }, "exact_filter_selectivity");
  bad([](HnswConfig& c) { c.distance = static_cast<DistanceKind>(9); }, "distance");
}

TEST(HnswConfigTest, ChooseQuantizationFollowsRowCount) {
  EXPECT_EQ(ChooseQuantization(10), Quantization::kNone);
  EXPECT_EQ(ChooseQuantization(99999), Quantization::kNone);
  EXPECT_EQ(ChooseQuantization(100000), Quantization::kInt8);
  EXPECT_EQ(ChooseQuantization(1000000), Quantization::kInt8);
  EXPECT_EQ(ChooseQuantization(1000001), Quantization::kBinary);
}

TEST(HnswIndexTest, CreateRejectsBadDimensions) {
  EXPECT_EQ(HnswIndex::Create(0, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HnswIndex::Create(65537, {}).status().code(), StatusCode::kInvalidArgument);
  HnswConfig bad;
  bad.m = 0;
  EXPECT_EQ(HnswIndex::Create(8, bad).status().code(), StatusCode::kInvalidArgument);
}

TEST(HnswIndexTest, RejectsBadInput) {
  auto index = MustCreate(4, {});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(index->Add(0, std::vector<float>{1, 2, 3}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->Add(0, std::vector<float>{1, nan, 3, 4}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->Add(0, std::vector<float>{1, inf, 3, 4}).code(), StatusCode::kInvalidArgument);
  Status out_of_order = index->Add(1, std::vector<float>{1, 2, 3, 4});
  EXPECT_EQ(out_of_order.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out_of_order.message().find("expected row 0"), std::string::npos);
  ASSERT_TRUE(index->Add(0, std::vector<float>{1, 2, 3, 4}).ok());

  EXPECT_EQ(index->AddBatch(1, std::vector<float>(7, 1.0f)).code(), StatusCode::kInvalidArgument);
  std::vector<float> batch(8, 1.0f);
  batch[6] = nan;
  Status bad_row = index->AddBatch(1, batch);
  EXPECT_EQ(bad_row.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_row.message().find("vector 1 of the batch"), std::string::npos);
  EXPECT_EQ(index->AddBatch(5, std::vector<float>(8, 1.0f)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->live_count(), 1u);  // nothing of a refused batch was added

  const std::vector<float> q{1, 0, 0, 0};
  EXPECT_EQ(index->Search(q, {.k = 0}).status().code(), StatusCode::kInvalidArgument);
  auto ef_below_k = index->Search(q, {.k = 10, .ef = 5});
  EXPECT_EQ(ef_below_k.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ef_below_k.status().message().find("ef (5) must be at least k (10)"),
            std::string::npos);
  EXPECT_EQ(index->Search(std::vector<float>{1, 0}, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index->Search(std::vector<float>{nan, 0, 0, 0}, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index->Search(q, {.oversampling = 0.5f}).status().code(), StatusCode::kInvalidArgument);

  std::vector<float> out(3);
  EXPECT_EQ(index->GetVector(0, out).code(), StatusCode::kInvalidArgument);
  out.resize(4);
  EXPECT_EQ(index->GetVector(1, out).code(), StatusCode::kNotFound);
  EXPECT_EQ(index->Remove(1).code(), StatusCode::kNotFound);
}

TEST(HnswIndexTest, EmptyIndexAndDefaultEfBelowK) {
  HnswConfig c;
  c.full_scan_threshold = 0;
  auto index = MustCreate(8, c);
  const std::vector<float> q(8, 1.0f);
  auto empty = index->Search(q, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  const DataSet data = Gaussian(300, 8, 3);
  ASSERT_TRUE(index->AddBatch(0, data.values).ok());
  // k above the default ef (64) is fine when ef is not set: ef becomes k.
  auto many = index->Search(q, {.k = 200});
  ASSERT_TRUE(many.ok());
  EXPECT_EQ(many->size(), 200u);
  std::set<RowId> distinct;
  for (const Neighbor& n : *many) distinct.insert(n.row);
  EXPECT_EQ(distinct.size(), 200u);
  for (size_t i = 1; i < many->size(); ++i) EXPECT_GE((*many)[i - 1].score, (*many)[i].score);
}

TEST(HnswIndexTest, ExactBelowFullScanThreshold) {
  const DataSet data = Gaussian(2100, 32, 11);
  const DataSet base{32, {data.values.begin(), data.values.begin() + 2000 * 32}};
  auto index = MustCreate(32, {});  // threshold 10,000: every search is a scan
  ASSERT_TRUE(index->AddBatch(0, base.values).ok());
  for (size_t q = 2000; q < 2100; ++q) {
    auto got = index->Search(data.Row(q), {.k = 10});
    ASSERT_TRUE(got.ok());
    const auto truth = BruteForce(base, DistanceKind::kCosine, data.Row(q), 10);
    ASSERT_EQ(got->size(), 10u);
    for (size_t i = 0; i < 10; ++i) EXPECT_EQ((*got)[i].row, truth[i]);
    EXPECT_NEAR((*got)[0].score,
                testing::Similarity(DistanceKind::kCosine, data.Row(q), base.Row(truth[0])), 1e-5);
  }
}

enum class Data { kGaussian, kClustered, kUncentred };

struct RecallCase {
  const char* name;
  Data data;
  uint32_t rows;
  uint32_t dims;
  DistanceKind distance;
  Quantization quantization;
  uint32_t ef;
  float oversampling;  // 0: the default (2 for int8, 4 for binary)
  double min_recall;   // measured, minus a margin (docs/design/hnsw.md)
};

class HnswRecallTest : public ::testing::TestWithParam<RecallCase> {};

TEST_P(HnswRecallTest, RecallAgainstBruteForce) {
  const RecallCase& rc = GetParam();
  const size_t queries = 100;
  const size_t n = rc.rows + queries;
  const DataSet all = rc.data == Data::kClustered   ? Clustered(n, rc.dims, 64, 1.0f, 21)
                      : rc.data == Data::kUncentred ? testing::Uncentred(n, rc.dims, 200, 0.2f, 21)
                                                    : Gaussian(n, rc.dims, 21);
  const DataSet base{rc.dims, {all.values.begin(), all.values.begin() + size_t{rc.rows} * rc.dims}};
  const DataSet held{rc.dims, {all.values.begin() + size_t{rc.rows} * rc.dims, all.values.end()}};
  HnswConfig c;
  c.distance = rc.distance;
  c.full_scan_threshold = 0;
  c.quantization = rc.quantization;
  c.build_threads = 2;
  auto index = MustCreate(rc.dims, c);
  ASSERT_TRUE(index->AddBatch(0, base.values).ok());
  EXPECT_EQ(index->live_count(), rc.rows);
  const double recall = MeanRecall(*index, base, held, rc.distance,
                                   {.k = 10, .ef = rc.ef, .oversampling = rc.oversampling});
  EXPECT_GE(recall, rc.min_recall) << rc.name;
  std::printf("[ recall   ] %-22s recall@10 %.3f at ef %u (asserted >= %.2f)\n", rc.name, recall,
              rc.ef, rc.min_recall);
}

constexpr DistanceKind kCos = DistanceKind::kCosine;
constexpr DistanceKind kL2 = DistanceKind::kL2;

INSTANTIATE_TEST_SUITE_P(
    Data, HnswRecallTest,
    ::testing::Values(RecallCase{"gauss_none", Data::kGaussian, 10000, 48, kCos,
                                 Quantization::kNone, 128, 0, 0.95},
                      RecallCase{"gauss_int8", Data::kGaussian, 10000, 48, kCos,
                                 Quantization::kInt8, 128, 0, 0.95},
                      RecallCase{"gauss_binary", Data::kGaussian, 10000, 48, kCos,
                                 Quantization::kBinary, 128, 0, 0.20},
                      RecallCase{"clustered_none", Data::kClustered, 5000, 384, kCos,
                                 Quantization::kNone, 64, 0, 0.97},
                      RecallCase{"clustered_int8", Data::kClustered, 5000, 384, kCos,
                                 Quantization::kInt8, 64, 0, 0.95},
                      RecallCase{"clustered_binary", Data::kClustered, 5000, 384, kCos,
                                 Quantization::kBinary, 128, 0, 0.80},
                      // Uncentred L2 data (SIFT-like). The single-range int8 quantizer of
                      // format version 1 ranked only 0.84 of the true top 10 into its top
                      // 20 here (exact scan), so int8 + rescoring at the default
                      // oversampling 2 could not pass 0.85; raw sign bits found 0.005.
                      RecallCase{"uncentred_l2_none", Data::kUncentred, 10000, 64, kL2,
                                 Quantization::kNone, 64, 0, 0.95},
                      RecallCase{"uncentred_l2_int8", Data::kUncentred, 10000, 64, kL2,
                                 Quantization::kInt8, 64, 0, 0.95},
                      RecallCase{"uncentred_l2_binary_x4", Data::kUncentred, 10000, 64, kL2,
                                 Quantization::kBinary, 64, 4, 0.70},
                      RecallCase{"uncentred_l2_binary_x8", Data::kUncentred, 10000, 64, kL2,
                                 Quantization::kBinary, 128, 8, 0.85}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(HnswIndexTest, OtherDistances) {
  for (DistanceKind kind : {DistanceKind::kDot, DistanceKind::kL2}) {
    for (Quantization q : {Quantization::kNone, Quantization::kInt8}) {
      const DataSet all = Clustered(3050, 24, 20, 1.0f, 5);
      const DataSet base{24, {all.values.begin(), all.values.begin() + 3000 * 24}};
      const DataSet held{24, {all.values.begin() + 3000 * 24, all.values.end()}};
      HnswConfig c;
      c.distance = kind;
      c.quantization = q;
      c.full_scan_threshold = 0;
      c.build_threads = 2;
      auto index = MustCreate(24, c);
      ASSERT_TRUE(index->AddBatch(0, base.values).ok());
      const double recall = MeanRecall(*index, base, held, kind, {.k = 10, .ef = 64});
      EXPECT_GE(recall, 0.95) << "distance " << static_cast<int>(kind) << " quantization "
                              << QuantizationName(q);
      auto top = index->Search(held.Row(0), {.k = 1});
      ASSERT_TRUE(top.ok());
      EXPECT_NEAR((*top)[0].score, testing::Similarity(kind, held.Row(0), base.Row((*top)[0].row)),
                  1e-3 * std::max(1.0, double{std::fabs((*top)[0].score)}));
    }
  }
}

TEST(HnswIndexTest, DeletedRowsAreNeverReturnedAndRecallHolds) {
  const uint32_t dims = 32;
  const DataSet all = Clustered(8100, dims, 40, 1.0f, 8);
  const DataSet base{dims, {all.values.begin(), all.values.begin() + 8000 * dims}};
  const DataSet held{dims, {all.values.begin() + 8000 * dims, all.values.end()}};
  HnswConfig c;
  c.full_scan_threshold = 0;
  c.quantization = Quantization::kInt8;
  c.build_threads = 2;
  auto index = MustCreate(dims, c);
  ASSERT_TRUE(index->AddBatch(0, base.values).ok());

  std::vector<bool> removed(8000, false);
  std::mt19937 rng(4);
  size_t count = 0;
  while (count < 2400) {  // 30%
    const RowId r = rng() % 8000;
    if (removed[r]) continue;
    ASSERT_TRUE(index->Remove(r).ok());
    removed[r] = true;
    ++count;
  }
  EXPECT_EQ(index
                ->Remove(static_cast<RowId>(std::find(removed.begin(), removed.end(), true) -
                                            removed.begin()))
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(index->live_count(), 5600u);
  std::vector<float> out(dims);
  const RowId gone =
      static_cast<RowId>(std::find(removed.begin(), removed.end(), true) - removed.begin());
  EXPECT_EQ(index->GetVector(gone, out).code(), StatusCode::kNotFound);

  double recall = 0;
  for (size_t q = 0; q < held.rows(); ++q) {
    auto got = index->Search(held.Row(q), {.k = 10});
    ASSERT_TRUE(got.ok());
    for (const Neighbor& n : *got) EXPECT_FALSE(removed[n.row]) << n.row;
    recall += Recall(*got, BruteForce(base, DistanceKind::kCosine, held.Row(q), 10,
                                      [&](RowId r) { return !removed[r]; }));
  }
  EXPECT_GE(recall / static_cast<double>(held.rows()), 0.95);
  // A removed row queried by its own vector is not found; its neighbours are.
  auto self = index->Search(base.Row(gone), {.k = 5});
  ASSERT_TRUE(self.ok());
  for (const Neighbor& n : *self) EXPECT_NE(n.row, gone);
}

TEST(HnswIndexTest, IncrementalAddsAfterABatch) {
  const uint32_t dims = 32;
  const DataSet all = Clustered(6100, dims, 30, 1.0f, 9);
  const DataSet base{dims, {all.values.begin(), all.values.begin() + 6000 * dims}};
  const DataSet held{dims, {all.values.begin() + 6000 * dims, all.values.end()}};
  HnswConfig c;
  c.full_scan_threshold = 0;
  c.quantization = Quantization::kInt8;
  c.build_threads = 2;
  auto index = MustCreate(dims, c);
  ASSERT_TRUE(index->AddBatch(0, {base.values.data(), 3000 * dims}).ok());
  for (RowId r = 3000; r < 4000; ++r) ASSERT_TRUE(index->Add(r, base.Row(r)).ok());
  ASSERT_TRUE(index->AddBatch(4000, {base.values.data() + 4000 * dims, 2000 * dims}).ok());
  EXPECT_EQ(index->live_count(), 6000u);
  EXPECT_GE(MeanRecall(*index, base, held, DistanceKind::kCosine, {.k = 10}), 0.95);
  for (RowId r : {3000u, 3500u, 3999u, 5999u}) {
    auto self = index->Search(base.Row(r), {.k = 1});
    ASSERT_TRUE(self.ok());
    EXPECT_EQ((*self)[0].row, r);
  }
  std::vector<float> out(dims);
  ASSERT_TRUE(index->GetVector(3500, out).ok());
  EXPECT_NEAR(testing::Similarity(DistanceKind::kCosine, out, base.Row(3500)), 1.0, 1e-6);
}

TEST(HnswIndexTest, OneByOneFromEmptyTrainsTheQuantizerOnTheWay) {
  const uint32_t dims = 16;
  const DataSet all = Clustered(2050, dims, 10, 1.0f, 10);
  const DataSet base{dims, {all.values.begin(), all.values.begin() + 2000 * dims}};
  const DataSet held{dims, {all.values.begin() + 2000 * dims, all.values.end()}};
  HnswConfig c;
  c.full_scan_threshold = 0;
  c.quantization = Quantization::kInt8;
  auto index = MustCreate(dims, c);
  for (RowId r = 0; r < 2000; ++r) {
    ASSERT_TRUE(index->Add(r, base.Row(r)).ok());
    if (r == 10) {  // graph walked with float32 before the quantizer exists
      auto early = index->Search(base.Row(3), {.k = 1});
      ASSERT_TRUE(early.ok());
      EXPECT_EQ((*early)[0].row, 3u);
    }
  }
  EXPECT_GE(MeanRecall(*index, base, held, DistanceKind::kCosine, {.k = 10}), 0.95);
}

TEST(HnswIndexTest, SingleThreadBuildIsDeterministic) {
  const DataSet data = Gaussian(3000, 16, 12);
  HnswConfig c;
  c.full_scan_threshold = 0;
  c.build_threads = 1;
  auto a = MustCreate(16, c);
  auto b = MustCreate(16, c);
  ASSERT_TRUE(a->AddBatch(0, data.values).ok());
  ASSERT_TRUE(b->AddBatch(0, data.values).ok());
  EXPECT_EQ(a->ResidentBytes(), b->ResidentBytes());
  for (size_t q = 0; q < 50; ++q) {
    auto ra = a->Search(data.Row(q * 7), {.k = 10, .ef = 16});
    auto rb = b->Search(data.Row(q * 7), {.k = 10, .ef = 16});
    ASSERT_TRUE(ra.ok() && rb.ok());
    ASSERT_EQ(ra->size(), rb->size());
    for (size_t i = 0; i < ra->size(); ++i) {
      EXPECT_EQ((*ra)[i].row, (*rb)[i].row);
      EXPECT_EQ((*ra)[i].score, (*rb)[i].score);
    }
  }
}

TEST(HnswIndexTest, MemoryAccounting) {
  const uint32_t dims = 384;
  const DataSet data = Gaussian(2000, dims, 13);
  for (Quantization q : {Quantization::kNone, Quantization::kInt8, Quantization::kBinary}) {
    HnswConfig c;
    c.quantization = q;
    c.build_threads = 2;
    auto index = MustCreate(dims, c);
    ASSERT_TRUE(index->AddBatch(0, data.values).ok());
    EXPECT_EQ(index->VectorBytes(), 2000u * dims * 4);
    // Level 0 alone is 2000 * (1 + 64) words; upper levels add a few percent.
    const size_t graph_floor = 2000u * (65 * 4 + 1);
    // Codes, plus the quantizer's ranges (int8) or centre (binary).
    const size_t data_bytes = q == Quantization::kNone   ? 2000u * dims * 4
                              : q == Quantization::kInt8 ? 2000u * (dims + 4) + dims * 8
                                                         : 2000u * dims / 8 + dims * 4;
    EXPECT_GE(index->ResidentBytes(), graph_floor + data_bytes);
    EXPECT_LE(index->ResidentBytes(), graph_floor * 11 / 10 + 2000u * 8 + data_bytes);
  }
}

}  // namespace
}  // namespace quarry::vector
