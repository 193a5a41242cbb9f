// Keyword terms of a document, one BM25 document per chunk: every chunk is
// indexed with two fields, its document's title (repeated for each chunk:
// the chunk is the unit of retrieval, and a title describes all of its
// chunks) and its own text. The same analyzer (text/analyzer.h, built from
// the collection's keyword config) serves indexing and queries.
//
// Thread-safety: pure functions; the Analyzer passed in is the caller's alone.
#ifndef QUARRY_ENGINE_CHUNK_TERMS_H_
#define QUARRY_ENGINE_CHUNK_TERMS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lexical/bm25_builder.h"
#include "lexical/bm25_params.h"
#include "quarry/options.h"
#include "storage/stored_document.h"
#include "text/analyzer.h"

namespace quarry::engine {

struct DocumentTerms {
  std::vector<std::string> title;
  std::vector<std::vector<std::string>> chunks;  // one list per chunk, in order
};

text::AnalyzerOptions AnalyzerOptionsFor(const KeywordConfig& config);
lexical::Bm25Params Bm25ParamsFor(const KeywordConfig& config);

DocumentTerms AnalyzeDocument(text::Analyzer& analyzer, const storage::StoredDocument& doc);

// Adds one builder document per chunk of `terms`. A chunk the builder
// refuses (past its limits: 2^32 postings) is added without terms, so that
// doc ids stay equal to rows; it can then only be found by vector search.
void AddChunkTerms(const DocumentTerms& terms, lexical::Bm25IndexBuilder* builder);

}  // namespace quarry::engine

#endif  // QUARRY_ENGINE_CHUNK_TERMS_H_
