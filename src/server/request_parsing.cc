#include "server/request_parsing.h"

#include <array>
#include <string>
#include <unordered_map>
#include <utility>

#include <boost/json/serialize.hpp>

#include "server/json_body.h"
#include "server/server_options.h"

namespace quarry::server {

namespace json = boost::json;

namespace {

std::string FieldName(std::string_view where, std::string_view field) {
  std::string name(where);
  name += field;
  return name;
}

Status WrongType(std::string_view where, std::string_view field, std::string_view expected,
                 const json::value& got) {
  return Status::InvalidArgument("field '" + FieldName(where, field) + "' must be " +
                                 std::string(expected) + ", not " + std::string(JsonKindName(got)));
}

// Reads an optional string field into `out`; leaves `out` alone if absent.
Status ReadOptionalString(const json::object& object, std::string_view field,
                          std::string_view where, std::string* out) {
  const json::value* value = object.if_contains(field);
  if (value == nullptr) return Status::Ok();
  const json::string* s = value->if_string();
  if (s == nullptr) return WrongType(where, field, "a string", *value);
  out->assign(s->data(), s->size());
  return Status::Ok();
}

Result<uint32_t> ReadK(const json::value& value) {
  static const std::string kRange = "an integer between 1 and " + std::to_string(kMaxK);
  int64_t k = 0;
  if (const int64_t* i = value.if_int64()) {
    k = *i;
  } else if (value.is_uint64()) {
    k = static_cast<int64_t>(kMaxK) + 1;  // above INT64_MAX, certainly out of range
  } else {
    return WrongType("", "k", kRange, value);
  }
  if (k < 1 || k > static_cast<int64_t>(kMaxK)) {
    return Status::InvalidArgument("field 'k' must be " + kRange + ", not " + std::to_string(k));
  }
  return static_cast<uint32_t>(k);
}

Result<DocumentInput> ParseDocument(const json::value& value, size_t index) {
  const std::string where = "documents[" + std::to_string(index) + "].";
  const json::object* object = value.if_object();
  if (object == nullptr) {
    return Status::InvalidArgument("'documents[" + std::to_string(index) +
                                   "]' must be an object, not " + std::string(JsonKindName(value)));
  }
  QUARRY_RETURN_IF_ERROR(CheckKnownFields(
      *object, {"id", "text", "title", "source", "media_type", "metadata"}, where));

  DocumentInput doc;
  const json::value* id = object->if_contains("id");
  if (id == nullptr) return Status::InvalidArgument("field '" + where + "id' is required");
  const json::string* id_string = id->if_string();
  if (id_string == nullptr) return WrongType(where, "id", "a string", *id);
  if (id_string->empty() || id_string->size() > kMaxDocumentIdBytes) {
    return Status::InvalidArgument("field '" + where + "id' must be 1 to " +
                                   std::to_string(kMaxDocumentIdBytes) + " bytes long, not " +
                                   std::to_string(id_string->size()));
  }
  doc.id.assign(id_string->data(), id_string->size());

  const json::value* text = object->if_contains("text");
  if (text == nullptr) return Status::InvalidArgument("field '" + where + "text' is required");
  const json::string* text_string = text->if_string();
  if (text_string == nullptr) return WrongType(where, "text", "a string", *text);
  doc.text.assign(text_string->data(), text_string->size());

  QUARRY_RETURN_IF_ERROR(ReadOptionalString(*object, "title", where, &doc.title));
  QUARRY_RETURN_IF_ERROR(ReadOptionalString(*object, "source", where, &doc.source));
  QUARRY_RETURN_IF_ERROR(ReadOptionalString(*object, "media_type", where, &doc.media_type));
  if (doc.media_type != kMediaTypePlainText && doc.media_type != kMediaTypeMarkdown) {
    return Status::InvalidArgument("field '" + where + "media_type' must be \"" +
                                   kMediaTypePlainText + "\" or \"" + kMediaTypeMarkdown +
                                   "\", not \"" + doc.media_type + "\"");
  }

  if (const json::value* metadata = object->if_contains("metadata")) {
    if (!metadata->is_object()) return WrongType(where, "metadata", "an object", *metadata);
    doc.metadata_json = json::serialize(*metadata);
  }
  return doc;
}

// An optional integer field in [lo, hi].
Status ReadBoundedUint(const json::object& object, std::string_view field, uint32_t lo, uint32_t hi,
                       uint32_t* out) {
  const json::value* value = object.if_contains(field);
  if (value == nullptr) return Status::Ok();
  const int64_t* i = value->if_int64();
  if (i == nullptr || *i < lo || *i > hi) {
    return Status::InvalidArgument("field '" + std::string(field) +
                                   "' must be an integer between " + std::to_string(lo) + " and " +
                                   std::to_string(hi));
  }
  *out = static_cast<uint32_t>(*i);
  return Status::Ok();
}

// An optional number in [lo, hi]; `range` says it in words ("0 and 1").
Status ReadBoundedNumber(const json::object& object, std::string_view field, double lo, double hi,
                         std::string_view range, double* out) {
  const json::value* value = object.if_contains(field);
  if (value == nullptr) return Status::Ok();
  if (!value->is_number() || !(value->to_number<double>() >= lo) ||
      !(value->to_number<double>() <= hi)) {
    return Status::InvalidArgument("field '" + std::string(field) + "' must be a number between " +
                                   std::string(range));
  }
  *out = value->to_number<double>();
  return Status::Ok();
}

// One of `names` (an enum's API spellings, in enum order).
template <typename E, size_t N>
Status ReadName(const json::object& object, std::string_view field,
                const std::array<std::pair<std::string_view, E>, N>& names, E* out) {
  const json::value* value = object.if_contains(field);
  if (value == nullptr) return Status::Ok();
  std::string allowed;
  for (const auto& [name, e] : names) {
    if (value->is_string() && value->get_string() == name) {
      *out = e;
      return Status::Ok();
    }
    allowed += allowed.empty() ? "\"" : ", \"";
    allowed += name;
    allowed += '"';
  }
  return Status::InvalidArgument("field '" + std::string(field) + "' must be one of " + allowed);
}

// "highlight": true | false | {"window": 200, "pre_tag": "<mark>", "post_tag": "</mark>"}.
Status ReadHighlight(const json::value& value, HighlightOptions* out) {
  if (value.is_bool()) {
    out->enabled = value.get_bool();
    return Status::Ok();
  }
  const json::object* object = value.if_object();
  if (object == nullptr) return WrongType("", "highlight", "true, false or an object", value);
  QUARRY_RETURN_IF_ERROR(
      CheckKnownFields(*object, {"window", "pre_tag", "post_tag"}, "highlight."));
  out->enabled = true;
  if (const json::value* window = object->if_contains("window")) {
    const int64_t* i = window->if_int64();
    if (i == nullptr || *i < 0 || *i > HighlightOptions::kMaxWindowChars) {
      return Status::InvalidArgument("field 'highlight.window' must be an integer between 0 and " +
                                     std::to_string(HighlightOptions::kMaxWindowChars));
    }
    out->window_chars = static_cast<uint32_t>(*i);
  }
  QUARRY_RETURN_IF_ERROR(ReadOptionalString(*object, "pre_tag", "highlight.", &out->pre_tag));
  QUARRY_RETURN_IF_ERROR(ReadOptionalString(*object, "post_tag", "highlight.", &out->post_tag));
  for (const std::string* tag : {&out->pre_tag, &out->post_tag}) {
    if (tag->size() > HighlightOptions::kMaxTagBytes) {
      return Status::InvalidArgument(
          "fields 'highlight.pre_tag' and 'highlight.post_tag' may be "
          "at most " +
          std::to_string(HighlightOptions::kMaxTagBytes) + " bytes long");
    }
  }
  return Status::Ok();
}

// The fields beyond query, collection, k and the vector overrides.
Status ReadSearchOptions(const json::object& object, SearchRequest* r) {
  QUARRY_RETURN_IF_ERROR(ReadBoundedUint(object, "offset", 0, kMaxResultWindow - 1, &r->offset));
  if (uint64_t{r->offset} + r->k > kMaxResultWindow) {
    return Status::InvalidArgument("offset + k must be at most " +
                                   std::to_string(kMaxResultWindow) + ", got " +
                                   std::to_string(uint64_t{r->offset} + r->k));
  }
  constexpr std::array<std::pair<std::string_view, SearchMode>, 4> kModes = {
      {{"hybrid", SearchMode::kHybrid},
       {"keyword", SearchMode::kKeyword},
       {"vector", SearchMode::kVector},
       {"auto", SearchMode::kAuto}}};
  QUARRY_RETURN_IF_ERROR(ReadName(object, "mode", kModes, &r->mode));
  constexpr std::array<std::pair<std::string_view, GroupBy>, 2> kGroups = {
      {{"document", GroupBy::kDocument}, {"none", GroupBy::kNone}}};
  if (const json::value* g = object.if_contains("group_by"); g == nullptr || !g->is_null()) {
    QUARRY_RETURN_IF_ERROR(ReadName(object, "group_by", kGroups, &r->group_by));
  }
  constexpr std::array<std::pair<std::string_view, FusionMethod>, 2> kFusions = {
      {{"rrf", FusionMethod::kRrf}, {"blend", FusionMethod::kBlend}}};
  if (object.contains("fusion")) {
    FusionMethod fusion = FusionMethod::kRrf;
    QUARRY_RETURN_IF_ERROR(ReadName(object, "fusion", kFusions, &fusion));
    r->fusion = fusion;
  }
  QUARRY_RETURN_IF_ERROR(ReadBoundedNumber(object, "rrf_k", 0, 1e6, "0 and 1000000", &r->rrf_k));
  if (object.contains("alpha")) {
    double alpha = 0;
    QUARRY_RETURN_IF_ERROR(ReadBoundedNumber(object, "alpha", 0, 1, "0 and 1", &alpha));
    r->alpha = alpha;
  }
  QUARRY_RETURN_IF_ERROR(ReadBoundedUint(object, "candidates", 1, kMaxCandidates, &r->candidates));
  if (const json::value* explain = object.if_contains("explain")) {
    if (!explain->is_bool()) return WrongType("", "explain", "true or false", *explain);
    r->explain = explain->get_bool();
  }
  if (const json::value* highlight = object.if_contains("highlight")) {
    QUARRY_RETURN_IF_ERROR(ReadHighlight(*highlight, &r->highlight));
  }
  if (const json::value* filter = object.if_contains("filter")) {
    if (!filter->is_null()) {
      if (!filter->is_object()) return WrongType("", "filter", "an object", *filter);
      r->filter_json = json::serialize(*filter);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ParsedSearch> ParseSearchBody(std::string_view body, std::string_view default_collection) {
  QUARRY_ASSIGN_OR_RETURN(json::object object, ParseJsonObjectBody(body, kMaxJsonDepth));
  QUARRY_RETURN_IF_ERROR(CheckKnownFields(
      object,
      {"query", "collection", "k", "offset", "mode", "filter", "group_by", "fusion", "rrf_k",
       "alpha", "candidates", "explain", "highlight", "ef", "rescore", "oversampling"},
      ""));

  ParsedSearch parsed;
  const json::value* query = object.if_contains("query");
  if (query == nullptr) return Status::InvalidArgument("field 'query' is required");
  const json::string* query_string = query->if_string();
  if (query_string == nullptr) return WrongType("", "query", "a string", *query);
  if (query_string->empty()) return Status::InvalidArgument("field 'query' must not be empty");
  if (query_string->size() > kMaxQueryBytes) {
    return Status::InvalidArgument("field 'query' is " + std::to_string(query_string->size()) +
                                   " bytes long; the limit is " + std::to_string(kMaxQueryBytes));
  }
  parsed.request.query.assign(query_string->data(), query_string->size());

  parsed.collection = std::string(default_collection);
  QUARRY_RETURN_IF_ERROR(ReadOptionalString(object, "collection", "", &parsed.collection));
  Status name_status = ValidateCollectionName(parsed.collection);
  if (!name_status.ok()) return name_status.WithContext("field 'collection'");

  if (const json::value* k = object.if_contains("k")) {
    QUARRY_ASSIGN_OR_RETURN(parsed.request.k, ReadK(*k));
  }
  if (const json::value* ef = object.if_contains("ef")) {
    const int64_t* i = ef->if_int64();
    if (i == nullptr || *i < parsed.request.k || *i > kMaxEf) {
      return Status::InvalidArgument("field 'ef' must be an integer between k (" +
                                     std::to_string(parsed.request.k) + ") and " +
                                     std::to_string(kMaxEf));
    }
    parsed.request.ef = static_cast<uint32_t>(*i);
  }
  if (const json::value* rescore = object.if_contains("rescore")) {
    if (!rescore->is_bool()) return WrongType("", "rescore", "true or false", *rescore);
    parsed.request.rescore = rescore->get_bool();
  }
  if (const json::value* over = object.if_contains("oversampling")) {
    if (!over->is_number() || over->to_number<double>() < 1 ||
        over->to_number<double>() > kMaxOversampling) {
      return Status::InvalidArgument("field 'oversampling' must be a number between 1 and " +
                                     std::to_string(static_cast<int>(kMaxOversampling)));
    }
    parsed.request.oversampling = static_cast<float>(over->to_number<double>());
  }
  QUARRY_RETURN_IF_ERROR(ReadSearchOptions(object, &parsed.request));
  return parsed;
}

Result<std::vector<DocumentInput>> ParseDocumentsBody(std::string_view body) {
  QUARRY_ASSIGN_OR_RETURN(json::object object, ParseJsonObjectBody(body, kMaxJsonDepth));
  QUARRY_RETURN_IF_ERROR(CheckKnownFields(object, {"documents"}, ""));

  const json::value* documents = object.if_contains("documents");
  if (documents == nullptr) return Status::InvalidArgument("field 'documents' is required");
  const json::array* array = documents->if_array();
  if (array == nullptr) return WrongType("", "documents", "an array", *documents);
  if (array->empty()) return Status::InvalidArgument("field 'documents' must not be empty");
  if (array->size() > kMaxDocumentsPerRequest) {
    return Status::ResourceExhausted("field 'documents' holds " + std::to_string(array->size()) +
                                     " documents; the limit per request is " +
                                     std::to_string(kMaxDocumentsPerRequest));
  }

  std::vector<DocumentInput> docs;
  docs.reserve(array->size());
  // Two entries with one id would make the result depend on their order.
  std::unordered_map<std::string_view, size_t> first_index;
  for (size_t i = 0; i < array->size(); ++i) {
    QUARRY_ASSIGN_OR_RETURN(DocumentInput doc, ParseDocument((*array)[i], i));
    docs.push_back(std::move(doc));
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    auto [it, inserted] = first_index.emplace(docs[i].id, i);
    if (!inserted) {
      return Status::InvalidArgument("field 'documents[" + std::to_string(i) +
                                     "].id' repeats the id of documents[" +
                                     std::to_string(it->second) + "]");
    }
  }
  return docs;
}

Result<CollectionConfig> ParseCollectionConfigBody(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return CollectionConfig{};
  // Parse once with our limits, so that malformed or deeply nested JSON gets
  // the same answer as on every other route.
  QUARRY_RETURN_IF_ERROR(ParseJsonObjectBody(body, kMaxJsonDepth).status());
  return CollectionConfigFromJson(body);
}

}  // namespace quarry::server
