#include "server/mime_params.h"

#include "server/percent_decoding.h"

namespace quarry::server {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// A control character other than horizontal tab (RFC 9110 5.5).
bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void SkipSpace(std::string_view s, size_t* i) {
  while (*i < s.size() && IsSpace(s[*i])) ++*i;
}

// A run of token characters at *i (may be empty).
std::string_view ReadToken(std::string_view s, size_t* i) {
  const size_t start = *i;
  while (*i < s.size() && IsTokenChar(s[*i])) ++*i;
  return s.substr(start, *i - start);
}

// A quoted string at *i, which is at its opening quote.
Result<std::string> ReadQuoted(std::string_view s, size_t* i) {
  std::string out;
  for (++*i; *i < s.size(); ++*i) {
    char c = s[*i];
    if (c == '"') {
      ++*i;
      return out;
    }
    // A backslash escapes only '"' and '\\' and is kept before anything
    // else: browsers send Windows paths ("C:\\dir\\a.pdf") unescaped
    // (RFC 7578 4.2; Go's mime package reads them the same way).
    if (c == '\\' && *i + 1 < s.size() && (s[*i + 1] == '"' || s[*i + 1] == '\\')) {
      c = s[++*i];
    }
    out.push_back(c);
  }
  return Status::InvalidArgument("unterminated quoted string in header value");
}

}  // namespace

std::optional<std::string> MimeHeaderValue::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Result<MimeHeaderValue> ParseMimeHeaderValue(std::string_view header) {
  for (char c : header) {
    if (IsControl(c)) return Status::InvalidArgument("control character in header value");
  }
  MimeHeaderValue out;
  size_t i = 0;
  SkipSpace(header, &i);
  const size_t start = i;
  while (i < header.size() && header[i] != ';') ++i;
  std::string_view value = header.substr(start, i - start);
  while (!value.empty() && IsSpace(value.back())) value.remove_suffix(1);
  if (value.empty()) return Status::InvalidArgument("empty header value");
  out.value = Lowercase(value);
  while (i < header.size()) {
    ++i;  // the ';'
    SkipSpace(header, &i);
    if (i == header.size()) break;  // a trailing ';' is tolerated, as browsers do
    const std::string name = Lowercase(ReadToken(header, &i));
    SkipSpace(header, &i);
    if (name.empty() || i == header.size() || header[i] != '=') {
      return Status::InvalidArgument("malformed parameter in header value '" + std::string(header) +
                                     "'");
    }
    ++i;
    SkipSpace(header, &i);
    std::string param_value;
    if (i < header.size() && header[i] == '"') {
      QUARRY_ASSIGN_OR_RETURN(param_value, ReadQuoted(header, &i));
    } else {
      param_value = std::string(ReadToken(header, &i));
      if (param_value.empty()) {
        return Status::InvalidArgument("parameter '" + name + "' has no value");
      }
    }
    SkipSpace(header, &i);
    if (i < header.size() && header[i] != ';') {
      return Status::InvalidArgument("unexpected character after parameter '" + name + "'");
    }
    if (out.Param(name)) return Status::InvalidArgument("parameter '" + name + "' is repeated");
    out.params.emplace_back(name, std::move(param_value));
  }
  return out;
}

Result<std::string> DecodeExtendedValue(std::string_view value) {
  const size_t first = value.find('\'');
  const size_t second = first == std::string_view::npos ? first : value.find('\'', first + 1);
  if (second == std::string_view::npos) {
    return Status::InvalidArgument("extended parameter value is not charset'language'value");
  }
  if (Lowercase(value.substr(0, first)) != "utf-8") {
    return Status::InvalidArgument("extended parameter value must be in UTF-8");
  }
  return PercentDecode(value.substr(second + 1));
}

}  // namespace quarry::server
