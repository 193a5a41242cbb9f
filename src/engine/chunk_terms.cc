#include "engine/chunk_terms.h"

#include <span>
#include <string_view>

#include "base/check.h"

namespace quarry::engine {

text::AnalyzerOptions AnalyzerOptionsFor(const KeywordConfig& config) {
  text::AnalyzerOptions options;
  options.language = config.language;
  options.remove_stopwords = config.stopwords;
  options.stem = config.stem;
  return options;
}

lexical::Bm25Params Bm25ParamsFor(const KeywordConfig& config) {
  lexical::Bm25Params params;
  params.k1 = config.k1;
  params.b = config.b;
  params.field_weights = {config.title_weight, config.body_weight};
  return params;
}

DocumentTerms AnalyzeDocument(text::Analyzer& analyzer, const storage::StoredDocument& doc) {
  DocumentTerms terms;
  analyzer.AnalyzeTerms(doc.title, &terms.title);
  terms.chunks.resize(doc.chunks.size());
  for (size_t c = 0; c < doc.chunks.size(); ++c) {
    const storage::StoredChunk& chunk = doc.chunks[c];
    analyzer.AnalyzeTerms(
        std::string_view(doc.text).substr(chunk.byte_begin, chunk.byte_end - chunk.byte_begin),
        &terms.chunks[c]);
  }
  return terms;
}

void AddChunkTerms(const DocumentTerms& terms, lexical::Bm25IndexBuilder* builder) {
  for (const std::vector<std::string>& body : terms.chunks) {
    if (builder->AddDocument(terms.title, body).ok()) continue;
    Result<uint32_t> empty = builder->AddDocument({}, {});
    QUARRY_CHECK(empty.ok(),
                 "a document without terms adds no posting, and a segment holds far "
                 "fewer than 2^32 - 1 rows (seal_rows is at most 10^7)");
  }
}

}  // namespace quarry::engine
