#include "server/upload_request.h"

#include <string>

#include <gtest/gtest.h>

namespace quarry::server {
namespace {

constexpr const char* kType = "multipart/form-data; boundary=zz";

std::string FilePart(const std::string& filename, const std::string& data,
                     const std::string& field = "file") {
  return "--zz\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename +
         "\"\r\n\r\n" + data + "\r\n";
}

std::string FieldPart(const std::string& name, const std::string& value) {
  return "--zz\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

const std::string kClose = "--zz--\r\n";

TEST(ParseUploadTest, FilesGetTheirBaseNameAsId) {
  auto upload = ParseUpload(
      FilePart("dir/a.md", "# A") + FilePart("b.html", "<p>b", "files[]") + kClose, kType, {});
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  ASSERT_EQ(upload->files.size(), 2u);
  EXPECT_EQ(upload->files[0].name, "a.md");
  EXPECT_EQ(upload->files[0].document_id, "a.md");
  EXPECT_EQ(upload->files[0].data, "# A");
  EXPECT_EQ(upload->files[1].document_id, "b.html");
  EXPECT_TRUE(upload->files[1].problem.ok());
}

TEST(ParseUploadTest, IdsFieldNamesDocumentIds) {
  auto upload = ParseUpload(FieldPart("ids", R"({"a.md": "notes/a"})") + FilePart("a.md", "x") +
                                FilePart("b.md", "y") + kClose,
                            kType, {});
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  EXPECT_EQ(upload->files[0].document_id, "notes/a");
  EXPECT_EQ(upload->files[1].document_id, "b.md");
  EXPECT_FALSE(
      ParseUpload(FieldPart("ids", R"({"c.md": "x"})") + FilePart("a.md", "x") + kClose, kType, {})
          .ok());
  EXPECT_FALSE(
      ParseUpload(FieldPart("ids", "[1]") + FilePart("a.md", "x") + kClose, kType, {}).ok());
  EXPECT_FALSE(
      ParseUpload(FieldPart("ids", R"({"a.md": ""})") + FilePart("a.md", "x") + kClose, kType, {})
          .ok());
}

TEST(ParseUploadTest, RepeatedIdsAndUnusableNamesFailAloneNotTheRequest) {
  auto upload = ParseUpload(
      FilePart("x/a.md", "1") + FilePart("y/a.md", "2") + FilePart("..", "3") + kClose, kType, {});
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  ASSERT_EQ(upload->files.size(), 3u);
  EXPECT_TRUE(upload->files[0].problem.ok());
  EXPECT_EQ(upload->files[1].problem.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(upload->files[1].document_id, "");
  EXPECT_EQ(upload->files[2].problem.code(), StatusCode::kInvalidArgument);
}

TEST(ParseUploadTest, BadRequestsAreRefused) {
  // A text field that is not "ids", no file at all, malformed multipart.
  EXPECT_FALSE(
      ParseUpload(FieldPart("title", "x") + FilePart("a.md", "x") + kClose, kType, {}).ok());
  EXPECT_FALSE(ParseUpload(FieldPart("ids", "{}") + kClose, kType, {}).ok());
  EXPECT_FALSE(ParseUpload(FilePart("a.md", "x"), kType, {}).ok());
  EXPECT_FALSE(ParseUpload(FilePart("a.md", "x") + kClose, "application/json", {}).ok());
}

TEST(ParseUploadTest, FileDataOutlivesMovesOfTheRequest) {
  auto upload = ParseUpload(FilePart("a.txt", "short") + kClose, kType, {});
  ASSERT_TRUE(upload.ok());
  UploadRequest moved = std::move(upload).value();
  UploadRequest copy = moved;
  EXPECT_EQ(copy.files[0].data, "short");
}

}  // namespace
}  // namespace quarry::server
