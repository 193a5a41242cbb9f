// The float kernels: each instruction set against the scalar build of the
// same source, and all against double-precision references (std::erf, a
// plain softmax attention, the quantization rule), on odd sizes and extremes.
// Tolerances: erf's 1.5e-7 times x / 2 plus float32 rounding for GELU; the
// float32 rounding of scores of size spread^2 * sqrt(d) for attention.
#include "embed/kernels/float_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace quarry::embed {
namespace {

std::vector<const FloatKernels*> AvailableKernels() {
  std::vector<const FloatKernels*> out{&ScalarFloatKernels()};
  for (const char* cap : {"avx2", "avx512"}) {
    const FloatKernels& k = SelectFloatKernels(cap);
    bool seen = false;
    for (const FloatKernels* o : out) seen |= o == &k;
    if (!seen) out.push_back(&k);
  }
  return out;
}

TEST(FloatKernels, GeluMatchesErf) {
  std::vector<float> x;
  for (float v = -12.0f; v <= 12.0f; v += 0.001953125f) x.push_back(v);
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 50.0f, -50.0f, 1e30f, -1e30f}) x.push_back(v);
  for (const FloatKernels* k : AvailableKernels()) {
    std::vector<float> y = x;
    k->gelu(y.data(), y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const double want = 0.5 * x[i] * (1.0 + std::erf(x[i] / std::sqrt(2.0)));
      ASSERT_NEAR(y[i], want, 3e-7 * (1 + std::fabs(x[i]))) << k->name << " x " << x[i];
    }
  }
}

TEST(FloatKernels, QuantizeRowFollowsTheRule) {
  std::mt19937 rng(9);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  for (size_t in : {1, 2, 3, 5, 16, 17, 63, 384, 1537}) {
    std::vector<float> x(in);
    for (float& v : x) v = normal(rng);
    if (in > 3) x[2] = 0.0f;
    const size_t padded = (in + 3) / 4 * 4;
    for (const FloatKernels* k : AvailableKernels()) {
      std::vector<uint8_t> q(padded, 7);
      const float s = k->quantize_row(x.data(), in, padded, q.data());
      float max = 0;
      for (float v : x) max = std::max(max, std::fabs(v));
      ASSERT_FLOAT_EQ(s, max / 127.0f) << k->name;
      for (size_t i = 0; i < in; ++i) {
        const int want = static_cast<int>(std::nearbyint(x[i] / s)) + 128;
        ASSERT_NEAR(q[i], want, 0) << k->name << " in " << in << " at " << i;
      }
      for (size_t i = in; i < padded; ++i) ASSERT_EQ(q[i], 128);
    }
  }
  std::vector<float> zero(5, 0.0f);
  std::vector<uint8_t> q(8);
  for (const FloatKernels* k : AvailableKernels()) {
    EXPECT_EQ(k->quantize_row(zero.data(), 5, 8, q.data()), 1.0f);
    for (uint8_t v : q) EXPECT_EQ(v, 128);
  }
}

// Attention of one head in double precision.
std::vector<double> ReferenceAttention(const std::vector<float>& qkv, size_t ld, size_t n, size_t d,
                                       size_t head, double scale) {
  std::vector<double> out(n * d);
  const size_t h = ld / 3;
  for (size_t t = 0; t < n; ++t) {
    std::vector<double> s(n);
    double max = -1e300;
    for (size_t j = 0; j < n; ++j) {
      double dot = 0;
      for (size_t c = 0; c < d; ++c) {
        dot += double{qkv[t * ld + head * d + c]} * qkv[j * ld + h + head * d + c];
      }
      s[j] = dot * scale;
      max = std::max(max, s[j]);
    }
    double sum = 0;
    for (double& v : s) sum += (v = std::exp(v - max));
    for (size_t c = 0; c < d; ++c) {
      double acc = 0;
      for (size_t j = 0; j < n; ++j) acc += s[j] * qkv[j * ld + 2 * h + head * d + c];
      out[t * d + c] = acc / sum;
    }
  }
  return out;
}

TEST(FloatKernels, AttentionMatchesReference) {
  std::mt19937 rng(11);
  for (size_t d : {1, 7, 32, 64}) {
    for (size_t n : {1, 2, 15, 17, 100}) {
      for (float spread : {1.0f, 5.0f}) {  // 5: scores of +-100, a peaked softmax
        const size_t heads = 3, h = heads * d, ld = 3 * h;
        std::normal_distribution<float> normal(0.0f, spread);
        std::vector<float> qkv(n * ld);
        for (float& v : qkv) v = normal(rng);
        const float scale = 1.0f / std::sqrt(static_cast<float>(d));
        for (const FloatKernels* k : AvailableKernels()) {
          std::vector<float> context(n * h, -1.0f), scratch(d * n + n);
          for (size_t head = 0; head < heads; ++head) {
            AttentionArgs a;
            a.q = qkv.data() + head * d;
            a.k = qkv.data() + h + head * d;
            a.v = qkv.data() + 2 * h + head * d;
            a.ld = ld;
            a.n = n;
            a.d = d;
            a.scale = scale;
            a.context = context.data() + head * d;
            a.ld_out = h;
            a.scratch = scratch.data();
            k->attention(a);
            const std::vector<double> want = ReferenceAttention(qkv, ld, n, d, head, scale);
            for (size_t t = 0; t < n; ++t) {
              for (size_t c = 0; c < d; ++c) {
                ASSERT_NEAR(context[t * h + head * d + c], want[t * d + c],
                            1e-5 * spread * spread * std::sqrt(static_cast<double>(d)))
                    << k->name << " d " << d << " n " << n << " spread " << spread;
              }
            }
          }
        }
      }
    }
  }
}

TEST(FloatKernels, SimdAgreesWithScalar) {
  std::mt19937 rng(13);
  std::normal_distribution<float> normal(0.0f, 4.0f);
  std::vector<float> x(1001);
  for (float& v : x) v = normal(rng);
  std::vector<float> want = x;
  ScalarFloatKernels().gelu(want.data(), want.size());
  for (const FloatKernels* k : AvailableKernels()) {
    std::vector<float> y = x;
    k->gelu(y.data(), y.size());
    for (size_t i = 0; i < y.size(); ++i) {
      ASSERT_NEAR(y[i], want[i], 1e-6f * (1 + std::fabs(want[i]))) << k->name;
    }
  }
}

}  // namespace
}  // namespace quarry::embed
