#include "ingest/chunker.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "ingest/chunk_packer.h"
#include "ingest/chunk_units.h"
#include "ingest/markdown_sections.h"
#include "ingest/semantic_breaks.h"
#include "ingest/semantic_groups.h"
#include "quarry/document.h"
#include "text/utf8.h"
#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

// ICU's break iterators index with int32_t.
constexpr size_t kMaxTextBytes = std::numeric_limits<int32_t>::max();

// Code point offsets of byte offsets that mostly move forward.
class CharOffsets {
 public:
  explicit CharOffsets(std::string_view text) : text_(text) {}

  uint32_t At(uint32_t byte) {
    if (byte < byte_) {
      byte_ = 0;
      chars_ = 0;
    }
    chars_ += text::CountCodePoints(text_.substr(byte_, byte - byte_));
    byte_ = byte;
    return static_cast<uint32_t>(chars_);
  }

 private:
  std::string_view text_;
  uint32_t byte_ = 0;
  size_t chars_ = 0;
};

// Given sections must be spans of the text that the chunk units can use.
// REQUIRES: text is valid UTF-8.
Status CheckSections(std::string_view text, const std::vector<DocumentSection>& sections) {
  uint32_t previous_end = 0;
  for (size_t i = 0; i < sections.size(); ++i) {
    const DocumentSection& s = sections[i];
    const std::string where = "sections[" + std::to_string(i) + "]";
    if (s.byte_begin > s.byte_end || s.byte_end > text.size()) {
      return Status::InvalidArgument(where + " [" + std::to_string(s.byte_begin) + ", " +
                                     std::to_string(s.byte_end) + ") is not within the text of " +
                                     std::to_string(text.size()) + " bytes");
    }
    if (s.byte_begin < previous_end) {
      return Status::InvalidArgument(where + " begins before the end of the previous section");
    }
    const auto boundary = [&](uint32_t at) {
      return at == text.size() || !text::IsContinuationByte(text[at]);
    };
    if (!boundary(s.byte_begin) || !boundary(s.byte_end)) {
      return Status::InvalidArgument(where + " does not begin and end on code point boundaries");
    }
    previous_end = s.byte_end;
  }
  return Status::Ok();
}

// The semantic strategy's chunks of `units`: one embedding call for all of them.
Result<std::vector<UnitRange>> PackSemantic(std::string_view text,
                                            const std::vector<ChunkUnit>& units,
                                            const ChunkPacker& packer,
                                            const SentenceEmbedder& embedder,
                                            const ChunkerOptions& options, size_t overhead) {
  if (units.empty()) return std::vector<UnitRange>();
  std::vector<std::string_view> texts;
  texts.reserve(units.size());
  for (const ChunkUnit& u : units) texts.push_back(text::SpanText(text, u.span));
  std::vector<float> vectors(units.size() * embedder.dimensions);
  QUARRY_RETURN_IF_ERROR(embedder.embed(texts, vectors).WithContext("embedding sentences"));
  const std::vector<UnitDistance> breaks =
      SemanticBreaks(units, vectors, embedder.dimensions, options.breakpoint_percentile);
  return PackSemanticGroups(units, breaks, packer,
                            {options.target_tokens, options.max_tokens, overhead});
}

}  // namespace

Result<Chunker> Chunker::Create(ChunkerOptions options, TokenCounter count_tokens,
                                SentenceEmbedder embedder) {
  if (options.target_tokens < 1) {
    return Status::InvalidArgument("target_tokens must be at least 1, got 0");
  }
  if (options.max_tokens < options.target_tokens) {
    return Status::InvalidArgument("max_tokens (" + std::to_string(options.max_tokens) +
                                   ") must be at least target_tokens (" +
                                   std::to_string(options.target_tokens) + ")");
  }
  if (!(options.overlap >= 0.0 && options.overlap <= 0.5)) {  // also rejects NaN
    return Status::InvalidArgument("overlap must be between 0 and 0.5, got " +
                                   std::to_string(options.overlap));
  }
  if (!count_tokens) return Status::InvalidArgument("count_tokens must be set");
  if (options.strategy == ChunkingStrategy::kSemantic) {
    if (!(options.breakpoint_percentile > 0 && options.breakpoint_percentile <= 100)) {
      return Status::InvalidArgument("breakpoint_percentile must be in (0, 100], got " +
                                     std::to_string(options.breakpoint_percentile));
    }
    if (!embedder.embed || embedder.dimensions == 0) {
      return Status::InvalidArgument("the semantic strategy needs a sentence embedder");
    }
  }
  const size_t overhead = count_tokens(std::string_view());
  if (overhead >= options.max_tokens) {
    return Status::InvalidArgument("max_tokens (" + std::to_string(options.max_tokens) +
                                   ") must exceed the token count of empty text (" +
                                   std::to_string(overhead) + ")");
  }
  QUARRY_ASSIGN_OR_RETURN(text::SentenceSplitter splitter, text::SentenceSplitter::English());
  return Chunker(options, std::move(count_tokens), std::move(embedder), overhead,
                 std::move(splitter));
}

Chunker::Chunker(ChunkerOptions options, TokenCounter count_tokens, SentenceEmbedder embedder,
                 size_t overhead, text::SentenceSplitter splitter)
    : options_(options),
      count_tokens_(std::move(count_tokens)),
      embedder_(std::move(embedder)),
      overhead_(overhead),
      splitter_(std::move(splitter)) {}

Result<std::vector<ChunkPiece>> Chunker::Chunk(std::string_view text, std::string_view media_type) {
  if (media_type != kMediaTypeMarkdown && media_type != kMediaTypePlainText) {
    return Status::InvalidArgument("cannot chunk media type '" + std::string(media_type) +
                                   "': expected " + kMediaTypePlainText + " or " +
                                   kMediaTypeMarkdown);
  }
  return Chunk(text, media_type, {});
}

Result<std::vector<ChunkPiece>> Chunker::Chunk(std::string_view text, std::string_view media_type,
                                               const std::vector<DocumentSection>& given) {
  if (text.size() > kMaxTextBytes) {
    return Status::InvalidArgument("text is " + std::to_string(text.size()) +
                                   " bytes; the chunker takes at most " +
                                   std::to_string(kMaxTextBytes));
  }
  if (!text::IsValidUtf8(text)) return Status::InvalidArgument("text is not valid UTF-8");

  std::vector<Section> sections;
  std::vector<uint32_t> pages;  // of each section
  if (!given.empty()) {
    QUARRY_RETURN_IF_ERROR(CheckSections(text, given));
    for (const DocumentSection& g : given) {
      const text::Span span{g.byte_begin, g.byte_end};
      if (text::IsBlank(text::SpanText(text, span))) continue;
      sections.push_back(Section{span, g.heading_path});
      pages.push_back(g.page);
    }
  } else if (media_type == kMediaTypeMarkdown) {
    sections = SplitMarkdownSections(text);
  } else if (!text::IsBlank(text)) {
    sections.push_back(Section{text::Span{0, static_cast<uint32_t>(text.size())}, ""});
  }
  pages.resize(sections.size(), 0);
  QUARRY_ASSIGN_OR_RETURN(std::vector<ChunkUnit> units,
                          BuildChunkUnits(text, sections, &splitter_, count_tokens_,
                                          options_.target_tokens, options_.max_tokens));
  const ChunkPacker packer(units, sections.size(), options_.target_tokens, options_.overlap,
                          overhead_);
  std::vector<UnitRange> ranges;
  if (options_.strategy == ChunkingStrategy::kSemantic) {
    QUARRY_ASSIGN_OR_RETURN(ranges, PackSemantic(text, units, packer, embedder_, options_, overhead_));
  } else {
    ranges = packer.Pack(0, units.size());
  }

  std::vector<ChunkPiece> chunks;
  chunks.reserve(ranges.size());
  CharOffsets char_begins(text);
  CharOffsets char_ends(text);
  const auto emit = [&](const text::Span& span, size_t tokens, uint32_t section) {
    ChunkPiece& chunk = chunks.emplace_back();
    chunk.byte_begin = span.begin;
    chunk.byte_end = span.end;
    chunk.char_begin = char_begins.At(span.begin);
    chunk.char_end = char_ends.At(span.end);
    chunk.tokens = static_cast<uint32_t>(tokens);
    chunk.heading_path = sections[section].heading_path;
    chunk.page = pages[section];
  };
  std::vector<uint32_t> starts;
  std::vector<CountedSpan> pieces;
  // Overlap is kept only after a chunk emitted whole, and only if it begins
  // after that chunk: a re-cut chunk's last piece, or a chunk whose own overlap
  // was dropped, may begin past it, and chunks must stay in order.
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  size_t previous_first = kNone;  // first unit of the previous chunk if emitted whole
  for (const UnitRange& range : ranges) {
    if (range.first < range.fresh && previous_first != kNone && range.first > previous_first) {
      const text::Span span{units[range.first].span.begin, units[range.last - 1].span.end};
      const size_t tokens = count_tokens_(text::SpanText(text, span));
      if (tokens <= options_.max_tokens) {
        emit(span, tokens, units[range.first].section);
        previous_first = range.first;
        continue;
      }
    }
    const text::Span span{units[range.fresh].span.begin, units[range.last - 1].span.end};
    const size_t tokens = count_tokens_(text::SpanText(text, span));
    if (tokens <= options_.max_tokens) {
      emit(span, tokens, units[range.fresh].section);
      previous_first = range.fresh;
      continue;
    }
    // The estimate was wrong (the counter is not additive over this join):
    // re-cut the chunk's fresh units by exact counts. Each fits max_tokens alone.
    previous_first = kNone;
    starts.clear();
    pieces.clear();
    for (size_t u = range.fresh; u < range.last; ++u) starts.push_back(units[u].span.begin);
    QUARRY_RETURN_IF_ERROR(FitPieces(text, starts, span.end, options_.target_tokens,
                                     options_.max_tokens, count_tokens_, &pieces));
    for (const CountedSpan& piece : pieces) {
      // A piece starts where one of the range's units does; its section is that unit's.
      const auto unit =
          std::lower_bound(units.begin() + static_cast<ptrdiff_t>(range.fresh),
                           units.begin() + static_cast<ptrdiff_t>(range.last), piece.span.begin,
                           [](const ChunkUnit& u, uint32_t begin) { return u.span.begin < begin; });
      emit(piece.span, piece.tokens, unit->section);
    }
  }
  return chunks;
}

}  // namespace quarry::ingest
