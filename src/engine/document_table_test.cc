// DocumentTable against std::unordered_map: inserts, finds, erases (the
// backward shift), growth and in-place relocation, over random operations.
#include "engine/document_table.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace quarry::engine {
namespace {

// The "segments" of these tests: source s holds ids_[s - 1], ordinal o is
// the index into it.
std::vector<std::vector<std::string>>* ids = nullptr;

std::string_view IdAt(const DocumentTable::Entry& e) { return (*ids)[e.source - 1][e.ordinal]; }

class DocumentTableTest : public ::testing::Test {
 protected:
  void SetUp() override { ids = &sources_; }
  void TearDown() override { ids = nullptr; }

  // Places `id` in source `s` and returns where.
  DocumentTable::Entry Place(uint64_t s, const std::string& id) {
    if (sources_.size() < s) sources_.resize(s);
    sources_[s - 1].push_back(id);
    return DocumentTable::Entry(s, static_cast<uint32_t>(sources_[s - 1].size() - 1));
  }

  std::vector<std::vector<std::string>> sources_;
};

TEST_F(DocumentTableTest, FindsWhatWasInsertedAndNothingElse) {
  DocumentTable table(&IdAt);
  EXPECT_EQ(table.Find("a"), nullptr);
  EXPECT_FALSE(table.Erase("a"));
  ASSERT_TRUE(table.Insert("a", Place(1, "a")));
  ASSERT_TRUE(table.Insert("b", Place(2, "b")));
  EXPECT_FALSE(table.Insert("a", Place(2, "a"))) << "a second entry for one id";
  EXPECT_EQ(table.size(), 2u);
  const DocumentTable::Entry* a = table.Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->source, 1u);
  EXPECT_EQ(a->ordinal, 0u);
  EXPECT_EQ(table.Find("c"), nullptr);
  EXPECT_EQ(table.Find(""), nullptr);
  EXPECT_TRUE(table.Erase("a"));
  EXPECT_EQ(table.Find("a"), nullptr);
  EXPECT_NE(table.Find("b"), nullptr);
  EXPECT_EQ(table.size(), 1u);
}

TEST_F(DocumentTableTest, AnEntryMovesInPlaceWhenItsDocumentMoves) {
  DocumentTable table(&IdAt);
  ASSERT_TRUE(table.Insert("doc", Place(1, "doc")));
  ASSERT_TRUE(table.Relocate("doc", Place(3, "doc")));  // a seal or merge: another segment
  EXPECT_FALSE(table.Relocate("other", Place(3, "other")));
  const DocumentTable::Entry* moved = table.Find("doc");
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->source, 3u);
  EXPECT_EQ(table.size(), 1u);
}

TEST_F(DocumentTableTest, ReserveAllocatesOnceForThatManyDocuments) {
  DocumentTable table(&IdAt);
  table.Reserve(1000);
  const size_t bytes = table.MemoryBytes();
  EXPECT_GE(bytes, 1000 * 16 * 4 / 3);
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "d" + std::to_string(i);
    ASSERT_TRUE(table.Insert(id, Place(1, id)));
  }
  EXPECT_EQ(table.MemoryBytes(), bytes) << "grew although reserved";
  EXPECT_LE(bytes, 4096u * 16) << "16-byte slots, at most 3/4 full, a power of two";
}

// Growing one insert at a time from 16 slots to a table past 2 MiB (whose
// slots move from the heap to a mapping): nothing is lost on the way, and
// erasing every other id leaves exactly the rest.
TEST_F(DocumentTableTest, GrowsFromTheHeapToMappedPagesWithoutLosingAnEntry) {
  DocumentTable table(&IdAt);
  constexpr int kIds = 300000;
  for (int i = 0; i < kIds; ++i) {
    const std::string id = "doc-" + std::to_string(i);
    ASSERT_TRUE(table.Insert(id, Place(1 + i % 3, id)));
  }
  EXPECT_GE(table.MemoryBytes(), size_t{2} << 20);
  for (int i = 0; i < kIds; i += 2) ASSERT_TRUE(table.Erase("doc-" + std::to_string(i)));
  EXPECT_EQ(table.size(), static_cast<size_t>(kIds / 2));
  for (int i = 0; i < kIds; ++i) {
    const std::string id = "doc-" + std::to_string(i);
    const DocumentTable::Entry* e = table.Find(id);
    ASSERT_EQ(e != nullptr, i % 2 == 1) << id;
    if (e != nullptr) EXPECT_EQ(IdAt(*e), id);
  }
}

// Random inserts and erases over a small id space (many collisions and long
// runs in a small table), checked against std::unordered_map after every
// step and in full now and then: an erase that shifts wrongly loses a
// later entry of the run.
TEST_F(DocumentTableTest, AgreesWithAReferenceMapUnderRandomChurn) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    sources_.clear();
    DocumentTable table(&IdAt);
    std::unordered_map<std::string, DocumentTable::Entry> reference;
    std::mt19937 rng(seed);
    for (int step = 0; step < 20000; ++step) {
      const std::string id = "id-" + std::to_string(rng() % 600);
      const bool present = reference.count(id) != 0;
      if (rng() % 3 != 0) {
        const DocumentTable::Entry e = Place(1 + rng() % 4, id);
        ASSERT_EQ(table.Insert(id, e), !present) << "step " << step;
        if (!present) reference.emplace(id, e);
      } else {
        ASSERT_EQ(table.Erase(id), present) << "step " << step;
        reference.erase(id);
      }
      ASSERT_EQ(table.size(), reference.size());
      if (step % 97 == 0) {
        for (const auto& [rid, e] : reference) {
          const DocumentTable::Entry* found = table.Find(rid);
          ASSERT_NE(found, nullptr) << rid << " lost at step " << step << " (seed " << seed << ")";
          EXPECT_EQ(found->source, e.source);
          EXPECT_EQ(found->ordinal, e.ordinal);
        }
      }
    }
    for (int i = 0; i < 600; ++i) {
      const std::string id = "id-" + std::to_string(i);
      EXPECT_EQ(table.Find(id) != nullptr, reference.count(id) != 0) << id;
    }
  }
}

}  // namespace
}  // namespace quarry::engine
