#include "text/stemmer.h"

#include <libstemmer.h>

#include <utility>

namespace quarry::text {

void Stemmer::Deleter::operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }

Stemmer::Stemmer(std::unique_ptr<sb_stemmer, Deleter> stemmer, std::string language)
    : stemmer_(std::move(stemmer)), language_(std::move(language)) {}
Stemmer::Stemmer(Stemmer&&) noexcept = default;
Stemmer& Stemmer::operator=(Stemmer&&) noexcept = default;
Stemmer::~Stemmer() = default;

std::vector<std::string> Stemmer::Languages() {
  std::vector<std::string> names;
  for (const char** name = sb_stemmer_list(); *name != nullptr; ++name) names.emplace_back(*name);
  return names;
}

Result<Stemmer> Stemmer::Create(std::string_view language) {
  const std::string name(language);
  // NULL encoding means UTF-8. sb_stemmer_new returns NULL for an unknown
  // algorithm and when out of memory; the list tells the two apart.
  std::unique_ptr<sb_stemmer, Deleter> stemmer(sb_stemmer_new(name.c_str(), nullptr));
  if (stemmer == nullptr) {
    std::string known;
    for (const std::string& l : Languages()) {
      if (l == name) return Status::ResourceExhausted("cannot allocate a stemmer for " + name);
      if (!known.empty()) known += ", ";
      known += l;
    }
    return Status::InvalidArgument("no stemmer for language '" + name + "'; known: " + known);
  }
  return Stemmer(std::move(stemmer), name);
}

std::string_view Stemmer::Stem(std::string_view word) {
  const sb_symbol* stem =
      sb_stemmer_stem(stemmer_.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                      static_cast<int>(word.size()));
  if (stem == nullptr) return word;  // out of memory
  return std::string_view(reinterpret_cast<const char*>(stem),
                          static_cast<size_t>(sb_stemmer_length(stemmer_.get())));
}

}  // namespace quarry::text
