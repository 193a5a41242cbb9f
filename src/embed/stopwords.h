// English stopwords that the lexical embedder down-weights.
//
// Thread-safety: pure function over a constant table.
#ifndef QUARRY_EMBED_STOPWORDS_H_
#define QUARRY_EMBED_STOPWORDS_H_

#include <string_view>

namespace quarry::embed {

// True for a case-folded English function word ("the", "of", "is", ...).
bool IsEnglishStopword(std::string_view folded_word);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_STOPWORDS_H_
