#include "inputs.h"

#include <boost/json.hpp>
#include <fstream>

#include "base/env.h"
#include "embed/tokenizer_files.h"

namespace quarry::bench {
namespace json = boost::json;
namespace {

// The string fields `fields` of each JSON line of `path`, joined by a space.
Result<std::vector<std::string>> ReadJsonl(const std::string& path,
                                           std::initializer_list<const char*> fields,
                                           size_t limit) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + " is missing (the SciFact set of ../shared/data)");
  std::vector<std::string> out;
  std::string line;
  while ((limit == 0 || out.size() < limit) && std::getline(in, line)) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) return Status::Corruption(path + ": a line is not a JSON object");
    std::string text;
    for (const char* field : fields) {
      const json::value* f = v.get_object().if_contains(field);
      if (f == nullptr || !f->is_string() || f->get_string().empty()) continue;
      if (!text.empty()) text += ' ';
      text += std::string(f->get_string());
    }
    out.push_back(std::move(text));
  }
  return out;
}

}  // namespace

Result<EmbedInputs> LoadEmbedInputs(const std::string& beir_dir, const std::string& tokenizer_dir,
                                    size_t passages, size_t queries, size_t max_tokens) {
  std::shared_ptr<Env> env = NewPosixEnv();
  Result<embed::WordPieceTokenizer> tokenizer = embed::LoadWordPieceTokenizer(*env, tokenizer_dir);
  if (!tokenizer.ok()) return tokenizer.status().WithContext("tokenizer " + tokenizer_dir);
  QUARRY_ASSIGN_OR_RETURN(std::vector<std::string> passage_texts,
                          ReadJsonl(beir_dir + "/corpus.jsonl", {"title", "text"}, passages));
  QUARRY_ASSIGN_OR_RETURN(std::vector<std::string> query_texts,
                          ReadJsonl(beir_dir + "/queries.jsonl", {"text"}, queries));
  EmbedInputs inputs;
  for (const std::string& t : passage_texts)
    inputs.passages.push_back(tokenizer->Encode(t, max_tokens));
  for (const std::string& t : query_texts)
    inputs.queries.push_back(tokenizer->Encode(t, max_tokens));
  return inputs;
}

std::string InputsToJson(const EmbedInputs& inputs) {
  auto to_array = [](const TokenIds& ids) {
    json::array a;
    for (const std::vector<int32_t>& seq : ids) a.push_back(json::array(seq.begin(), seq.end()));
    return a;
  };
  return json::serialize(
      json::object{{"passages", to_array(inputs.passages)}, {"queries", to_array(inputs.queries)}});
}

uint64_t TotalTokens(const TokenIds& ids) {
  uint64_t n = 0;
  for (const std::vector<int32_t>& seq : ids) n += seq.size();
  return n;
}

}  // namespace quarry::bench
