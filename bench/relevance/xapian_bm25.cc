#include "xapian_bm25.h"

#include <xapian.h>

#include <filesystem>

#include "base/stopwatch.h"
#include "text/stopwords.h"

namespace quarry::bench {

struct XapianBm25::State {
  std::vector<std::string> ids;  // Xapian docid - 1 -> BEIR id
  std::unique_ptr<Xapian::Database> db;
  std::unique_ptr<Xapian::Enquire> enquire;
  Xapian::SimpleStopper stopper;
  Xapian::TermGenerator query_terms;
};

XapianBm25::XapianBm25() : state_(std::make_unique<State>()) {}
XapianBm25::~XapianBm25() = default;

Result<std::unique_ptr<XapianBm25>> XapianBm25::Build(
    const std::vector<search::BeirDocument>& corpus, const std::string& dir, double k1, double b) {
  std::unique_ptr<XapianBm25> engine(new XapianBm25());
  State& s = *engine->state_;
  try {
    for (std::string_view w : text::StopwordsFor("english")->words()) s.stopper.add(std::string(w));
    const Stopwatch watch;
    {
      Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
      Xapian::TermGenerator gen;
      gen.set_stemmer(Xapian::Stem("english"));
      gen.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
      gen.set_stopper(&s.stopper);
      gen.set_stopper_strategy(Xapian::TermGenerator::STOP_ALL);
      for (const search::BeirDocument& d : corpus) {
        Xapian::Document doc;
        gen.set_document(doc);
        gen.index_text(d.title);
        gen.increase_termpos();
        gen.index_text(d.text);
        db.add_document(doc);
        s.ids.push_back(d.id);
      }
      db.commit();
    }
    s.db = std::make_unique<Xapian::Database>(dir);
    s.enquire = std::make_unique<Xapian::Enquire>(*s.db);
    s.enquire->set_weighting_scheme(Xapian::BM25Weight(k1, /*k2=*/0, /*k3=*/1, b, 0.5));
    s.query_terms.set_stemmer(Xapian::Stem("english"));
    s.query_terms.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
    s.query_terms.set_stopper(&s.stopper);
    s.query_terms.set_stopper_strategy(Xapian::TermGenerator::STOP_ALL);
    engine->index_seconds_ = watch.ElapsedMillis() / 1e3;
  } catch (const Xapian::Error& e) {
    return Status::Internal("xapian: " + e.get_description());
  }
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  }
  engine->index_mib_ = bytes / (1024.0 * 1024.0);
  return engine;
}

Status XapianBm25::Search(const std::string& query, size_t k, std::vector<std::string>* ranking) {
  State& s = *state_;
  ranking->clear();
  try {
    // Bag-of-words, as BM25 is: the query's terms (same stemmer and
    // stopwords as the index), OR-ed, repeats as within-query frequency.
    Xapian::Document doc;
    s.query_terms.set_document(doc);
    s.query_terms.index_text(query);
    std::vector<Xapian::Query> terms;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      terms.emplace_back(*t, t.get_wdf());
    }
    s.enquire->set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    const Xapian::MSet mset = s.enquire->get_mset(0, static_cast<Xapian::doccount>(k));
    for (auto it = mset.begin(); it != mset.end(); ++it) ranking->push_back(s.ids[*it - 1]);
  } catch (const Xapian::Error& e) {
    return Status::Internal("xapian: " + e.get_description());
  }
  return Status::Ok();
}

}  // namespace quarry::bench
