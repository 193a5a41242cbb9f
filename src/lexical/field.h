// The fields a keyword index keeps apart: a document's title and its body.
//
// Thread-safety: constants.
#ifndef QUARRY_LEXICAL_FIELD_H_
#define QUARRY_LEXICAL_FIELD_H_

#include <cstddef>

namespace quarry::lexical {

enum class Field { kTitle = 0, kBody = 1 };
inline constexpr size_t kNumFields = 2;

inline constexpr size_t FieldIndex(Field f) { return static_cast<size_t>(f); }

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_FIELD_H_
