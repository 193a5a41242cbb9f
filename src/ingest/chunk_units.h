// Chunk units: the indivisible pieces the chunker packs into chunks.
//
// A unit is a sentence of a section, or, for a sentence over the hard token
// limit, a piece of it cut at word boundaries (at code point boundaries inside a
// single over-long word). Every unit carries its exact token count.
//
// Internal to ingest/. Thread-safety: as SentenceSplitter (one per thread).
#ifndef QUARRY_INGEST_CHUNK_UNITS_H_
#define QUARRY_INGEST_CHUNK_UNITS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ingest/markdown_sections.h"
#include "ingest/token_fit.h"
#include "quarry/status.h"
#include "text/sentence_splitter.h"
#include "text/span.h"

namespace quarry::ingest {

struct ChunkUnit {
  text::Span span;       // trimmed, non-empty
  uint32_t section = 0;  // index into the sections the units were built from
  size_t tokens = 0;     // count_tokens of exactly this span's text
};

// The units of each section in order. Sentences counting at most max_tokens
// are units as they are; longer ones are cut into pieces of at most
// target_tokens (a single word over target_tokens stands alone if it fits
// max_tokens). Units cover every non-white-space character of the sections
// exactly once.
// REQUIRES: text is valid UTF-8 under 2 GiB; sections lie in it, in order, not
// overlapping; 1 <= target_tokens <= max_tokens.
Result<std::vector<ChunkUnit>> BuildChunkUnits(std::string_view text,
                                               const std::vector<Section>& sections,
                                               text::SentenceSplitter* splitter,
                                               const TokenCounter& count_tokens,
                                               size_t target_tokens, size_t max_tokens);

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_CHUNK_UNITS_H_
