// Fuzzes Markdown sectioning and the chunker (both strategies) on arbitrary
// (sanitized) text and checks the chunker's contract: every chunk within the
// cap, inside the text, in order; and the sections' contract for Markdown: in
// order, inside the text, nothing but white space between them or after them. The semantic strategy embeds each sentence
// as a histogram of its bytes, so that the fuzzer steers where breaks fall.
#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <span>
#include <string>

#include "ingest/chunker.h"
#include "ingest/markdown_sections.h"
#include "quarry/document.h"
#include "text/utf8.h"
#include "text/whitespace.h"
#include "text/word_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  quarry::ingest::ChunkerOptions options;
  options.target_tokens = 1 + data[0] % 40;
  options.max_tokens = options.target_tokens * 2;
  options.overlap = (data[1] % 6) / 10.0;
  const char* media_type =
      (data[1] & 0x80) ? quarry::kMediaTypeMarkdown : quarry::kMediaTypePlainText;
  std::string text = quarry::text::SanitizeUtf8(
      std::string_view(reinterpret_cast<const char*>(data + 2), size - 2));
  if (data[1] & 0x40) {
    options.strategy = quarry::ChunkingStrategy::kSemantic;
    options.breakpoint_percentile = 1 + data[0] % 100;
  }
  quarry::ingest::SentenceEmbedder embedder;
  embedder.dimensions = 8;
  embedder.embed = [](std::span<const std::string_view> texts, std::span<float> out) {
    for (size_t t = 0; t < texts.size(); ++t) {
      float* row = out.data() + t * 8;
      float norm = 0;
      for (size_t d = 0; d < 8; ++d) row[d] = 0;
      for (unsigned char c : texts[t]) row[c % 8] += 1;
      for (size_t d = 0; d < 8; ++d) norm += row[d] * row[d];
      for (size_t d = 0; d < 8; ++d) row[d] = norm > 0 ? row[d] / std::sqrt(norm) : 0;
    }
    return quarry::Status::Ok();
  };
  if (media_type == quarry::kMediaTypeMarkdown) {
    const std::string_view md = text;
    size_t end = 0;
    for (const auto& section : quarry::ingest::SplitMarkdownSections(md)) {
      if (section.span.begin < end || section.span.end < section.span.begin ||
          section.span.end > md.size()) {
        std::abort();
      }
      if (!quarry::text::IsBlank(md.substr(end, section.span.begin - end))) std::abort();
      end = section.span.end;
    }
    if (!quarry::text::IsBlank(md.substr(end))) std::abort();
    quarry::ingest::FirstMarkdownHeading(md);
  }
  const auto count = [](std::string_view s) { return quarry::text::CountWords(s); };
  auto chunker = quarry::ingest::Chunker::Create(options, count, embedder);
  if (!chunker.ok()) std::abort();  // the options above are always valid
  auto chunks = chunker->Chunk(text, media_type);
  if (!chunks.ok()) return 0;
  uint32_t previous_begin = 0;
  for (const auto& c : *chunks) {
    if (c.byte_begin > c.byte_end || c.byte_end > text.size()) std::abort();
    if (c.byte_begin < previous_begin) std::abort();
    previous_begin = c.byte_begin;
    std::string_view piece(text.data() + c.byte_begin, c.byte_end - c.byte_begin);
    if (count(piece) > options.max_tokens) std::abort();
  }
  return 0;
}
