#include "lexical/bm25_searcher.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "lexical/bm25_scorer.h"
#include "lexical/query_plan.h"

namespace quarry::lexical {

std::vector<QueryTerm> CountQueryTerms(std::span<const std::string> analyzed) {
  std::vector<QueryTerm> terms;
  std::unordered_map<std::string_view, size_t> index;
  for (const std::string& t : analyzed) {
    auto [it, inserted] = index.try_emplace(t, terms.size());
    if (inserted) {
      terms.push_back(QueryTerm{t, 1, 0});
    } else {
      ++terms[it->second].count;
    }
  }
  return terms;
}

void AddDocFreqs(const Bm25Index& index, std::span<QueryTerm> terms) {
  for (QueryTerm& t : terms) t.doc_freq += index.DocFreq(t.term);
}

struct Bm25Searcher::Scratch {
  std::vector<QueryTerm> merged;
  std::vector<PlannedTerm> planned;  // sized once per query; plan.terms points into it
  SearchScratch search;
};

Bm25Searcher::Bm25Searcher() : scratch_(std::make_unique<Scratch>()) {}
Bm25Searcher::~Bm25Searcher() = default;
Bm25Searcher::Bm25Searcher(Bm25Searcher&&) noexcept = default;
Bm25Searcher& Bm25Searcher::operator=(Bm25Searcher&&) noexcept = default;

Status Bm25Searcher::Search(const Bm25Index& index, std::span<const QueryTerm> terms,
                            const CollectionStats& stats, const Bm25SearchOptions& options,
                            std::vector<ScoredDoc>* hits) {
  hits->clear();
  if (options.k < 1 || options.k > kMaxK) {
    return Status::InvalidArgument("k must be between 1 and " + std::to_string(kMaxK) + ", got " +
                                   std::to_string(options.k));
  }
  QUARRY_RETURN_IF_ERROR(options.params.Validate());

  // Merge duplicates: sort a copy by term. This also fixes the canonical
  // order in which every document's score is summed.
  std::vector<QueryTerm>& merged = scratch_->merged;
  merged.assign(terms.begin(), terms.end());
  std::sort(merged.begin(), merged.end(),
            [](const QueryTerm& a, const QueryTerm& b) { return a.term < b.term; });
  size_t distinct = 0;
  uint64_t words = 0;
  for (size_t i = 0; i < merged.size(); ++i) {
    words += merged[i].count;
    if (distinct > 0 && merged[distinct - 1].term == merged[i].term) {
      QueryTerm& kept = merged[distinct - 1];
      kept.count = static_cast<uint32_t>(
          std::min<uint64_t>(uint64_t{kept.count} + merged[i].count, UINT32_MAX));
      kept.doc_freq = std::max(kept.doc_freq, merged[i].doc_freq);
    } else {
      merged[distinct++] = merged[i];
    }
  }
  // Bounds every fixed-point score far below 2^63 (top_k.h): each word adds
  // at most idf <= ln(1 + 2^65) < 46 score units.
  if (words > kMaxQueryWords) {
    return Status::InvalidArgument("query has " + std::to_string(words) + " words; the limit is " +
                                   std::to_string(kMaxQueryWords));
  }
  merged.resize(distinct);
  if (distinct > kMaxQueryTerms) {
    return Status::InvalidArgument("query has " + std::to_string(distinct) +
                                   " distinct terms; the limit is " +
                                   std::to_string(kMaxQueryTerms));
  }
  if (stats.doc_count == 0 || merged.empty()) return Status::Ok();

  const Bm25Scorer scorer(options.params, stats);
  std::vector<PlannedTerm>& planned = scratch_->planned;
  if (planned.size() < merged.size()) planned.resize(merged.size());
  QueryPlan plan;
  plan.index = &index;
  plan.scorer = &scorer;
  plan.deleted = options.deleted;
  plan.k = options.k;
  for (const QueryTerm& q : merged) {
    if (q.doc_freq > stats.doc_count) {
      return Status::InvalidArgument("term '" + std::string(q.term) + "' has doc_freq " +
                                     std::to_string(q.doc_freq) + " above the collection's " +
                                     std::to_string(stats.doc_count) + " documents");
    }
    const std::optional<TermInfo> info = index.Find(q.term);
    if (!info) continue;
    if (q.doc_freq < info->doc_freq) {
      return Status::InvalidArgument("term '" + std::string(q.term) + "' has doc_freq " +
                                     std::to_string(q.doc_freq) + " but occurs in " +
                                     std::to_string(info->doc_freq) + " documents of this segment");
    }
    if (q.count == 0) continue;
    QUARRY_RETURN_IF_ERROR(index.VerifyTerm(*info));
    PlannedTerm& t = planned[plan.terms.size()];
    t.weight = q.count * scorer.Idf(q.doc_freq);
    t.block_bound.resize(info->block_count);
    t.max_bound = 0;
    for (uint32_t b = 0; b < info->block_count; ++b) {
      const BlockInfo block = index.Block(info->first_block + b);
      t.block_bound[b] = Bm25Scorer::Contribution(t.weight, scorer.WeightedTf(block.max_tf),
                                                  scorer.LengthNorm(block.min_len));
      t.max_bound = std::max(t.max_bound, t.block_bound[b]);
    }
    t.cursor.Reset(&index, *info);
    plan.terms.push_back(&t);
  }
  if (plan.terms.empty()) return Status::Ok();
  if (options.algorithm == TopKAlgorithm::kExhaustive) {
    SearchExhaustive(plan, &scratch_->search, hits);
  } else {
    SearchMaxScore(plan, &scratch_->search, hits);
  }
  return Status::Ok();
}

}  // namespace quarry::lexical
