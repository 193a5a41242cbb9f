#include "embed/local_embedder.h"

#include <filesystem>

#include "base/hash.h"
#include "embed/safetensors.h"
#include "embed/tokenizer_files.h"

namespace quarry::embed {

Result<std::unique_ptr<LocalEmbedder>> LocalEmbedder::Load(Env& env, const std::string& dir,
                                                           BertEncoderOptions options) {
  QUARRY_ASSIGN_OR_RETURN(WordPieceTokenizer tokenizer, LoadWordPieceTokenizer(env, dir));
  QUARRY_ASSIGN_OR_RETURN(BertConfig config, LoadBertConfig(env, dir));
  if (tokenizer.vocab_size() > config.vocab_size) {
    return Status::InvalidArgument(dir + ": the tokenizer has " +
                                   std::to_string(tokenizer.vocab_size()) +
                                   " ids but the model's vocab_size is " +
                                   std::to_string(config.vocab_size));
  }
  QUARRY_ASSIGN_OR_RETURN(SafetensorsFile weights_file,
                          SafetensorsFile::Open(dir + "/model.safetensors"));
  QUARRY_ASSIGN_OR_RETURN(BertWeights weights, LoadBertWeights(weights_file, config));

  std::span<const uint8_t> bytes = weights_file.bytes();
  const std::string weights_hash = ContentHashHex(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  std::string model_id = std::filesystem::path(dir).lexically_normal().filename().string();
  if (model_id.empty()) model_id = std::filesystem::path(dir).lexically_normal().parent_path().filename().string();
  std::string fingerprint = "local-v1/" + model_id + "/w" + weights_hash.substr(0, 16) +
                            (config.pooling == Pooling::kCls ? "/cls" : "/mean") + "/t" +
                            std::to_string(config.max_seq_length) + "/v" +
                            std::to_string(tokenizer.vocab_size()) +
                            (tokenizer.options().basic.lowercase ? "/lc" : "/cased") +
                            // float32 fingerprints predate the option and stay as they were.
                            (options.precision == Precision::kInt8 ? "/int8" : "");
  auto encoder = std::make_unique<BertEncoder>(config, std::move(weights), options);
  return std::unique_ptr<LocalEmbedder>(
      new LocalEmbedder(std::move(tokenizer), std::move(encoder), std::move(fingerprint)));
}

size_t LocalEmbedder::CountTokens(std::string_view text) const {
  return tokenizer_.CountTokens(text);
}

Status LocalEmbedder::Embed(std::span<const std::string_view> texts, EmbedPurpose /*purpose*/,
                            std::span<float> out) const {
  std::vector<std::vector<int32_t>> ids;
  ids.reserve(texts.size());
  for (std::string_view text : texts) ids.push_back(tokenizer_.Encode(text, max_tokens()));
  return encoder_->Encode(ids, out);
}

}  // namespace quarry::embed
