// The int8 kernels: every instruction set this CPU runs against the scalar
// reference (int32 sums equal, bit for bit) on odd sizes and extreme values,
// the dequantized output against the float32 product, and the quantizers.
#include "embed/kernels/int8_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace quarry::embed {
namespace {

std::vector<const Int8Kernels*> AvailableKernels() {
  std::vector<const Int8Kernels*> out{&ScalarInt8Kernels()};
  for (const char* cap : {"avx2", "avx512"}) {
    const Int8Kernels& k = SelectInt8Kernels(cap);
    bool seen = false;
    for (const Int8Kernels* o : out) seen |= o == &k;
    if (!seen) out.push_back(&k);
  }
  return out;
}

enum class Fill { kRandom, kExtremes, kZeroRows };

std::vector<float> Make(size_t n, Fill fill, std::mt19937& rng, size_t row_width) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    switch (fill) {
      case Fill::kRandom:
        v[i] = normal(rng);
        break;
      // Every value at the row's maximum magnitude: sums at their extremes.
      case Fill::kExtremes:
        v[i] = (i / row_width) % 2 ? -1e6f : 1e6f;
        break;
      case Fill::kZeroRows:
        v[i] = (i / row_width) % 3 == 0 ? 0.0f : normal(rng) * 1e-3f;
        break;
    }
  }
  return v;
}

void RunAll(const Int8Kernels& k, const QuantizedRows& a, const PackedInt8Weights& w, float* y,
            int32_t* raw) {
  Int8GemmArgs args = MakeInt8GemmArgs(a, w);
  // Two ranges, as the encoder's threads split them.
  const size_t mid = w.blocks / 2;
  for (auto [b, e] : {std::pair{size_t{0}, mid}, std::pair{mid, w.blocks}}) {
    if (b == e) continue;
    args.block_begin = b;
    args.block_end = e;
    args.y = y;
    args.raw = raw;
    k.gemm(args);
  }
}

TEST(Int8Gemm, KernelsAgreeWithScalar) {
  std::mt19937 rng(3);
  const auto kernels = AvailableKernels();
  RecordProperty("kernels", std::to_string(kernels.size()));
  for (Fill fill : {Fill::kRandom, Fill::kExtremes, Fill::kZeroRows}) {
    for (size_t rows : {1, 2, 5, 7, 13, 100}) {
      for (size_t in : {1, 3, 4, 5, 63, 130, 384}) {
        for (size_t out : {1, 15, 16, 17, 33, 70, 130}) {
          const std::vector<float> x = Make(rows * in, fill, rng, in);
          const std::vector<float> wf = Make(out * in, fill, rng, in);
          std::vector<float> bias(out);
          for (size_t o = 0; o < out; ++o) bias[o] = static_cast<float>(o) * 0.25f - 3.0f;
          const PackedInt8Weights w = PackInt8Weights(wf.data(), bias.data(), out, in);
          QuantizedRows a;
          QuantizeRows(x.data(), rows, in, &a);
          std::vector<int32_t> want_raw(rows * out, -1);
          std::vector<float> want_y(rows * out, -1);
          RunAll(ScalarInt8Kernels(), a, w, nullptr, want_raw.data());
          RunAll(ScalarInt8Kernels(), a, w, want_y.data(), nullptr);
          for (const Int8Kernels* k : kernels) {
            std::vector<int32_t> raw(rows * out, -7);
            std::vector<float> y(rows * out, -7);
            RunAll(*k, a, w, nullptr, raw.data());
            RunAll(*k, a, w, y.data(), nullptr);
            ASSERT_EQ(raw, want_raw)
                << k->name << " rows " << rows << " in " << in << " out " << out;
            for (size_t i = 0; i < y.size(); ++i) {
              ASSERT_NEAR(y[i], want_y[i], 1e-5f * (1 + std::fabs(want_y[i])))
                  << k->name << " rows " << rows << " in " << in << " out " << out << " at " << i;
            }
          }
        }
      }
    }
  }
}

TEST(Int8Gemm, CloseToFloatProduct) {
  std::mt19937 rng(5);
  const size_t rows = 37, in = 384, out = 130;
  const std::vector<float> x = Make(rows * in, Fill::kRandom, rng, in);
  const std::vector<float> wf = Make(out * in, Fill::kRandom, rng, in);
  std::vector<float> bias(out, 0.5f);
  const PackedInt8Weights w = PackInt8Weights(wf.data(), bias.data(), out, in);
  QuantizedRows a;
  QuantizeRows(x.data(), rows, in, &a);
  for (const Int8Kernels* k : AvailableKernels()) {
    std::vector<float> y(rows * out);
    RunAll(*k, a, w, y.data(), nullptr);
    double err = 0, norm = 0;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t o = 0; o < out; ++o) {
        double exact = bias[o];
        for (size_t i = 0; i < in; ++i) exact += double{x[r * in + i]} * wf[o * in + i];
        err += (y[r * out + o] - exact) * (y[r * out + o] - exact);
        norm += exact * exact;
      }
    }
    // 8-bit symmetric quantization of both operands of N(0,1) data: a
    // relative error of about 1.5 %.
    EXPECT_LT(std::sqrt(err / norm), 0.03) << k->name;
  }
}

TEST(Int8Gemm, QuantizeRowsRoundTrips) {
  const size_t in = 7;
  const std::vector<float> x = {0, 0,  0, 0,  0, 0,  0,  // an all-zero row
                                1, -2, 3, -4, 5, -6, 127, -1e30f, 1e30f, 0, 1, 0, 0, 0};
  QuantizedRows q;
  QuantizeRows(x.data(), 3, in, &q);
  ASSERT_EQ(q.k_padded, 8u);
  EXPECT_EQ(q.scale[0], 1.0f);
  for (size_t k = 0; k < 8; ++k) EXPECT_EQ(q.data[k], 128) << k;
  EXPECT_FLOAT_EQ(q.scale[1], 1.0f);
  EXPECT_EQ(q.data[8 + 6], 255);  // 127 + 128
  EXPECT_EQ(q.data[8 + 1], 126);  // -2 + 128
  EXPECT_EQ(q.data[8 + 7], 128);  // padding is zero
  EXPECT_EQ(q.data[16 + 0], 1);   // -127 + 128
  EXPECT_EQ(q.data[16 + 1], 255);
  EXPECT_EQ(q.data[16 + 3], 128);  // 1 / 7.9e27 rounds to 0
}

TEST(Int8Gemm, PackKeepsPerChannelScales) {
  // Row 0 is tiny, row 1 large: per-channel scales keep both exact.
  const std::vector<float> w = {1e-3f, -2e-3f, 0, 127e-3f, 100, -50, 25, 127};
  const std::vector<float> bias = {1, 2};
  const PackedInt8Weights p = PackInt8Weights(w.data(), bias.data(), 2, 4);
  EXPECT_EQ(p.blocks, 1u);
  EXPECT_FLOAT_EQ(p.scale[0], 1e-3f);
  EXPECT_FLOAT_EQ(p.scale[1], 1.0f);
  EXPECT_EQ(p.scale[2], 0.0f);  // padding column
  EXPECT_EQ(p.data[0], 1);
  EXPECT_EQ(p.data[1], -2);
  EXPECT_EQ(p.data[3], 127);
  EXPECT_EQ(p.data[4], 100);
  EXPECT_EQ(p.data[5], -50);
  EXPECT_EQ(p.offset_sums[0], 128 * 126);
  EXPECT_EQ(p.offset_sums[1], 128 * 202);
}

TEST(Int8Gemm, SelectHonoursTheCap) {
  EXPECT_STREQ(SelectInt8Kernels("scalar").name, "scalar");
  const char* capped = SelectInt8Kernels("avx2").name;
  EXPECT_TRUE(std::string(capped) == "avx2" || std::string(capped) == "scalar") << capped;
}

}  // namespace
}  // namespace quarry::embed
