#include "search/beir_dataset.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <exception>
#include <unordered_set>
#include <utility>

namespace quarry::search {
namespace {

namespace json = boost::json;

Status LineError(const LineReader& reader, const std::string& what) {
  return Status::InvalidArgument(reader.path() + " line " + std::to_string(reader.line_number()) +
                                 ": " + what);
}

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

// Reads field `name` of `object` as a string into *out. An integer is
// accepted for ids (kept as its decimal text). `required` fields must exist.
Status ReadField(const LineReader& reader, const json::object& object, const char* name,
                 bool required, bool allow_integer, std::string* out) {
  const json::value* v = object.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) return LineError(reader, std::string("missing field '") + name + "'");
    out->clear();
    return Status::Ok();
  }
  if (v->is_string()) {
    out->assign(v->get_string().data(), v->get_string().size());
    return Status::Ok();
  }
  if (allow_integer && v->is_int64()) {
    *out = std::to_string(v->get_int64());
    return Status::Ok();
  }
  if (allow_integer && v->is_uint64()) {
    *out = std::to_string(v->get_uint64());
    return Status::Ok();
  }
  return LineError(reader, std::string("field '") + name + "' is not a string");
}

// Calls on_object(reader, object) for each non-blank line of a JSON-lines file.
template <typename OnObject>
Status ForEachJsonLine(const std::string& path, BeirLimits limits, OnObject&& on_object) {
  Result<LineReader> opened = LineReader::Open(path, limits.max_line_bytes);
  if (!opened.ok()) return opened.status();
  LineReader& reader = *opened;
  std::string line;
  Status status;
  // Boost.JSON reports syntax errors through the error_code; only memory
  // exhaustion throws, and it is turned into a Status here, at the edge.
  try {
    while (reader.Next(&line, &status)) {
      if (IsBlank(line)) continue;
      boost::system::error_code ec;
      json::value value = json::parse(line, ec);
      if (ec) return LineError(reader, "invalid JSON (" + ec.message() + ")");
      if (!value.is_object()) return LineError(reader, "not a JSON object");
      QUARRY_RETURN_IF_ERROR(on_object(reader, value.get_object()));
    }
  } catch (const std::exception& e) {
    return Status::ResourceExhausted(path + " line " + std::to_string(reader.line_number() + 1) +
                                     ": " + e.what());
  }
  return status;
}

Status CheckUnique(const LineReader& reader, std::unordered_set<std::string>* seen,
                   const std::string& id) {
  if (id.empty()) return LineError(reader, "empty '_id'");
  if (!seen->insert(id).second) return LineError(reader, "duplicate '_id' \"" + id + "\"");
  return Status::Ok();
}

// Splits on tabs, or on runs of spaces when the line has no tab.
std::vector<std::string_view> SplitColumns(std::string_view line) {
  std::vector<std::string_view> columns;
  const bool tabs = line.find('\t') != std::string_view::npos;
  size_t i = 0;
  while (i <= line.size()) {
    if (!tabs) {
      while (i < line.size() && line[i] == ' ') ++i;
      if (i == line.size()) break;
    }
    const size_t end = line.find(tabs ? '\t' : ' ', i);
    const size_t stop = end == std::string_view::npos ? line.size() : end;
    columns.push_back(line.substr(i, stop - i));
    i = stop + 1;
  }
  return columns;
}

bool ParseGrade(std::string_view s, int* grade) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *grade);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<std::vector<BeirDocument>> LoadBeirCorpus(const std::string& path, BeirLimits limits) {
  std::vector<BeirDocument> docs;
  std::unordered_set<std::string> seen;
  const Status s = ForEachJsonLine(path, limits, [&](const LineReader& r, const json::object& o) {
    BeirDocument d;
    QUARRY_RETURN_IF_ERROR(ReadField(r, o, "_id", true, true, &d.id));
    QUARRY_RETURN_IF_ERROR(ReadField(r, o, "title", false, false, &d.title));
    QUARRY_RETURN_IF_ERROR(ReadField(r, o, "text", true, false, &d.text));
    QUARRY_RETURN_IF_ERROR(CheckUnique(r, &seen, d.id));
    docs.push_back(std::move(d));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return docs;
}

Result<std::vector<BeirQuery>> LoadBeirQueries(const std::string& path, BeirLimits limits) {
  std::vector<BeirQuery> queries;
  std::unordered_set<std::string> seen;
  const Status s = ForEachJsonLine(path, limits, [&](const LineReader& r, const json::object& o) {
    BeirQuery q;
    QUARRY_RETURN_IF_ERROR(ReadField(r, o, "_id", true, true, &q.id));
    QUARRY_RETURN_IF_ERROR(ReadField(r, o, "text", true, false, &q.text));
    QUARRY_RETURN_IF_ERROR(CheckUnique(r, &seen, q.id));
    queries.push_back(std::move(q));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return queries;
}

Result<Qrels> LoadQrels(const std::string& path, BeirLimits limits) {
  Result<LineReader> opened = LineReader::Open(path, limits.max_line_bytes);
  if (!opened.ok()) return opened.status();
  LineReader& reader = *opened;
  Qrels qrels;
  std::string line;
  Status status;
  bool first = true;
  while (reader.Next(&line, &status)) {
    if (IsBlank(line)) continue;
    const std::vector<std::string_view> columns = SplitColumns(line);
    if (columns.size() != 3 && columns.size() != 4) {
      return LineError(reader, "expected 3 columns (query-id, corpus-id, score) or TREC's 4, got " +
                                   std::to_string(columns.size()));
    }
    const std::string_view query = columns.front();
    const std::string_view doc = columns[columns.size() - 2];
    int grade = 0;
    if (!ParseGrade(columns.back(), &grade)) {
      if (first) {  // a header line such as "query-id corpus-id score"
        first = false;
        continue;
      }
      return LineError(reader, "score \"" + std::string(columns.back()) + "\" is not an integer");
    }
    first = false;
    if (query.empty() || doc.empty()) return LineError(reader, "empty id");
    qrels[std::string(query)][std::string(doc)] = grade;
  }
  if (!status.ok()) return status;
  return qrels;
}

Result<BeirDataset> LoadBeirDataset(const std::string& dir, const std::string& split,
                                    BeirLimits limits) {
  BeirDataset data;
  Result<std::vector<BeirDocument>> corpus = LoadBeirCorpus(dir + "/corpus.jsonl", limits);
  if (!corpus.ok()) return corpus.status();
  Result<std::vector<BeirQuery>> queries = LoadBeirQueries(dir + "/queries.jsonl", limits);
  if (!queries.ok()) return queries.status();
  Result<Qrels> qrels = LoadQrels(dir + "/qrels/" + split + ".tsv", limits);
  if (!qrels.ok()) return qrels.status();
  data.corpus = std::move(corpus).value();
  data.qrels = std::move(qrels).value();
  for (BeirQuery& q : queries.value()) {
    if (data.qrels.count(q.id) != 0) data.queries.push_back(std::move(q));
  }
  return data;
}

}  // namespace quarry::search
