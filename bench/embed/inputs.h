// The inputs of the embedding benchmark: SciFact passages (title + text) and
// queries from a BEIR folder, tokenized once by Quarry's WordPiece tokenizer
// so that Quarry and the PyTorch peer run on identical token ids.
//
// Thread-safety: plain values and functions.
#ifndef QUARRY_BENCH_EMBED_INPUTS_H_
#define QUARRY_BENCH_EMBED_INPUTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "quarry/status.h"

namespace quarry::bench {

using TokenIds = std::vector<std::vector<int32_t>>;

struct EmbedInputs {
  TokenIds passages;
  TokenIds queries;
};

// Reads the first `passages` documents of <beir_dir>/corpus.jsonl (title, a
// space, text) and the first `queries` queries of <beir_dir>/queries.jsonl
// (0: all), tokenized with the tokenizer of `tokenizer_dir` and truncated to
// `max_tokens` ([CLS]/[SEP] included). NotFound naming the file when the
// dataset or the tokenizer is missing.
Result<EmbedInputs> LoadEmbedInputs(const std::string& beir_dir, const std::string& tokenizer_dir,
                                    size_t passages, size_t queries, size_t max_tokens);

// {"passages": [[ids]...], "queries": [[ids]...]}: what the PyTorch peer reads.
std::string InputsToJson(const EmbedInputs& inputs);

// Total of the sequence lengths.
uint64_t TotalTokens(const TokenIds& ids);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_EMBED_INPUTS_H_
