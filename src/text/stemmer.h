// Stemmer: a Snowball stemmer (libstemmer) for one language, so that
// "infections", "infected" and "infection" index as one term.
//
// Thread-safety: NOT thread-safe. libstemmer's sb_stemmer keeps its working
// buffer inside the object and stems in place, so one Stemmer must never be
// used by two threads at once; make one per thread (or per Analyzer, which is
// itself one per thread). Creating one is cheap (a few small allocations).
#ifndef QUARRY_TEXT_STEMMER_H_
#define QUARRY_TEXT_STEMMER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quarry/status.h"

struct sb_stemmer;  // libstemmer.h stays private to stemmer.cc

namespace quarry::text {

class Stemmer {
 public:
  // A stemmer for `language`, a Snowball algorithm name ("english", "porter",
  // "french", ...) or its ISO 639 code ("en", "fr"). InvalidArgument for a
  // language libstemmer does not have, listing the ones it has.
  static Result<Stemmer> Create(std::string_view language);

  // The Snowball algorithm names libstemmer offers, e.g. {"arabic", ..., "english", ...}.
  static std::vector<std::string> Languages();

  Stemmer(Stemmer&&) noexcept;
  Stemmer& operator=(Stemmer&&) noexcept;
  ~Stemmer();

  // The stem of `word`, a case-folded UTF-8 word. The view points into this
  // object and stays valid until the next call. If libstemmer cannot allocate
  // memory, returns `word` unchanged (a missed conflation, never a wrong term).
  // REQUIRES: valid UTF-8; word.size() < 2 GiB.
  std::string_view Stem(std::string_view word);

  const std::string& language() const { return language_; }

 private:
  struct Deleter {
    void operator()(sb_stemmer* s) const;
  };
  Stemmer(std::unique_ptr<sb_stemmer, Deleter> stemmer, std::string language);

  std::unique_ptr<sb_stemmer, Deleter> stemmer_;
  std::string language_;
};

}  // namespace quarry::text

#endif  // QUARRY_TEXT_STEMMER_H_
