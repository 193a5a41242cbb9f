#include "ingest/html_charset.h"

#include <string>

namespace quarry::ingest {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool StartsWithNoCase(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[pos + i]) != prefix[i]) return false;
  }
  return true;
}

// Reads one attribute at *pos (WHATWG "get an attribute", simplified: no
// character references). Returns false at the end of the tag or the input.
bool NextAttribute(std::string_view s, size_t* pos, std::string* name, std::string* value) {
  size_t i = *pos;
  while (i < s.size() && (IsSpace(s[i]) || s[i] == '/')) ++i;
  if (i >= s.size() || s[i] == '>') {
    *pos = i;
    return false;
  }
  name->clear();
  value->clear();
  while (i < s.size() && s[i] != '=' && s[i] != '>' && s[i] != '/' && !IsSpace(s[i])) {
    *name += Lower(s[i++]);
  }
  while (i < s.size() && IsSpace(s[i])) ++i;
  if (i < s.size() && s[i] == '=') {
    ++i;
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      const char quote = s[i++];
      while (i < s.size() && s[i] != quote) *value += Lower(s[i++]);
      if (i < s.size()) ++i;
    } else {
      while (i < s.size() && s[i] != '>' && !IsSpace(s[i])) *value += Lower(s[i++]);
    }
  }
  if (name->empty() && i < s.size()) ++i;  // a stray '=' : step over it
  *pos = i;
  return true;
}

// The charset named in a Content-Type value ("text/html; charset=latin1").
std::string CharsetFromContent(std::string_view content) {
  size_t at = 0;
  while ((at = content.find("charset", at)) != std::string_view::npos) {
    size_t i = at + 7;
    while (i < content.size() && IsSpace(content[i])) ++i;
    if (i >= content.size() || content[i] != '=') {
      at = i;
      continue;
    }
    ++i;
    while (i < content.size() && IsSpace(content[i])) ++i;
    if (i < content.size() && (content[i] == '"' || content[i] == '\'')) {
      const char quote = content[i++];
      const size_t end = content.find(quote, i);
      if (end == std::string_view::npos) return "";
      return std::string(content.substr(i, end - i));
    }
    size_t end = i;
    while (end < content.size() && content[end] != ';' && !IsSpace(content[end])) ++end;
    return std::string(content.substr(i, end - i));
  }
  return "";
}

// The encoding a <meta> tag whose attributes start at *pos declares.
std::optional<TextEncoding> MetaEncoding(std::string_view s, size_t* pos) {
  std::string name;
  std::string value;
  std::string charset;
  std::string content;
  bool content_type = false;
  while (NextAttribute(s, pos, &name, &value)) {
    if (name == "charset" && charset.empty()) charset = value;
    if (name == "content" && content.empty()) content = value;
    if (name == "http-equiv" && value == "content-type") content_type = true;
  }
  std::string label = charset;
  if (label.empty() && content_type) label = CharsetFromContent(content);
  if (label.empty()) return std::nullopt;
  std::optional<TextEncoding> encoding = EncodingFromLabel(label);
  if (encoding == TextEncoding::kUtf16Le || encoding == TextEncoding::kUtf16Be) {
    return TextEncoding::kUtf8;
  }
  return encoding;
}

}  // namespace

std::optional<TextEncoding> SniffHtmlEncoding(std::string_view html) {
  const std::string_view s = html.substr(0, kHtmlPrescanBytes);
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '<') {
      ++i;
      continue;
    }
    if (StartsWithNoCase(s, i, "<!--")) {
      const size_t end = s.find("-->", i + 4);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 3;
      continue;
    }
    if (StartsWithNoCase(s, i, "<meta") && i + 5 < s.size() &&
        (IsSpace(s[i + 5]) || s[i + 5] == '/')) {
      i += 5;
      if (std::optional<TextEncoding> encoding = MetaEncoding(s, &i)) return encoding;
      continue;
    }
    const size_t after = i + 1 < s.size() && s[i + 1] == '/' ? i + 2 : i + 1;
    if (after < s.size() && IsAsciiLetter(s[after])) {
      // Another tag: step over its name and attributes (quoted '>' included).
      i = after;
      while (i < s.size() && !IsSpace(s[i]) && s[i] != '>') ++i;
      std::string attribute;
      std::string value;
      while (NextAttribute(s, &i, &attribute, &value)) {
      }
      continue;
    }
    if (after < s.size() && (s[i + 1] == '!' || s[i + 1] == '/' || s[i + 1] == '?')) {
      const size_t end = s.find('>', i + 1);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 1;
      continue;
    }
    ++i;
  }
  return std::nullopt;
}

}  // namespace quarry::ingest
