// Search (docs/design/hybrid-search.md): validate the request, embed and
// analyze the query without any lock, then under the state lock (shared):
// turn the filter into allowed rows per segment, run the keyword and the
// vector retriever over every segment, merge each retriever's lists across
// segments, fuse, group by document, cut the page, and read the page's
// documents (with snippets and chunk scores).
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/check.h"
#include "base/stopwatch.h"
#include "engine/collection_impl.h"
#include "lexical/deleted_docs.h"
#include "search/chunk_scores.h"
#include "search/filter.h"
#include "search/filter_json.h"
#include "search/fusion.h"
#include "search/snippet.h"
#include "storage/segment_postings.h"
#include "text/utf8.h"
#include "vector/row_filter.h"

namespace quarry::engine {
namespace {

// Keys that identify the in-memory segments in fused lists (sealed segments
// use their ids, which never come near these).
constexpr uint64_t kMutableKey = UINT64_MAX;
constexpr uint64_t kFrozenKey = UINT64_MAX - 1;

constexpr uint32_t kHybridMinCandidates = 100;
constexpr uint32_t kGroupingFactor = 4;

Status ValidateRequest(const SearchRequest& r) {
  auto fail = [](std::string message) { return Status::InvalidArgument(std::move(message)); };
  if (r.k < 1 || r.k > kMaxK) {
    return fail("k must be between 1 and " + std::to_string(kMaxK) + ", got " +
                std::to_string(r.k));
  }
  if (r.offset > kMaxResultWindow || r.offset + r.k > kMaxResultWindow) {
    return fail("offset + k must be at most " + std::to_string(kMaxResultWindow) + ", got " +
                std::to_string(uint64_t{r.offset} + r.k));
  }
  if (r.ef != 0 && (r.ef < r.k || r.ef > kMaxEf)) {
    return fail("ef must be between k and " + std::to_string(kMaxEf));
  }
  if (r.oversampling != 0 && !(r.oversampling >= 1 && r.oversampling <= kMaxOversampling)) {
    return fail("oversampling must be between 1 and " +
                std::to_string(static_cast<int>(kMaxOversampling)));
  }
  if (r.candidates > kMaxCandidates) {
    return fail("candidates must be at most " + std::to_string(kMaxCandidates));
  }
  if (!(std::isfinite(r.rrf_k) && r.rrf_k >= 0 && r.rrf_k <= search::FusionOptions::kMaxRrfK)) {
    return fail("rrf_k must be between 0 and 1000000");
  }
  if (r.alpha && !(*r.alpha >= 0 && *r.alpha <= 1)) return fail("alpha must be between 0 and 1");
  if (r.query.size() > kMaxQueryBytes) {
    return fail("query is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  return Status::Ok();
}

// Per-retriever list depth: what fusion and grouping need to fill the page.
uint32_t CandidateDepth(const SearchRequest& r, SearchMode mode) {
  const uint32_t window = r.offset + r.k;
  uint32_t depth = window;
  if (mode == SearchMode::kHybrid) depth = std::max(window, kHybridMinCandidates);
  if (r.group_by == GroupBy::kDocument) depth *= kGroupingFactor;
  if (r.candidates != 0) depth = std::max(window, r.candidates);
  return std::min(depth, kMaxCandidates);
}

// Bits [first, first + count) of `bits` (bit i of word i / 64), as bits
// [0, count) of *out; bits past the end of `bits` read as 0.
void ShiftBits(std::span<const uint64_t> bits, uint32_t first, uint32_t count,
               std::vector<uint64_t>* out) {
  out->assign((static_cast<size_t>(count) + 63) / 64, 0);
  auto bit = [&](size_t i) {
    return i / 64 < bits.size() && ((bits[i / 64] >> (i % 64)) & 1) != 0;
  };
  for (uint32_t i = 0; i < count; ++i) {
    if (bit(static_cast<size_t>(first) + i)) (*out)[i / 64] |= uint64_t{1} << (i % 64);
  }
}

// One segment's hit, before the lists of all segments are merged.
struct SegmentHit {
  double score;
  uint64_t key;
  uint32_t row;
};

// Best first; ties by segment key, then row, so the merged order is total.
void KeepBest(std::vector<SegmentHit>* hits, size_t depth, std::vector<search::RankedHit>* out) {
  const size_t keep = std::min(depth, hits->size());
  std::partial_sort(hits->begin(), hits->begin() + static_cast<ptrdiff_t>(keep), hits->end(),
                    [](const SegmentHit& a, const SegmentHit& b) {
                      if (a.score != b.score) return a.score > b.score;
                      if (a.key != b.key) return a.key < b.key;
                      return a.row < b.row;
                    });
  out->clear();
  for (size_t i = 0; i < keep; ++i) {
    out->push_back({search::ChunkKey{(*hits)[i].key, (*hits)[i].row}, (*hits)[i].score});
  }
}

// `single`: the mode ran one retriever, which then gave the whole score
// (whatever its sign: a cosine may be negative).
std::optional<RetrieverExplanation> Explain(const search::FusedHit& hit, search::Retriever r,
                                            bool single) {
  const std::optional<search::RetrieverContribution>& c = hit.of(r);
  if (!c) return std::nullopt;
  RetrieverExplanation e;
  e.rank = c->rank;
  e.score = c->score;
  e.normalized = c->normalized;
  e.contribution = c->contribution;
  e.share = single ? 1.0 : hit.share(r);
  return e;
}

// A single retriever's list as a fused list (score = the retriever's).
std::vector<search::FusedHit> Single(const std::vector<search::RankedHit>& list,
                                     search::Retriever r) {
  std::vector<search::FusedHit> out;
  out.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    search::FusedHit h;
    h.key = list[i].key;
    h.score = list[i].score;
    search::RetrieverContribution c;
    c.rank = static_cast<uint32_t>(i + 1);
    c.score = list[i].score;
    c.contribution = list[i].score;
    h.from[static_cast<size_t>(r)] = c;
    out.push_back(h);
  }
  return out;
}

}  // namespace

// One searched segment: the mutable or frozen one, or a sealed one.
struct SearchSource {
  uint64_t key = 0;
  const MutableSegment* memory = nullptr;
  const storage::Segment* sealed = nullptr;

  uint32_t rows() const {
    return memory != nullptr ? static_cast<uint32_t>(memory->rows()) : sealed->rows();
  }
  std::span<const uint64_t> deleted_rows() const {
    return memory != nullptr ? memory->dead_rows() : sealed->deleted_rows();
  }
};

struct CollectionImpl::SearchPlan {
  SearchMode mode = SearchMode::kHybrid;
  bool keyword = false;
  bool vector = false;
  uint32_t depth = 0;
  std::optional<search::Filter> filter;
  std::vector<std::string> query_terms;  // analyzed
  std::vector<SearchSource> sources;
  // With a filter, per source: the rows it allows (vector search) and the
  // rows keyword search must skip (deleted or not allowed).
  std::vector<vector::RowFilter> allowed;
  std::vector<std::vector<uint64_t>> excluded;
  vector::SearchParams vector_params;
};

namespace {

const SearchSource& SourceOf(const std::vector<SearchSource>& sources, uint64_t key) {
  for (const SearchSource& s : sources) {
    if (s.key == key) return s;
  }
  QUARRY_CHECK(false, "every key in the retrievers' lists comes from the plan's sources");
  return sources.front();
}

// The id of the document that owns the keyed chunk (no document is decoded).
std::string_view DocumentIdOf(const std::vector<SearchSource>& sources, search::ChunkKey key) {
  const SearchSource& s = SourceOf(sources, key.segment);
  if (s.memory != nullptr) return s.memory->doc(s.memory->OrdinalOfRow(key.row)).doc.id;
  const storage::ChunkStore& store = s.sealed->store();
  return store.entries()[store.OrdinalOfRow(key.row)].id;
}

}  // namespace

struct CollectionImpl::RetrieverLists {
  std::vector<search::RankedHit> keyword;
  std::vector<search::RankedHit> vector;
};

Status CollectionImpl::BuildFiltersLocked(SearchPlan* plan) const {
  std::vector<uint64_t> live_ids;
  for (const auto& seg : sealed_) live_ids.push_back(seg->id());
  for (const SearchSource& source : plan->sources) {
    vector::RowFilter allowed(source.rows());
    if (source.memory != nullptr) {
      const MutableSegment& m = *source.memory;
      for (uint32_t o = 0; o < m.doc_count(); ++o) {
        const MutableSegment::Doc& d = m.doc(o);
        if (!d.live || !search::Matches(*plan->filter, m.fields(o))) continue;
        for (uint32_t c = 0; c < d.doc.chunks.size(); ++c) allowed.Allow(d.first_row + c);
      }
    } else {
      const storage::Segment& seg = *source.sealed;
      QUARRY_ASSIGN_OR_RETURN(std::shared_ptr<const search::PayloadIndex> payload,
                              payloads_.Get(seg, live_ids));
      const storage::ChunkStoreEntries& entries = seg.store().entries();
      payload->Evaluate(*plan->filter).ForEach([&](size_t o) {
        if (seg.IsDeleted(static_cast<uint32_t>(o))) return;
        const storage::ChunkStoreEntry& e = entries[o];
        for (uint32_t c = 0; c < e.chunks; ++c) allowed.Allow(e.first_row + c);
      });
    }
    // Keyword search skips what the filter does not allow (deleted rows included).
    std::vector<uint64_t> excluded((static_cast<size_t>(source.rows()) + 63) / 64, ~uint64_t{0});
    allowed.ForEach([&](uint32_t row) { excluded[row >> 6] &= ~(uint64_t{1} << (row & 63)); });
    plan->allowed.push_back(std::move(allowed));
    plan->excluded.push_back(std::move(excluded));
  }
  return Status::Ok();
}

namespace {

// The postings indexes of a plan's sources: a sealed segment's, or one of the
// two of an in-memory segment (its base and its delta, whose doc 0 is row
// first_row).
struct KeywordParts {
  struct Part {
    const lexical::Bm25Index* index;
    size_t source;
    uint32_t first_row;
  };
  std::vector<MutableSegment::PostingsView> views;  // keeps the in-memory indexes alive
  std::vector<Part> parts;
  // Collection-wide statistics, so that scores compare across segments.
  // Deleted rows still count until a merge removes them, as in Lucene.
  lexical::CollectionStats stats;
};

KeywordParts KeywordPartsOf(const std::vector<SearchSource>& sources) {
  KeywordParts k;
  k.views.reserve(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    const SearchSource& source = sources[i];
    if (source.memory == nullptr) {
      k.parts.push_back({&source.sealed->postings(), i, 0});
      continue;
    }
    const MutableSegment::PostingsView& view = k.views.emplace_back(source.memory->Postings());
    if (view.base != nullptr) k.parts.push_back({view.base.get(), i, 0});
    if (view.delta != nullptr) k.parts.push_back({view.delta.get(), i, view.delta_first_row});
  }
  for (const KeywordParts::Part& part : k.parts) k.stats += part.index->LocalStats();
  return k;
}

}  // namespace

Status CollectionImpl::CollectKeywordLocked(const SearchPlan& plan, RetrieverLists* lists) const {
  const KeywordParts keyword = KeywordPartsOf(plan.sources);
  const std::vector<KeywordParts::Part>& parts = keyword.parts;
  const lexical::CollectionStats& stats = keyword.stats;
  using Part = KeywordParts::Part;
  std::vector<lexical::QueryTerm> terms = lexical::CountQueryTerms(plan.query_terms);
  for (const Part& part : parts) lexical::AddDocFreqs(*part.index, terms);
  if (stats.doc_count == 0 || terms.empty()) return Status::Ok();

  QUARRY_ASSIGN_OR_RETURN(ObjectPool<lexical::Bm25Searcher>::Lease searcher, searchers_.Acquire());
  lexical::Bm25SearchOptions options;
  options.k = plan.depth;
  options.params = Bm25ParamsFor(config_.keyword);
  std::vector<SegmentHit> all;
  std::vector<lexical::ScoredDoc> found;
  std::vector<uint64_t> shifted;
  for (const Part& part : parts) {
    if (part.index->doc_count() == 0) continue;
    if (plan.filter && plan.allowed[part.source].count() == 0) continue;
    // Rows the search must skip: deleted, or not allowed by the filter.
    std::span<const uint64_t> skip = plan.filter
                                         ? std::span<const uint64_t>(plan.excluded[part.source])
                                         : plan.sources[part.source].deleted_rows();
    if (part.first_row != 0) {
      ShiftBits(skip, part.first_row, part.index->doc_count(), &shifted);
      skip = shifted;
    }
    options.deleted = lexical::DeletedDocs(skip);
    if (Status s = searcher->Search(*part.index, terms, stats, options, &found); !s.ok()) {
      // A sealed segment's terms are verified on first use: name the file.
      const storage::Segment* sealed = plan.sources[part.source].sealed;
      if (sealed == nullptr || s.code() != StatusCode::kCorruption) return s;
      return s.WithContext(storage::SegmentDirName(dir_, sealed->id()) + "/" +
                           storage::kPostingsFile);
    }
    for (const lexical::ScoredDoc& d : found) {
      all.push_back({d.score, plan.sources[part.source].key, part.first_row + d.doc});
    }
  }
  KeepBest(&all, plan.depth, &lists->keyword);
  return Status::Ok();
}

Status CollectionImpl::CollectVectorLocked(const SearchPlan& plan, std::span<const float> query,
                                           RetrieverLists* lists) const {
  std::vector<SegmentHit> all;
  for (size_t i = 0; i < plan.sources.size(); ++i) {
    const SearchSource& source = plan.sources[i];
    const vector::VectorIndex& index =
        source.memory != nullptr ? static_cast<const vector::VectorIndex&>(source.memory->index())
                                 : source.sealed->index();
    if (index.live_count() == 0) continue;
    vector::SearchParams params = plan.vector_params;
    if (plan.filter) {
      if (plan.allowed[i].count() == 0) continue;
      params.filter = &plan.allowed[i];
    }
    QUARRY_ASSIGN_OR_RETURN(std::vector<vector::Neighbor> found, index.Search(query, params));
    for (const vector::Neighbor& n : found) all.push_back({n.score, source.key, n.row});
  }
  KeepBest(&all, plan.depth, &lists->vector);
  return Status::Ok();
}

Status CollectionImpl::FillHitLocked(const SearchPlan& plan, uint64_t key, uint32_t row,
                                     SearchHit* hit) const {
  storage::StoredDocument sealed_doc;
  const storage::StoredDocument* doc = nullptr;
  uint32_t chunk_in_doc = 0;
  const SearchSource* source = &SourceOf(plan.sources, key);
  if (source->memory != nullptr) {
    const MutableSegment& m = *source->memory;
    const MutableSegment::Doc& d = m.doc(m.OrdinalOfRow(row));
    doc = &d.doc;
    chunk_in_doc = row - d.first_row;
  } else {
    const storage::Segment& seg = *source->sealed;
    const size_t ordinal = seg.store().OrdinalOfRow(row);
    QUARRY_ASSIGN_OR_RETURN(sealed_doc, seg.store().Read(ordinal));
    doc = &sealed_doc;
    chunk_in_doc = row - seg.store().entries()[ordinal].first_row;
  }
  const storage::StoredChunk& chunk = doc->chunks[chunk_in_doc];
  hit->document_id = doc->id;
  hit->chunk = chunk_in_doc;
  hit->text = doc->text.substr(chunk.byte_begin, chunk.byte_end - chunk.byte_begin);
  hit->title = doc->title;
  hit->heading = chunk.heading;
  hit->page = chunk.page;
  hit->start = chunk.char_begin;
  hit->end = chunk.char_end;
  return Status::Ok();
}

Status CollectionImpl::ScoreHitsLocked(const SearchPlan& plan, std::span<SearchHit> hits) const {
  if (hits.empty()) return Status::Ok();
  QUARRY_ASSIGN_OR_RETURN(ObjectPool<text::Analyzer>::Lease analyzer, analyzers_.Acquire());
  QUARRY_ASSIGN_OR_RETURN(ObjectPool<text::SentenceSplitter>::Lease splitter, splitters_.Acquire());
  std::vector<search::AnalyzedChunk> chunks;
  chunks.reserve(hits.size());
  for (const SearchHit& hit : hits) {
    chunks.push_back(search::AnalyzeChunk(hit.text, *analyzer, *splitter));
  }
  // One document-frequency lookup per distinct term of the page per postings
  // index, summed over the indexes as keyword search does.
  const KeywordParts keyword = KeywordPartsOf(plan.sources);
  std::unordered_map<std::string_view, double> nidf;
  for (const search::AnalyzedChunk& chunk : chunks) {
    for (const std::vector<std::string>& sentence : chunk.sentences) {
      for (const std::string& term : sentence) nidf.try_emplace(term, 0.0);
    }
  }
  for (auto& [term, weight] : nidf) {
    uint64_t df = 0;
    for (const KeywordParts::Part& part : keyword.parts) df += part.index->DocFreq(term);
    weight = search::NormalizedIdf(df, keyword.stats.doc_count);
  }
  auto weight_of = [&nidf](std::string_view term) {
    auto it = nidf.find(term);
    return it == nidf.end() ? 1.0 : it->second;
  };
  for (size_t i = 0; i < hits.size(); ++i) {
    const search::ChunkScores scores = search::ScoreChunk(chunks[i], weight_of);
    hits[i].importance = scores.importance;
    hits[i].semantic_density = scores.semantic_density;
  }
  return Status::Ok();
}

Result<std::vector<float>> CollectionImpl::EmbedQuery(std::string_view query) const {
  std::vector<float> qv(embedder_->dimensions());
  const std::string text = text::SanitizeUtf8(query);
  std::string_view texts[] = {text};
  QUARRY_RETURN_IF_ERROR(embedder_->Embed(texts, EmbedPurpose::kQuery, qv));
  return qv;
}

Result<SearchResponse> CollectionImpl::Search(const SearchRequest& request) const {
  Stopwatch total;
  QUARRY_RETURN_IF_ERROR(ValidateRequest(request));
  if (!request.query_vector.empty()) {
    if (request.query_vector.size() != embedder_->dimensions()) {
      return Status::InvalidArgument(
          "query_vector has " + std::to_string(request.query_vector.size()) +
          " dimensions; the collection's embedder has " +
          std::to_string(embedder_->dimensions()));
    }
    for (float x : request.query_vector) {
      if (!std::isfinite(x)) return Status::InvalidArgument("query_vector has a non-finite value");
    }
  }
  const std::string query = text::SanitizeUtf8(request.query);
  if (query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument("query must not be empty");
  }
  std::optional<search::Filter> filter;
  if (!request.filter_json.empty()) {
    Result<search::Filter> parsed = search::ParseFilterJson(request.filter_json);
    if (!parsed.ok()) return parsed.status();  // its message names the path (filter.must[0]...)
    if (!parsed->empty()) filter = std::move(parsed).value();
  }
  search::SnippetOptions snippet_options;
  if (request.highlight.enabled) {
    snippet_options.window_chars = request.highlight.window_chars;
    snippet_options.pre_tag = request.highlight.pre_tag;
    snippet_options.post_tag = request.highlight.post_tag;
    Status valid = search::ValidateSnippetOptions(snippet_options);
    if (!valid.ok()) return valid.WithContext("highlight");
  }

  SearchPlan plan;
  plan.mode = request.mode == SearchMode::kAuto ? SearchMode::kHybrid : request.mode;
  plan.keyword = plan.mode != SearchMode::kVector;
  plan.vector = plan.mode != SearchMode::kKeyword;
  plan.depth = CandidateDepth(request, plan.mode);
  plan.filter = std::move(filter);
  SearchResponse response;
  response.mode = plan.mode;

  std::vector<float> qv;
  if (plan.vector) {
    if (!request.query_vector.empty()) {
      qv = request.query_vector;
    } else {
      QUARRY_ASSIGN_OR_RETURN(qv, EmbedQuery(query));
    }
    // A query with no features (no words, for the lexical embedder) has the
    // zero vector, which is similar to nothing.
    if (std::all_of(qv.begin(), qv.end(), [](float x) { return x == 0.0f; })) plan.vector = false;
  }
  response.embed_ms = total.ElapsedMillis();

  Stopwatch search_watch;
  Stopwatch stage;
  if (plan.keyword) {
    QUARRY_ASSIGN_OR_RETURN(ObjectPool<text::Analyzer>::Lease analyzer, analyzers_.Acquire());
    analyzer->AnalyzeTerms(query, &plan.query_terms);
  }
  double keyword_ms = stage.ElapsedMillis();
  plan.vector_params = vector::SearchParams{
      .k = plan.depth,
      .ef = std::max(request.ef != 0 ? request.ef : config_.vectors.ef, plan.depth),
      .rescore = request.rescore,
      .oversampling = request.oversampling};

  std::shared_lock<std::shared_mutex> lock(state_mu_);
  response.generation = generation_;
  response.state_digest = state_digest_;
  plan.sources.push_back({kMutableKey, mutable_.get(), nullptr});
  if (frozen_ != nullptr) plan.sources.push_back({kFrozenKey, frozen_.get(), nullptr});
  for (const auto& seg : sealed_) plan.sources.push_back({seg->id(), nullptr, seg.get()});

  stage.Reset();
  if (plan.filter) QUARRY_RETURN_IF_ERROR(BuildFiltersLocked(&plan));
  response.filter_ms = stage.ElapsedMillis();

  RetrieverLists lists;
  stage.Reset();
  if (plan.keyword) QUARRY_RETURN_IF_ERROR(CollectKeywordLocked(plan, &lists));
  response.keyword_ms = keyword_ms + stage.ElapsedMillis();
  stage.Reset();
  if (plan.vector) QUARRY_RETURN_IF_ERROR(CollectVectorLocked(plan, qv, &lists));
  response.vector_ms = stage.ElapsedMillis();

  stage.Reset();
  std::vector<search::FusedHit> fused;
  if (plan.mode == SearchMode::kHybrid) {
    // A lexical embedder's vectors repeat what BM25 sees, less precisely:
    // rank fusion would give them an equal vote, a blend lets BM25 lead.
    const bool semantic = embedder_->semantic();
    const FusionMethod method =
        request.fusion.value_or(semantic ? FusionMethod::kRrf : FusionMethod::kBlend);
    search::FusionOptions fusion;
    fusion.method =
        method == FusionMethod::kBlend ? search::FusionMethod::kBlend : search::FusionMethod::kRrf;
    fusion.rrf_k = request.rrf_k;
    fusion.alpha = request.alpha.value_or(semantic ? 0.5 : kLexicalBlendAlpha);
    QUARRY_ASSIGN_OR_RETURN(fused, search::Fuse(lists.keyword, lists.vector, fusion));
  } else if (plan.mode == SearchMode::kKeyword) {
    fused = Single(lists.keyword, search::Retriever::kKeyword);
  } else {
    fused = Single(lists.vector, search::Retriever::kVector);
  }

  // Grouping: the first (best) hit of each document stands for it.
  std::vector<uint32_t> matching(fused.size(), 1);
  if (request.group_by == GroupBy::kDocument) {
    std::unordered_map<std::string_view, size_t> first_of;
    std::vector<search::FusedHit> grouped;
    std::vector<uint32_t> counts;
    for (const search::FusedHit& h : fused) {
      auto [it, inserted] = first_of.emplace(DocumentIdOf(plan.sources, h.key), grouped.size());
      if (inserted) {
        grouped.push_back(h);
        counts.push_back(1);
      } else {
        ++counts[it->second];
      }
    }
    fused = std::move(grouped);
    matching = std::move(counts);
  }
  const size_t begin = std::min<size_t>(request.offset, fused.size());
  const size_t end = std::min<size_t>(begin + request.k, fused.size());
  response.fusion_ms = stage.ElapsedMillis();

  stage.Reset();
  std::optional<search::SnippetMaker> snippets;
  if (request.highlight.enabled) {
    QUARRY_ASSIGN_OR_RETURN(snippets, search::SnippetMaker::Create(
                                          AnalyzerOptionsFor(config_.keyword), snippet_options));
    snippets->SetQuery(query);
  }
  response.hits.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    const search::FusedHit& h = fused[i];
    SearchHit hit;
    QUARRY_RETURN_IF_ERROR(FillHitLocked(plan, h.key.segment, h.key.row, &hit));
    hit.score = h.score;
    if (request.group_by == GroupBy::kDocument) hit.matching_chunks = matching[i];
    if (request.explain) {
      const bool single = plan.mode != SearchMode::kHybrid;
      hit.explanation = HitExplanation{Explain(h, search::Retriever::kKeyword, single),
                                       Explain(h, search::Retriever::kVector, single)};
    }
    if (snippets) hit.snippet = snippets->Make(hit.text).html;
    response.hits.push_back(std::move(hit));
  }
  QUARRY_RETURN_IF_ERROR(ScoreHitsLocked(plan, response.hits));
  response.fetch_ms = stage.ElapsedMillis();
  response.search_ms = search_watch.ElapsedMillis();
  response.total_ms = total.ElapsedMillis();
  return response;
}

}  // namespace quarry::engine
