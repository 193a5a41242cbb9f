#include "ingest/markdown_parser.h"

#include <md4c.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "text/utf8.h"
#include "text/whitespace.h"

namespace quarry::ingest {
namespace {

// CommonMark with the GitHub extensions that change block structure or heading
// text: tables (a table followed by "---" is not a setext heading made of its
// rows), strikethrough ("~~old~~" loses its tildes) and task lists. Not the
// permissive autolinks of MD_DIALECT_GITHUB: they change neither, and they
// make every '.', ':' and '@' of prose an inline mark (twice the parse time on
// prose with a URL in each sentence).
constexpr unsigned kFlags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS;

constexpr size_t kNone = static_cast<size_t>(-1);

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Appends the text of an entity md4c passes verbatim ("&amp;", "&#233;").
void AppendEntity(std::string_view entity, std::string* out) {
  if (entity.size() >= 4 && entity[1] == '#') {
    const bool hex = entity[2] == 'x' || entity[2] == 'X';
    char32_t cp = 0;
    for (size_t i = hex ? 3 : 2; i + 1 < entity.size() && cp <= 0x10FFFF; ++i) {
      // md4c passes only well-formed entities: decimal or hexadecimal digits.
      const char c = static_cast<char>(entity[i] | 0x20);
      cp = cp * (hex ? 16 : 10) + (IsDigit(c) ? c - '0' : c - 'a' + 10);
    }
    text::AppendUtf8(cp == 0 ? text::kReplacementChar : cp, out);
    return;
  }
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"&amp;", "&"},   {"&lt;", "<"},   {"&gt;", ">"},
      {"&quot;", "\""}, {"&apos;", "'"}, {"&nbsp;", " "}};
  for (const auto& [name, value] : kNamed) {
    if (entity == name) {
      out->append(value);
      return;
    }
  }
  out->append(entity);
}

// Receives md4c's callbacks and turns its headings into MarkdownHeadings.
class HeadingCollector {
 public:
  HeadingCollector(std::string_view md, size_t from, const MarkdownHeadingSink& sink)
      : md_(md), from_(from), sink_(sink), anchor_end_(from), placed_end_(from) {}

  int EnterBlock(MD_BLOCKTYPE type, const void* detail) {
    if (stopped_) return 1;
    if (type == MD_BLOCK_QUOTE) ++quote_depth_;
    if (type == MD_BLOCK_H) {
      in_heading_ = true;
      level_ = static_cast<int>(static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level);
      first_anchor_ = kNone;
      text_.clear();
    }
    return 0;
  }

  int LeaveBlock(MD_BLOCKTYPE type) {
    if (stopped_) return 1;
    if (type == MD_BLOCK_QUOTE) --quote_depth_;
    if (type != MD_BLOCK_H) return 0;
    in_heading_ = false;
    if (quote_depth_ > 0) return 0;  // quoted material: see the header
    MarkdownHeading heading{0, level_, text::CollapseAsciiSpaces(text_)};
    if (first_anchor_ == kNone) {
      pending_.push_back(std::move(heading));
      return 0;
    }
    heading.begin = LineStart(first_anchor_);
    return Report(heading) ? 0 : 1;
  }

  int Text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size) {
    if (stopped_) return 1;
    if (const size_t at = OffsetOf(text, size); at != kNone && size > 0) {
      if (!pending_.empty() && !PlacePending(LineStart(at))) return 1;
      if (in_heading_ && first_anchor_ == kNone) first_anchor_ = at;
      anchor_end_ = at + size;
    }
    if (!in_heading_) return 0;
    switch (type) {
      case MD_TEXT_NORMAL:
      case MD_TEXT_CODE:
      case MD_TEXT_LATEXMATH:
        text_.append(text, size);
        break;
      case MD_TEXT_ENTITY:
        AppendEntity(std::string_view(text, size), &text_);
        break;
      case MD_TEXT_NULLCHAR:
        text::AppendUtf8(text::kReplacementChar, &text_);
        break;
      case MD_TEXT_BR:
      case MD_TEXT_SOFTBR:
        text_.push_back(' ');
        break;
      case MD_TEXT_HTML:
        break;  // markup, not text
    }
    return 0;
  }

  // Places the headings still waiting for a line. Returns false if the sink
  // stopped the search.
  bool Finish() { return pending_.empty() || PlacePending(md_.size()); }

  // True once the sink has asked to stop.
  bool stopped() const { return stopped_; }

 private:
  // The offset of [p, p + size) in the input, or kNone if md4c made the string
  // itself (the "\n" of code lines, the spaces of an expanded tab).
  size_t OffsetOf(const char* p, size_t size) const {
    const auto begin = reinterpret_cast<uintptr_t>(md_.data());
    const auto at = reinterpret_cast<uintptr_t>(p);
    if (at < begin || at - begin > md_.size() || md_.size() - (at - begin) < size) return kNone;
    return at - begin;
  }

  size_t LineStart(size_t pos) const {
    const size_t newline = pos == 0 ? std::string_view::npos : md_.rfind('\n', pos - 1);
    const size_t start = newline == std::string_view::npos ? 0 : newline + 1;
    return start < from_ ? from_ : start;
  }

  size_t NextLine(size_t pos) const {
    const size_t newline = md_.find('\n', pos);
    return newline == std::string_view::npos ? md_.size() : newline + 1;
  }

  // True if the line md_[begin, end) is an ATX heading opening ("#".."######"
  // then a space or the end) once the list item markers before it are skipped.
  // Quote markers are not: headings in quotes are never reported.
  bool LooksLikeAtxHeading(size_t begin, size_t end) const {
    size_t i = begin;
    for (;;) {
      while (i < end && IsSpaceOrTab(md_[i])) ++i;
      if (i + 1 < end && (md_[i] == '-' || md_[i] == '+' || md_[i] == '*') &&
          IsSpaceOrTab(md_[i + 1])) {
        i += 2;
        continue;
      }
      size_t d = i;
      while (d < end && d - i < 9 && IsDigit(md_[d])) ++d;
      if (d > i && d + 1 < end && (md_[d] == '.' || md_[d] == ')') && IsSpaceOrTab(md_[d + 1])) {
        i = d + 2;
        continue;
      }
      break;
    }
    size_t h = i;
    while (h < end && md_[h] == '#') ++h;
    return h > i && h - i <= 6 &&
           (h == end || IsSpaceOrTab(md_[h]) || md_[h] == '\r' || md_[h] == '\n');
  }

  // Gives each pending heading the next ATX-looking line between the previous
  // text and `limit`, in order; those that find none are left out. Each byte is
  // scanned once over the whole parse: the regions between texts do not overlap.
  bool PlacePending(size_t limit) {
    size_t pos = anchor_end_ > from_ ? NextLine(anchor_end_ - 1) : from_;
    if (pos < placed_end_) pos = placed_end_;
    size_t next = 0;
    for (const MarkdownHeading& waiting : pending_) {
      for (; pos < limit; pos = next) {
        next = NextLine(pos);
        if (LooksLikeAtxHeading(pos, next)) break;
      }
      if (pos >= limit) break;
      MarkdownHeading heading = waiting;
      heading.begin = pos;
      pos = placed_end_ = next;
      if (!Report(heading)) return false;
    }
    pending_.clear();
    return true;
  }

  bool Report(const MarkdownHeading& heading) {
    if (sink_(heading)) return true;
    stopped_ = true;
    return false;
  }

  const std::string_view md_;
  const size_t from_;
  const MarkdownHeadingSink& sink_;
  int quote_depth_ = 0;
  bool in_heading_ = false;
  int level_ = 1;
  size_t first_anchor_ = kNone;           // offset of the open heading's first text
  std::string text_;                      // the open heading's text so far
  size_t anchor_end_;                     // just past the last text from the input
  size_t placed_end_;                     // just past the line of the last placed heading
  std::vector<MarkdownHeading> pending_;  // closed headings without text from the input
  bool stopped_ = false;                  // the sink said stop; every callback now aborts the parse
};

HeadingCollector* Collector(void* userdata) { return static_cast<HeadingCollector*>(userdata); }

int OnEnterBlock(MD_BLOCKTYPE type, void* detail, void* userdata) {
  return Collector(userdata)->EnterBlock(type, detail);
}
int OnLeaveBlock(MD_BLOCKTYPE type, void* /*detail*/, void* userdata) {
  return Collector(userdata)->LeaveBlock(type);
}
int OnSpan(MD_SPANTYPE /*type*/, void* /*detail*/, void* /*userdata*/) { return 0; }
int OnText(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  return Collector(userdata)->Text(type, text, size);
}

}  // namespace

bool ParseMarkdownHeadings(std::string_view md, size_t from,
                           const MarkdownHeadingSink& on_heading) {
  MD_PARSER parser{};
  parser.flags = kFlags;
  parser.enter_block = OnEnterBlock;
  parser.leave_block = OnLeaveBlock;
  parser.enter_span = OnSpan;
  parser.leave_span = OnSpan;
  parser.text = OnText;
  HeadingCollector collector(md, from, on_heading);
  const std::string_view rest = md.substr(from);
  const int status = md_parse(rest.data(), static_cast<MD_SIZE>(rest.size()), &parser, &collector);
  if (collector.stopped()) return true;
  if (status != 0) return false;
  collector.Finish();
  return true;
}

}  // namespace quarry::ingest
