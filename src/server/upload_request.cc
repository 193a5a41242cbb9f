#include "server/upload_request.h"

#include <map>
#include <set>
#include <utility>

#include <boost/json/parse.hpp>

#include "quarry/document.h"
#include "server/upload_filename.h"
#include "text/utf8.h"

namespace quarry::server {
namespace {

namespace json = boost::json;

constexpr std::string_view kIdsField = "ids";

// The "ids" field: file name -> document id.
Result<std::map<std::string, std::string>> ParseIds(std::string_view text) {
  boost::system::error_code ec;
  const json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return Status::InvalidArgument(
        "form field 'ids' must be a JSON object from file names to document ids");
  }
  std::map<std::string, std::string> ids;
  for (const auto& [name, id] : value.get_object()) {
    if (!id.is_string() || id.get_string().empty() ||
        id.get_string().size() > kMaxDocumentIdBytes) {
      return Status::InvalidArgument("form field 'ids': the id of '" + std::string(name) +
                                     "' must be a string of 1 to " +
                                     std::to_string(kMaxDocumentIdBytes) + " bytes");
    }
    ids.emplace(std::string(name), std::string(id.get_string()));
  }
  return ids;
}

}  // namespace

Result<UploadRequest> ParseUpload(std::string body, std::string_view content_type,
                                  const MultipartLimits& limits) {
  QUARRY_ASSIGN_OR_RETURN(const std::string boundary, MultipartBoundary(content_type));
  UploadRequest upload;
  upload.body = std::make_shared<const std::string>(std::move(body));
  QUARRY_ASSIGN_OR_RETURN(std::vector<MultipartPart> parts,
                          ParseMultipart(*upload.body, boundary, limits));
  std::map<std::string, std::string> ids;
  bool ids_seen = false;
  for (MultipartPart& part : parts) {
    if (part.filename) {
      UploadFile file;
      file.content_type = std::move(part.content_type);
      file.data = part.data;
      Result<std::string> name = UploadBaseName(*part.filename);
      if (name.ok()) {
        file.name = std::move(name).value();
      } else {
        file.name = text::SanitizeUtf8(*part.filename);
        file.problem = name.status();
      }
      upload.files.push_back(std::move(file));
    } else if (part.name == kIdsField && !ids_seen) {
      ids_seen = true;
      QUARRY_ASSIGN_OR_RETURN(ids, ParseIds(part.data));
    } else {
      return Status::InvalidArgument(
          "form field '" + text::SanitizeUtf8(part.name) +
          "' is not a file (no filename) and not 'ids', the one text field an upload takes");
    }
  }
  if (upload.files.empty()) return Status::InvalidArgument("the upload holds no file");

  std::set<std::string> names;
  std::set<std::string> taken;
  for (UploadFile& file : upload.files) {
    if (!file.problem.ok()) continue;
    names.insert(file.name);
    auto given = ids.find(file.name);
    const std::string id = given == ids.end() ? file.name : given->second;
    if (!taken.insert(id).second) {
      file.problem = Status::AlreadyExists("document id '" + id +
                                           "' is already used by an earlier file of this upload");
      continue;
    }
    file.document_id = id;
  }
  for (const auto& [name, id] : ids) {
    if (names.count(name) == 0) {
      return Status::InvalidArgument("form field 'ids' names '" + name +
                                     "', which is not a file of this upload");
    }
  }
  return upload;
}

}  // namespace quarry::server
