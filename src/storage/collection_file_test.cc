#include "storage/collection_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/testing/temp_dir.h"
#include "storage/collection_file_format.h"
#include "storage/file_util.h"

namespace quarry::storage {
namespace {

CollectionImage SampleImage() {
  CollectionImage image;
  image.config_json = R"({"embedder":{"type":"lexical","dimensions":4}})";
  image.embedder_fingerprint = "lexical-v1/d4";
  image.generation = 42;
  image.dimensions = 4;
  StoredDocument a;
  a.id = "docs/a.md";
  a.title = "A";
  a.source = "docs/a.md";
  a.media_type = "text/markdown";
  a.metadata_json = R"({"lang":"en"})";
  a.content_hash = "00ff";
  a.text = "# A\nFirst sentence. Second sentence ünïcode.";
  a.chunks.push_back({0, 20, 0, 20, 4, "A"});
  a.chunks.push_back({20, static_cast<uint32_t>(a.text.size()), 20, 44, 3, "A"});
  StoredDocument b;
  b.id = "b";
  b.text = "";
  image.documents = {a, b};
  image.vectors = {1, 0, 0, 0, 0, 1, 0, 0};
  return image;
}

void ExpectEqual(const CollectionImage& x, const CollectionImage& y) {
  EXPECT_EQ(x.config_json, y.config_json);
  EXPECT_EQ(x.embedder_fingerprint, y.embedder_fingerprint);
  EXPECT_EQ(x.generation, y.generation);
  EXPECT_EQ(x.dimensions, y.dimensions);
  ASSERT_EQ(x.documents.size(), y.documents.size());
  for (size_t i = 0; i < x.documents.size(); ++i) {
    const auto& a = x.documents[i];
    const auto& b = y.documents[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.metadata_json, b.metadata_json);
    EXPECT_EQ(a.text, b.text);
    ASSERT_EQ(a.chunks.size(), b.chunks.size());
    for (size_t c = 0; c < a.chunks.size(); ++c) {
      EXPECT_EQ(a.chunks[c].byte_end, b.chunks[c].byte_end);
      EXPECT_EQ(a.chunks[c].char_end, b.chunks[c].char_end);
      EXPECT_EQ(a.chunks[c].heading, b.chunks[c].heading);
    }
  }
  EXPECT_EQ(x.vectors, y.vectors);
}

TEST(CollectionFileTest, RoundTripThroughDisk) {
  testing::TempDir dir;
  CollectionImage image = SampleImage();
  ASSERT_TRUE(WriteCollectionFile(dir.path(), image).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.Sub(std::string(kCollectionFileName) + ".tmp")));
  auto loaded = ReadCollectionFile(dir.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectEqual(image, *loaded);
  // Rewriting replaces the whole content.
  image.generation = 43;
  image.documents.pop_back();
  ASSERT_TRUE(WriteCollectionFile(dir.path(), image).ok());
  loaded = ReadCollectionFile(dir.path());
  ASSERT_TRUE(loaded.ok());
  ExpectEqual(image, *loaded);
}

TEST(CollectionFileTest, EveryTruncationIsRefused) {
  std::string bytes = EncodeCollectionFile(SampleImage());
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = DecodeCollectionFile(std::string_view(bytes).substr(0, len));
    ASSERT_FALSE(r.ok()) << "truncated to " << len;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  }
  auto extended = DecodeCollectionFile(bytes + "x");
  EXPECT_EQ(extended.status().code(), StatusCode::kCorruption);
}

TEST(CollectionFileTest, EverySingleBitFlipIsRefused) {
  std::string bytes = EncodeCollectionFile(SampleImage());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      auto r = DecodeCollectionFile(flipped);
      ASSERT_FALSE(r.ok()) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(CollectionFileTest, ClearMessages) {
  std::string bytes = EncodeCollectionFile(SampleImage());
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_NE(DecodeCollectionFile(bad_magic).status().message().find("magic"), std::string::npos);
  auto truncated = DecodeCollectionFile(std::string_view(bytes).substr(0, bytes.size() - 3));
  EXPECT_NE(truncated.status().message().find("truncated"), std::string::npos);
  EXPECT_NE(DecodeCollectionFile("").status().message().find("shorter"), std::string::npos);
}

// A body that passes its checksum but lies about its contents (as a buggy or
// hostile writer could produce) must still be refused, not over-read.
TEST(CollectionFileTest, ValidChecksumHostileCountsAreRefused) {
  CollectionImage image = SampleImage();
  image.documents[0].chunks[0].byte_end = 1000000;  // past the text
  auto r = DecodeCollectionFile(EncodeCollectionFile(image));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("offsets"), std::string::npos);

  image = SampleImage();
  image.vectors.pop_back();  // one float short for the declared chunks
  r = DecodeCollectionFile(EncodeCollectionFile(image));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("vector section"), std::string::npos);

  image = SampleImage();
  image.dimensions = 0;
  EXPECT_FALSE(DecodeCollectionFile(EncodeCollectionFile(image)).ok());
}

TEST(CollectionFileTest, MissingFileIsNotFound) {
  testing::TempDir dir;
  EXPECT_EQ(ReadCollectionFile(dir.path()).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace quarry::storage
