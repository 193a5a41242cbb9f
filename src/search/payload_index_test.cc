#include "search/payload_index.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "search/filter_json.h"

namespace quarry::search {
namespace {

namespace json = boost::json;

// ---- An independent reference: filter JSON evaluated on metadata JSON ------

// The scalar values at dotted `key` of `doc`, arrays expanded.
void Collect(const json::value& v, std::vector<const json::value*>* out) {
  if (v.is_array()) {
    for (const json::value& e : v.get_array()) Collect(e, out);
  } else {
    out->push_back(&v);
  }
}

std::vector<const json::value*> ValuesAt(const json::object& doc, const std::string& key) {
  std::vector<const json::value*> out;
  const size_t dot = key.find('.');
  const json::value* v = doc.if_contains(key.substr(0, dot));
  if (v == nullptr) return out;
  if (dot == std::string::npos) {
    Collect(*v, &out);
  } else if (v->is_object()) {
    return ValuesAt(v->get_object(), key.substr(dot + 1));
  }
  return out;
}

bool SameScalar(const json::value& a, const json::value& b) {
  if (a.is_string() || b.is_string()) {
    return a.is_string() && b.is_string() && a.get_string() == b.get_string();
  }
  if (a.is_bool() || b.is_bool()) return a.is_bool() && b.is_bool() && a.get_bool() == b.get_bool();
  if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
  return false;
}

bool RefFilter(const json::object& f, const json::object& doc);

bool RefCondition(const json::object& c, const json::object& doc) {
  if (!c.contains("key")) return RefFilter(c, doc);
  const std::vector<const json::value*> values =
      ValuesAt(doc, std::string(c.at("key").as_string()));
  for (const json::value* v : values) {
    if (const json::value* m = c.if_contains("match")) {
      const json::object& mo = m->as_object();
      if (const json::value* one = mo.if_contains("value")) {
        if (SameScalar(*v, *one)) return true;
      } else {
        for (const json::value& any : mo.at("any").as_array()) {
          if (SameScalar(*v, any)) return true;
        }
      }
    } else if (v->is_number()) {
      const double x = v->to_number<double>();
      const json::object& r = c.at("range").as_object();
      bool in = true;
      if (auto* b = r.if_contains("gt")) in = in && x > b->to_number<double>();
      if (auto* b = r.if_contains("gte")) in = in && x >= b->to_number<double>();
      if (auto* b = r.if_contains("lt")) in = in && x < b->to_number<double>();
      if (auto* b = r.if_contains("lte")) in = in && x <= b->to_number<double>();
      if (in) return true;
    }
  }
  return false;
}

bool RefFilter(const json::object& f, const json::object& doc) {
  if (auto* must = f.if_contains("must")) {
    for (const json::value& c : must->as_array()) {
      if (!RefCondition(c.as_object(), doc)) return false;
    }
  }
  if (auto* should = f.if_contains("should")) {
    bool any = should->as_array().empty();
    for (const json::value& c : should->as_array()) any = any || RefCondition(c.as_object(), doc);
    if (!any) return false;
  }
  if (auto* must_not = f.if_contains("must_not")) {
    for (const json::value& c : must_not->as_array()) {
      if (RefCondition(c.as_object(), doc)) return false;
    }
  }
  return true;
}

// ---- Random metadata and random filters -----------------------------------

class RandomData {
 public:
  explicit RandomData(uint64_t seed) : rng_(seed) {}

  json::object Document() {
    json::object doc;
    if (Chance(0.9)) doc["lang"] = Pick(kLangs);
    if (Chance(0.8)) doc["year"] = 1990 + static_cast<int>(rng_() % 31);
    if (Chance(0.1)) doc["year"] = "2001";  // a type the filters do not expect
    if (Chance(0.7)) doc["draft"] = Chance(0.5);
    if (Chance(0.7)) doc["score"] = static_cast<double>(rng_() % 1000) / 8 - 20;
    if (Chance(0.6)) {
      json::array tags;
      for (int i = static_cast<int>(rng_() % 4); i > 0; --i) tags.emplace_back(Pick(kTags));
      if (Chance(0.2)) tags.emplace_back(static_cast<int>(rng_() % 5));
      doc["tags"] = std::move(tags);
    }
    if (Chance(0.5)) doc["author"] = json::object{{"name", Pick(kNames)}};
    if (Chance(0.05)) doc["lang"] = nullptr;
    return doc;
  }

  json::object Filter(int depth) {
    json::object f;
    for (const char* list : {"must", "should", "must_not"}) {
      if (!Chance(list[0] == 's' ? 0.3 : 0.6)) continue;
      json::array clauses;
      for (int i = 1 + static_cast<int>(rng_() % 3); i > 0; --i) clauses.push_back(Clause(depth));
      f[list] = std::move(clauses);
    }
    return f;
  }

 private:
  static constexpr const char* kLangs[] = {"en", "de", "fr", "es", "it"};
  static constexpr const char* kTags[] = {"a", "b", "c", "d", "e", "f"};
  static constexpr const char* kNames[] = {"ada", "bob", "cy"};
  static constexpr const char* kKeys[] = {"lang", "year", "draft",       "score",
                                          "tags", "year", "author.name", "missing"};

  bool Chance(double p) { return std::uniform_real_distribution<>(0, 1)(rng_) < p; }
  template <size_t N>
  const char* Pick(const char* const (&options)[N]) {
    return options[rng_() % N];
  }

  // A value of the type and domain `key` holds, most of the time.
  json::value Scalar(std::string_view key) {
    const size_t kind = Chance(0.2)            ? rng_() % 6
                        : key == "lang"        ? 0
                        : key == "tags"        ? (Chance(0.8) ? 1 : 5)
                        : key == "author.name" ? 2
                        : key == "year"        ? 3
                        : key == "draft"       ? 4
                                               : rng_() % 6;
    switch (kind) {
      case 0:
        return json::value(Pick(kLangs));
      case 1:
        return json::value(Pick(kTags));
      case 2:
        return json::value(Pick(kNames));
      case 3:
        return json::value(1990 + static_cast<int>(rng_() % 31));
      case 4:
        return json::value(Chance(0.5));
      default:
        return json::value(static_cast<int>(rng_() % 5));
    }
  }

  json::value Clause(int depth) {
    if (depth > 0 && Chance(0.25)) return Filter(depth - 1);
    json::object c;
    const std::string key = Pick(kKeys);
    c["key"] = key;
    if (key == "lang" || key == "tags" || key == "author.name" || key == "draft" || Chance(0.3)) {
      if (Chance(0.5)) {
        c["match"] = json::object{{"value", Scalar(key)}};
      } else {
        json::array any;
        for (int i = static_cast<int>(rng_() % 4); i > 0; --i) any.push_back(Scalar(key));
        c["match"] = json::object{{"any", std::move(any)}};
      }
    } else {
      json::object r;
      const double base = key == "score" ? static_cast<double>(rng_() % 140) - 25
                                         : 1985 + static_cast<double>(rng_() % 40);
      if (Chance(0.5)) r[Chance(0.5) ? "gt" : "gte"] = base;
      if (r.empty() || Chance(0.5)) {
        r[Chance(0.5) ? "lt" : "lte"] = base + static_cast<double>(rng_() % 30);
      }
      c["range"] = std::move(r);
    }
    return c;
  }

  std::mt19937_64 rng_;
};

TEST(PayloadIndexTest, RandomFiltersMatchTheBruteForceReference) {
  RandomData data(2024);
  size_t selective = 0;  // filters that pass some documents but not all
  for (int corpus = 0; corpus < 6; ++corpus) {
    const size_t n = corpus == 0 ? 0 : corpus == 1 ? 1 : 50 + 150 * corpus;
    std::vector<json::object> docs;
    std::vector<DocumentFields> fields;
    PayloadIndexBuilder builder;
    for (size_t i = 0; i < n; ++i) {
      docs.push_back(data.Document());
      fields.push_back(DocumentFields::FromObject(docs.back()));
      if (i % 2 == 0) {
        builder.Add(fields.back());
      } else {
        ASSERT_TRUE(builder.AddJson(json::serialize(docs.back())).ok());
      }
    }
    const PayloadIndex index = builder.Build();
    ASSERT_EQ(index.size(), n);
    for (int q = 0; q < 300; ++q) {
      const json::object filter_json = data.Filter(/*depth=*/3);
      const Result<Filter> filter = ParseFilter(filter_json);
      ASSERT_TRUE(filter.ok()) << filter.status().ToString() << " " << json::serialize(filter_json);
      const OrdinalBitmap allowed = index.Evaluate(*filter);
      ASSERT_EQ(allowed.size(), n);
      size_t count = 0;
      for (size_t i = 0; i < n; ++i) {
        const bool expected = RefFilter(filter_json, docs[i]);
        ASSERT_EQ(Matches(*filter, fields[i]), expected)
            << json::serialize(filter_json) << " on " << json::serialize(docs[i]);
        ASSERT_EQ(allowed.Contains(i), expected)
            << json::serialize(filter_json) << " on " << json::serialize(docs[i]);
        count += expected;
      }
      selective += count > 0 && count < n;
      const CardinalityEstimate e = index.Estimate(*filter);
      ASSERT_LE(e.min, count) << json::serialize(filter_json);
      ASSERT_GE(e.max, count) << json::serialize(filter_json);
      ASSERT_LE(e.min, e.expected);
      ASSERT_LE(e.expected, e.max);
    }
  }
  // Most random filters are not trivially all-or-nothing (532 of 1,200 today).
  EXPECT_GT(selective, 400u);
}

Filter Parse(std::string_view text) {
  Result<Filter> f = ParseFilterJson(text);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? std::move(f).value() : Filter();
}

TEST(PayloadIndexTest, EstimatesAreExactForSingleValuedFields) {
  PayloadIndexBuilder builder;
  for (int i = 0; i < 100; ++i) {
    builder.Add(*DocumentFields::FromJson("{\"year\": " + std::to_string(1950 + i) +
                                          ", \"even\": " + (i % 2 ? "false" : "true") + "}"));
  }
  const PayloadIndex index = builder.Build();
  CardinalityEstimate e =
      index.Estimate(Parse(R"({"must": [{"key": "year", "range": {"gte": 2000}}]})"));
  EXPECT_EQ(e.min, 50u);
  EXPECT_EQ(e.expected, 50u);
  EXPECT_EQ(e.max, 50u);
  e = index.Estimate(Parse(R"({"must_not": [{"key": "even", "match": {"value": true}}]})"));
  EXPECT_EQ(e.min, 50u);
  EXPECT_EQ(e.max, 50u);
  // Two independent halves: expected a quarter; bounds 0 and 50.
  e = index.Estimate(Parse(R"({"must": [{"key": "year", "range": {"gte": 2000}},
                                        {"key": "even", "match": {"value": true}}]})"));
  EXPECT_EQ(e.min, 0u);
  EXPECT_EQ(e.expected, 25u);
  EXPECT_EQ(e.max, 50u);
  EXPECT_EQ(index
                .Evaluate(Parse(R"({"must": [{"key": "year", "range": {"gte": 2000}},
                                              {"key": "even", "match": {"value": true}}]})"))
                .Count(),
            25u);
  e = index.Estimate(Parse(R"({"must": [{"key": "nope", "match": {"value": 1}}]})"));
  EXPECT_EQ(e.max, 0u);
  e = index.Estimate(Filter{});
  EXPECT_EQ(e.min, 100u);
  EXPECT_EQ(e.max, 100u);
}

TEST(PayloadIndexTest, BadMetadataStillTakesAnOrdinal) {
  PayloadIndexBuilder builder;
  EXPECT_TRUE(builder.AddJson(R"({"lang": "en"})").ok());
  EXPECT_EQ(builder.AddJson("[1, 2]").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(builder.AddJson(R"({"lang": "en"})").ok());
  const PayloadIndex index = builder.Build();
  EXPECT_EQ(builder.size(), 0u);  // Build() leaves the builder empty
  const OrdinalBitmap en =
      index.Evaluate(Parse(R"({"must": {"key": "lang", "match": {"value": "en"}}})"));
  EXPECT_TRUE(en.Contains(0));
  EXPECT_FALSE(en.Contains(1));
  EXPECT_TRUE(en.Contains(2));
}

}  // namespace
}  // namespace quarry::search
