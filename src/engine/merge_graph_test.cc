// A merge of segments that have HNSW graphs (at least
// vectors.full_scan_threshold rows) starts the merged graph from its largest
// input without deleted documents (CollectionImpl::MergeSegments; the graph
// copy itself is tested in hnsw_seeded_build_test.cc): CollectionInfo counts
// the rows whose links were kept. Whichever input that is, every document
// stays findable by a vector search through the merged graph, a sparse one
// here (m 6) so that a broken graph shows.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/testing/temp_dir.h"
#include "quarry/engine.h"

namespace quarry {
namespace {

using testing::TempDir;

constexpr int kSegmentDocs[] = {30, 45, 60, 40};  // the third is the largest

std::string IdOf(int segment, int i) {
  return "s" + std::to_string(segment) + "-" + std::to_string(i);
}

// Distinct words per document, so that a document's own text finds it first.
std::string TextOf(int segment, int i) {
  return "keeper w" + std::to_string(segment) + "x" + std::to_string(i) + " of lighthouse l" +
         std::to_string(i % 7) + " on coast c" + std::to_string(segment);
}

// Merges four graph-bearing segments, after deleting `deleted` (may be
// empty), checks that the merge kept the links of `seeded_rows` rows, and
// that every other document is its own best vector hit.
void MergeAndFindEveryDocument(const std::string& deleted, uint64_t seeded_rows) {
  TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path(), .background_merges = false});
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  CollectionConfig config;
  config.embedder.dimensions = 256;
  config.storage.seal_rows = 1000000;       // seals only on Flush
  config.vectors.full_scan_threshold = 20;  // every segment here has a graph
  config.vectors.m = 6;
  config.vectors.ef_construct = 24;
  config.vectors.ef = 24;
  auto created = (*engine)->CreateCollection("c", config);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Collection& c = **created;
  for (int s = 0; s < 4; ++s) {
    std::vector<DocumentInput> docs(kSegmentDocs[s]);
    for (int i = 0; i < kSegmentDocs[s]; ++i) {
      docs[i].id = IdOf(s, i);
      docs[i].text = TextOf(s, i);
    }
    ASSERT_TRUE(c.Upsert(docs).ok());
    ASSERT_TRUE(c.Flush().ok());
  }
  if (!deleted.empty()) {
    ASSERT_TRUE(c.DeleteDocument(deleted).ok());
  }
  ASSERT_EQ(c.Info().sealed_segments, 4u);
  ASSERT_TRUE(c.Compact().ok());
  const CollectionInfo info = c.Info();
  ASSERT_EQ(info.sealed_segments, 1u);
  const uint64_t total = 30 + 45 + 60 + 40 - (deleted.empty() ? 0 : 1);
  EXPECT_EQ(info.documents, total);
  EXPECT_EQ(info.merges, 1u);
  EXPECT_EQ(info.merged_rows, total);  // a chunk per document
  EXPECT_EQ(info.merge_seeded_rows, seeded_rows);

  size_t found = 0, asked = 0;
  for (int s = 0; s < 4; ++s) {
    for (int i = 0; i < kSegmentDocs[s]; ++i) {
      if (IdOf(s, i) == deleted) continue;
      ++asked;
      auto r = c.Search({.query = TextOf(s, i), .k = 3, .mode = SearchMode::kVector});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      found += !r->hits.empty() && r->hits[0].document_id == IdOf(s, i);
      for (const SearchHit& hit : r->hits) EXPECT_NE(hit.document_id, deleted);
    }
  }
  EXPECT_EQ(asked, total);
  // A graph search, not an exact one: allow a miss or two.
  EXPECT_GE(found, asked - 2) << found << " of " << asked << " found first";
}

TEST(MergeGraphTest, TheLargestInputSeedsTheGraphAndEveryDocumentIsFound) {
  MergeAndFindEveryDocument("", /*seeded_rows=*/60);
}

TEST(MergeGraphTest, AnInputWithADeletedDocumentDoesNotSeedTheGraph) {
  // The largest input loses a document: the next largest seeds instead.
  MergeAndFindEveryDocument(IdOf(2, 17), /*seeded_rows=*/45);
}

}  // namespace
}  // namespace quarry
