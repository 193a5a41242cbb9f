#include "embed/tokenizer_files.h"

#include <boost/json.hpp>

namespace quarry::embed {
namespace {

namespace json = boost::json;

constexpr uint64_t kMaxTokenizerFileBytes = 64ull << 20;

Result<json::object> ParseObject(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return Status::InvalidArgument(std::string(what) + ": not JSON: " + ec.message());
  if (!value.is_object()) return Status::InvalidArgument(std::string(what) + ": not an object");
  return std::move(value.as_object());
}

// Reads an optional field of `obj` into *out. A missing or null field keeps
// *out; a field of the wrong type is an error.
Status ReadBool(const json::object& obj, std::string_view key, bool* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return Status::Ok();
  if (!v->is_bool()) return Status::InvalidArgument(std::string(key) + " must be a boolean");
  *out = v->as_bool();
  return Status::Ok();
}

Status ReadOptionalBool(const json::object& obj, std::string_view key, std::optional<bool>* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return Status::Ok();
  if (!v->is_bool()) return Status::InvalidArgument(std::string(key) + " must be a boolean or null");
  *out = v->as_bool();
  return Status::Ok();
}

Status ReadString(const json::object& obj, std::string_view key, std::string* out) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return Status::Ok();
  // tokenizer_config.json may hold an AddedToken object {"content": ...}.
  if (v->is_object()) {
    const json::value* content = v->as_object().if_contains("content");
    if (content != nullptr && content->is_string()) v = content;
  }
  if (!v->is_string()) return Status::InvalidArgument(std::string(key) + " must be a string");
  *out = std::string(v->as_string());
  return Status::Ok();
}

// The special token named by a TemplateProcessing piece, if it is one.
const json::string* TemplateSpecialToken(const json::value& piece) {
  if (!piece.is_object()) return nullptr;
  const json::value* special = piece.as_object().if_contains("SpecialToken");
  if (special == nullptr || !special->is_object()) return nullptr;
  const json::value* id = special->as_object().if_contains("id");
  return id != nullptr && id->is_string() ? &id->as_string() : nullptr;
}

Status ReadPostProcessor(const json::object& root, WordPieceOptions* options) {
  const json::value* pp = root.if_contains("post_processor");
  if (pp == nullptr || pp->is_null()) return Status::Ok();
  if (!pp->is_object()) return Status::InvalidArgument("post_processor must be an object");
  const json::object& obj = pp->as_object();
  const json::value* type = obj.if_contains("type");
  if (type == nullptr || !type->is_string()) return Status::InvalidArgument("post_processor.type");
  if (*type == "BertProcessing") {
    for (auto [key, out] : {std::pair{"cls", &options->cls_token}, {"sep", &options->sep_token}}) {
      const json::value* pair = obj.if_contains(key);
      if (pair == nullptr || !pair->is_array() || pair->as_array().empty() ||
          !pair->as_array()[0].is_string()) {
        return Status::InvalidArgument(std::string("post_processor.") + key);
      }
      *out = std::string(pair->as_array()[0].as_string());
    }
    return Status::Ok();
  }
  if (*type == "TemplateProcessing") {
    const json::value* single = obj.if_contains("single");
    if (single == nullptr || !single->is_array() || single->as_array().size() < 2) {
      return Status::InvalidArgument("post_processor.single");
    }
    const json::array& pieces = single->as_array();
    const json::string* first = TemplateSpecialToken(pieces.front());
    const json::string* last = TemplateSpecialToken(pieces.back());
    if (first == nullptr || last == nullptr || pieces.size() != 3) {
      return Status::NotSupported("post_processor: only the template [CLS] $A [SEP] is supported");
    }
    options->cls_token = std::string(*first);
    options->sep_token = std::string(*last);
    return Status::Ok();
  }
  return Status::NotSupported("post_processor type " + std::string(type->as_string()));
}

Result<WordPieceTokenizer> ParseTokenizerJsonObject(const json::object& root) {
  WordPieceOptions options;
  const json::value* model = root.if_contains("model");
  if (model == nullptr || !model->is_object()) return Status::InvalidArgument("model missing");
  const json::object& m = model->as_object();
  const json::value* type = m.if_contains("type");
  if (type == nullptr || !type->is_string()) return Status::InvalidArgument("model.type missing");
  if (*type != "WordPiece") {
    return Status::NotSupported("unsupported tokenizer type '" + std::string(type->as_string()) +
                                "' (only WordPiece vocabularies are supported)");
  }
  QUARRY_RETURN_IF_ERROR(ReadString(m, "unk_token", &options.unk_token));
  QUARRY_RETURN_IF_ERROR(ReadString(m, "continuing_subword_prefix", &options.continuing_prefix));
  if (const json::value* v = m.if_contains("max_input_chars_per_word"); v && !v->is_null()) {
    if (!v->is_uint64() && !(v->is_int64() && v->as_int64() >= 0)) {
      return Status::InvalidArgument("model.max_input_chars_per_word must be a count");
    }
    options.max_input_chars_per_word = v->to_number<uint64_t>();
  }

  const json::value* norm = root.if_contains("normalizer");
  if (norm == nullptr || norm->is_null()) {
    options.basic = BasicTokenizerOptions{false, false, false, false};
  } else {
    if (!norm->is_object()) return Status::InvalidArgument("normalizer must be an object");
    const json::object& n = norm->as_object();
    const json::value* ntype = n.if_contains("type");
    if (ntype == nullptr || !ntype->is_string() || *ntype != "BertNormalizer") {
      return Status::NotSupported("normalizer is not a BertNormalizer");
    }
    QUARRY_RETURN_IF_ERROR(ReadBool(n, "clean_text", &options.basic.clean_text));
    QUARRY_RETURN_IF_ERROR(ReadBool(n, "handle_chinese_chars", &options.basic.split_cjk));
    QUARRY_RETURN_IF_ERROR(ReadBool(n, "lowercase", &options.basic.lowercase));
    QUARRY_RETURN_IF_ERROR(ReadOptionalBool(n, "strip_accents", &options.basic.strip_accents));
  }
  if (const json::value* pad = root.if_contains("padding"); pad && pad->is_object()) {
    QUARRY_RETURN_IF_ERROR(ReadString(pad->as_object(), "pad_token", &options.pad_token));
  }
  QUARRY_RETURN_IF_ERROR(ReadPostProcessor(root, &options));

  const json::value* vocab_value = m.if_contains("vocab");
  if (vocab_value == nullptr || !vocab_value->is_object()) {
    return Status::InvalidArgument("model.vocab must be an object");
  }
  std::unordered_map<std::string, int32_t> vocab;
  for (const auto& entry : vocab_value->as_object()) {
    if (!entry.value().is_int64() || entry.value().as_int64() < 0 ||
        entry.value().as_int64() > INT32_MAX) {
      return Status::InvalidArgument("model.vocab: id of '" + std::string(entry.key()) +
                                     "' is not a non-negative 32-bit integer");
    }
    vocab[std::string(entry.key())] = static_cast<int32_t>(entry.value().as_int64());
  }
  return WordPieceTokenizer::Create(std::move(vocab), std::move(options));
}

}  // namespace

Result<WordPieceTokenizer> ParseTokenizerJson(std::string_view text) {
  try {
    QUARRY_ASSIGN_OR_RETURN(json::object root, ParseObject(text, "tokenizer.json"));
    Result<WordPieceTokenizer> result = ParseTokenizerJsonObject(root);
    if (!result.ok()) return result.status().WithContext("tokenizer.json");
    return result;
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("tokenizer.json: ") + e.what());
  }
}

Result<WordPieceTokenizer> ParseVocabTxt(std::string_view vocab_txt,
                                         std::string_view tokenizer_config_json) {
  WordPieceOptions options;
  if (!tokenizer_config_json.empty()) {
    try {
      QUARRY_ASSIGN_OR_RETURN(json::object config,
                              ParseObject(tokenizer_config_json, "tokenizer_config.json"));
      Status s = ReadBool(config, "do_lower_case", &options.basic.lowercase);
      if (s.ok()) s = ReadOptionalBool(config, "strip_accents", &options.basic.strip_accents);
      if (s.ok()) s = ReadBool(config, "tokenize_chinese_chars", &options.basic.split_cjk);
      if (s.ok()) s = ReadString(config, "unk_token", &options.unk_token);
      if (s.ok()) s = ReadString(config, "cls_token", &options.cls_token);
      if (s.ok()) s = ReadString(config, "sep_token", &options.sep_token);
      if (s.ok()) s = ReadString(config, "pad_token", &options.pad_token);
      if (!s.ok()) return s.WithContext("tokenizer_config.json");
    } catch (const std::exception& e) {
      return Status::InvalidArgument(std::string("tokenizer_config.json: ") + e.what());
    }
  }
  std::unordered_map<std::string, int32_t> vocab;
  int32_t id = 0;
  size_t pos = 0;
  while (pos < vocab_txt.size()) {
    size_t end = vocab_txt.find('\n', pos);
    if (end == std::string_view::npos) end = vocab_txt.size();
    std::string_view line = vocab_txt.substr(pos, end - pos);
    // Only '\n' ends a line and a duplicated token takes its last line
    // number, as in HF's load_vocab.
    vocab[std::string(line)] = id;
    if (id == INT32_MAX) return Status::InvalidArgument("vocab.txt: too many lines");
    ++id;
    pos = end + 1;
  }
  Result<WordPieceTokenizer> result = WordPieceTokenizer::Create(std::move(vocab), options);
  if (!result.ok()) return result.status().WithContext("vocab.txt");
  return result;
}

Result<WordPieceTokenizer> LoadWordPieceTokenizer(Env& env, const std::string& dir) {
  const std::string tokenizer_json = dir + "/tokenizer.json";
  if (env.FileExists(tokenizer_json)) {
    QUARRY_ASSIGN_OR_RETURN(std::string text,
                            ReadFileToString(env, tokenizer_json, kMaxTokenizerFileBytes));
    return ParseTokenizerJson(text);
  }
  const std::string vocab_txt = dir + "/vocab.txt";
  if (!env.FileExists(vocab_txt)) {
    return Status::NotFound(dir + ": neither tokenizer.json nor vocab.txt is there");
  }
  QUARRY_ASSIGN_OR_RETURN(std::string vocab, ReadFileToString(env, vocab_txt, kMaxTokenizerFileBytes));
  std::string config;
  const std::string config_path = dir + "/tokenizer_config.json";
  if (env.FileExists(config_path)) {
    QUARRY_ASSIGN_OR_RETURN(config, ReadFileToString(env, config_path, kMaxTokenizerFileBytes));
  }
  return ParseVocabTxt(vocab, config);
}

}  // namespace quarry::embed
