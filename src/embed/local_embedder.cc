#include "embed/local_embedder.h"

#include "base/hash.h"
#include "embed/model_fingerprint.h"
#include "embed/safetensors.h"
#include "embed/tokenizer_files.h"

namespace quarry::embed {

Result<std::unique_ptr<LocalEmbedder>> LocalEmbedder::Load(Env& env, const std::string& dir,
                                                           BertEncoderOptions options,
                                                           const LocalPrompts& prompts) {
  QUARRY_ASSIGN_OR_RETURN(WordPieceTokenizer tokenizer, LoadWordPieceTokenizer(env, dir));
  QUARRY_ASSIGN_OR_RETURN(BertConfig config, LoadBertConfig(env, dir));
  if (tokenizer.vocab_size() > config.vocab_size) {
    return Status::InvalidArgument(dir + ": the tokenizer has " +
                                   std::to_string(tokenizer.vocab_size()) +
                                   " ids but the model's vocab_size is " +
                                   std::to_string(config.vocab_size));
  }
  if (prompts.query) config.query_prompt = *prompts.query;
  if (prompts.document) config.document_prompt = *prompts.document;
  // A prompt must leave room for text: chunks are sized with it included.
  // The error names where the prompt came from.
  const std::string folder_prompts = dir + "/config_sentence_transformers.json";
  const struct {
    const std::string& prompt;
    std::string source;
  } checks[] = {
      {config.query_prompt, prompts.query ? "embedder.query_prompt" : folder_prompts},
      {config.document_prompt, prompts.document ? "embedder.document_prompt" : folder_prompts}};
  for (const auto& check : checks) {
    const size_t tokens = tokenizer.CountTokens(check.prompt);
    if (tokens + 8 > config.max_seq_length) {
      return Status::InvalidArgument(check.source + ": a prompt of " + std::to_string(tokens) +
                                     " tokens leaves too little of max_seq_length (" +
                                     std::to_string(config.max_seq_length) + ") for text");
    }
  }
  QUARRY_ASSIGN_OR_RETURN(SafetensorsFile weights_file,
                          SafetensorsFile::Open(dir + "/model.safetensors"));
  QUARRY_ASSIGN_OR_RETURN(BertWeights weights, LoadBertWeights(weights_file, config));

  std::string fingerprint = "local-v1/" + ModelFolderId(dir) + "/w" + WeightsHash16(weights_file) +
                            (config.pooling == Pooling::kCls ? "/cls" : "/mean") + "/t" +
                            std::to_string(config.max_seq_length) + "/v" +
                            std::to_string(tokenizer.vocab_size()) +
                            (tokenizer.options().basic.lowercase ? "/lc" : "/cased") +
                            // float32 fingerprints predate the option and stay as they were.
                            (options.precision == Precision::kInt8 ? "/int8" : "");
  // Prompts change every vector; no prompt keeps the fingerprint it had before.
  if (!config.query_prompt.empty()) {
    fingerprint += "/pq" + ContentHashHex(config.query_prompt).substr(0, 8);
  }
  if (!config.document_prompt.empty()) {
    fingerprint += "/pd" + ContentHashHex(config.document_prompt).substr(0, 8);
  }
  auto encoder = std::make_unique<BertEncoder>(config, std::move(weights), options);
  return std::unique_ptr<LocalEmbedder>(
      new LocalEmbedder(std::move(tokenizer), std::move(encoder), std::move(fingerprint)));
}

size_t LocalEmbedder::CountTokens(std::string_view text) const {
  const std::string& prompt = encoder_->config().document_prompt;
  if (prompt.empty()) return tokenizer_.CountTokens(text);
  // A prompt ending in white space tokenizes apart from the text after it.
  if (prompt.back() == ' ' || prompt.back() == '\n' || prompt.back() == '\t') return document_prompt_tokens_ + tokenizer_.CountTokens(text);
  return tokenizer_.CountTokens(prompt + std::string(text));
}

Status LocalEmbedder::Embed(std::span<const std::string_view> texts, EmbedPurpose purpose,
                            std::span<float> out) const {
  std::vector<std::vector<int32_t>> ids;
  ids.reserve(texts.size());
  const BertConfig& config = encoder_->config();
  const std::string& prompt =
      purpose == EmbedPurpose::kQuery ? config.query_prompt : config.document_prompt;
  for (std::string_view text : texts) {
    ids.push_back(prompt.empty() ? tokenizer_.Encode(text, max_tokens())
                                 : tokenizer_.Encode(prompt + std::string(text), max_tokens()));
  }
  return encoder_->Encode(ids, out);
}

}  // namespace quarry::embed
