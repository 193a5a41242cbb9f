// BEIR datasets (Thakur et al. 2021): the loaders for the three files every
// BEIR dataset has, so that relevance can be measured on public benchmarks.
//   corpus.jsonl   one JSON object per line: "_id", "title" (may be absent),
//                  "text"; other fields ("metadata") are ignored
//   queries.jsonl  one JSON object per line: "_id", "text"
//   qrels/<split>.tsv  query-id, corpus-id, score (an integer grade), tab-
//                  separated, with or without a header line; TREC's
//                  four-column form (query-id, iteration, corpus-id, score)
//                  is accepted too
// Ids may be JSON strings or integers (kept as their decimal text). Any line
// that breaks these rules fails the load with the file, line number and
// reason; nothing is silently skipped but blank lines.
//
// Thread-safety: pure functions over files.
#ifndef QUARRY_SEARCH_BEIR_DATASET_H_
#define QUARRY_SEARCH_BEIR_DATASET_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "quarry/status.h"
#include "search/line_reader.h"

namespace quarry::search {

struct BeirDocument {
  std::string id;
  std::string title;
  std::string text;
};

struct BeirQuery {
  std::string id;
  std::string text;
};

// query id -> (doc id -> grade). Grades <= 0 mean "judged not relevant".
using Judgments = std::unordered_map<std::string, int>;
using Qrels = std::unordered_map<std::string, Judgments>;

struct BeirLimits {
  size_t max_line_bytes = LineReader::kDefaultMaxLineBytes;
};

Result<std::vector<BeirDocument>> LoadBeirCorpus(const std::string& path, BeirLimits limits = {});
Result<std::vector<BeirQuery>> LoadBeirQueries(const std::string& path, BeirLimits limits = {});
Result<Qrels> LoadQrels(const std::string& path, BeirLimits limits = {});

struct BeirDataset {
  std::vector<BeirDocument> corpus;
  std::vector<BeirQuery> queries;  // only those judged in `qrels`, in file order
  Qrels qrels;
};

// Loads <dir>/corpus.jsonl, <dir>/queries.jsonl and <dir>/qrels/<split>.tsv.
// NotFound, naming the missing file, when the dataset is not there.
Result<BeirDataset> LoadBeirDataset(const std::string& dir, const std::string& split,
                                    BeirLimits limits = {});

}  // namespace quarry::search

#endif  // QUARRY_SEARCH_BEIR_DATASET_H_
