#include "quarry_bm25.h"

#include "base/stopwatch.h"
#include "lexical/bm25_builder.h"

namespace quarry::bench {

Result<QuarryBm25> QuarryBm25::Build(const std::vector<search::BeirDocument>& corpus,
                                     const text::AnalyzerOptions& analyzer_options) {
  Result<text::Analyzer> analyzer = text::Analyzer::Create(analyzer_options);
  if (!analyzer.ok()) return analyzer.status();
  QuarryBm25 engine(std::move(analyzer).value());
  const Stopwatch watch;
  lexical::Bm25IndexBuilder builder;
  std::vector<std::string> title;
  std::vector<std::string> body;
  for (const search::BeirDocument& doc : corpus) {
    engine.analyzer_.AnalyzeTerms(doc.title, &title);
    engine.analyzer_.AnalyzeTerms(doc.text, &body);
    Result<uint32_t> id = builder.AddDocument(title, body);
    if (!id.ok()) return id.status().WithContext("document " + doc.id);
    engine.doc_ids_.push_back(doc.id);
  }
  std::vector<uint8_t> bytes = builder.Serialize();
  engine.index_bytes_ = bytes.size();
  Result<lexical::Bm25Index> index = lexical::Bm25Index::Adopt(std::move(bytes));
  if (!index.ok()) return index.status();
  engine.index_.emplace(std::move(index).value());
  engine.index_seconds_ = watch.ElapsedMillis() / 1e3;
  return engine;
}

Status QuarryBm25::Search(const std::string& query, const lexical::Bm25SearchOptions& options,
                          std::vector<std::string>* ranking) {
  analyzer_.AnalyzeTerms(query, &terms_);
  std::vector<lexical::QueryTerm> q = lexical::CountQueryTerms(terms_);
  lexical::AddDocFreqs(*index_, q);
  QUARRY_RETURN_IF_ERROR(searcher_.Search(*index_, q, index_->LocalStats(), options, &hits_));
  ranking->clear();
  for (const lexical::ScoredDoc& hit : hits_) ranking->push_back(doc_ids_[hit.doc]);
  return Status::Ok();
}

}  // namespace quarry::bench
