// Search through the engine: keyword, vector and hybrid modes over the
// mutable and sealed segments, filters against a brute-force reference,
// grouping, pagination, snippets, explanations, and hostile requests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/testing/temp_dir.h"
#include "engine/collection_impl.h"
#include "lexical/bm25_builder.h"
#include "quarry/engine.h"
#include "search/filter_fields.h"
#include "search/filter_json.h"

namespace quarry {
namespace {

using engine::CollectionImpl;
using testing::TempDir;

constexpr const char* kWords[] = {"river",  "mountain", "protein", "enzyme",  "galaxy",
                                  "planet", "violin",   "piano",   "harbor",  "glacier",
                                  "neuron", "synapse",  "market",  "crystal", "orbit",
                                  "forest", "copper",   "silicon", "lantern", "meadow"};

CollectionConfig TestConfig() {
  CollectionConfig config;
  config.embedder.dimensions = 256;
  config.chunking.target_tokens = 24;
  config.chunking.overlap = 0;
  config.storage.seal_rows = 1000000;  // seals only when a test asks
  return config;
}

// Documents of random words from kWords with random metadata; some long
// enough to be several chunks.
std::vector<DocumentInput> RandomDocs(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<DocumentInput> docs(n);
  for (size_t i = 0; i < n; ++i) {
    DocumentInput& d = docs[i];
    d.id = "doc-" + std::to_string(i);
    d.title = std::string(kWords[rng() % 20]) + " notes";
    const size_t sentences = 1 + rng() % 6;
    for (size_t s = 0; s < sentences; ++s) {
      d.text += "The";
      for (size_t w = 0; w < 8; ++w) d.text += std::string(" ") + kWords[rng() % 20];
      d.text += ". ";
    }
    const char* langs[] = {"en", "de", "fr"};
    d.metadata_json = std::string(R"({"lang": ")") + langs[rng() % 3] + R"(", "year": )" +
                      std::to_string(1990 + rng() % 30) + R"(, "tags": [")" + kWords[rng() % 20] +
                      R"(", ")" + kWords[rng() % 20] + R"("], "open": )" +
                      (rng() % 2 ? "true" : "false") + "}";
  }
  return docs;
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = Engine::Open({.data_dir = dir_.path()});
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    auto c = engine_->CreateCollection("c", TestConfig());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    collection_ = *c;
  }

  // Closes the engine and opens the data directory again (a restart).
  void Reopen() {
    collection_.reset();
    engine_.reset();
    auto engine = Engine::Open({.data_dir = dir_.path()});
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    auto c = engine_->GetCollection("c");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    collection_ = *c;
  }

  CollectionImpl& impl() { return *std::dynamic_pointer_cast<CollectionImpl>(collection_); }

  SearchResponse MustSearch(const SearchRequest& r) {
    auto response = collection_->Search(r);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? std::move(response).value() : SearchResponse{};
  }

  static std::vector<std::pair<std::string, uint32_t>> Keys(const SearchResponse& r) {
    std::vector<std::pair<std::string, uint32_t>> keys;
    for (const SearchHit& h : r.hits) keys.emplace_back(h.document_id, h.chunk);
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<Collection> collection_;
};

// The CLI and the storage probe read --mode through SearchModeFromName.
TEST(SearchModeNamesTest, FromNameInvertsNameAndRefusesOthers) {
  for (SearchMode mode :
       {SearchMode::kAuto, SearchMode::kKeyword, SearchMode::kVector, SearchMode::kHybrid}) {
    EXPECT_EQ(SearchModeFromName(SearchModeName(mode)), mode) << SearchModeName(mode);
  }
  for (std::string_view bad : {"", "Hybrid", "unknown", "vectors", "hybrid "}) {
    EXPECT_FALSE(SearchModeFromName(bad).has_value()) << bad;
  }
}

TEST_F(SearchTest, KeywordModeFindsTermsAndScoresAreBm25) {
  std::vector<DocumentInput> docs(3);
  docs[0] = {.id = "a", .text = "The glacier moved slowly down the valley."};
  docs[1] = {.id = "b", .text = "A glacier, another glacier and a third glacier."};
  docs[2] = {.id = "c", .text = "Pianos and violins in the concert hall."};
  ASSERT_TRUE(collection_->Upsert(docs).ok());
  SearchResponse r = MustSearch({.query = "glaciers", .k = 10, .mode = SearchMode::kKeyword});
  EXPECT_EQ(r.mode, SearchMode::kKeyword);
  ASSERT_EQ(r.hits.size(), 2u);           // "c" has no matching term: never returned by BM25
  EXPECT_EQ(r.hits[0].document_id, "b");  // higher term frequency
  EXPECT_EQ(r.hits[1].document_id, "a");
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
  EXPECT_GT(r.hits[1].score, 0.0);
  // Only stopwords: no keyword term, an empty answer, not an error.
  SearchResponse none = MustSearch({.query = "the and of", .k = 10, .mode = SearchMode::kKeyword});
  EXPECT_TRUE(none.hits.empty());
}

// Chunk scores (docs/design/chunk-scores.md) by hand on three one-chunk
// documents: N = 3; "glacier" and "piano" are in 2 chunks, the rest in 1.
// (Scores are rounded to 9 decimals, hence the tolerance.)
TEST_F(SearchTest, ChunkScoresByHandInEveryModeAndLayout) {
  std::vector<DocumentInput> docs(3);
  docs[0] = {.id = "a", .text = "The glacier moved. The glacier melted."};
  docs[1] = {.id = "b", .text = "Pianos and violins."};
  docs[2] = {.id = "c", .text = "A glacier and a piano."};
  ASSERT_TRUE(collection_->Upsert(docs).ok());
  const double rare = std::log(1 + 2.5 / 1.5) / std::log(8.0);    // df 1
  const double common = std::log(1 + 1.5 / 2.5) / std::log(8.0);  // df 2
  auto check = [&](const char* layout) {
    for (SearchMode mode : {SearchMode::kKeyword, SearchMode::kVector, SearchMode::kHybrid}) {
      SearchResponse r = MustSearch({.query = "glacier", .k = 3, .mode = mode});
      ASSERT_FALSE(r.hits.empty()) << layout;
      for (const SearchHit& h : r.hits) {
        SCOPED_TRACE(std::string(layout) + " " + std::string(SearchModeName(mode)) + " " +
                     h.document_id);
        EXPECT_GE(h.importance, 0);
        EXPECT_LE(h.importance, 1);
        if (h.document_id == "a") {
          // {glacier, move} and {glacier, melt}.
          EXPECT_NEAR(h.importance, (common + rare) / 2, 1e-9);
          EXPECT_NEAR(h.semantic_density, common * common / (common * common + rare * rare), 1e-9);
        } else if (h.document_id == "b") {
          EXPECT_NEAR(h.importance, (common + rare) / 2, 1e-9);  // {piano, violin}
          // One sentence.
          EXPECT_EQ(h.semantic_density, 1);
        } else {
          EXPECT_NEAR(h.importance, common, 1e-9);
          EXPECT_EQ(h.semantic_density, 1);
        }
      }
    }
  };
  check("in memory");
  ASSERT_TRUE(impl().Flush().ok());
  check("sealed");
  // The scores follow the collection: a fourth chunk with "violin" makes it
  // common, and b's importance falls.
  ASSERT_TRUE(collection_->Upsert({{.id = "d", .text = "Violins."}}).ok());
  SearchResponse r = MustSearch({.query = "pianos", .k = 1, .mode = SearchMode::kKeyword});
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].document_id, "b");
  EXPECT_NEAR(r.hits[0].importance, std::log(1 + 2.5 / 2.5) / std::log(10.0), 1e-9);
}

TEST_F(SearchTest, ScoresAreTheSameWhateverTheSegmentLayout) {
  ASSERT_TRUE(collection_->Upsert(RandomDocs(60, 1)).ok());
  const std::vector<std::string> queries = {"glacier river", "protein enzyme neuron",
                                            "copper notes", "violin"};
  std::map<std::string, SearchResponse> before;
  for (SearchMode mode : {SearchMode::kKeyword, SearchMode::kVector, SearchMode::kHybrid}) {
    for (const std::string& q : queries) {
      before[q + std::string(SearchModeName(mode))] =
          MustSearch({.query = q, .k = 20, .mode = mode});
    }
  }
  ASSERT_TRUE(impl().Flush().ok());
  ASSERT_EQ(impl().sealed_segment_count(), 1u);
  // Half in a sealed segment, half in memory: collection-wide statistics
  // make BM25 scores independent of where a chunk lives.
  for (SearchMode mode : {SearchMode::kKeyword, SearchMode::kVector, SearchMode::kHybrid}) {
    for (const std::string& q : queries) {
      const SearchResponse& a = before[q + std::string(SearchModeName(mode))];
      SearchResponse b = MustSearch({.query = q, .k = 20, .mode = mode});
      ASSERT_EQ(a.hits.size(), b.hits.size()) << q;
      for (size_t i = 0; i < a.hits.size(); ++i) {
        EXPECT_NEAR(a.hits[i].score, b.hits[i].score, 1e-6) << q << " hit " << i;
      }
      // Ties may order differently across segments; the sets agree.
      auto ka = Keys(a), kb = Keys(b);
      std::sort(ka.begin(), ka.end());
      std::sort(kb.begin(), kb.end());
      if (mode != SearchMode::kHybrid) EXPECT_EQ(ka, kb) << q;
    }
  }
  // A restart replays nothing (all sealed) and answers the same.
  SearchResponse sealed =
      MustSearch({.query = "glacier river", .k = 20, .mode = SearchMode::kKeyword});
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(Keys(MustSearch({.query = "glacier river", .k = 20, .mode = SearchMode::kKeyword})),
            Keys(sealed));
}

// on_disk_graph = false and always_ram = true copy a sealed segment's graph
// and codes into RAM at open (no mapping of their files stays) and answer
// exactly as the mapped default does.
TEST_F(SearchTest, GraphAndCodesCopiedIntoRamAnswerAsMapped) {
  CollectionConfig in_ram = TestConfig();
  in_ram.vectors.quantization = QuantizationMode::kInt8;
  in_ram.vectors.full_scan_threshold = 10;  // searched through the graph
  in_ram.storage.on_disk_graph = false;
  in_ram.vectors.always_ram = true;
  CollectionConfig mapped = in_ram;
  mapped.storage.on_disk_graph = true;
  mapped.vectors.always_ram = false;
  std::vector<std::shared_ptr<Collection>> collections;
  for (const auto& [name, config] : {std::pair{"ram", in_ram}, std::pair{"mapped", mapped}}) {
    auto c = engine_->CreateCollection(name, config);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ASSERT_TRUE((*c)->Upsert(RandomDocs(600, 41)).ok());  // over 1,000 chunks: int8 trains
    ASSERT_TRUE(dynamic_cast<CollectionImpl&>(**c).Flush().ok());
    collections.push_back(*c);
  }
  const std::string ram_dir = dynamic_cast<CollectionImpl&>(*collections[0]).dir();
  const std::string mapped_dir = dynamic_cast<CollectionImpl&>(*collections[1]).dir();
  // Mapped files of a collection's segments, e.g. "graph.hnsw".
  const auto mapped_files = [](const std::string& dir) {
    std::ifstream maps("/proc/self/maps");
    std::set<std::string> files;
    for (std::string line; std::getline(maps, line);) {
      const size_t at = line.find(dir + "/segments/");
      if (at != std::string::npos) files.insert(line.substr(line.rfind('/') + 1));
    }
    return files;
  };
  const std::set<std::string> ram_files = mapped_files(ram_dir);
  const std::set<std::string> mapped_files_ = mapped_files(mapped_dir);
  EXPECT_EQ(ram_files.count("graph.hnsw") + ram_files.count("codes.i8"), 0u);
  EXPECT_EQ(mapped_files_.count("graph.hnsw") + mapped_files_.count("codes.i8"), 2u);
  EXPECT_EQ(ram_files.count("vectors.f32"), 1u);  // on_disk_vectors: still mapped
  for (const std::string& q : {"glacier river", "protein enzyme neuron", "violin copper"}) {
    SearchRequest r{.query = q, .k = 10, .mode = SearchMode::kVector};
    auto a = collections[0]->Search(r);
    auto b = collections[1]->Search(r);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->hits.size(), b->hits.size()) << q;
    for (size_t i = 0; i < a->hits.size(); ++i) {
      EXPECT_EQ(a->hits[i].document_id, b->hits[i].document_id) << q;
      EXPECT_EQ(a->hits[i].score, b->hits[i].score) << q;
    }
  }
}

// A seal writes the frozen segment's postings as they are when none of its
// rows is dead, and analyzes the live documents again otherwise: the two
// give the same file, byte for byte, for the same live rows.
TEST_F(SearchTest, ASealWritesTheSamePostingsWithOrWithoutDeadRows) {
  const std::vector<DocumentInput> docs = RandomDocs(40, 31);
  const auto sealed_postings = [&](Collection& c) {
    auto& impl = dynamic_cast<CollectionImpl&>(c);
    EXPECT_TRUE(impl.Flush().ok());
    EXPECT_EQ(impl.sealed_segment_count(), 1u);
    std::string bytes;
    for (const auto& e : std::filesystem::directory_iterator(impl.dir() + "/segments")) {
      std::ifstream in(e.path() / "postings.bm25", std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
  };
  ASSERT_TRUE(collection_->Upsert(docs).ok());  // every row live
  const std::string as_they_are = sealed_postings(*collection_);

  auto created = engine_->CreateCollection("dead", TestConfig());
  ASSERT_TRUE(created.ok());
  std::vector<DocumentInput> doomed = RandomDocs(5, 32);
  for (DocumentInput& d : doomed) d.id = "doomed-" + d.id;
  ASSERT_TRUE((*created)->Upsert(doomed).ok());  // rows before the others, then dead
  ASSERT_TRUE((*created)->Upsert(docs).ok());
  for (const DocumentInput& d : doomed) ASSERT_TRUE((*created)->DeleteDocument(d.id).ok());
  const std::string analyzed_again = sealed_postings(**created);

  ASSERT_FALSE(as_they_are.empty());
  EXPECT_EQ(as_they_are, analyzed_again);
}

// A merge merges its inputs' keyword postings (renumbered, deleted rows
// dropped) instead of rebuilding them: keyword answers afterwards are those
// of a collection that only ever held the surviving documents.
TEST_F(SearchTest, AMergeKeepsKeywordAnswersExact) {
  auto created = engine_->CreateCollection("ref", TestConfig());
  ASSERT_TRUE(created.ok());
  std::shared_ptr<Collection> reference = *created;
  std::vector<std::string> deleted;
  for (uint32_t batch = 0; batch < 4; ++batch) {
    std::vector<DocumentInput> docs = RandomDocs(25, 20 + batch);
    for (DocumentInput& d : docs) d.id = "b" + std::to_string(batch) + "-" + d.id;
    ASSERT_TRUE(collection_->Upsert(docs).ok());
    ASSERT_TRUE(impl().Flush().ok());
    for (size_t i = 0; i < docs.size(); ++i) {
      if (i % 4 == batch % 4) {
        deleted.push_back(docs[i].id);  // in every segment, first ones to last ones
      } else {
        ASSERT_TRUE(reference->Upsert({docs[i]}).ok());
      }
    }
  }
  for (const std::string& id : deleted) ASSERT_TRUE(collection_->DeleteDocument(id).ok()) << id;
  ASSERT_EQ(impl().sealed_segment_count(), 4u);
  ASSERT_TRUE(impl().Compact().ok());
  ASSERT_EQ(impl().sealed_segment_count(), 1u);
  EXPECT_EQ(collection_->Info().chunks, reference->Info().chunks);
  const auto sorted = [](const SearchResponse& r) {
    std::vector<std::tuple<std::string, uint32_t, double>> hits;
    for (const SearchHit& h : r.hits) hits.emplace_back(h.document_id, h.chunk, h.score);
    std::sort(hits.begin(), hits.end());
    return hits;
  };
  for (int restart = 0; restart < 2; ++restart) {
    for (const char* q : {"glacier river", "protein enzyme neuron", "copper notes", "violin",
                          "orbit planet galaxy meadow"}) {
      SearchResponse merged = MustSearch({.query = q, .k = 200, .mode = SearchMode::kKeyword});
      auto expected = reference->Search({.query = q, .k = 200, .mode = SearchMode::kKeyword});
      ASSERT_TRUE(expected.ok());
      ASSERT_FALSE(merged.hits.empty()) << q;
      const auto a = sorted(merged), b = sorted(*expected);
      ASSERT_EQ(a.size(), b.size()) << q;
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(std::get<0>(a[i]), std::get<0>(b[i])) << q;
        EXPECT_EQ(std::get<1>(a[i]), std::get<1>(b[i])) << q;
        EXPECT_NEAR(std::get<2>(a[i]), std::get<2>(b[i]), 1e-6) << q << " " << std::get<0>(a[i]);
      }
    }
    if (restart == 0) {
      reference.reset();
      ASSERT_NO_FATAL_FAILURE(Reopen());
      auto reopened = engine_->GetCollection("ref");
      ASSERT_TRUE(reopened.ok());
      reference = *reopened;
    }
  }
}

TEST_F(SearchTest, InMemoryPostingsStayExactAcrossManyWritesAndSearches) {
  // More rows than one in-memory delta holds, written in small batches with
  // a search after each (base + delta, rebuilt piecewise), against the same
  // writes into a second collection searched only at the end (one index
  // built from every row). Both hold the same deleted rows, so scores agree.
  auto other = engine_->CreateCollection("b", TestConfig());
  ASSERT_TRUE(other.ok());
  std::vector<DocumentInput> docs = RandomDocs(1300, 10);
  const std::vector<std::string> queries = {"glacier river", "protein enzyme", "violin notes"};
  for (size_t i = 0; i < docs.size(); i += 30) {
    const std::vector<DocumentInput> batch(docs.begin() + i,
                                           docs.begin() + std::min(i + 30, docs.size()));
    ASSERT_TRUE(collection_->Upsert(batch).ok());
    ASSERT_TRUE((*other)->Upsert(batch).ok());
    if (i % 90 == 0) {
      // An old document (in the base by now) and one just added (in the delta).
      for (const std::string& id : {docs[i / 2].id, docs[i + 1].id}) {
        ASSERT_TRUE(collection_->DeleteDocument(id).ok()) << id;
        ASSERT_TRUE((*other)->DeleteDocument(id).ok()) << id;
      }
    }
    MustSearch({.query = queries[i % 3], .k = 5, .mode = SearchMode::kKeyword});
  }
  ASSERT_GT(collection_->Info().chunks, 2 * engine::MutableSegment::kMaxDeltaRows);
  for (const std::string& q : queries) {
    SearchResponse piecewise = MustSearch({.query = q, .k = 30, .mode = SearchMode::kKeyword});
    auto whole = (*other)->Search({.query = q, .k = 30, .mode = SearchMode::kKeyword});
    ASSERT_TRUE(whole.ok());
    EXPECT_EQ(Keys(piecewise), Keys(*whole)) << q;
    ASSERT_EQ(piecewise.hits.size(), whole->hits.size());
    for (size_t h = 0; h < whole->hits.size(); ++h) {
      EXPECT_NEAR(piecewise.hits[h].score, whole->hits[h].score, 1e-9) << q << " " << h;
    }
  }
}

TEST_F(SearchTest, LogReplayRebuildsKeywordPostings) {
  ASSERT_TRUE(collection_->Upsert(RandomDocs(30, 2)).ok());
  SearchResponse a = MustSearch({.query = "meadow lantern", .k = 10, .mode = SearchMode::kKeyword});
  ASSERT_FALSE(a.hits.empty());
  ASSERT_NO_FATAL_FAILURE(Reopen());
  SearchResponse b = MustSearch({.query = "meadow lantern", .k = 10, .mode = SearchMode::kKeyword});
  EXPECT_EQ(Keys(b), Keys(a));
  for (size_t i = 0; i < a.hits.size(); ++i) EXPECT_DOUBLE_EQ(b.hits[i].score, a.hits[i].score);
}

TEST_F(SearchTest, DeletedDocumentsLeaveBothRetrieversInMemoryAndSealed) {
  ASSERT_TRUE(collection_->Upsert(RandomDocs(40, 3)).ok());
  for (bool sealed : {false, true}) {
    if (sealed) ASSERT_TRUE(impl().Flush().ok());
    for (SearchMode mode : {SearchMode::kKeyword, SearchMode::kVector, SearchMode::kHybrid}) {
      SearchResponse r = MustSearch({.query = "orbit planet galaxy", .k = 5, .mode = mode});
      ASSERT_FALSE(r.hits.empty());
      const std::string victim = r.hits[0].document_id;
      ASSERT_TRUE(collection_->DeleteDocument(victim).ok());
      SearchResponse after = MustSearch({.query = "orbit planet galaxy", .k = 1000, .mode = mode});
      for (const SearchHit& h : after.hits) EXPECT_NE(h.document_id, victim);
    }
  }
}

TEST_F(SearchTest, HybridFusesBothListsAndExplainsItself) {
  ASSERT_TRUE(collection_->Upsert(RandomDocs(50, 4)).ok());
  SearchRequest request{
      .query = "enzyme protein synapse", .k = 10, .fusion = FusionMethod::kRrf, .explain = true};
  SearchResponse r = MustSearch(request);
  EXPECT_EQ(r.mode, SearchMode::kHybrid);
  ASSERT_EQ(r.hits.size(), 10u);
  for (size_t i = 0; i < r.hits.size(); ++i) {
    const SearchHit& h = r.hits[i];
    ASSERT_TRUE(h.explanation.has_value());
    const auto& kw = h.explanation->keyword;
    const auto& vec = h.explanation->vector;
    ASSERT_TRUE(kw || vec);
    double expected = 0, shares = 0;
    for (const auto* part : {&kw, &vec}) {
      if (!*part) continue;
      expected += 1.0 / (60.0 + (*part)->rank);  // RRF, k = 60
      shares += (*part)->share;
    }
    EXPECT_NEAR(h.score, expected, 1e-12);
    EXPECT_NEAR(shares, 1.0, 1e-9);
    if (i > 0) EXPECT_LE(h.score, r.hits[i - 1].score);
  }
  // Blend with alpha 1 ranks as the vector retriever does.
  SearchResponse blend = MustSearch(
      {.query = "enzyme protein synapse", .k = 5, .fusion = FusionMethod::kBlend, .alpha = 1.0});
  SearchResponse vec =
      MustSearch({.query = "enzyme protein synapse", .k = 5, .mode = SearchMode::kVector});
  ASSERT_EQ(blend.hits.size(), vec.hits.size());
  EXPECT_EQ(blend.hits[0].document_id, vec.hits[0].document_id);
}

TEST_F(SearchTest, FiltersMatchABruteForceReference) {
  std::vector<DocumentInput> docs = RandomDocs(120, 5);
  std::map<std::string, search::DocumentFields> fields;
  for (const DocumentInput& d : docs) {
    fields[d.id] = *search::DocumentFields::FromJson(d.metadata_json);
  }
  ASSERT_TRUE(
      collection_->Upsert(std::vector<DocumentInput>(docs.begin(), docs.begin() + 60)).ok());
  ASSERT_TRUE(impl().Flush().ok());
  ASSERT_TRUE(collection_->Upsert(std::vector<DocumentInput>(docs.begin() + 60, docs.end())).ok());

  const std::vector<std::string> filters = {
      R"({"must": [{"key": "lang", "match": {"value": "de"}}]})",
      R"({"must": [{"key": "year", "range": {"gte": 2000, "lt": 2010}}]})",
      R"({"must_not": [{"key": "open", "match": {"value": true}}]})",
      R"({"should": [{"key": "tags", "match": {"any": ["river", "piano"]}},
                     {"key": "lang", "match": {"value": "fr"}}]})",
      R"({"must": [{"key": "lang", "match": {"value": "en"}},
                   {"must_not": [{"key": "year", "range": {"lt": 2005}}]}]})",
      R"({"must": [{"key": "missing", "match": {"value": "x"}}]})"};
  for (const std::string& f : filters) {
    auto parsed = search::ParseFilterJson(f);
    ASSERT_TRUE(parsed.ok()) << f;
    std::set<std::string> expected;
    for (const auto& [id, flds] : fields) {
      if (search::Matches(*parsed, flds)) expected.insert(id);
    }
    // Vector mode with room for every chunk returns every allowed document.
    SearchResponse all = MustSearch({.query = "the river and the mountain",
                                     .k = 1000,
                                     .mode = SearchMode::kVector,
                                     .filter_json = f,
                                     .group_by = GroupBy::kDocument,
                                     .candidates = 4000});
    std::set<std::string> got;
    for (const SearchHit& h : all.hits) got.insert(h.document_id);
    EXPECT_EQ(got, expected) << f;
    // Keyword and hybrid return only allowed documents.
    for (SearchMode mode : {SearchMode::kKeyword, SearchMode::kHybrid}) {
      SearchResponse r =
          MustSearch({.query = "river mountain piano", .k = 50, .mode = mode, .filter_json = f});
      for (const SearchHit& h : r.hits) EXPECT_EQ(expected.count(h.document_id), 1u) << f;
      if (expected.empty()) EXPECT_TRUE(r.hits.empty());
    }
  }
}

TEST_F(SearchTest, GroupingPaginationAndSnippets) {
  std::vector<DocumentInput> docs = RandomDocs(30, 6);
  DocumentInput long_doc;
  long_doc.id = "long";
  for (int i = 0; i < 20; ++i)
    long_doc.text += "The crystal lantern glows over the crystal meadow. ";
  docs.push_back(long_doc);
  ASSERT_TRUE(collection_->Upsert(docs).ok());

  SearchResponse chunks =
      MustSearch({.query = "crystal lantern", .k = 10, .mode = SearchMode::kKeyword});
  size_t long_hits = 0;
  for (const SearchHit& h : chunks.hits) long_hits += h.document_id == "long";
  EXPECT_GT(long_hits, 1u);  // several chunks of one document

  SearchResponse grouped = MustSearch({.query = "crystal lantern",
                                       .k = 10,
                                       .mode = SearchMode::kKeyword,
                                       .group_by = GroupBy::kDocument});
  std::set<std::string> ids;
  for (const SearchHit& h : grouped.hits) {
    EXPECT_TRUE(ids.insert(h.document_id).second) << h.document_id << " twice";
    EXPECT_GE(h.matching_chunks, 1u);
    if (h.document_id == "long") EXPECT_GT(h.matching_chunks, 1u);
  }

  // Pages concatenate to the one long list.
  for (SearchMode mode : {SearchMode::kKeyword, SearchMode::kVector, SearchMode::kHybrid}) {
    SearchResponse whole = MustSearch({.query = "crystal river orbit", .k = 12, .mode = mode});
    std::vector<std::pair<std::string, uint32_t>> paged;
    for (uint32_t offset = 0; offset < 12; offset += 4) {
      SearchResponse page = MustSearch({.query = "crystal river orbit",
                                        .k = 4,
                                        .offset = offset,
                                        .mode = mode,
                                        .candidates = mode == SearchMode::kHybrid ? 100u : 0u});
      for (auto& key : Keys(page)) paged.push_back(key);
    }
    EXPECT_EQ(paged, Keys(whole)) << SearchModeName(mode);
  }

  SearchRequest highlighted{.query = "Crystals & lanterns", .k = 1, .mode = SearchMode::kKeyword};
  highlighted.highlight.enabled = true;
  highlighted.highlight.window_chars = 60;
  SearchResponse h = MustSearch(highlighted);
  ASSERT_EQ(h.hits.size(), 1u);
  EXPECT_NE(h.hits[0].snippet.find("<mark>crystal</mark>"), std::string::npos) << h.hits[0].snippet;
  EXPECT_NE(h.hits[0].snippet.find("<mark>lantern</mark>"), std::string::npos) << h.hits[0].snippet;
  EXPECT_TRUE(chunks.hits[0].snippet.empty());  // only when asked for
}

TEST_F(SearchTest, HostileRequestsGetResultsOrAClearError) {
  ASSERT_TRUE(collection_->Upsert(RandomDocs(20, 7)).ok());
  auto code = [&](const SearchRequest& r) { return collection_->Search(r).status().code(); };
  EXPECT_EQ(code({.query = "river", .k = 1001}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.query = "river", .k = 10, .offset = 995}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.query = "river", .candidates = kMaxCandidates + 1}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.query = "river", .alpha = 1.5}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.query = "river", .filter_json = "{\"must\": [}"}), StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.query = "river", .filter_json = R"({"must": [{"key": "x", "match": 3}]})"}),
            StatusCode::kInvalidArgument);
  std::string deep = R"({"key": "lang", "match": {"value": "en"}})";
  for (int i = 0; i < 20; ++i) deep = R"({"must": [)" + deep + "]}";
  EXPECT_EQ(code({.query = "river", .filter_json = deep}), StatusCode::kInvalidArgument);
  SearchRequest bad_tag{.query = "river"};
  bad_tag.highlight.enabled = true;
  bad_tag.highlight.pre_tag = std::string(100, '<');
  EXPECT_EQ(code(bad_tag), StatusCode::kInvalidArgument);

  // 10,000 distinct terms: refused with a reason (Lucene's clause limit is 1024).
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "w" + std::to_string(i) + "x ";
  many.resize(std::min(many.size(), kMaxQueryBytes));
  auto r = collection_->Search({.query = many, .mode = SearchMode::kKeyword});
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("terms"), std::string::npos) << r.status().ToString();
  }
  // The same word 3,000 times is one term.
  std::string repeated;
  for (int i = 0; i < 3000; ++i) repeated += "river ";
  repeated.resize(kMaxQueryBytes);
  EXPECT_TRUE(collection_->Search({.query = repeated, .mode = SearchMode::kKeyword}).ok());
  // Huge k with few documents: every match, no more.
  SearchResponse all = MustSearch({.query = "river", .k = 1000, .mode = SearchMode::kKeyword});
  EXPECT_LE(all.hits.size(), 1000u);
}

TEST_F(SearchTest, DefaultHybridWithTheLexicalEmbedderIsABm25LedBlend) {
  ASSERT_TRUE(collection_->Upsert(RandomDocs(40, 8)).ok());
  SearchResponse by_default = MustSearch({.query = "forest copper orbit", .k = 10});
  SearchResponse blend = MustSearch({.query = "forest copper orbit",
                                     .k = 10,
                                     .fusion = FusionMethod::kBlend,
                                     .alpha = kLexicalBlendAlpha});
  EXPECT_EQ(Keys(by_default), Keys(blend));
  for (size_t i = 0; i < blend.hits.size(); ++i) {
    EXPECT_DOUBLE_EQ(by_default.hits[i].score, blend.hits[i].score);
  }
}

// Flips the lowest bit of the byte at `offset` of `path`.
void FlipBit(const std::string& path, std::streamoff offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(offset);
  char c = 0;
  f.read(&c, 1);
  c ^= 0x01;
  f.seekp(offset);
  f.write(&c, 1);
}

TEST_F(SearchTest, DamagedOrMissingPostingsAreRefusedWithAClearError) {
  ASSERT_TRUE(collection_->Upsert(RandomDocs(20, 9)).ok());
  ASSERT_TRUE(impl().Flush().ok());
  const std::string segments = impl().dir() + "/segments";
  collection_.reset();
  engine_.reset();
  std::string postings;
  for (const auto& entry : std::filesystem::directory_iterator(segments)) {
    postings = entry.path().string() + "/postings.bm25";
  }
  ASSERT_TRUE(std::filesystem::exists(postings));
  const std::string saved = postings + ".saved";
  std::filesystem::copy_file(postings, saved);
  const auto restore = [&] {
    std::filesystem::copy_file(saved, postings, std::filesystem::copy_options::overwrite_existing);
  };
  // One flipped bit in the tables (the first term string): the open fails.
  uint64_t strings_offset = 0;
  std::ifstream(postings, std::ios::binary)
      .seekg(88)  // docs/format/bm25-postings.md: strings_offset, from the body
      .read(reinterpret_cast<char*>(&strings_offset), 8);
  FlipBit(postings, static_cast<std::streamoff>(128 + strings_offset));
  {
    auto damaged = Engine::Open({.data_dir = dir_.path()});
    ASSERT_FALSE(damaged.ok());
    EXPECT_EQ(damaged.status().code(), StatusCode::kCorruption);
    EXPECT_NE(damaged.status().message().find("postings.bm25"), std::string::npos)
        << damaged.status().ToString();
  }
  restore();
  // One flipped bit in the postings (the last term's last block): the open
  // reads no postings and succeeds; a keyword search that reaches the term
  // fails, naming the file, and never answers from it; vector search works.
  FlipBit(postings, static_cast<std::streamoff>(std::filesystem::file_size(postings) - 1));
  {
    auto opened = Engine::Open({.data_dir = dir_.path()});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    auto c = (*opened)->GetCollection("c");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    std::string every_word = "notes";
    for (const char* w : kWords) every_word += std::string(" ") + w;
    for (int attempt = 0; attempt < 2; ++attempt) {  // refused again, not trusted after a failure
      auto keyword = (*c)->Search({.query = every_word, .k = 10, .mode = SearchMode::kKeyword});
      ASSERT_FALSE(keyword.ok());
      EXPECT_EQ(keyword.status().code(), StatusCode::kCorruption);
      EXPECT_NE(keyword.status().message().find("postings.bm25"), std::string::npos)
          << keyword.status().ToString();
    }
    auto vector = (*c)->Search({.query = every_word, .k = 10, .mode = SearchMode::kVector});
    ASSERT_TRUE(vector.ok()) << vector.status().ToString();
    EXPECT_EQ(vector->hits.size(), 10u);
  }
  restore();
  std::filesystem::remove(postings);
  auto missing = Engine::Open({.data_dir = dir_.path()});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("postings.bm25 is missing"), std::string::npos)
      << missing.status().ToString();
  // Postings of another segment size (one document): refused by their row
  // count, checked once the chunk store is open beside them.
  {
    lexical::Bm25IndexBuilder one;
    ASSERT_TRUE(one.AddDocument(std::vector<std::string>{"x"}, {}).ok());
    const std::vector<uint8_t> bytes = one.Serialize();
    std::ofstream(postings, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  auto other = Engine::Open({.data_dir = dir_.path()});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kCorruption);
  EXPECT_NE(other.status().message().find("postings.bm25 indexes 1 chunks but the segment has"),
            std::string::npos)
      << other.status().ToString();
  std::filesystem::copy_file(saved, postings, std::filesystem::copy_options::overwrite_existing);
  // A damaged document index fails the open while the postings are still
  // being verified on their thread: the open waits for it and reports the
  // chunk store.
  const std::string index =
      std::filesystem::path(postings).parent_path().string() + "/documents.idx";
  std::filesystem::copy_file(index, index + ".saved");
  std::filesystem::resize_file(index, std::filesystem::file_size(index) / 2);
  auto truncated = Engine::Open({.data_dir = dir_.path()});
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("documents.idx"), std::string::npos)
      << truncated.status().ToString();
  std::filesystem::rename(index + ".saved", index);
  std::filesystem::rename(saved, postings);
  EXPECT_TRUE(Engine::Open({.data_dir = dir_.path()}).ok());
}

TEST(SearchConfigTest, UnknownLanguageIsRefusedAtCreation) {
  TempDir dir;
  auto engine = Engine::Open({.data_dir = dir.path()});
  ASSERT_TRUE(engine.ok());
  CollectionConfig config = TestConfig();
  config.keyword.language = "klingon";
  auto c = (*engine)->CreateCollection("k", config);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("keyword.language"), std::string::npos);
  config.keyword.language = "french";
  EXPECT_TRUE((*engine)->CreateCollection("f", config).ok());
  config.keyword.b = 2;
  EXPECT_EQ((*engine)->CreateCollection("g", config).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace quarry
