// Block-max MaxScore against exhaustive scoring on random corpora and
// queries: the results must be identical, ties and scores included. Also
// exhaustive scoring against an independent brute force, and several
// segments with summed statistics against one index.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "lexical/bm25_builder.h"
#include "lexical/bm25_searcher.h"

namespace quarry::lexical {
namespace {

using Terms = std::vector<std::string>;

struct Doc {
  Terms title;
  Terms body;
};

struct Corpus {
  std::vector<Doc> docs;
  std::vector<std::string> vocab;
};

// Zipf-like term draws: a few terms in most documents (many blocks each),
// a long tail in one or two. Some documents are empty or have an empty field.
Corpus MakeCorpus(std::mt19937* rng, size_t docs, size_t vocab) {
  Corpus c;
  for (size_t i = 0; i < vocab; ++i) c.vocab.push_back("t" + std::to_string(i));
  std::vector<double> weights;
  for (size_t i = 0; i < vocab; ++i) weights.push_back(1.0 / std::pow(i + 1.0, 1.1));
  std::discrete_distribution<size_t> zipf(weights.begin(), weights.end());
  for (size_t d = 0; d < docs; ++d) {
    Doc doc;
    const size_t title_len = (*rng)() % 6;
    const size_t body_len = (*rng)() % 10 == 0 ? 0 : (*rng)() % 80;
    for (size_t i = 0; i < title_len; ++i) doc.title.push_back(c.vocab[zipf(*rng)]);
    for (size_t i = 0; i < body_len; ++i) doc.body.push_back(c.vocab[zipf(*rng)]);
    c.docs.push_back(std::move(doc));
  }
  return c;
}

Bm25Index Build(const Corpus& c, size_t begin, size_t end) {
  Bm25IndexBuilder b;
  for (size_t d = begin; d < end; ++d)
    EXPECT_TRUE(b.AddDocument(c.docs[d].title, c.docs[d].body).ok());
  Result<Bm25Index> index = b.Build();
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return std::move(index).value();
}

Terms RandomQuery(std::mt19937* rng, const Corpus& c) {
  Terms q;
  const size_t n = 1 + (*rng)() % 12;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t kind = (*rng)() % 10;
    if (kind == 0) {
      q.push_back("absent" + std::to_string((*rng)() % 3));
    } else if (kind < 4) {
      q.push_back(c.vocab[(*rng)() % 8]);  // frequent: many blocks
    } else {
      q.push_back(c.vocab[(*rng)() % c.vocab.size()]);
    }
  }
  return q;
}

Bm25Params RandomParams(std::mt19937* rng) {
  Bm25Params p;
  std::uniform_real_distribution<double> u(0, 1);
  p.k1 = 2.0 * u(*rng);
  p.b = u(*rng);
  const uint32_t w = (*rng)() % 4;
  p.field_weights = {w == 0 ? 0.0 : 1.0 + 3 * u(*rng), w == 1 ? 0.0 : 0.5 + u(*rng)};
  if ((*rng)() % 3 == 0) p = Bm25Params{};
  return p;
}

// An independent brute force over the raw corpus.
std::vector<double> BruteForceScores(const Corpus& c, const Terms& query, const Bm25Params& p,
                                     size_t k) {
  const double n = static_cast<double>(c.docs.size());
  double total[2] = {0, 0};
  for (const Doc& d : c.docs) {
    total[0] += d.title.size();
    total[1] += d.body.size();
  }
  const double avg = (p.field_weights[0] * total[0] + p.field_weights[1] * total[1]) / n;
  std::map<std::string, int> qcount;
  for (const std::string& t : query) ++qcount[t];
  std::map<std::string, double> dfs;
  for (const auto& [term, count] : qcount) {
    for (const Doc& e : c.docs) {
      if (std::count(e.title.begin(), e.title.end(), term) +
              std::count(e.body.begin(), e.body.end(), term) >
          0) {
        ++dfs[term];
      }
    }
  }
  std::vector<double> scores;
  for (const Doc& d : c.docs) {
    double score = 0;
    for (const auto& [term, count] : qcount) {
      const double df = dfs[term];
      if (df == 0) continue;
      const double tf = p.field_weights[0] * std::count(d.title.begin(), d.title.end(), term) +
                        p.field_weights[1] * std::count(d.body.begin(), d.body.end(), term);
      if (tf == 0) continue;
      const double dl = p.field_weights[0] * d.title.size() + p.field_weights[1] * d.body.size();
      const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
      score += count * idf * tf / (tf + p.k1 * (1 - p.b + p.b * dl / avg));
    }
    if (score > 0) scores.push_back(score);
  }
  std::sort(scores.rbegin(), scores.rend());
  if (scores.size() > k) scores.resize(k);
  return scores;
}

std::vector<ScoredDoc> Search(Bm25Searcher* searcher, const Bm25Index& index, const Terms& query,
                              const CollectionStats& stats, const std::vector<QueryTerm>& q,
                              Bm25SearchOptions options) {
  std::vector<ScoredDoc> hits;
  const Status s = searcher->Search(index, q, stats, options, &hits);
  EXPECT_TRUE(s.ok()) << s.ToString();
  (void)query;
  return hits;
}

TEST(Bm25PruningTest, MaxScoreEqualsExhaustiveOnRandomQueries) {
  std::mt19937 rng(20240607);
  Bm25Searcher searcher;  // reused across queries, as in production
  size_t compared = 0;
  size_t nonempty = 0;
  for (int corpus_round = 0; corpus_round < 4; ++corpus_round) {
    const Corpus corpus = MakeCorpus(&rng, 600 + 700 * corpus_round, 60 + 200 * corpus_round);
    const Bm25Index index = Build(corpus, 0, corpus.docs.size());
    std::vector<uint64_t> deleted((corpus.docs.size() + 63) / 64);
    for (uint64_t& w : deleted)
      w = (uint64_t{rng()} << 32 | rng()) & (uint64_t{rng()} << 32 | rng()) &
          (uint64_t{rng()} << 32 | rng());  // ~1/8 of docs
    for (int trial = 0; trial < 250; ++trial) {
      const Terms query = RandomQuery(&rng, corpus);
      std::vector<QueryTerm> q = CountQueryTerms(query);
      AddDocFreqs(index, q);
      Bm25SearchOptions options;
      const uint32_t ks[] = {1, 2, 3, 5, 10, 10, 100, 1000};
      options.k = ks[rng() % 8];
      options.params = RandomParams(&rng);
      if (trial % 4 == 0) options.deleted = DeletedDocs(deleted);
      options.algorithm = TopKAlgorithm::kExhaustive;
      const std::vector<ScoredDoc> exhaustive =
          Search(&searcher, index, query, index.LocalStats(), q, options);
      options.algorithm = TopKAlgorithm::kMaxScore;
      const std::vector<ScoredDoc> pruned =
          Search(&searcher, index, query, index.LocalStats(), q, options);
      ASSERT_EQ(pruned, exhaustive) << "corpus " << corpus_round << " trial " << trial;
      ++compared;
      nonempty += !exhaustive.empty();
    }
  }
  EXPECT_EQ(compared, 1000u);
  EXPECT_GT(nonempty, 900u);
}

TEST(Bm25PruningTest, ExhaustiveMatchesBruteForce) {
  std::mt19937 rng(99);
  const Corpus corpus = MakeCorpus(&rng, 400, 80);
  const Bm25Index index = Build(corpus, 0, corpus.docs.size());
  Bm25Searcher searcher;
  for (int trial = 0; trial < 60; ++trial) {
    const Terms query = RandomQuery(&rng, corpus);
    std::vector<QueryTerm> q = CountQueryTerms(query);
    AddDocFreqs(index, q);
    Bm25SearchOptions options;
    options.k = 20;
    options.params = RandomParams(&rng);
    options.algorithm = TopKAlgorithm::kExhaustive;
    const std::vector<ScoredDoc> hits =
        Search(&searcher, index, query, index.LocalStats(), q, options);
    const std::vector<double> expected = BruteForceScores(corpus, query, options.params, 20);
    ASSERT_EQ(hits.size(), expected.size()) << "trial " << trial;
    for (size_t i = 0; i < hits.size(); ++i) {
      // Fixed-point sums round each term by at most 2^-33.
      EXPECT_NEAR(hits[i].score, expected[i], 1e-8) << "trial " << trial << " rank " << i;
    }
  }
}

TEST(Bm25PruningTest, SegmentsWithSummedStatsEqualOneIndex) {
  std::mt19937 rng(5);
  const Corpus corpus = MakeCorpus(&rng, 1500, 200);
  const size_t split = 900;
  const Bm25Index whole = Build(corpus, 0, corpus.docs.size());
  const Bm25Index first = Build(corpus, 0, split);
  const Bm25Index second = Build(corpus, split, corpus.docs.size());
  CollectionStats global = first.LocalStats();
  global += second.LocalStats();
  Bm25Searcher searcher;
  for (int trial = 0; trial < 100; ++trial) {
    const Terms query = RandomQuery(&rng, corpus);
    std::vector<QueryTerm> q = CountQueryTerms(query);
    AddDocFreqs(first, q);
    AddDocFreqs(second, q);
    Bm25SearchOptions options;
    options.k = 1 + rng() % 30;
    options.params = RandomParams(&rng);
    const std::vector<ScoredDoc> expected = Search(&searcher, whole, query, global, q, options);
    std::vector<ScoredDoc> merged = Search(&searcher, first, query, global, q, options);
    for (ScoredDoc d : Search(&searcher, second, query, global, q, options)) {
      d.doc += split;
      merged.push_back(d);
    }
    std::sort(merged.begin(), merged.end(), RanksBefore);
    if (merged.size() > options.k) merged.resize(options.k);
    ASSERT_EQ(merged, expected) << "trial " << trial;
  }
}

}  // namespace
}  // namespace quarry::lexical
