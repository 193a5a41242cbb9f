#include "ingest/html_nesting.h"

#include <cstring>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <vector>

namespace quarry::ingest {
namespace {

// Tag names compared are cut to this length: no HTML tag that matters is longer.
constexpr size_t kMaxNameBytes = 16;

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsOneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (name == n) return true;
  }
  return false;
}

bool IsVoid(std::string_view name) {
  return IsOneOf(name, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                        "param", "source", "track", "wbr", "keygen", "basefont", "bgsound",
                        "frame", "image"});
}

bool IsRawText(std::string_view name) {
  return IsOneOf(name, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                        "noframes"});
}

// Open elements searched, from the top, for one that a start tag closes.
// The closing elements are found near the top in real pages; the bound keeps
// the scan linear on hostile ones.
constexpr size_t kCloseSearchDepth = 16;

// Approximates the HTML tree-construction rules for optional end tags: a start
// tag `opening` closes an open element `name` (a target) when no barrier (a
// new list, table or select starts a new scope) lies between them.
bool ClosesParagraph(std::string_view opening) {
  return IsOneOf(opening, {"p", "address", "article", "aside", "blockquote", "details", "div", "dl",
                           "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
                           "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav", "ol",
                           "pre", "section", "table", "ul", "li", "dt", "dd"});
}

bool IsTarget(std::string_view opening, std::string_view name) {
  if (opening == "li") return name == "li";
  if (opening == "dt" || opening == "dd") return name == "dt" || name == "dd";
  if (opening == "option") return name == "option";
  if (opening == "optgroup") return name == "option" || name == "optgroup";
  if (opening == "td" || opening == "th") return name == "td" || name == "th";
  if (opening == "tr") return name == "tr";
  if (IsOneOf(opening, {"thead", "tbody", "tfoot"})) {
    return IsOneOf(name, {"thead", "tbody", "tfoot"});
  }
  return name == "p" && ClosesParagraph(opening);
}

bool IsBarrier(std::string_view opening, std::string_view name) {
  if (opening == "li") return IsOneOf(name, {"ul", "ol", "menu"});
  if (opening == "dt" || opening == "dd") return name == "dl";
  if (opening == "option" || opening == "optgroup") return name == "select" || name == "datalist";
  if (opening == "td" || opening == "th") return name == "tr" || name == "table";
  if (IsOneOf(opening, {"tr", "thead", "tbody", "tfoot"})) return name == "table";
  return IsOneOf(name, {"button", "table", "td", "th", "caption", "object", "marquee", "applet"});
}

// Table parts outside any table are dropped by the HTML parser.
bool IsTablePart(std::string_view name) {
  return IsOneOf(name, {"td", "th", "tr", "thead", "tbody", "tfoot", "caption", "col",
                        "colgroup"});
}

class NestingScanner {
 public:
  NestingScanner(std::string_view html, uint32_t limit) : html_(html), limit_(limit) {}

  uint32_t Run() {
    while (pos_ < html_.size() && deepest_ <= limit_) {
      const void* lt = std::memchr(html_.data() + pos_, '<', html_.size() - pos_);
      if (lt == nullptr) break;
      pos_ = static_cast<size_t>(static_cast<const char*>(lt) - html_.data()) + 1;
      if (At("!--")) {
        SkipPast("-->", 3);
      } else if (At("!") || At("?")) {
        SkipPast(">", 0);
      } else if (At("/") && pos_ + 1 < html_.size() && IsAsciiAlpha(html_[pos_ + 1])) {
        ++pos_;
        EndTag(ReadName());
        SkipTag();
      } else if (pos_ < html_.size() && IsAsciiAlpha(html_[pos_])) {
        StartTag(ReadName());
      }
    }
    return deepest_ > limit_ ? limit_ + 1 : deepest_;
  }

 private:
  bool At(std::string_view s) const { return html_.substr(pos_, s.size()) == s; }

  // Moves past the next `end`, starting `skip` bytes on, or to the end of the text.
  void SkipPast(std::string_view end, size_t skip) {
    const size_t found = html_.find(end, pos_ + skip);
    pos_ = found == std::string_view::npos ? html_.size() : found + end.size();
  }

  std::string ReadName() {
    std::string name;
    while (pos_ < html_.size()) {
      char c = html_[pos_];
      if (c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        break;
      }
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (name.size() < kMaxNameBytes) name += c;
      ++pos_;
    }
    return name;
  }

  // Moves past the '>' that ends the tag, outside quoted attribute values.
  // Returns true if the tag ends with "/>".
  bool SkipTag() {
    char quote = 0;
    for (; pos_ < html_.size(); ++pos_) {
      const char c = html_[pos_];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        ++pos_;
        return html_[pos_ - 2] == '/';
      }
    }
    return false;
  }

  void StartTag(std::string name) {
    const bool self_closing = SkipTag();
    if (IsVoid(name) || (self_closing && foreign_ > 0)) return;
    if (IsTablePart(name) && Count("table") == 0) return;
    CloseImplied(name);
    if (name == "plaintext") {
      pos_ = html_.size();
    } else if (IsRawText(name)) {
      SkipRawText(name);
      return;  // its end tag is consumed with its text
    }
    if (name == "svg" || name == "math") ++foreign_;
    ++open_count_[name];
    open_.push_back(std::move(name));
    if (open_.size() > deepest_) deepest_ = static_cast<uint32_t>(open_.size());
  }

  uint32_t Count(const std::string& name) const {
    const auto it = open_count_.find(name);
    return it == open_count_.end() ? 0 : it->second;
  }

  // Pops the element that a start tag `name` closes, with those above it.
  void CloseImplied(const std::string& name) {
    for (size_t i = open_.size(), searched = 0; i-- > 0 && searched < kCloseSearchDepth;
         ++searched) {
      if (IsTarget(name, open_[i])) {
        while (open_.size() > i) Pop();
        return;
      }
      if (IsBarrier(name, open_[i])) return;
    }
  }

  void EndTag(const std::string& name) {
    if (Count(name) == 0) return;  // nothing to close: ignored
    while (!open_.empty()) {
      const bool match = open_.back() == name;
      Pop();
      if (match) break;
    }
  }

  void Pop() {
    const std::string& name = open_.back();
    if (name == "svg" || name == "math") --foreign_;
    --open_count_[name];
    open_.pop_back();
  }

  // Skips the contents of a raw text element and its end tag ("</name").
  void SkipRawText(const std::string& name) {
    while (pos_ < html_.size()) {
      const size_t lt = html_.find("</", pos_);
      if (lt == std::string_view::npos) break;
      pos_ = lt + 2;
      bool match = html_.size() - pos_ >= name.size();
      for (size_t i = 0; match && i < name.size(); ++i) {
        char c = html_[pos_ + i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        match = c == name[i];
      }
      if (match) {
        pos_ += name.size();
        SkipTag();
        return;
      }
    }
    pos_ = html_.size();
  }

  std::string_view html_;
  uint32_t limit_;
  size_t pos_ = 0;
  uint32_t deepest_ = 0;
  uint32_t foreign_ = 0;  // open <svg> and <math> elements
  std::vector<std::string> open_;
  std::unordered_map<std::string, uint32_t> open_count_;
};

}  // namespace

uint32_t EstimateHtmlNesting(std::string_view html, uint32_t limit) {
  return NestingScanner(html, limit).Run();
}

}  // namespace quarry::ingest
