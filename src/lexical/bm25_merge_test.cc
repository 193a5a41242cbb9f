// Merging keyword postings: the merged file is byte for byte what building
// from the kept documents gives, numbering mistakes are refused before
// anything is written, and write errors and cancellation surface.
#include "lexical/bm25_merge.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "base/testing/fault_injection_env.h"
#include "base/testing/temp_dir.h"
#include "lexical/bm25_builder.h"

namespace quarry::lexical {
namespace {

using Terms = std::vector<std::string>;

struct Doc {
  Terms title;
  Terms body;
};

// Documents over a skewed vocabulary: a few terms in most documents (so
// their postings span several blocks), many in one or two.
std::vector<Doc> RandomDocs(std::mt19937& rng, size_t n, size_t vocabulary) {
  std::vector<Doc> docs(n);
  std::uniform_int_distribution<size_t> length(0, 30);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (Doc& d : docs) {
    for (Terms* field : {&d.title, &d.body}) {
      const size_t len = field == &d.title ? length(rng) / 6 : length(rng);
      for (size_t i = 0; i < len; ++i) {
        const auto rank =
            static_cast<size_t>(std::pow(u(rng), 3.0) * static_cast<double>(vocabulary));
        field->push_back("t" + std::to_string(rank));
      }
    }
  }
  return docs;
}

Bm25IndexBuilder BuilderOf(const std::vector<Doc>& docs) {
  Bm25IndexBuilder b;
  for (const Doc& d : docs) EXPECT_TRUE(b.AddDocument(d.title, d.body).ok());
  return b;
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Bm25MergeTest : public ::testing::Test {
 protected:
  // Merges `inputs` into a file and returns the call's status; the bytes
  // are in written_.
  Status Merge(std::span<const MergeInput> inputs, uint32_t doc_count, Env& env,
               const std::atomic<bool>* cancel = nullptr) {
    const std::string path = dir_.Sub("merged.bm25");
    Result<std::unique_ptr<WritableFile>> file = env.NewWritableFile(path, OpenMode::kTruncate);
    if (!file.ok()) return file.status();
    Status s = MergeBm25Indexes(inputs, doc_count, **file, cancel);
    EXPECT_TRUE((*file)->Close().ok());
    written_ = ReadFile(path);
    return s;
  }

  quarry::testing::TempDir dir_;
  std::shared_ptr<Env> env_ = NewPosixEnv();
  std::vector<uint8_t> written_;
};

TEST_F(Bm25MergeTest, MatchesBuildingFromTheKeptDocuments) {
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    std::mt19937 rng(seed);
    // Segments of different sizes, one empty, one with a single document.
    const std::vector<size_t> sizes = {700, 0, 1, 350, 260};
    std::vector<std::vector<Doc>> segments;
    std::vector<Bm25Index> indexes;
    for (size_t n : sizes) {
      segments.push_back(RandomDocs(rng, n, seed == 4 ? 20 : 2000));
      Result<Bm25Index> built = BuilderOf(segments.back()).Build();
      ASSERT_TRUE(built.ok()) << built.status().ToString();
      indexes.push_back(std::move(built).value());
    }
    // Drop a share of documents (all of the fourth segment for seed 3).
    std::bernoulli_distribution drop(seed == 1 ? 0.0 : 0.3);
    std::vector<std::vector<uint32_t>> new_doc(sizes.size());
    std::vector<Doc> kept;
    for (size_t s = 0; s < sizes.size(); ++s) {
      for (const Doc& d : segments[s]) {
        if (drop(rng) || (seed == 3 && s == 3)) {
          new_doc[s].push_back(kDroppedDoc);
        } else {
          new_doc[s].push_back(static_cast<uint32_t>(kept.size()));
          kept.push_back(d);
        }
      }
    }
    std::vector<MergeInput> inputs;
    for (size_t s = 0; s < sizes.size(); ++s) inputs.push_back({&indexes[s], new_doc[s]});

    ASSERT_TRUE(Merge(inputs, static_cast<uint32_t>(kept.size()), *env_).ok()) << "seed " << seed;
    const std::vector<uint8_t> expected = BuilderOf(kept).Serialize();
    EXPECT_EQ(written_.size(), expected.size()) << "seed " << seed;
    EXPECT_TRUE(written_ == expected) << "seed " << seed;
    Result<Bm25Index> merged = Bm25Index::Open(written_);
    ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    EXPECT_EQ(merged->doc_count(), kept.size());
    // Every term's checksum and blocks, written by the streaming merge, verify.
    for (uint32_t t = 0; t < merged->term_count(); ++t) {
      ASSERT_TRUE(merged->VerifyTerm(merged->TermInfoAt(t)).ok())
          << "seed " << seed << " term " << t;
    }
  }
}

TEST_F(Bm25MergeTest, NothingKeptGivesAnEmptyIndex) {
  std::mt19937 rng(7);
  Result<Bm25Index> index = BuilderOf(RandomDocs(rng, 50, 100)).Build();
  ASSERT_TRUE(index.ok());
  const std::vector<uint32_t> none(50, kDroppedDoc);
  const MergeInput input{&*index, none};
  ASSERT_TRUE(Merge({&input, 1}, 0, *env_).ok());
  EXPECT_TRUE(written_ == Bm25IndexBuilder().Serialize());
}

// Terms are verified on first read, and a merge reads them all: a damaged
// input term fails the merge, naming the input.
TEST_F(Bm25MergeTest, ADamagedInputTermFailsTheMergeNamingTheInput) {
  std::mt19937 rng(9);
  std::vector<uint8_t> bytes = BuilderOf(RandomDocs(rng, 40, 50)).Serialize();
  bytes.back() ^= 1;  // the last term's last block
  Result<Bm25Index> index = Bm25Index::Open(bytes);
  ASSERT_TRUE(index.ok()) << index.status().ToString();  // the tables are intact
  std::vector<uint32_t> all(40);
  for (uint32_t d = 0; d < 40; ++d) all[d] = d;
  const MergeInput input{&*index, all, "segments/7/postings.bm25"};
  const Status merged = Merge({&input, 1}, 40, *env_);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.code(), StatusCode::kCorruption);
  EXPECT_NE(merged.ToString().find("segments/7/postings.bm25"), std::string::npos)
      << merged.ToString();
  EXPECT_NE(merged.ToString().find("postings checksum mismatch"), std::string::npos)
      << merged.ToString();
}

TEST_F(Bm25MergeTest, RefusesABadNumberingBeforeWriting) {
  std::mt19937 rng(8);
  Result<Bm25Index> a = BuilderOf(RandomDocs(rng, 3, 10)).Build();
  Result<Bm25Index> b = BuilderOf(RandomDocs(rng, 2, 10)).Build();
  ASSERT_TRUE(a.ok() && b.ok());
  struct Case {
    std::vector<uint32_t> a, b;
    uint32_t doc_count;
    const char* why;
  };
  const std::vector<Case> cases = {
      {{0, 1, 2}, {3, 4}, 6, "fewer kept than doc_count"},
      {{0, 1, 2}, {3, 4}, 4, "an id past doc_count"},
      {{0, 2, 1}, {3, 4}, 5, "out of order within an input"},
      {{2, 3, 4}, {0, 1}, 5, "the second input before the first"},
      {{0, 1, 1}, {2, 3}, 4, "an id twice"},
      {{0, 1}, {2, 3}, 4, "too few entries for the input"},
      {{0, 1, 3}, {4, 5}, 6, "a gap"},
  };
  for (const Case& c : cases) {
    const std::vector<MergeInput> inputs = {{&*a, c.a}, {&*b, c.b}};
    Status s = Merge(inputs, c.doc_count, *env_);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.why << ": " << s.ToString();
    EXPECT_TRUE(written_.empty()) << c.why;
  }
}

TEST_F(Bm25MergeTest, AFullDiskFailsTheMerge) {
  std::mt19937 rng(9);
  Result<Bm25Index> index = BuilderOf(RandomDocs(rng, 500, 5000)).Build();
  ASSERT_TRUE(index.ok());
  std::vector<uint32_t> ids(500);
  for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
  const MergeInput input{&*index, ids};
  quarry::testing::FaultInjectionEnv env(env_);
  for (uint64_t n = 1; n <= 4; ++n) {  // the placeholder, the tables, the postings, the header
    env.ClearFaults();
    env.FailAfter(n + 1, quarry::testing::InjectedFault::kNoSpace);  // after NewWritableFile
    Status s = Merge({&input, 1}, 500, env);
    EXPECT_EQ(s.code(), StatusCode::kNoSpace) << "write " << n << ": " << s.ToString();
  }
}

TEST_F(Bm25MergeTest, CancelStopsBetweenTerms) {
  std::mt19937 rng(10);
  Result<Bm25Index> index = BuilderOf(RandomDocs(rng, 3000, 100000)).Build();
  ASSERT_TRUE(index.ok());
  ASSERT_GT(index->term_count(), 1024u);
  std::vector<uint32_t> ids(3000);
  for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
  const MergeInput input{&*index, ids};
  const std::atomic<bool> cancel{true};
  Status s = Merge({&input, 1}, 3000, *env_, &cancel);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
}

}  // namespace
}  // namespace quarry::lexical
