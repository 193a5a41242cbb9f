#include "ingest/chunk_units.h"

#include "text/word_tokenizer.h"

namespace quarry::ingest {
namespace {

// Cuts an over-long sentence at the starts of its words. The first piece also
// starts at the sentence start, so leading punctuation is not lost.
Status CutSentence(std::string_view text, text::Span sentence, uint32_t section,
                   const TokenCounter& count_tokens, size_t target_tokens, size_t max_tokens,
                   std::vector<ChunkUnit>* units) {
  std::vector<uint32_t> starts = {sentence.begin};
  for (const text::Span& word : text::WordSpans(text::SpanText(text, sentence))) {
    if (word.begin > 0) starts.push_back(sentence.begin + word.begin);
  }
  std::vector<CountedSpan> pieces;
  QUARRY_RETURN_IF_ERROR(
      FitPieces(text, starts, sentence.end, target_tokens, max_tokens, count_tokens, &pieces));
  for (const CountedSpan& piece : pieces) units->push_back({piece.span, section, piece.tokens});
  return Status::Ok();
}

}  // namespace

Result<std::vector<ChunkUnit>> BuildChunkUnits(std::string_view text,
                                               const std::vector<Section>& sections,
                                               text::SentenceSplitter* splitter,
                                               const TokenCounter& count_tokens,
                                               size_t target_tokens, size_t max_tokens) {
  std::vector<ChunkUnit> units;
  for (size_t s = 0; s < sections.size(); ++s) {
    const text::Span section_span = sections[s].span;
    const auto section = static_cast<uint32_t>(s);
    for (text::Span sentence : splitter->Split(text::SpanText(text, section_span))) {
      sentence.begin += section_span.begin;
      sentence.end += section_span.begin;
      const size_t tokens = count_tokens(text::SpanText(text, sentence));
      if (tokens <= max_tokens) {
        units.push_back({sentence, section, tokens});
      } else {
        QUARRY_RETURN_IF_ERROR(
            CutSentence(text, sentence, section, count_tokens, target_tokens, max_tokens, &units));
      }
    }
  }
  return units;
}

}  // namespace quarry::ingest
