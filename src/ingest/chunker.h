// Chunker: cuts a document's text into chunks sized in the embedder's tokens.
//
// How (the reasons are in docs/design/chunking.md):
//  1. Sections: given by the extractor (quarry::DocumentSection, e.g. HTML
//     headings, PDF pages), or else Markdown is cut at its headings
//     (ingest/markdown_sections.h) and any other text is one section.
//  2. Units: each section is cut into sentences (text/sentence_splitter.h); a
//     sentence over max_tokens is cut at word starts (at code points inside an
//     over-long word) into pieces of at most target_tokens. Each unit is
//     counted once with the TokenCounter.
//  3. Packing: whole units are added to a chunk while its estimated size stays
//     within target_tokens (the estimate treats counts as additive after
//     removing the counter's fixed overhead, count_tokens("")). A unit larger
//     than target_tokens is a chunk by itself.
//  4. Sections: a chunk never spans two sections, except that a tiny section
//     (under a quarter of target_tokens) is not left alone: its chunk stays
//     open into the following section, and takes the heading path of its
//     first section. A tiny last section stands alone.
//  5. Overlap: within a section, a chunk begins with the last whole units of the
//     previous chunk whose estimated tokens sum to at most overlap *
//     target_tokens, unless that would push the chunk's first new unit past
//     target_tokens. No overlap across sections.
//  6. Verification: each chunk's exact text is counted once; a chunk over
//     max_tokens (counts are not always additive) is re-cut by exact counts.
// Strategy `semantic` (ChunkerOptions::strategy) replaces step 3-5's packing:
// the units are embedded (one SentenceEmbedder call per document) and cut
// where neighbouring sentences drift apart (ingest/semantic_breaks.h); the
// groups are then held to the size limits (ingest/semantic_groups.h). Steps
// 1, 2 and 6 and the guarantees below are the same for both strategies.
// Guarantees: every chunk counts at most max_tokens by the TokenCounter applied
// to exactly its text; chunk spans start and end on unit boundaries, trimmed of
// white space; every non-white-space character is in at least one chunk; a
// blank document has no chunks. Work is linear in the text (each byte is counted
// about 2 + overlap times), except for over-long sentences, which cost
// O(log(units per chunk)) extra counts per piece.
//
// Thread-safety: not thread-safe (it holds an ICU iterator). Copy it for each
// thread; a copy is cheap. Copies share the TokenCounter's target, which must
// therefore be safe to call from several threads.
#ifndef QUARRY_INGEST_CHUNKER_H_
#define QUARRY_INGEST_CHUNKER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/token_fit.h"
#include "quarry/document.h"
#include "quarry/options.h"
#include "quarry/status.h"
#include "text/sentence_splitter.h"

namespace quarry::ingest {

// Counts tokens the way the embedder will (its tokenizer, specials included).
// The same alias is declared in ingest/token_fit.h.
using TokenCounter = std::function<size_t(std::string_view)>;

struct ChunkerOptions {
  uint32_t target_tokens = 256;  // preferred chunk size
  uint32_t max_tokens = 512;     // hard cap: the embedder's maximum input
  double overlap = 0.1;          // fraction of target_tokens repeated, in whole sentences
  ChunkingStrategy strategy = ChunkingStrategy::kStructure;
  double breakpoint_percentile = 95;  // semantic: break above this percentile of distances
};

// What the semantic strategy embeds its sentences with: the collection's
// embedder, injected so that ingest/ does not depend on embed/.
struct SentenceEmbedder {
  size_t dimensions = 0;
  // Writes one L2-normalized vector of `dimensions` floats per text, row
  // after row. Called from the chunking thread; must be safe to call from
  // several threads when the chunker is copied across threads.
  std::function<Status(std::span<const std::string_view> texts, std::span<float> out)> embed;
};

struct ChunkPiece {
  uint32_t byte_begin = 0, byte_end = 0;  // into the document text
  uint32_t char_begin = 0, char_end = 0;  // the same, in Unicode code points
  uint32_t tokens = 0;                    // count_tokens of exactly the chunk's text
  std::string heading_path;               // "" outside any heading
  uint32_t page = 0;                      // the section's page (0 = none)
};

class Chunker {
 public:
  // Fails with InvalidArgument naming the field unless target_tokens >= 1,
  // max_tokens >= target_tokens, 0 <= overlap <= 0.5, count_tokens is set,
  // count_tokens("") < max_tokens, and, for the semantic strategy,
  // 0 < breakpoint_percentile <= 100 and `embedder` is set (it is unused by
  // the structure strategy).
  static Result<Chunker> Create(ChunkerOptions options, TokenCounter count_tokens,
                                SentenceEmbedder embedder = {});

  // The chunks of `text`, in document order. media_type is kMediaTypePlainText
  // or kMediaTypeMarkdown (quarry/document.h). Fails with InvalidArgument for
  // another media type, text that is not valid UTF-8 or is 2 GiB or more, or a
  // counter that counts a single character above max_tokens.
  Result<std::vector<ChunkPiece>> Chunk(std::string_view text, std::string_view media_type);

  // The chunks of `text` cut along `sections` (steps 2-6 of the header apply
  // within and across them as for Markdown sections). Empty `sections`: derived
  // from media_type as above, any media type but Markdown giving one section.
  // Sections holding only white space are dropped; text outside every section
  // is in no chunk. Fails with InvalidArgument as Chunk() does, and for
  // sections out of order, overlapping, past the text's end, or not on code
  // point boundaries.
  Result<std::vector<ChunkPiece>> Chunk(std::string_view text, std::string_view media_type,
                                        const std::vector<DocumentSection>& sections);

  const ChunkerOptions& options() const { return options_; }

 private:
  Chunker(ChunkerOptions options, TokenCounter count_tokens, SentenceEmbedder embedder,
          size_t overhead, text::SentenceSplitter splitter);

  ChunkerOptions options_;
  TokenCounter count_tokens_;
  SentenceEmbedder embedder_;
  size_t overhead_;  // count_tokens(""): what a counter adds to every text ([CLS], [SEP])
  text::SentenceSplitter splitter_;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_CHUNKER_H_
