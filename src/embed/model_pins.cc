#include "embed/model_pins.h"

#include <array>

namespace quarry::embed {
namespace {

constexpr std::string_view kMiniLm = "sentence-transformers/all-MiniLM-L6-v2";

constexpr std::array<PinnedFile, 11> kPins = {{
    {kMiniLm, "config.json", 612,
     "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"},
    {kMiniLm, "tokenizer.json", 466247,
     "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"},
    {kMiniLm, "tokenizer_config.json", 350,
     "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b"},
    {kMiniLm, "special_tokens_map.json", 112,
     "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3"},
    {kMiniLm, "vocab.txt", 231508,
     "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"},
    {kMiniLm, "modules.json", 349,
     "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf"},
    {kMiniLm, "1_Pooling/config.json", 190,
     "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23"},
    {kMiniLm, "sentence_bert_config.json", 53,
     "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7"},
    {kMiniLm, "config_sentence_transformers.json", 116,
     "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3"},
    {kMiniLm, "README.md", 10659,
     "766a000da416a8a45760fce75dd387cc2ba3a358f7c58b4813a7b222ddb32471"},
    {kMiniLm, "model.safetensors", 90868376,
     "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"},
}};

}  // namespace

const PinnedFile* FindPin(std::string_view repo, std::string_view name) {
  for (const PinnedFile& p : kPins) {
    if (p.repo == repo && p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace quarry::embed
