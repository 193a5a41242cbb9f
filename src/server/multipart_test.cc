#include "server/multipart.h"

#include <string>

#include <gtest/gtest.h>

#include "server/mime_params.h"
#include "server/upload_filename.h"

namespace quarry::server {
namespace {

using namespace std::string_literals;

// A part with a Content-Disposition (and optionally a Content-Type) header.
std::string Part(const std::string& boundary, const std::string& disposition,
                 const std::string& data, const std::string& type = "") {
  std::string out = "--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\n";
  if (!type.empty()) out += "Content-Type: " + type + "\r\n";
  return out + "\r\n" + data + "\r\n";
}

std::string Close(const std::string& boundary) { return "--" + boundary + "--\r\n"; }

Result<std::vector<MultipartPart>> Parse(const std::string& body, const std::string& boundary,
                                         MultipartLimits limits = {}) {
  return ParseMultipart(body, boundary, limits);
}

TEST(MultipartBoundaryTest, PlainAndQuoted) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;boundary=\"a b:c?\""), "a b:c?");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; charset=utf-8; boundary=----x"), "----x");
}

TEST(MultipartBoundaryTest, RefusesWhatRfc2046DoesNotAllow) {
  EXPECT_FALSE(MultipartBoundary("application/json").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"unterminated").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"ends in space \"").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"a\\\"b\"").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'x')).ok());
  EXPECT_TRUE(MultipartBoundary("multipart/form-data; boundary=" + std::string(70, 'x')).ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=a; boundary=b").ok());
  EXPECT_TRUE(IsMultipartFormData("multipart/form-data; boundary=x"));
  EXPECT_FALSE(IsMultipartFormData("multipart/mixed; boundary=x"));
  EXPECT_FALSE(IsMultipartFormData(""));
}

TEST(MultipartTest, ParsesFilesAndFieldsWithPreambleAndEpilogue) {
  const std::string b = "XyZ";
  const std::string body = "preamble, ignored\r\n" +
                           Part(b, "form-data; name=\"file\"; filename=\"notes.md\"",
                                "# Title\n\nText.", "text/markdown; charset=utf-8") +
                           Part(b, "form-data; name=ids", "{}") + Close(b) + "epilogue";
  auto parts = Parse(body, b);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "file");
  EXPECT_EQ((*parts)[0].filename, "notes.md");
  EXPECT_EQ((*parts)[0].content_type, "text/markdown");
  EXPECT_EQ((*parts)[0].data, "# Title\n\nText.");
  EXPECT_EQ((*parts)[1].name, "ids");
  EXPECT_FALSE((*parts)[1].filename.has_value());  // a text field, not a file
  EXPECT_EQ((*parts)[1].data, "{}");
}

TEST(MultipartTest, QuotedBoundaryWithSpacesAndTransportPadding) {
  auto boundary = MultipartBoundary("multipart/form-data; boundary=\"we ird'b=\"");
  ASSERT_TRUE(boundary.ok());
  const std::string body =
      "--we ird'b= \t\r\nContent-Disposition: form-data; name=a\r\n\r\nA\r\n"
      "--we ird'b=--";
  auto parts = Parse(body, *boundary);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, "A");
}

TEST(MultipartTest, BinaryContentWithCrLfAndBoundaryLookalikes) {
  const std::string b = "bnd";
  // CR, LF, NUL, a CRLF "--bnd" followed by more characters (content, not a
  // delimiter) and a bare "--bnd" without CRLF before it.
  const std::string data = "\x00\r\n\r\n--bn\r\n--bndX\r\n\r--bnd\n--bnd\xff"s;
  const std::string body =
      Part(b, "form-data; name=f; filename=x.bin", data, "application/octet-stream") + Close(b);
  auto parts = Parse(body, b);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, data);
}

TEST(MultipartTest, EmptyContentAndNoHeadersOtherThanDisposition) {
  const std::string b = "b";
  auto parts = Parse(Part(b, "form-data; name=empty; filename=\"\"", "") + Close(b), b);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[0].data, "");
}

TEST(MultipartTest, MissingFinalBoundaryIsRefused) {
  const std::string b = "b";
  const std::string body = Part(b, "form-data; name=f; filename=a.txt", "abc");
  auto parts = Parse(body, b);
  ASSERT_FALSE(parts.ok());
  EXPECT_NE(parts.status().message().find("no closing boundary"), std::string::npos)
      << parts.status().message();
  // A delimiter line that is cut off before its CRLF or "--".
  EXPECT_FALSE(Parse(body + "--b", b).ok());
}

TEST(MultipartTest, TruncatedBodiesAreRefusedAtEveryLength) {
  const std::string b = "----b";
  const std::string body = Part(b, "form-data; name=f; filename=a.txt", "some text") +
                           Part(b, "form-data; name=g; filename=b.txt", "more") + Close(b);
  ASSERT_TRUE(Parse(body, b).ok());
  // Every prefix that drops the close delimiter's "--" fails; none crashes.
  const size_t close = body.rfind("--" + b + "--") + b.size() + 2;
  for (size_t n = 0; n < close; ++n) {
    EXPECT_FALSE(Parse(body.substr(0, n), b).ok()) << "prefix of " << n << " bytes";
  }
}

TEST(MultipartTest, HugeHeaderIsRefused) {
  const std::string b = "b";
  MultipartLimits limits;
  limits.max_part_header_bytes = 100;
  const std::string body =
      Part(b, "form-data; name=f; filename=\"" + std::string(200, 'a') + "\"", "x") + Close(b);
  auto parts = Parse(body, b, limits);
  ASSERT_FALSE(parts.ok());
  EXPECT_EQ(parts.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(parts.status().message().find("longer than 100 bytes"), std::string::npos);
  // Just within the limit is fine.
  limits.max_part_header_bytes = 300;
  EXPECT_TRUE(Parse(body, b, limits).ok());
}

TEST(MultipartTest, TooManyPartsAreRefused) {
  const std::string b = "b";
  std::string body;
  for (int i = 0; i < 4; ++i) body += Part(b, "form-data; name=f" + std::to_string(i), "x");
  body += Close(b);
  MultipartLimits limits;
  limits.max_parts = 3;
  auto parts = Parse(body, b, limits);
  ASSERT_FALSE(parts.ok());
  EXPECT_EQ(parts.status().code(), StatusCode::kResourceExhausted);
  limits.max_parts = 4;
  EXPECT_TRUE(Parse(body, b, limits).ok());
}

TEST(MultipartTest, MalformedPartsAreRefusedWithAReason) {
  const std::string b = "b";
  const auto refused = [&](const std::string& body, const std::string& needle) {
    auto parts = Parse(body, b);
    ASSERT_FALSE(parts.ok()) << "accepted: " << body;
    EXPECT_NE(parts.status().message().find(needle), std::string::npos) << parts.status().message();
  };
  refused("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "no Content-Disposition");
  refused(Part(b, "attachment; name=f", "x") + Close(b), "not form-data");
  refused(Part(b, "form-data; filename=a.txt", "x") + Close(b), "has no name");
  refused("--b\r\nContent-Disposition: form-data; name=a\r\n folded\r\n\r\nx\r\n--b--", "folded");
  refused(
      "--b\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; "
      "name=b\r\n\r\nx\r\n--b--",
      "repeated");
  refused(
      "--b\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: "
      "base64\r\n\r\neA==\r\n--b--",
      "base64");
  refused("--b\nContent-Disposition: form-data; name=a\n\nx\n--b--", "");  // bare LF
  refused("no boundary here", "no boundary line");
  refused("--b--\r\n", "no parts");
  refused("--bX\r\n", "followed by other characters");
}

TEST(MultipartTest, ExtendedFilenameWinsAndIsDecoded) {
  const std::string b = "b";
  auto parts = Parse(Part(b,
                          "form-data; name=f; filename=\"fallback.md\"; "
                          "filename*=UTF-8''na%C3%AFve%20notes.md",
                          "x") +
                         Close(b),
                     b);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ((*parts)[0].filename, "na\xC3\xAFve notes.md");
  EXPECT_FALSE(Parse(Part(b, "form-data; name=f; filename*=latin1''x", "x") + Close(b), b).ok());
  EXPECT_FALSE(Parse(Part(b, "form-data; name=f; filename*=UTF-8''%FF", "x") + Close(b), b).ok());
}

TEST(MultipartTest, WindowsPathsInFilenamesKeepTheirBackslashes) {
  const std::string b = "b";
  auto parts =
      Parse(Part(b, R"(form-data; name=f; filename="C:\Users\me\a\"b.pdf")", "x") + Close(b), b);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ((*parts)[0].filename, R"(C:\Users\me\a"b.pdf)");
  EXPECT_EQ(*UploadBaseName(*(*parts)[0].filename), "a\"b.pdf");
}

TEST(UploadBaseNameTest, HostileNamesAreReducedToABaseName) {
  EXPECT_EQ(*UploadBaseName("notes.md"), "notes.md");
  EXPECT_EQ(*UploadBaseName("../../etc/passwd"), "passwd");
  EXPECT_EQ(*UploadBaseName("C:\\Users\\me\\report.pdf"), "report.pdf");
  EXPECT_EQ(*UploadBaseName("/abs/dir/..\\x.txt"), "x.txt");
  EXPECT_EQ(*UploadBaseName("a\0b\r\n.md"s), "ab.md");
  EXPECT_EQ(*UploadBaseName("  spaced.txt "), "spaced.txt");
  EXPECT_EQ(*UploadBaseName("bad\xff.txt"), "bad\xEF\xBF\xBD.txt");  // U+FFFD
  EXPECT_FALSE(UploadBaseName("").ok());
  EXPECT_FALSE(UploadBaseName("..").ok());
  EXPECT_FALSE(UploadBaseName("dir/..").ok());
  EXPECT_FALSE(UploadBaseName("dir/").ok());
  EXPECT_FALSE(UploadBaseName("\0\0"s).ok());
  EXPECT_FALSE(UploadBaseName(std::string(600, 'a')).ok());
}

TEST(MimeParamsTest, ParsesTokensAndQuotedStrings) {
  auto v = ParseMimeHeaderValue(" form-data ; name=\"a\\\"b\" ; filename=x.txt;");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->value, "form-data");
  EXPECT_EQ(v->Param("name"), "a\"b");
  EXPECT_EQ(v->Param("filename"), "x.txt");
  EXPECT_FALSE(v->Param("missing").has_value());
  EXPECT_FALSE(ParseMimeHeaderValue("form-data; name").ok());
  EXPECT_FALSE(ParseMimeHeaderValue("form-data; name=a b").ok());
  EXPECT_FALSE(ParseMimeHeaderValue("form-data; name=\"a\x01\"").ok());
  EXPECT_FALSE(ParseMimeHeaderValue("").ok());
}

}  // namespace
}  // namespace quarry::server
