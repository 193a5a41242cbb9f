#include "embed/static_embedder.h"

#include <boost/json.hpp>

#include "embed/model_fingerprint.h"
#include "embed/safetensors.h"
#include "embed/tokenizer_files.h"
#include "quarry/options.h"
#include "vector/distance.h"

namespace quarry::embed {
namespace {

constexpr uint64_t kMaxConfigBytes = 1 << 20;

// config.json is optional; when present it must be a JSON object whose
// `normalize`, if given, is a boolean.
Status CheckConfigJson(Env& env, const std::string& dir) {
  const std::string path = dir + "/config.json";
  if (!env.FileExists(path)) return Status::Ok();
  QUARRY_ASSIGN_OR_RETURN(std::string text, ReadFileToString(env, path, kMaxConfigBytes));
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) return Status::InvalidArgument(path + ": not JSON: " + ec.message());
  if (!value.is_object()) return Status::InvalidArgument(path + ": not an object");
  const boost::json::value* normalize = value.as_object().if_contains("normalize");
  if (normalize != nullptr && !normalize->is_bool() && !normalize->is_null()) {
    return Status::InvalidArgument(path + ": normalize must be a boolean");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<StaticEmbedder>> StaticEmbedder::Load(Env& env, const std::string& dir) {
  const std::string tokenizer_path = dir + "/tokenizer.json";
  if (!env.FileExists(tokenizer_path)) return Status::NotFound(tokenizer_path + " is missing");
  QUARRY_ASSIGN_OR_RETURN(WordPieceTokenizer tokenizer, LoadWordPieceTokenizer(env, dir));
  QUARRY_RETURN_IF_ERROR(CheckConfigJson(env, dir));

  const std::string weights_path = dir + "/model.safetensors";
  if (!env.FileExists(weights_path)) return Status::NotFound(weights_path + " is missing");
  Result<SafetensorsFile> opened = SafetensorsFile::Open(weights_path);
  if (!opened.ok()) return opened.status().WithContext(weights_path);
  const SafetensorsFile& weights = *opened;
  const TensorInfo* info = weights.Find("embeddings");
  if (info == nullptr) {
    return Status::Corruption(weights_path + ": no tensor 'embeddings' (model2vec's matrix)");
  }
  if (info->shape.size() != 2) {
    return Status::Corruption(weights_path + ": 'embeddings' must be 2-D [vocab, dim], it has " +
                              std::to_string(info->shape.size()) + " dimensions");
  }
  const uint64_t rows = info->shape[0], dims = info->shape[1];
  if (rows != tokenizer.vocab_size()) {
    return Status::Corruption(weights_path + ": 'embeddings' has " + std::to_string(rows) +
                              " rows but the tokenizer has " +
                              std::to_string(tokenizer.vocab_size()) + " ids");
  }
  if (dims == 0 || dims > kMaxDimensions) {
    return Status::Corruption(weights_path + ": 'embeddings' is " + std::to_string(dims) +
                              " wide; expected 1 to " + std::to_string(kMaxDimensions));
  }
  Result<std::vector<float>> table = weights.ReadFloats("embeddings");
  if (!table.ok()) return table.status().WithContext(weights_path);
  if (!vector::AllFinite(*table)) {
    return Status::Corruption(weights_path + ": 'embeddings' holds NaN or infinite values");
  }
  std::string fingerprint = "static-v1/" + ModelFolderId(dir) + "/w" + WeightsHash16(weights) +
                            "/d" + std::to_string(dims) + "/v" + std::to_string(rows) +
                            (tokenizer.options().basic.lowercase ? "/lc" : "/cased");
  return std::unique_ptr<StaticEmbedder>(new StaticEmbedder(
      std::move(tokenizer), std::move(table).value(), static_cast<uint32_t>(dims),
      std::move(fingerprint)));
}

size_t StaticEmbedder::CountTokens(std::string_view text) const {
  return tokenizer_.CountTokens(text) - 2;  // no [CLS]/[SEP] here
}

Status StaticEmbedder::Embed(std::span<const std::string_view> texts, EmbedPurpose /*purpose*/,
                             std::span<float> out) const {
  if (out.size() != texts.size() * dimensions_) {
    return Status::InvalidArgument("Embed: output size does not match texts x dimensions");
  }
  std::vector<double> sum(dimensions_);
  for (size_t t = 0; t < texts.size(); ++t) {
    const std::vector<int32_t> ids = tokenizer_.EncodeKnownPieces(texts[t], kMaxTokens);
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int32_t id : ids) {
      // Ids are < vocab_size() == rows, checked at Load.
      const float* row = table_.data() + static_cast<size_t>(id) * dimensions_;
      for (uint32_t d = 0; d < dimensions_; ++d) sum[d] += row[d];
    }
    std::span<float> vec = out.subspan(t * dimensions_, dimensions_);
    const double inv = ids.empty() ? 0.0 : 1.0 / static_cast<double>(ids.size());
    for (uint32_t d = 0; d < dimensions_; ++d) vec[d] = static_cast<float>(sum[d] * inv);
    vector::NormalizeL2(vec);
  }
  return Status::Ok();
}

}  // namespace quarry::embed
