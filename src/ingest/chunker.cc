#include "ingest/chunker.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "ingest/chunk_units.h"
#include "ingest/markdown_sections.h"
#include "quarry/document.h"
#include "text/utf8.h"
#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

// ICU's break iterators index with int32_t.
constexpr size_t kMaxTextBytes = std::numeric_limits<int32_t>::max();

struct UnitRange {
  size_t first;  // index of the first unit
  size_t fresh;  // first unit not in the previous chunk: first < fresh means overlap
  size_t last;   // one past the last unit
};

// Step 3-5 of the header: groups units into chunks by estimated token counts.
class Packer {
 public:
  Packer(const std::vector<ChunkUnit>& units, size_t section_count, const ChunkerOptions& options,
         size_t overhead)
      : units_(units),
        target_(options.target_tokens),
        overhead_(overhead),
        overlap_budget_(static_cast<size_t>(std::floor(options.overlap * options.target_tokens))),
        section_first_unit_(section_count, 0),
        section_tiny_(section_count, false) {
    std::vector<size_t> section_tokens(section_count, overhead_);
    for (size_t u = units_.size(); u-- > 0;) {
      section_first_unit_[units_[u].section] = u;
      section_tokens[units_[u].section] += Estimate(u);
    }
    for (size_t s = 0; s < section_count; ++s) section_tiny_[s] = 4 * section_tokens[s] < target_;
  }

  std::vector<UnitRange> Pack() const {
    std::vector<UnitRange> chunks;
    if (units_.empty()) return chunks;
    size_t first = 0;
    size_t fresh = 0;
    size_t sum = overhead_ + Estimate(0);  // estimated tokens of the open chunk
    for (size_t u = 1; u < units_.size(); ++u) {
      const uint32_t section = units_[u].section;
      const uint32_t previous = units_[u - 1].section;
      const bool same_section = section == previous;
      // A tiny section wholly inside the open chunk lets it run on.
      const bool may_cross = section_tiny_[previous] && section_first_unit_[previous] >= first;
      if ((same_section || may_cross) && sum + Estimate(u) <= target_) {
        sum += Estimate(u);
        continue;
      }
      chunks.push_back({first, fresh, u});
      first = u;
      fresh = u;
      sum = overhead_;
      if (same_section) {
        const size_t start = OverlapStart(chunks.back(), u);
        size_t overlap_sum = 0;
        for (size_t o = start; o < u; ++o) overlap_sum += Estimate(o);
        if (overhead_ + overlap_sum + Estimate(u) <= target_) {
          first = start;
          sum += overlap_sum;
        }
      }
      sum += Estimate(u);
    }
    chunks.push_back({first, fresh, units_.size()});
    return chunks;
  }

 private:
  // A unit's share of a chunk's tokens: its count without the counter's fixed overhead.
  size_t Estimate(size_t u) const {
    return units_[u].tokens > overhead_ ? units_[u].tokens - overhead_ : 0;
  }

  // The first unit of the overlap that the chunk after `closed` starts with,
  // or `next` for none. Never the closed chunk's first unit: chunks must advance.
  size_t OverlapStart(const UnitRange& closed, size_t next) const {
    size_t start = next;
    size_t sum = 0;
    while (start - 1 > closed.first && units_[start - 1].section == units_[next].section &&
           sum + Estimate(start - 1) <= overlap_budget_) {
      sum += Estimate(start - 1);
      --start;
    }
    return start;
  }

  const std::vector<ChunkUnit>& units_;
  size_t target_;
  size_t overhead_;
  size_t overlap_budget_;
  std::vector<size_t> section_first_unit_;
  std::vector<bool> section_tiny_;
};

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

}  // namespace

Result<Chunker> Chunker::Create(ChunkerOptions options, TokenCounter count_tokens) {
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
  const size_t overhead = count_tokens(std::string_view());
  if (overhead >= options.max_tokens) {
    return Status::InvalidArgument("max_tokens (" + std::to_string(options.max_tokens) +
                                   ") must exceed the token count of empty text (" +
                                   std::to_string(overhead) + ")");
  }
  QUARRY_ASSIGN_OR_RETURN(text::SentenceSplitter splitter, text::SentenceSplitter::English());
  return Chunker(options, std::move(count_tokens), overhead, std::move(splitter));
}

Chunker::Chunker(ChunkerOptions options, TokenCounter count_tokens, size_t overhead,
                 text::SentenceSplitter splitter)
    : options_(options),
      count_tokens_(std::move(count_tokens)),
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
  const std::vector<UnitRange> ranges = Packer(units, sections.size(), options_, overhead_).Pack();

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
