// The embedder interface: text in, fixed-size float vectors out.
//
// Implementations (src/embed/): `lexical` (built in, feature hashing),
// `local` (a BERT-family encoder run in process), `static` (model2vec token
// embeddings) and `openai` (any OpenAI-compatible /v1/embeddings service).
//
// Thread-safety: implementations must allow concurrent calls to every const
// method.
#ifndef QUARRY_EMBEDDER_H_
#define QUARRY_EMBEDDER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry {

// Some models embed queries and passages differently (E5's "query: " prefix).
enum class EmbedPurpose { kQuery, kDocument };

class Embedder {
 public:
  virtual ~Embedder() = default;

  // Identifies the model and every setting that changes its vectors; vectors
  // from embedders with different fingerprints are never mixed.
  virtual std::string fingerprint() const = 0;
  virtual uint32_t dimensions() const = 0;
  // The longest input, in this embedder's tokens, that it sees whole.
  virtual uint32_t max_tokens() const = 0;
  // False for embedders that only match words (lexical), so UIs can say so.
  virtual bool semantic() const = 0;

  // Number of tokens this embedder would see in `text`; chunking sizes by it.
  virtual size_t CountTokens(std::string_view text) const = 0;

  // Writes one L2-normalized vector per text, row after row, into `out`.
  // REQUIRES: out.size() == texts.size() * dimensions().
  virtual Status Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
                       std::span<float> out) const = 0;
};

}  // namespace quarry

#endif  // QUARRY_EMBEDDER_H_
