#include "ingest/chunker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <span>
#include <limits>
#include <string>
#include <vector>

#include "ingest/markdown_sections.h"
#include "quarry/document.h"
#include "text/utf8.h"
#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

// Whitespace-separated words: additive up to joins.
size_t CountSpaceWords(std::string_view s) {
  size_t count = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++count;
    in_word = !space;
  }
  return count;
}

// Words plus one per piece, like a tokenizer adding a special token: not additive.
size_t CountWordsPlusOne(std::string_view s) { return CountSpaceWords(s) + 1; }

// Adds 5 for every sentence join (". " inside the text): joins cost more than
// the parts, so chunks packed by summing unit counts come out too large.
size_t CountWithJoinPenalty(std::string_view s) {
  size_t joins = 0;
  for (size_t i = s.find(". "); i != std::string_view::npos; i = s.find(". ", i + 1)) ++joins;
  return CountSpaceWords(s) + 5 * joins;
}

Chunker MakeChunker(uint32_t target, uint32_t max, double overlap, TokenCounter counter) {
  Result<Chunker> chunker = Chunker::Create({target, max, overlap}, std::move(counter));
  EXPECT_TRUE(chunker.ok()) << chunker.status().ToString();
  return std::move(chunker).value();
}

// Checks every guarantee of chunker.h that does not depend on the options.
void CheckChunks(std::string_view text, const std::vector<ChunkPiece>& chunks,
                 const TokenCounter& counter, uint32_t max_tokens) {
  std::vector<bool> covered(text.size(), false);
  std::vector<uint32_t> chars_before(text.size() + 1, 0);  // code points before each byte
  for (size_t b = 0; b < text.size(); ++b) {
    chars_before[b + 1] = chars_before[b] + !text::IsContinuationByte(text[b]);
  }
  uint32_t previous_begin = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const ChunkPiece& c = chunks[i];
    ASSERT_LT(c.byte_begin, c.byte_end);
    ASSERT_LE(c.byte_end, text.size());
    if (i > 0) {
      EXPECT_LT(previous_begin, c.byte_begin) << "chunk " << i << " does not advance";
    }
    previous_begin = c.byte_begin;
    const std::string_view chunk_text = text.substr(c.byte_begin, c.byte_end - c.byte_begin);
    EXPECT_TRUE(text::IsValidUtf8(chunk_text));
    EXPECT_EQ(c.tokens, counter(chunk_text)) << "chunk " << i;
    EXPECT_LE(c.tokens, max_tokens) << "chunk " << i;
    const text::Span span{c.byte_begin, c.byte_end};
    EXPECT_EQ(text::TrimWhitespace(text, span), span) << "chunk " << i << " is not trimmed";
    EXPECT_EQ(c.char_begin, chars_before[c.byte_begin]);
    EXPECT_EQ(c.char_end, chars_before[c.byte_end]);
    for (uint32_t b = c.byte_begin; b < c.byte_end; ++b) covered[b] = true;
  }
  for (size_t pos = 0; pos < text.size();) {
    const size_t at = pos;
    const char32_t cp = text::DecodeCodePoint(text, &pos);
    if (!text::IsWhitespace(cp)) {
      ASSERT_TRUE(covered[at]) << "byte " << at << " is in no chunk";
    }
  }
}

// "Sentence number <i> has five words." style sentences: `words` words each.
std::string Sentences(int count, int words) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += 'S';
    out += std::to_string(i);
    for (int w = 1; w < words; ++w) out += " w";
    out += ". ";
  }
  return out;
}

TEST(ChunkerTest, RejectsBadOptions) {
  const auto message_of = [](ChunkerOptions options, TokenCounter counter = CountSpaceWords) {
    Result<Chunker> chunker = Chunker::Create(options, std::move(counter));
    EXPECT_FALSE(chunker.ok());
    EXPECT_EQ(chunker.status().code(), StatusCode::kInvalidArgument);
    return chunker.status().message();
  };
  EXPECT_NE(message_of({0, 512, 0.1}).find("target_tokens"), std::string::npos);
  EXPECT_NE(message_of({256, 100, 0.1}).find("max_tokens"), std::string::npos);
  EXPECT_NE(message_of({256, 512, 0.6}).find("overlap"), std::string::npos);
  EXPECT_NE(message_of({256, 512, -0.1}).find("overlap"), std::string::npos);
  EXPECT_NE(message_of({256, 512, std::nan("")}).find("overlap"), std::string::npos);
  EXPECT_NE(message_of({256, 512, 0.1}, nullptr).find("count_tokens"), std::string::npos);
  // A counter whose empty text already fills max_tokens can fit nothing.
  EXPECT_NE(message_of({2, 2, 0.1}, [](std::string_view) { return size_t{2}; }).find("max_tokens"),
            std::string::npos);
  EXPECT_TRUE(Chunker::Create({1, 1, 0.0}, CountSpaceWords).ok());
  EXPECT_TRUE(Chunker::Create({256, 256, 0.5}, CountSpaceWords).ok());
}

TEST(ChunkerTest, RejectsBadInput) {
  Chunker chunker = MakeChunker(16, 32, 0.1, CountSpaceWords);
  EXPECT_EQ(chunker.Chunk("x", "application/pdf").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(chunker.Chunk("bad \xFF utf8", kMediaTypePlainText).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ChunkerTest, BlankDocumentsHaveNoChunks) {
  Chunker chunker = MakeChunker(16, 32, 0.1, CountSpaceWords);
  for (const char* media_type : {kMediaTypePlainText, kMediaTypeMarkdown}) {
    for (const char* text : {"", "   ", "\n\n\t \u3000\n"}) {
      Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, media_type);
      ASSERT_TRUE(chunks.ok());
      EXPECT_TRUE(chunks->empty());
    }
  }
}

TEST(ChunkerTest, ShortDocumentIsOneChunk) {
  Chunker chunker = MakeChunker(16, 32, 0.1, CountSpaceWords);
  const std::string text = "  Hello world. Second sentence.\n";
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(chunks->size(), 1u);
  EXPECT_EQ(text.substr((*chunks)[0].byte_begin, (*chunks)[0].byte_end - (*chunks)[0].byte_begin),
            "Hello world. Second sentence.");
  EXPECT_EQ((*chunks)[0].tokens, 4u);
  EXPECT_EQ((*chunks)[0].heading_path, "");
}

TEST(ChunkerTest, PacksWholeSentencesUpToTarget) {
  Chunker chunker = MakeChunker(20, 40, 0.0, CountSpaceWords);
  const std::string text = Sentences(50, 5);  // 250 words
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  CheckChunks(text, *chunks, CountSpaceWords, 40);
  ASSERT_EQ(chunks->size(), 13u);  // 4 sentences (20 words) per chunk, then 2 left
  for (size_t i = 0; i + 1 < chunks->size(); ++i) {
    EXPECT_EQ((*chunks)[i].tokens, 20u);
    EXPECT_EQ(text[(*chunks)[i].byte_end - 1], '.');                // ends at a sentence end
    EXPECT_LE((*chunks)[i].byte_end, (*chunks)[i + 1].byte_begin);  // no overlap asked
  }
}

TEST(ChunkerTest, NextChunkStartsWithPreviousLastSentence) {
  // Sentences of 5 words, target 20, overlap budget 0.25 * 20 = 5: exactly one sentence.
  Chunker chunker = MakeChunker(20, 40, 0.25, CountSpaceWords);
  const std::string text = Sentences(40, 5);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  CheckChunks(text, *chunks, CountSpaceWords, 40);
  ASSERT_GT(chunks->size(), 3u);
  for (size_t i = 0; i + 1 < chunks->size(); ++i) {
    const ChunkPiece& a = (*chunks)[i];
    const ChunkPiece& b = (*chunks)[i + 1];
    ASSERT_LT(b.byte_begin, a.byte_end) << "no overlap after chunk " << i;
    const std::string shared(text.substr(b.byte_begin, a.byte_end - b.byte_begin));
    EXPECT_EQ(CountSpaceWords(shared), 5u) << shared;  // one whole sentence
    EXPECT_EQ(shared.back(), '.');
    EXPECT_EQ(shared[0], 'S');
  }
}

TEST(ChunkerTest, OverlapThatDoesNotFitTheBudgetIsLeftOut) {
  // Budget 0.1 * 20 = 2 words; every sentence has 5.
  Chunker chunker = MakeChunker(20, 40, 0.1, CountSpaceWords);
  const std::string text = Sentences(40, 5);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  for (size_t i = 0; i + 1 < chunks->size(); ++i) {
    EXPECT_LE((*chunks)[i].byte_end, (*chunks)[i + 1].byte_begin);
  }
}

TEST(ChunkerTest, NoChunkCrossesAHeading) {
  std::string md;
  for (const char* heading :
       {"# Guide\n", "## Install\n", "### From source\n", "## Use\n", "# API\n"}) {
    md += heading;
    md += Sentences(12, 4);  // 48 words: not tiny for target 30
    md += "\n\n";
  }
  Chunker chunker = MakeChunker(30, 60, 0.2, CountSpaceWords);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(md, kMediaTypeMarkdown);
  ASSERT_TRUE(chunks.ok());
  CheckChunks(md, *chunks, CountSpaceWords, 60);
  const std::vector<Section> sections = SplitMarkdownSections(md);
  ASSERT_EQ(sections.size(), 5u);
  std::vector<int> per_section(sections.size(), 0);
  for (const ChunkPiece& chunk : *chunks) {
    int inside = -1;
    for (size_t s = 0; s < sections.size(); ++s) {
      if (chunk.byte_begin >= sections[s].span.begin && chunk.byte_end <= sections[s].span.end) {
        inside = static_cast<int>(s);
      }
    }
    ASSERT_GE(inside, 0) << "chunk at " << chunk.byte_begin << " crosses a heading";
    EXPECT_EQ(chunk.heading_path, sections[inside].heading_path);
    ++per_section[inside];
  }
  for (int count : per_section) EXPECT_GE(count, 2);
  EXPECT_EQ((*chunks)[0].heading_path, "Guide");
  EXPECT_EQ(chunks->back().heading_path, "API");
  bool saw_nested = false;
  for (const ChunkPiece& chunk : *chunks)
    saw_nested |= chunk.heading_path == "Guide > Install > From source";
  EXPECT_TRUE(saw_nested);
}

TEST(ChunkerTest, TinySectionMergesIntoTheNextOne) {
  const std::string md = "# Title\n\n## Intro\n" + Sentences(10, 5) + "\n## Small\nTiny tail.\n";
  Chunker chunker = MakeChunker(20, 40, 0.0, CountSpaceWords);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(md, kMediaTypeMarkdown);
  ASSERT_TRUE(chunks.ok());
  CheckChunks(md, *chunks, CountSpaceWords, 40);
  ASSERT_GE(chunks->size(), 3u);
  // "# Title" (2 words) is tiny: it opens the first chunk, which runs into "Intro"
  // and keeps the first section's heading path.
  const ChunkPiece& first = (*chunks)[0];
  EXPECT_EQ(first.byte_begin, 0u);
  EXPECT_NE(md.substr(first.byte_begin, first.byte_end - first.byte_begin).find("## Intro"),
            std::string::npos);
  EXPECT_EQ(first.heading_path, "Title");
  EXPECT_EQ((*chunks)[1].heading_path, "Title > Intro");
  // A tiny last section has nothing to merge into: it stands alone.
  const ChunkPiece& last = chunks->back();
  EXPECT_EQ(md.substr(last.byte_begin, last.byte_end - last.byte_begin), "## Small\nTiny tail.");
  EXPECT_EQ(last.heading_path, "Title > Small");
}

TEST(ChunkerTest, LongSentenceWithoutPunctuationIsCutAtWords) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "word" + std::to_string(i) + (i % 7 == 0 ? ", " : " ");
  for (const TokenCounter& counter :
       {TokenCounter(CountSpaceWords), TokenCounter(CountWordsPlusOne)}) {
    Chunker chunker = MakeChunker(100, 128, 0.1, counter);
    Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
    ASSERT_TRUE(chunks.ok());
    CheckChunks(text, *chunks, counter, 128);
    EXPECT_GE(chunks->size(), 40u);
    EXPECT_LE(chunks->size(), 60u);
    for (const ChunkPiece& chunk : *chunks) {
      // Cuts fall between words: a chunk starts with a word and ends with one or its comma.
      EXPECT_EQ(text.compare(chunk.byte_begin, 4, "word"), 0);
      const char last = text[chunk.byte_end - 1];
      EXPECT_TRUE((last >= '0' && last <= '9') || last == ',');
    }
  }
}

TEST(ChunkerTest, OverlongWordIsCutAtCodePoints) {
  // A base64-like blob: one "word" of 4,000 characters, with multibyte ones in it.
  std::string blob;
  for (int i = 0; i < 1000; ++i) blob += "aZ9é";
  const std::string text = "Intro sentence. " + blob + " Outro.";
  const TokenCounter per_4_bytes = [](std::string_view s) { return (s.size() + 3) / 4; };
  Chunker chunker = MakeChunker(50, 64, 0.1, per_4_bytes);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
  CheckChunks(text, *chunks, per_4_bytes, 64);
  EXPECT_GE(chunks->size(), 20u);
}

TEST(ChunkerTest, CharacterThatCannotFitIsAnError) {
  Chunker chunker = MakeChunker(3, 3, 0.0, [](std::string_view s) { return s.size(); });
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk("ab 😀", kMediaTypePlainText);
  ASSERT_FALSE(chunks.ok());
  EXPECT_EQ(chunks.status().code(), StatusCode::kInvalidArgument);
}

TEST(ChunkerTest, NonAdditiveCountersStillRespectMaxTokens) {
  const std::string text = Sentences(60, 4) + "\n\n" + Sentences(30, 9);
  for (const TokenCounter& counter :
       {TokenCounter(CountWordsPlusOne), TokenCounter(CountWithJoinPenalty)}) {
    Chunker chunker = MakeChunker(20, 24, 0.25, counter);
    Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
    ASSERT_TRUE(chunks.ok());
    CheckChunks(text, *chunks, counter, 24);
  }
  // With the join penalty, summing sentence counts would give 5-sentence chunks
  // of 20 words that really count 40; they must have been re-cut.
  Chunker chunker = MakeChunker(20, 24, 0.0, CountWithJoinPenalty);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(Sentences(60, 4), kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  for (const ChunkPiece& chunk : *chunks) EXPECT_LE(chunk.tokens, 20u);
}

TEST(ChunkerTest, MultibyteTextKeepsCharOffsetsRight) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "Ünïcödé 😀 text " + std::to_string(i) + " 日本語です。 ";
  Chunker chunker = MakeChunker(12, 24, 0.3, CountSpaceWords);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  ASSERT_GT(chunks->size(), 3u);
  CheckChunks(text, *chunks, CountSpaceWords, 24);
}

TEST(ChunkerTest, WorkIsLinearInTheText) {
  // ~2 MB of prose; count every byte handed to the counter. Quadratic recounting
  // would hand it gigabytes.
  std::string text;
  while (text.size() < (2u << 20)) text += Sentences(20, 11) + "\n\n";
  size_t counted = 0;
  const TokenCounter counter = [&counted](std::string_view s) {
    counted += s.size();
    return CountSpaceWords(s);
  };
  Chunker chunker = MakeChunker(256, 512, 0.1, counter);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  EXPECT_LT(counted, 3 * text.size());
  CheckChunks(text, *chunks, CountSpaceWords, 512);
}

TEST(ChunkerTest, CopiesChunkIndependently) {
  Chunker original = MakeChunker(20, 40, 0.1, CountSpaceWords);
  Chunker copy = original;
  const std::string text = Sentences(30, 5);
  Result<std::vector<ChunkPiece>> a = original.Chunk(text, kMediaTypePlainText);
  Result<std::vector<ChunkPiece>> b = copy.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) EXPECT_EQ((*a)[i].byte_begin, (*b)[i].byte_begin);
}

// Sections given by an extractor: chunks stay inside them and carry their
// heading path and page; a tiny one runs into the next as in Markdown.
TEST(ChunkerTest, GivenSectionsBoundChunks) {
  std::string text;
  std::vector<DocumentSection> sections;
  for (uint32_t page = 1; page <= 3; ++page) {
    const auto begin = static_cast<uint32_t>(text.size());
    text += Sentences(12, 4) + "\n\n";
    sections.push_back({begin, static_cast<uint32_t>(text.size()), "P" + std::to_string(page),
                        page});
  }
  Chunker chunker = MakeChunker(30, 60, 0.2, CountSpaceWords);
  Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypePdf, sections);
  ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
  CheckChunks(text, *chunks, CountSpaceWords, 60);
  for (const ChunkPiece& chunk : *chunks) {
    ASSERT_GE(chunk.page, 1u);
    const DocumentSection& s = sections[chunk.page - 1];
    EXPECT_GE(chunk.byte_begin, s.byte_begin);
    EXPECT_LE(chunk.byte_end, s.byte_end);
    EXPECT_EQ(chunk.heading_path, s.heading_path);
  }
  // Markdown given sections is cut along them, not along its headings.
  const std::string md = "# A\nOne two.\n# B\nThree four.\n";
  Result<std::vector<ChunkPiece>> whole =
      chunker.Chunk(md, kMediaTypeMarkdown, {{0, static_cast<uint32_t>(md.size()), "All", 0}});
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->size(), 1u);
  EXPECT_EQ((*whole)[0].heading_path, "All");
  // No sections and a media type other than Markdown: one section.
  Result<std::vector<ChunkPiece>> html = chunker.Chunk("# not a heading", kMediaTypeHtml, {});
  ASSERT_TRUE(html.ok());
  ASSERT_EQ(html->size(), 1u);
  EXPECT_EQ((*html)[0].heading_path, "");
}

TEST(ChunkerTest, GivenTinySectionRunsIntoTheNext) {
  const std::string text = "Title\n\n" + Sentences(10, 5);
  Chunker chunker = MakeChunker(20, 40, 0.0, CountSpaceWords);
  Result<std::vector<ChunkPiece>> chunks =
      chunker.Chunk(text, kMediaTypeHtml,
                    {{0, 7, "Title", 0}, {7, static_cast<uint32_t>(text.size()), "Body", 0}});
  ASSERT_TRUE(chunks.ok());
  ASSERT_GE(chunks->size(), 2u);
  EXPECT_EQ((*chunks)[0].byte_begin, 0u);
  EXPECT_GT((*chunks)[0].byte_end, 7u);
  EXPECT_EQ((*chunks)[0].heading_path, "Title");
}

TEST(ChunkerTest, RejectsBadGivenSections) {
  Chunker chunker = MakeChunker(20, 40, 0.0, CountSpaceWords);
  const std::string text = "caf\xC3\xA9 au lait";  // "café au lait"
  const auto code = [&](std::vector<DocumentSection> sections) {
    return chunker.Chunk(text, kMediaTypeHtml, sections).status().code();
  };
  EXPECT_EQ(code({{0, 99, "", 0}}), StatusCode::kInvalidArgument);             // past the end
  EXPECT_EQ(code({{5, 3, "", 0}}), StatusCode::kInvalidArgument);              // reversed
  EXPECT_EQ(code({{0, 4, "", 0}}), StatusCode::kInvalidArgument);              // inside "é"
  EXPECT_EQ(code({{0, 6, "", 0}, {5, 9, "", 0}}), StatusCode::kInvalidArgument);  // overlap
  EXPECT_EQ(code({{0, 5, "", 0}, {5, 13, "", 0}}), StatusCode::kOk);
  // Blank sections are dropped; text outside every section is in no chunk.
  Result<std::vector<ChunkPiece>> chunks =
      chunker.Chunk(text, kMediaTypeHtml, {{0, 0, "", 0}, {6, 13, "", 0}});
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(chunks->size(), 1u);
  EXPECT_EQ((*chunks)[0].byte_begin, 6u);
}

// The semantic strategy's sentence embedder for these tests: a bag of the
// words of four letters or more, cut to their first five letters (a crude
// stem), hashed into 1024 buckets and L2-normalized. It stands for the
// collection's embedder (the engine tests use the real lexical one); like it,
// texts sharing words are close.
SentenceEmbedder BagOfWords() {
  constexpr size_t kDims = 1024;
  SentenceEmbedder e;
  e.dimensions = kDims;
  e.embed = [](std::span<const std::string_view> texts, std::span<float> out) {
    for (size_t t = 0; t < texts.size(); ++t) {
      std::span<float> row = out.subspan(t * kDims, kDims);
      std::fill(row.begin(), row.end(), 0.0f);
      std::string word;
      for (char c : std::string(texts[t]) + " ") {
        if (std::isalpha(static_cast<unsigned char>(c))) {
          word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          continue;
        }
        if (word.size() >= 4) row[std::hash<std::string>{}(word.substr(0, 5)) % kDims] += 1.0f;
        word.clear();
      }
      float norm = 0;
      for (float x : row) norm += x * x;
      for (float& x : row) x = norm > 0 ? x / std::sqrt(norm) : 0.0f;
    }
    return Status::Ok();
  };
  return e;
}

Chunker MakeSemanticChunker(uint32_t target, uint32_t max, double percentile,
                            TokenCounter counter = CountSpaceWords) {
  ChunkerOptions options{target, max, 0.1};
  options.strategy = ChunkingStrategy::kSemantic;
  options.breakpoint_percentile = percentile;
  Result<Chunker> chunker = Chunker::Create(options, std::move(counter), BagOfWords());
  EXPECT_TRUE(chunker.ok()) << chunker.status().ToString();
  return std::move(chunker).value();
}

constexpr std::string_view kVolcanoes =
    "Volcanoes form where magma rises through cracks in the crust. "
    "The magma chamber beneath a volcano fills slowly over centuries. "
    "When pressure in the magma chamber grows, the volcano erupts lava and ash. "
    "Lava flows from the volcano crater and cools into basalt rock. "
    "Volcanic ash from an eruption can travel across whole continents. "
    "Geologists measure volcano pressure and magma movement with seismic sensors. ";
constexpr std::string_view kBread =
    "Bread dough needs flour, water, salt and yeast. "
    "Knead the bread dough until the flour and water form a smooth elastic ball. "
    "Yeast in the dough ferments sugar and makes the bread rise. "
    "Shape the risen dough into loaves and bake the bread in a hot oven. "
    "A good bread crust comes from steam in the oven during baking. "
    "Let the baked loaves cool before slicing the bread.";

TEST(ChunkerSemanticTest, BreaksWhereTwoGluedTopicsMeet) {
  const std::string text = std::string(kVolcanoes) + std::string(kBread);
  const uint32_t topic_change = static_cast<uint32_t>(kVolcanoes.size());
  // The whole text (about 130 words) fits the cap: only the topic change cuts it.
  Chunker semantic = MakeSemanticChunker(40, 200, 95);
  Result<std::vector<ChunkPiece>> chunks = semantic.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
  CheckChunks(text, *chunks, CountSpaceWords, 200);
  ASSERT_EQ(chunks->size(), 2u);
  EXPECT_EQ((*chunks)[0].byte_begin, 0u);
  EXPECT_EQ((*chunks)[1].byte_begin, topic_change);
  EXPECT_EQ((*chunks)[0].byte_end, topic_change - 1);  // trimmed of the space
  // The structure strategy cuts by size instead, not at the topic change.
  Chunker structure = MakeChunker(40, 200, 0.1, CountSpaceWords);
  Result<std::vector<ChunkPiece>> packed = structure.Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(packed.ok());
  for (const ChunkPiece& c : *packed) EXPECT_NE(c.byte_begin, topic_change);
}

TEST(ChunkerSemanticTest, PercentileHundredKeepsATextThatFitsWhole) {
  const std::string text = std::string(kVolcanoes) + std::string(kBread);
  Result<std::vector<ChunkPiece>> chunks =
      MakeSemanticChunker(40, 200, 100).Chunk(text, kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  EXPECT_EQ(chunks->size(), 1u);
}

TEST(ChunkerSemanticTest, LongSectionsStayUnderTheCap) {
  // One topic repeated at length in Markdown sections, with a counter that
  // is not additive: every chunk must still fit max_tokens exactly.
  std::string text = "# Volcanoes\n\n";
  for (int i = 0; i < 30; ++i) text += kVolcanoes;
  text += "\n\n# Bread\n\n";
  for (int i = 0; i < 30; ++i) text += kBread;
  for (double percentile : {50.0, 95.0}) {
    Chunker chunker = MakeSemanticChunker(64, 100, percentile, CountWithJoinPenalty);
    Result<std::vector<ChunkPiece>> chunks = chunker.Chunk(text, kMediaTypeMarkdown);
    ASSERT_TRUE(chunks.ok()) << chunks.status().ToString();
    CheckChunks(text, *chunks, CountWithJoinPenalty, 100);
    const size_t bread = text.find("# Bread");
    for (const ChunkPiece& c : *chunks) {
      EXPECT_TRUE(c.byte_end <= bread || c.byte_begin >= bread) << "a chunk crosses a heading";
      EXPECT_EQ(c.heading_path, c.byte_begin < bread ? "Volcanoes" : "Bread");
    }
  }
}

TEST(ChunkerSemanticTest, RejectsBadOptionsAndReportsEmbedderErrors) {
  ChunkerOptions options{40, 200, 0.1};
  options.strategy = ChunkingStrategy::kSemantic;
  Result<Chunker> no_embedder = Chunker::Create(options, CountSpaceWords);
  EXPECT_NE(no_embedder.status().message().find("sentence embedder"), std::string::npos);
  for (double bad : {0.0, -5.0, 100.5, std::nan("")}) {
    options.breakpoint_percentile = bad;
    Result<Chunker> chunker = Chunker::Create(options, CountSpaceWords, BagOfWords());
    EXPECT_NE(chunker.status().message().find("breakpoint_percentile"), std::string::npos) << bad;
  }
  options.breakpoint_percentile = 95;
  SentenceEmbedder failing{8, [](std::span<const std::string_view>, std::span<float>) {
                             return Status::Unavailable("model down");
                           }};
  Result<Chunker> chunker = Chunker::Create(options, CountSpaceWords, failing);
  ASSERT_TRUE(chunker.ok());
  Result<std::vector<ChunkPiece>> chunks = chunker->Chunk(kVolcanoes, kMediaTypePlainText);
  EXPECT_EQ(chunks.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(chunks.status().message().find("model down"), std::string::npos);
  // A blank document embeds nothing and has no chunks.
  chunks = chunker->Chunk("  \n ", kMediaTypePlainText);
  ASSERT_TRUE(chunks.ok());
  EXPECT_TRUE(chunks->empty());
}

}  // namespace
}  // namespace quarry::ingest
