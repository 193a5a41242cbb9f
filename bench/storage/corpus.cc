#include "corpus.h"

#include <algorithm>
#include <cstdio>

#include "search/beir_dataset.h"

namespace quarry::bench {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

Result<ShortDocuments> ShortDocuments::Load(const std::string& beir_dir, uint64_t seed) {
  QUARRY_ASSIGN_OR_RETURN(std::vector<search::BeirDocument> corpus,
                          search::LoadBeirCorpus(beir_dir + "/corpus.jsonl"));
  QUARRY_ASSIGN_OR_RETURN(std::vector<search::BeirQuery> queries,
                          search::LoadBeirQueries(beir_dir + "/queries.jsonl"));
  ShortDocuments out;
  out.seed_ = seed;
  for (search::BeirDocument& d : corpus) {
    if (!d.title.empty()) out.titles_.push_back(std::move(d.title));
    std::string_view text = d.text;
    while (!text.empty()) {
      const size_t end = text.find(". ");
      const size_t take = end == std::string_view::npos ? text.size() : end + 1;
      // Very short pieces ("Fig. 1.") are abbreviations, not sentences.
      if (take >= 40) out.sentences_.emplace_back(text.substr(0, take));
      text.remove_prefix(std::min(text.size(), take + 1));
    }
  }
  for (search::BeirQuery& q : queries) out.queries_.push_back(std::move(q.text));
  if (out.titles_.empty() || out.sentences_.empty() || out.queries_.empty()) {
    return Status::InvalidArgument(beir_dir + ": no titles, sentences or queries to build from");
  }
  return out;
}

DocumentInput ShortDocuments::Document(uint64_t i) const {
  uint64_t state = SplitMix64(seed_ ^ SplitMix64(i));
  auto next = [&state] { return state = SplitMix64(state); };
  DocumentInput d;
  char id[24];
  const int n = std::snprintf(id, sizeof id, "d%llu", static_cast<unsigned long long>(i));
  d.id.assign(id, static_cast<size_t>(n));
  d.title = titles_[next() % titles_.size()];
  const size_t sentences = 1 + next() % 3;
  for (size_t s = 0; s < sentences; ++s) {
    if (s > 0) d.text += ' ';
    d.text += sentences_[next() % sentences_.size()];
  }
  return d;
}

}  // namespace quarry::bench
