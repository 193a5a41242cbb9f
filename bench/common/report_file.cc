#include "common/report_file.h"

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace quarry::bench {

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IOError(tmp + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError(path + ": rename failed");
  return Status::Ok();
}

std::string MarkdownPath(const std::string& json_path) {
  return json_path.ends_with(".json") ? json_path.substr(0, json_path.size() - 5) + ".md"
                                      : json_path + ".md";
}

Status WriteReport(const std::string& json_path, const boost::json::object& report,
                   const std::string& tables) {
  const std::filesystem::path parent = std::filesystem::path(json_path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Status::IOError(parent.string() + ": " + ec.message());
  }
  QUARRY_RETURN_IF_ERROR(WriteFileAtomically(json_path, boost::json::serialize(report) + "\n"));
  return WriteFileAtomically(MarkdownPath(json_path), tables);
}

Result<boost::json::object> ReadReport(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return Status::InvalidArgument(path + " is not a JSON report");
  return std::move(v.get_object());
}

Status PublishReport(const std::string& json_path, const boost::json::object& report,
                     const std::string& tables, std::string_view bench) {
  std::printf("%s", tables.c_str());
  if (json_path.empty()) return Status::Ok();
  QUARRY_RETURN_IF_ERROR(WriteReport(json_path, report, tables));
  std::fprintf(stderr, "[%.*s] wrote %s and %s\n", static_cast<int>(bench.size()), bench.data(),
               json_path.c_str(), MarkdownPath(json_path).c_str());
  return Status::Ok();
}

int RenderStoredReport(const std::string& path,
                       const std::function<std::string(const boost::json::object&)>& render,
                       std::string_view bench) {
  Result<boost::json::object> report = ReadReport(path);
  if (!report.ok()) {
    std::fprintf(stderr, "[%.*s] %s\n", static_cast<int>(bench.size()), bench.data(),
                 report.status().message().c_str());
    return 1;
  }
  std::printf("%s", render(*report).c_str());
  return 0;
}

}  // namespace quarry::bench
