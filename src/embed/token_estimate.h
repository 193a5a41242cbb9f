// A conservative token count for embedders whose tokenizer Quarry does not
// have (remote services).
//
// EstimateTokens(text) = 2 + max(ceil(bytes / 3), words + symbols), where a
// word is a run of ASCII letters and digits or of non-ASCII bytes, and a
// symbol is any other printable ASCII byte. Real subword tokenizers (BERT
// WordPiece, GPT BPE) give about one token per 4 to 5 bytes of English prose
// and split punctuation off words, so the estimate is above them for prose
// (chunks come out about 30% shorter than the target, the safe direction: a
// chunk the model silently truncates is a bug), and still about right for
// digit strings, punctuation runs and CJK (3 bytes, about one token, a char).
// The 2 stands for the [CLS]/[SEP] or BOS/EOS a model may add.
//
// Thread-safety: pure function.
#ifndef QUARRY_EMBED_TOKEN_ESTIMATE_H_
#define QUARRY_EMBED_TOKEN_ESTIMATE_H_

#include <cstddef>
#include <string_view>

namespace quarry::embed {

size_t EstimateTokens(std::string_view text);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_TOKEN_ESTIMATE_H_
