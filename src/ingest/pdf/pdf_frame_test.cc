#include "ingest/pdf/pdf_frame.h"

#include <gtest/gtest.h>

#include <string>

#include "base/crc32c.h"

namespace quarry::ingest {
namespace {

// Recomputes the checksum of a frame edited by a test, so that the decoder
// gets past it to the field under test.
std::string Reseal(std::string frame) {
  uint32_t crc = crc32c::Value(frame.data(), 16);
  crc = crc32c::Extend(crc, frame.data() + kPdfFrameHeaderSize, frame.size() - kPdfFrameHeaderSize);
  for (int i = 0; i < 4; ++i) frame[16 + i] = static_cast<char>(crc >> (8 * i));
  return frame;
}

PdfText Sample() {
  PdfText t;
  t.title = "Überschrift — Начало";
  t.pages = {"First page\nline two", "", "Ελληνικά"};
  return t;
}

TEST(PdfFrameTest, TextRoundTrips) {
  const std::string frame = EncodePdfFrame(Sample());
  ASSERT_LE(frame.size(), MaxPdfFrameSize(PdfLimits{}));
  Result<PdfText> back = DecodePdfFrame(frame, PdfLimits{});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->title, Sample().title);
  EXPECT_EQ(back->pages, Sample().pages);
}

TEST(PdfFrameTest, EmptyDocumentRoundTrips) {
  Result<PdfText> back = DecodePdfFrame(EncodePdfFrame(PdfText{}), PdfLimits{});
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->title.empty());
  EXPECT_TRUE(back->pages.empty());
}

TEST(PdfFrameTest, ErrorRoundTripsWithItsCode) {
  const Status sent = Status::NotSupported("encrypted PDF (a password is required)");
  Result<PdfText> back = DecodePdfFrame(EncodePdfFrame(sent), PdfLimits{});
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(back.status().message(), sent.message());
}

TEST(PdfFrameTest, LongErrorMessageIsCutAtACodePoint) {
  std::string message;
  while (message.size() < 2 * kPdfFrameMaxMessage) message += "é";
  Result<PdfText> back =
      DecodePdfFrame(EncodePdfFrame(Status::InvalidArgument(message + "x")), PdfLimits{});
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), StatusCode::kInvalidArgument);
  EXPECT_LE(back.status().message().size(), kPdfFrameMaxMessage);
  EXPECT_EQ(back.status().message().size() % 2, 0u);  // whole "é"s only
}

void ExpectMalformed(const Result<PdfText>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal) << r.status().ToString();
  EXPECT_NE(r.status().message().find("malformed helper output"), std::string::npos)
      << r.status().message();
}

TEST(PdfFrameTest, EveryTruncationIsRefused) {
  const std::string frame = EncodePdfFrame(Sample());
  for (size_t n = 0; n < frame.size(); ++n) {
    SCOPED_TRACE(n);
    ExpectMalformed(DecodePdfFrame(std::string_view(frame).substr(0, n), PdfLimits{}));
  }
}

TEST(PdfFrameTest, EveryBitFlipIsRefused) {
  for (const std::string& frame :
       {EncodePdfFrame(Sample()), EncodePdfFrame(Status::InvalidArgument("damaged PDF"))}) {
    for (size_t i = 0; i < frame.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string bad = frame;
        bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
        SCOPED_TRACE(std::to_string(i) + ":" + std::to_string(bit));
        ExpectMalformed(DecodePdfFrame(bad, PdfLimits{}));
      }
    }
  }
}

TEST(PdfFrameTest, TrailingBytesAreRefused) {
  ExpectMalformed(DecodePdfFrame(EncodePdfFrame(Sample()) + "x", PdfLimits{}));
  ExpectMalformed(DecodePdfFrame(EncodePdfFrame(Sample()) + EncodePdfFrame(Sample()), PdfLimits{}));
}

TEST(PdfFrameTest, OutputOverTheLimitsIsRefused) {
  // A helper that ignored its limits: the parent checks them again.
  PdfLimits limits;
  limits.max_pages = 2;
  ExpectMalformed(DecodePdfFrame(EncodePdfFrame(Sample()), limits));
  limits = PdfLimits{};
  limits.max_chars = 10;
  ExpectMalformed(DecodePdfFrame(EncodePdfFrame(Sample()), limits));
}

TEST(PdfFrameTest, InvalidUtf8AndNulAreRefused) {
  PdfText bad;
  bad.pages = {"ok", "\xC3("};
  ExpectMalformed(DecodePdfFrame(EncodePdfFrame(bad), PdfLimits{}));
  bad.pages = {std::string("a\0b", 3)};
  ExpectMalformed(DecodePdfFrame(EncodePdfFrame(bad), PdfLimits{}));
  bad.pages = {};
  bad.title = "\xFF";
  ExpectMalformed(DecodePdfFrame(EncodePdfFrame(bad), PdfLimits{}));
}

TEST(PdfFrameTest, ResealedFramesWithBadFieldsAreRefused) {
  const std::string error = EncodePdfFrame(Status::InvalidArgument("x"));
  EXPECT_EQ(DecodePdfFrame(Reseal(error), PdfLimits{}).status().code(),
            StatusCode::kInvalidArgument);  // Reseal itself changes nothing
  for (char code : {'\0', '\xC8'}) {        // kOk, and no code at all
    std::string bad = error;
    bad[kPdfFrameHeaderSize] = code;
    ExpectMalformed(DecodePdfFrame(Reseal(bad), PdfLimits{}));
  }
  std::string bad = EncodePdfFrame(Sample());
  bad[6] = 7;  // kind
  ExpectMalformed(DecodePdfFrame(Reseal(bad), PdfLimits{}));
  bad = EncodePdfFrame(Sample());
  bad[4] = 2;  // version
  ExpectMalformed(DecodePdfFrame(Reseal(bad), PdfLimits{}));
  bad = EncodePdfFrame(Sample());
  bad[kPdfFrameHeaderSize] = '\xFF';  // page count far beyond the payload
  ExpectMalformed(DecodePdfFrame(Reseal(bad), PdfLimits{.max_pages = 1000}));
}

TEST(PdfFrameTest, MaxFrameSizeCoversTheLargestAllowedText) {
  PdfLimits limits;
  limits.max_pages = 3;
  limits.max_chars = 30;
  PdfText t;
  t.title = std::string(10, 'x');
  t.pages = {"\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600", std::string(10, 'y'),
             "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600"};
  const std::string frame = EncodePdfFrame(t);
  EXPECT_TRUE(DecodePdfFrame(frame, limits).ok());
  EXPECT_LE(frame.size(), MaxPdfFrameSize(limits));
}

}  // namespace
}  // namespace quarry::ingest
