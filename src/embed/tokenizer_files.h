// Loading a WordPiece tokenizer from a Hugging Face model folder.
//
// Either `tokenizer.json` (the `tokenizers` library's format: a WordPiece
// model with a BertNormalizer) or, when it is absent, `vocab.txt` (one token a
// line, the line number is the id) with the optional `tokenizer_config.json`
// (do_lower_case, strip_accents, tokenize_chinese_chars, special tokens).
// The files are untrusted: sizes are capped and every field is type-checked.
//
// Thread-safety: pure functions (file reads go through the given Env).
#ifndef QUARRY_EMBED_TOKENIZER_FILES_H_
#define QUARRY_EMBED_TOKENIZER_FILES_H_

#include <string>
#include <string_view>

#include "base/env.h"
#include "embed/wordpiece.h"

namespace quarry::embed {

// Loads the tokenizer of the model folder `dir`. NotFound when neither
// tokenizer.json nor vocab.txt is there; InvalidArgument naming the file and
// field when one is malformed; NotSupported for non-WordPiece tokenizers.
Result<WordPieceTokenizer> LoadWordPieceTokenizer(Env& env, const std::string& dir);

// The parsers behind it, for tests and fuzzing.
Result<WordPieceTokenizer> ParseTokenizerJson(std::string_view json);
Result<WordPieceTokenizer> ParseVocabTxt(std::string_view vocab_txt,
                                         std::string_view tokenizer_config_json);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_TOKENIZER_FILES_H_
