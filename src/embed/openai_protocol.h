// The OpenAI embeddings protocol (POST /v1/embeddings), as spoken by OpenAI,
// Azure OpenAI, Ollama, vLLM and TEI:
//   request  {"model": M, "input": ["text", ...], "encoding_format": "float"}
//   response {"object": "list", "model": M, "usage": {...},
//             "data": [{"object": "embedding", "index": i, "embedding": [f, ...]}, ...]}
//
// The answer is untrusted: ParseEmbeddingsResponse checks everything it
// relies on and says precisely what is wrong (not JSON, no `data`, a count or
// a width that differs from what was asked, an index missing, repeated or
// out of range, a value that is not a finite float32). Items may come in any
// order; they are placed by `index`.
//
// Thread-safety: pure functions.
#ifndef QUARRY_EMBED_OPENAI_PROTOCOL_H_
#define QUARRY_EMBED_OPENAI_PROTOCOL_H_

#include <span>
#include <string>
#include <string_view>

#include "quarry/status.h"

namespace quarry::embed {

std::string BuildEmbeddingsRequest(std::string_view model, std::span<const std::string_view> texts);

// Writes the embedding of input i to out[i * dimensions, (i + 1) * dimensions),
// as received (not normalized). Corruption on any defect; `out` may then be
// partly written.
// REQUIRES: out.size() == count * dimensions.
Status ParseEmbeddingsResponse(std::string_view body, size_t count, uint32_t dimensions,
                               std::span<float> out);

// The service's own words from an error answer ({"error": {"message": ...}},
// {"error": "..."} or a plain body), on one line, control bytes replaced,
// at most max_bytes long.
std::string ServiceErrorMessage(std::string_view body, size_t max_bytes = 300);

}  // namespace quarry::embed

#endif  // QUARRY_EMBED_OPENAI_PROTOCOL_H_
