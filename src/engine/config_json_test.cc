#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "quarry/options.h"

namespace quarry {
namespace {

TEST(ConfigJsonTest, EmptyBodyGivesDefaults) {
  for (std::string_view body : {"", "  \n", "{}"}) {
    auto c = CollectionConfigFromJson(body);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->embedder.dimensions, 1024u);
    EXPECT_EQ(c->chunking.target_tokens, 256u);
    EXPECT_DOUBLE_EQ(c->chunking.overlap, 0.1);
  }
}

TEST(ConfigJsonTest, RoundTrip) {
  auto c = CollectionConfigFromJson(
      R"({"embedder":{"type":"lexical","dimensions":256},)"
      R"("chunking":{"target_tokens":64,"max_tokens":128,"overlap":0.25},)"
      R"("vectors":{"metric":"cosine"}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->embedder.dimensions, 256u);
  EXPECT_EQ(c->chunking.max_tokens, 128u);
  auto again = CollectionConfigFromJson(CollectionConfigToJson(*c));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->embedder.dimensions, 256u);
  EXPECT_EQ(again->chunking.target_tokens, 64u);
  EXPECT_EQ(again->chunking.max_tokens, 128u);
  EXPECT_DOUBLE_EQ(again->chunking.overlap, 0.25);
}

TEST(ConfigJsonTest, LocalEmbedderTakesAModelFolder) {
  auto c = CollectionConfigFromJson(R"({"embedder":{"type":"local","model":"/models/minilm"}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->embedder.kind, EmbedderKind::kLocal);
  EXPECT_EQ(c->embedder.model, "/models/minilm");
  EXPECT_EQ(c->embedder.dimensions, 0u);  // the model's
  auto again = CollectionConfigFromJson(CollectionConfigToJson(*c));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->embedder.kind, EmbedderKind::kLocal);
  EXPECT_EQ(again->embedder.model, "/models/minilm");
  EXPECT_EQ(again->embedder.precision, EmbedderPrecision::kFloat32);
  auto fast = CollectionConfigFromJson(
      R"({"embedder":{"type":"local","model":"/m","precision":"int8"}})");
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  EXPECT_EQ(fast->embedder.precision, EmbedderPrecision::kInt8);
  auto fast_again = CollectionConfigFromJson(CollectionConfigToJson(*fast));
  ASSERT_TRUE(fast_again.ok()) << fast_again.status().ToString();
  EXPECT_EQ(fast_again->embedder.precision, EmbedderPrecision::kInt8);
  auto sized = CollectionConfigFromJson(
      R"({"embedder":{"type":"local","model":"/m","dimensions":384}})");
  ASSERT_TRUE(sized.ok());
  EXPECT_EQ(sized->embedder.dimensions, 384u);
}

TEST(ConfigJsonTest, LocalPromptOverridesRoundTripAndEmptyIsNotUnset) {
  auto plain = CollectionConfigFromJson(R"({"embedder":{"type":"local","model":"/m"}})");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->embedder.query_prompt.has_value());
  EXPECT_EQ(CollectionConfigToJson(*plain).find("prompt"), std::string::npos);
  auto c = CollectionConfigFromJson(
      R"({"embedder":{"type":"local","model":"/m","query_prompt":"query: ","document_prompt":""}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto again = CollectionConfigFromJson(CollectionConfigToJson(*c));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->embedder.query_prompt, std::optional<std::string>("query: "));
  // "" (no prompt, replacing the model's) survives as "", not as unset.
  EXPECT_EQ(again->embedder.document_prompt, std::optional<std::string>(""));
}

TEST(ConfigJsonTest, StaticEmbedderTakesAModelFolder) {
  auto c = CollectionConfigFromJson(R"({"embedder":{"type":"static","model":"/models/potion"}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->embedder.kind, EmbedderKind::kStatic);
  EXPECT_EQ(c->embedder.dimensions, 0u);  // the model's
  auto again = CollectionConfigFromJson(CollectionConfigToJson(*c));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->embedder.kind, EmbedderKind::kStatic);
  EXPECT_EQ(again->embedder.model, "/models/potion");
}

TEST(ConfigJsonTest, OpenAiEmbedderRoundTripsWithoutAKey) {
  auto c = CollectionConfigFromJson(
      R"({"embedder":{"type":"openai","base_url":"http://127.0.0.1:11434/v1",)"
      R"("model":"nomic-embed-text","dimensions":768,"api_key_env":"OLLAMA_KEY",)"
      R"("api_key_header":"api-key","max_batch":16,"timeout_ms":2000,"max_retries":2,"max_tokens":256}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->embedder.kind, EmbedderKind::kOpenAi);
  const std::string json = CollectionConfigToJson(*c);
  auto again = CollectionConfigFromJson(json);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  const EmbedderConfig& e = again->embedder;
  EXPECT_EQ(e.base_url, "http://127.0.0.1:11434/v1");
  EXPECT_EQ(e.model, "nomic-embed-text");
  EXPECT_EQ(e.dimensions, 768u);
  EXPECT_EQ(e.api_key_env, "OLLAMA_KEY");
  EXPECT_EQ(e.api_key_header, "api-key");
  EXPECT_EQ(e.max_batch, 16u);
  EXPECT_EQ(e.timeout_ms, 2000u);
  EXPECT_EQ(e.max_retries, 2u);
  EXPECT_EQ(e.max_tokens, 256u);
  // Defaults.
  auto d = CollectionConfigFromJson(
      R"({"embedder":{"type":"openai","base_url":"http://h","model":"m","dimensions":64}})");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->embedder.max_batch, 96u);
  EXPECT_EQ(d->embedder.max_tokens, 512u);
  EXPECT_EQ(d->embedder.api_key_env, "");
  EXPECT_EQ(d->embedder.api_key_header, "authorization");
}

TEST(ConfigJsonTest, VectorAndStorageSettingsRoundTrip) {
  auto c = CollectionConfigFromJson(
      R"({"vectors":{"m":16,"ef_construct":64,"ef":40,"full_scan_threshold":500,)"
      R"("quantization":"int8","quantile":0.999,"rescore":false,"oversampling":3,)"
      R"("always_ram":true},)"
      R"("storage":{"fsync":"interval","fsync_interval_ms":20,"seal_rows":5000,)"
      R"("on_disk_vectors":false,"on_disk_payload":false,"on_disk_graph":false}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto again = CollectionConfigFromJson(CollectionConfigToJson(*c));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->vectors.m, 16u);
  EXPECT_EQ(again->vectors.ef_construct, 64u);
  EXPECT_EQ(again->vectors.ef, 40u);
  EXPECT_EQ(again->vectors.full_scan_threshold, 500u);
  EXPECT_EQ(again->vectors.quantization, QuantizationMode::kInt8);
  EXPECT_DOUBLE_EQ(again->vectors.quantile, 0.999);
  EXPECT_FALSE(again->vectors.rescore);
  EXPECT_DOUBLE_EQ(again->vectors.oversampling, 3.0);
  EXPECT_EQ(again->storage.fsync, FsyncPolicy::kInterval);
  EXPECT_EQ(again->storage.fsync_interval_ms, 20u);
  EXPECT_EQ(again->storage.seal_rows, 5000u);
  EXPECT_FALSE(again->storage.on_disk_vectors);
  EXPECT_FALSE(again->storage.on_disk_payload);
  EXPECT_TRUE(again->vectors.always_ram);
  EXPECT_FALSE(again->storage.on_disk_graph);
  // Defaults: the roadmap's.
  auto defaults = CollectionConfigFromJson("{}");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->vectors.m, 32u);
  EXPECT_EQ(defaults->vectors.quantization, QuantizationMode::kAuto);
  EXPECT_EQ(defaults->storage.fsync, FsyncPolicy::kAlways);
  EXPECT_TRUE(defaults->storage.on_disk_vectors);
  EXPECT_TRUE(defaults->storage.on_disk_graph);  // mapped, paged by the kernel
  EXPECT_FALSE(defaults->vectors.always_ram);
  EXPECT_TRUE(defaults->storage.on_disk_payload);  // Qdrant's default too
}

struct BadCase {
  std::string json;
  const char* expected_in_message;
};

TEST(ConfigJsonTest, ChunkingStrategyRoundTripsAndStructureJsonIsUnchanged) {
  // A stored config of before the strategy existed reads as structure, and
  // a structure config is written without the new fields: existing
  // collections' MANIFEST configs and state digests stay byte for byte.
  const std::string before =
      R"({"embedder":{"type":"lexical","dimensions":256},)"
      R"("chunking":{"target_tokens":64,"max_tokens":0,"overlap":1E-1}})";
  auto old = CollectionConfigFromJson(before);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->chunking.strategy, ChunkingStrategy::kStructure);
  const std::string written = CollectionConfigToJson(*old);
  EXPECT_EQ(written.find("strategy"), std::string::npos);
  EXPECT_EQ(written.find("breakpoint_percentile"), std::string::npos);
  EXPECT_NE(written.find(R"("chunking":{"target_tokens":64,"max_tokens":0,"overlap":1E-1})"),
            std::string::npos)
      << written;

  auto semantic = CollectionConfigFromJson(
      R"({"chunking":{"strategy":"semantic","breakpoint_percentile":90.5}})");
  ASSERT_TRUE(semantic.ok()) << semantic.status().ToString();
  EXPECT_EQ(semantic->chunking.strategy, ChunkingStrategy::kSemantic);
  auto again = CollectionConfigFromJson(CollectionConfigToJson(*semantic));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->chunking.strategy, ChunkingStrategy::kSemantic);
  EXPECT_DOUBLE_EQ(again->chunking.breakpoint_percentile, 90.5);
  // The lexical embedder may chunk semantically (docs/design/chunking.md).
  EXPECT_EQ(again->embedder.kind, EmbedderKind::kLexical);
}

TEST(ConfigJsonTest, BadConfigsNameTheProblem) {
  const BadCase cases[] = {
      {"[1,2]", "must be a JSON object"},
      {R"({"chunking":{"strategy":"sentences"}})",
       "'chunking.strategy' must be one of: structure, semantic"},
      {R"({"chunking":{"breakpoint_percentile":0}})",
       "chunking.breakpoint_percentile must be in (0, 100]"},
      {R"({"chunking":{"strategy":"semantic","breakpoint_percentile":101}})",
       "chunking.breakpoint_percentile must be in (0, 100]"},
      {R"({"chunking":{"breakpoint_percentile":"95"}})",
       "'chunking.breakpoint_percentile' must be a number"},
      {"{", "not valid JSON"},
      {R"({"embeder":{}})", "unknown field 'embeder'"},
      {R"({"embedder":{"type":"bert"}})",
       "'embedder.type' must be one of: lexical, local, static, openai"},
      {R"({"embedder":{"type":3}})", "'embedder.type' must be one of"},
      {R"({"embedder":{"type":"static"}})",
       "embedder.model (the model folder) is required for type static"},
      {R"({"embedder":{"type":"openai","model":"m","dimensions":64}})",
       "embedder.base_url is required"},
      {R"({"embedder":{"type":"openai","base_url":"http://h","dimensions":64}})",
       "embedder.model (the service's model name"},
      {R"({"embedder":{"type":"openai","base_url":"http://h","model":"m"}})",
       "embedder.dimensions is required for type openai"},
      {R"({"embedder":{"type":"openai","base_url":"http://h","model":"m","dimensions":64,"api_key_env":"sk-123"}})",
       "must name an environment variable"},
      {R"({"embedder":{"type":"openai","base_url":"http://h","model":"m","dimensions":64,"max_batch":0}})",
       "embedder.max_batch must be between 1"},
      {R"({"embedder":{"type":"openai","base_url":"http://h","model":"m","dimensions":64,"timeout_ms":5}})",
       "embedder.timeout_ms must be between"},
      {R"({"embedder":{"type":"openai","base_url":"http://h","model":"m","dimensions":64,"max_retries":99}})",
       "embedder.max_retries must be between"},
      {R"({"embedder":{"type":"openai","base_url":"http://h","model":"m","dimensions":64,"api_key":"x"}})",
       "unknown field 'embedder.api_key'"},
      {R"({"embedder":{"type":"lexical","base_url":"http://h"}})", "only for type openai"},
      {R"({"embedder":{"type":"openai","base_url":"http://h","model":"m","dimensions":64,"api_key_header":"x-key"}})",
       "embedder.api_key_header must be"},
      {R"({"embedder":{"type":"lexical","api_key_header":"api-key"}})", "only for type openai"},
      {R"({"embedder":{"type":"local","model":"/m","max_batch":4}})",
       "'embedder.max_batch' is only for type openai"},
      {R"({"embedder":{"type":"local"}})", "embedder.model (the model folder) is required"},
      {R"({"embedder":{"type":"local","model":7}})", "'embedder.model' must be a string"},
      {R"({"embedder":{"model":"/m"}})", "embedder.model is not for type lexical"},
      {R"({"embedder":{"type":"local","model":"/m","precision":"fp16"}})",
       "'embedder.precision' must be one of: float32, int8"},
      {R"({"embedder":{"type":"local","model":"/m","precision":8}})",
       "'embedder.precision' must be one of: float32, int8"},
      {R"({"embedder":{"precision":"int8"}})", "embedder.precision is only for type local"},
      {R"({"embedder":{"query_prompt":"q: "}})", "embedder.query_prompt is only for type local"},
      {R"({"embedder":{"type":"static","model":"/m","document_prompt":"d"}})",
       "embedder.document_prompt is only for type local"},
      {R"({"embedder":{"type":"local","model":"/m","query_prompt":7}})",
       "'embedder.query_prompt' must be a string"},
      {R"({"embedder":{"type":"local","model":"/m","query_prompt":")" + std::string(1025, 'x') +
           "\"}}",
       "embedder.query_prompt is longer than 1024 bytes"},
      {R"({"embedder":{"dimensions":-1}})", "non-negative integer"},
      {R"({"embedder":{"dimensions":1.5}})", "non-negative integer"},
      {R"({"embedder":{"dimensions":8}})", "embedder.dimensions must be between"},
      {R"({"embedder":{"dimensions":99999999999}})", "non-negative integer"},
      {R"({"embedder":"lexical"})", "'embedder' must be an object"},
      {R"({"chunking":{"target_tokens":0}})", "chunking.target_tokens"},
      {R"({"chunking":{"target_tokens":100,"max_tokens":50}})", "chunking.max_tokens"},
      {R"({"chunking":{"overlap":0.9}})", "chunking.overlap"},
      {R"({"chunking":{"overlap":"x"}})", "must be a number"},
      {R"({"chunking":{"size":10}})", "unknown field 'chunking.size'"},
      {R"({"vectors":{"metric":"l2"}})", "unsupported vectors.metric"},
      {R"({"vectors":{"m":1}})", "vectors.m must be between"},
      {R"({"vectors":{"m":16,"ef_construct":8}})", "vectors.ef_construct"},
      {R"({"vectors":{"quantization":"int4"}})", "one of: none, int8, binary, auto"},
      {R"({"vectors":{"quantile":0.3}})", "vectors.quantile"},
      {R"({"vectors":{"rescore":"yes"}})", "true or false"},
      {R"({"vectors":{"oversampling":0.5}})", "vectors.oversampling"},
      {R"({"vectors":{"always_ram":1}})", "true or false"},
      {R"({"storage":{"on_disk_graph":"no"}})", "true or false"},
      {R"({"storage":{"fsync":"sometimes"}})", "one of: always, interval, never"},
      {R"({"storage":{"fsync_interval_ms":0}})", "storage.fsync_interval_ms"},
      {R"({"storage":{"seal_rows":1}})", "storage.seal_rows"},
      {R"({"storage":{"on_disk":true}})", "unknown field 'storage.on_disk'"},
  };
  for (const BadCase& c : cases) {
    auto r = CollectionConfigFromJson(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.json;
    EXPECT_NE(r.status().message().find(c.expected_in_message), std::string::npos)
        << c.json << " -> " << r.status().message();
  }
}

TEST(ConfigJsonTest, DeepNestingIsRefusedNotACrash) {
  std::string deep(100000, '[');
  auto r = CollectionConfigFromJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(ConfigJsonTest, CollectionNames) {
  EXPECT_TRUE(ValidateCollectionName("docs").ok());
  EXPECT_TRUE(ValidateCollectionName("My_docs-2").ok());
  for (const char* bad : {"", "../x", "a/b", ".hidden", "-x", "sp ace", "ü",
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    EXPECT_EQ(ValidateCollectionName(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace quarry
