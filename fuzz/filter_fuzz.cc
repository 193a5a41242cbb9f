// Fuzzes the metadata filter's JSON parser (search/filter_json.h), which
// reads what a search request sends: any bytes must give a filter or a clear
// error. A filter that parses is then evaluated two ways over a few fixed
// documents, by Matches() per document and by the payload index, and the
// two must agree (the index's contract), with the cardinality estimate
// bounding the exact count.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "search/filter.h"
#include "search/filter_json.h"
#include "search/payload_index.h"

namespace {

const char* const kDocuments[] = {
    R"({"lang": "en", "year": 2001, "tags": ["a", "b"], "open": true, "n": {"x": 1.5}})",
    R"({"lang": "de", "year": 1999, "tags": [], "open": false})",
    R"({"lang": ["en", "fr"], "year": "2001", "n": {"x": -3}})",
    R"({})",
    R"({"year": 2010, "tags": ["b", 7, true, null], "open": null})",
};

struct Fixture {
  std::vector<quarry::search::DocumentFields> fields;
  quarry::search::PayloadIndex index;

  Fixture() {
    quarry::search::PayloadIndexBuilder builder;
    for (const char* json : kDocuments) {
      fields.push_back(*quarry::search::DocumentFields::FromJson(json));
      (void)builder.AddJson(json);
    }
    index = builder.Build();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  quarry::Result<quarry::search::Filter> filter = quarry::search::ParseFilterJson(text);
  if (!filter.ok()) return 0;
  const quarry::search::OrdinalBitmap allowed = fixture.index.Evaluate(*filter);
  size_t count = 0;
  for (size_t i = 0; i < fixture.fields.size(); ++i) {
    const bool matches = quarry::search::Matches(*filter, fixture.fields[i]);
    if (matches != allowed.Contains(i)) std::abort();  // index and brute force disagree
    count += matches;
  }
  const quarry::search::CardinalityEstimate estimate = fixture.index.Estimate(*filter);
  if (estimate.min > count || count > estimate.max) std::abort();
  return 0;
}
