// An in-memory Engine for the server's tests: real enough to route, ingest
// and search through (word-overlap scoring), with hooks to observe which
// thread ingests and to hold an ingestion open.
//
// Thread-safety: like Engine, safe to use from many threads.
#ifndef QUARRY_SERVER_FAKE_ENGINE_FOR_TEST_H_
#define QUARRY_SERVER_FAKE_ENGINE_FOR_TEST_H_

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "quarry/engine.h"

namespace quarry::server {

class FakeCollection : public Collection {
 public:
  FakeCollection(std::string name, CollectionConfig config)
      : name_(std::move(name)), config_(config) {}

  const std::string& name() const override { return name_; }

  CollectionInfo Info() const override {
    std::lock_guard<std::mutex> lock(mu_);
    CollectionInfo info;
    info.name = name_;
    info.config = config_;
    info.embedder_fingerprint = "fake";
    info.documents = docs_.size();
    info.chunks = docs_.size();
    info.generation = generation_;
    return info;
  }

  Result<UpsertSummary> Upsert(std::vector<DocumentInput> docs) override {
    if (before_upsert) before_upsert();
    std::lock_guard<std::mutex> lock(mu_);
    upsert_threads_.push_back(std::this_thread::get_id());
    UpsertSummary summary;
    for (DocumentInput& doc : docs) {
      auto it = docs_.find(doc.id);
      if (it != docs_.end() && it->second.text == doc.text && it->second.title == doc.title) {
        ++summary.unchanged;
        continue;
      }
      ++summary.documents;
      ++summary.chunks;
      docs_[doc.id] = std::move(doc);
    }
    summary.generation = ++generation_;
    return summary;
  }

  Result<DocumentInfo> GetDocument(const std::string& id) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = docs_.find(id);
    if (it == docs_.end()) return Status::NotFound("document '" + id + "' not found");
    DocumentInfo info;
    info.id = it->second.id;
    info.title = it->second.title;
    info.source = it->second.source;
    info.media_type = it->second.media_type;
    info.metadata_json = it->second.metadata_json;
    info.chunk_count = 1;
    info.text_bytes = it->second.text.size();
    return info;
  }

  Status DeleteDocument(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (docs_.erase(id) == 0) return Status::NotFound("document '" + id + "' not found");
    ++generation_;
    return Status::Ok();
  }

  Result<SearchResponse> Search(const SearchRequest& request) const override {
    std::lock_guard<std::mutex> lock(mu_);
    const std::set<std::string> query = Words(request.query);
    SearchResponse response;
    for (const auto& [id, doc] : docs_) {
      size_t shared = 0;
      for (const std::string& word : Words(doc.text)) shared += query.count(word);
      if (shared == 0) continue;
      SearchHit hit;
      hit.document_id = id;
      hit.score = static_cast<float>(shared) / static_cast<float>(query.size());
      hit.text = doc.text;
      hit.title = doc.title;
      hit.end = static_cast<uint32_t>(doc.text.size());
      response.hits.push_back(std::move(hit));
    }
    std::stable_sort(response.hits.begin(), response.hits.end(),
                     [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; });
    if (response.hits.size() > request.k) response.hits.resize(request.k);
    response.generation = generation_;
    return response;
  }

  std::vector<std::thread::id> UpsertThreads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return upsert_threads_;
  }

  // Runs at the start of every Upsert, outside the lock. Set before serving.
  std::function<void()> before_upsert;

 private:
  static std::set<std::string> Words(const std::string& text) {
    std::set<std::string> words;
    std::string word;
    for (char c : text + " ") {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (!word.empty()) {
        words.insert(word);
        word.clear();
      }
    }
    return words;
  }

  const std::string name_;
  const CollectionConfig config_;
  mutable std::mutex mu_;
  std::map<std::string, DocumentInput> docs_;
  uint64_t generation_ = 0;
  std::vector<std::thread::id> upsert_threads_;
};

class FakeEngine : public Engine {
 public:
  Result<std::shared_ptr<Collection>> CreateCollection(const std::string& name,
                                                       const CollectionConfig& config) override {
    QUARRY_RETURN_IF_ERROR(ValidateCollectionName(name));
    std::lock_guard<std::mutex> lock(mu_);
    if (collections_.count(name) != 0) {
      return Status::AlreadyExists("collection '" + name + "' already exists");
    }
    auto collection = std::make_shared<FakeCollection>(name, config);
    collections_[name] = collection;
    return std::shared_ptr<Collection>(collection);
  }

  Result<std::shared_ptr<Collection>> GetCollection(const std::string& name) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = collections_.find(name);
    if (it == collections_.end()) return Status::NotFound("collection '" + name + "' not found");
    return std::shared_ptr<Collection>(it->second);
  }

  std::shared_ptr<FakeCollection> Fake(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = collections_.find(name);
    return it == collections_.end() ? nullptr : it->second;
  }

  std::vector<CollectionInfo> ListCollections() const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<CollectionInfo> infos;
    for (const auto& [name, collection] : collections_) infos.push_back(collection->Info());
    return infos;
  }

  Status DropCollection(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (collections_.erase(name) == 0) {
      return Status::NotFound("collection '" + name + "' not found");
    }
    return Status::Ok();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<FakeCollection>> collections_;
};

}  // namespace quarry::server

#endif  // QUARRY_SERVER_FAKE_ENGINE_FOR_TEST_H_
