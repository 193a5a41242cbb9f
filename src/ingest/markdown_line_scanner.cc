#include "ingest/markdown_line_scanner.h"

#include <string>

namespace quarry::ingest {
namespace {

struct Line {
  size_t begin;  // first byte
  size_t end;    // end of the content, before "\n" or "\r\n"
  size_t next;   // first byte of the following line
};

Line LineAt(std::string_view s, size_t pos) {
  const size_t newline = s.find('\n', pos);
  const size_t next = newline == std::string_view::npos ? s.size() : newline + 1;
  size_t end = newline == std::string_view::npos ? s.size() : newline;
  if (end > pos && s[end - 1] == '\r') --end;
  return {pos, end, next};
}

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimSpacesAndTabs(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && IsSpaceOrTab(s[b])) ++b;
  while (e > b && IsSpaceOrTab(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool IsBlankLine(std::string_view line) { return TrimSpacesAndTabs(line).empty(); }

// Columns of leading indentation (a tab advances to the next multiple of 4)
// and the offset of the first character after it.
struct Indent {
  size_t columns = 0;
  size_t content = 0;
};

Indent MeasureIndent(std::string_view line) {
  Indent indent;
  while (indent.content < line.size() && IsSpaceOrTab(line[indent.content])) {
    indent.columns =
        line[indent.content] == '\t' ? (indent.columns / 4 + 1) * 4 : indent.columns + 1;
    ++indent.content;
  }
  return indent;
}

size_t RunLength(std::string_view s, char c) {
  size_t n = 0;
  while (n < s.size() && s[n] == c) ++n;
  return n;
}

// Level 1-6 and the text of an ATX heading, or level 0.
// REQUIRES: `rest` starts after at most 3 columns of indent.
int ParseAtxHeading(std::string_view rest, std::string* text) {
  const size_t hashes = RunLength(rest, '#');
  if (hashes == 0 || hashes > 6) return 0;
  if (hashes < rest.size() && !IsSpaceOrTab(rest[hashes])) return 0;  // "#tag" is no heading
  std::string_view content = TrimSpacesAndTabs(rest.substr(hashes));
  // An optional closing sequence of #s, which must follow a space.
  size_t e = content.size();
  while (e > 0 && content[e - 1] == '#') --e;
  if (e == 0) {
    content = {};
  } else if (e < content.size() && IsSpaceOrTab(content[e - 1])) {
    content = TrimSpacesAndTabs(content.substr(0, e));
  }
  text->assign(content);
  return static_cast<int>(hashes);
}

struct Fence {
  char marker = 0;  // '`' or '~'; 0 when there is no fence
  size_t length = 0;
};

Fence ParseFenceOpening(std::string_view rest) {
  if (rest.empty() || (rest[0] != '`' && rest[0] != '~')) return {};
  const size_t n = RunLength(rest, rest[0]);
  if (n < 3) return {};
  // A backtick fence's info string may not contain backticks (it would be inline code).
  if (rest[0] == '`' && rest.find('`', n) != std::string_view::npos) return {};
  return {rest[0], n};
}

bool IsFenceClosing(std::string_view rest, const Fence& open) {
  const size_t n = RunLength(rest, open.marker);
  return n >= open.length && IsBlankLine(rest.substr(n));
}

// 1 for a "===" underline, 2 for "---", 0 for neither.
int ParseSetextUnderline(std::string_view rest) {
  if (rest.empty() || (rest[0] != '=' && rest[0] != '-')) return 0;
  const size_t n = RunLength(rest, rest[0]);
  if (!IsBlankLine(rest.substr(n))) return 0;
  return rest[0] == '=' ? 1 : 2;
}

// "***", "- - -", "___": a horizontal rule, which ends a paragraph.
bool IsThematicBreak(std::string_view rest) {
  if (rest.empty() || (rest[0] != '-' && rest[0] != '*' && rest[0] != '_')) return false;
  size_t count = 0;
  for (char c : rest) {
    if (c == rest[0]) {
      ++count;
    } else if (!IsSpaceOrTab(c)) {
      return false;
    }
  }
  return count >= 3;
}

// A block quote or list item marker: its paragraph lives in a container, and a
// "---" under it is a thematic break, not a setext underline.
bool StartsContainer(std::string_view rest) {
  if (rest.empty()) return false;
  if (rest[0] == '>') return true;
  size_t after = 0;
  if (rest[0] == '-' || rest[0] == '+' || rest[0] == '*') {
    after = 1;
  } else {
    size_t digits = 0;
    while (digits < rest.size() && digits < 10 && rest[digits] >= '0' && rest[digits] <= '9') {
      ++digits;
    }
    if (digits == 0 || digits > 9 || digits >= rest.size()) return false;
    if (rest[digits] != '.' && rest[digits] != ')') return false;
    after = digits + 1;
  }
  return after == rest.size() || IsSpaceOrTab(rest[after]);
}

// "---" opens a front matter block; "---" or "..." closes it. Both start in column 0.
bool IsFrontMatterDelimiter(std::string_view line, bool closing) {
  if (!line.empty() && IsSpaceOrTab(line[0])) return false;
  const std::string_view t = TrimSpacesAndTabs(line);
  return t == "---" || (closing && t == "...");
}

// The text of a setext heading: its paragraph's lines, trimmed, joined by spaces.
std::string ParagraphText(std::string_view md, size_t begin, size_t end) {
  std::string text;
  for (size_t pos = begin; pos < end;) {
    const Line line = LineAt(md, pos);
    const std::string_view part = TrimSpacesAndTabs(md.substr(line.begin, line.end - line.begin));
    if (!part.empty()) {
      if (!text.empty()) text.push_back(' ');
      text.append(part);
    }
    pos = line.next;
  }
  return text;
}

}  // namespace

size_t SkipMarkdownFrontMatter(std::string_view md) {
  Line first = LineAt(md, 0);
  if (!IsFrontMatterDelimiter(md.substr(first.begin, first.end - first.begin), false)) return 0;
  for (size_t pos = first.next; pos < md.size();) {
    const Line line = LineAt(md, pos);
    if (IsFrontMatterDelimiter(md.substr(line.begin, line.end - line.begin), true)) {
      return line.next;
    }
    pos = line.next;
  }
  return 0;  // never closed: it was a thematic break
}

void ScanMarkdownHeadingLines(std::string_view md, size_t from,
                              const MarkdownHeadingSink& on_heading) {
  enum class Paragraph { kNone, kPlain, kInContainer };
  Paragraph paragraph = Paragraph::kNone;
  size_t paragraph_begin = 0;
  bool in_fence = false;
  Fence fence;
  std::string text;
  for (size_t pos = from; pos < md.size();) {
    const Line line = LineAt(md, pos);
    pos = line.next;
    const std::string_view content = md.substr(line.begin, line.end - line.begin);
    const Indent indent = MeasureIndent(content);
    const std::string_view rest = content.substr(indent.content);
    if (in_fence) {
      if (indent.columns <= 3 && IsFenceClosing(rest, fence)) in_fence = false;
      continue;
    }
    if (rest.empty()) {
      paragraph = Paragraph::kNone;
      continue;
    }
    if (indent.columns >= 4) continue;  // indented code, or a paragraph's continuation
    if (const Fence opening = ParseFenceOpening(rest); opening.marker != 0) {
      in_fence = true;
      fence = opening;
      paragraph = Paragraph::kNone;
      continue;
    }
    if (const int level = ParseAtxHeading(rest, &text); level > 0) {
      paragraph = Paragraph::kNone;
      if (!on_heading(MarkdownHeading{line.begin, level, text})) return;
      continue;
    }
    if (paragraph == Paragraph::kPlain) {
      if (const int level = ParseSetextUnderline(rest); level > 0) {
        paragraph = Paragraph::kNone;
        if (!on_heading(MarkdownHeading{paragraph_begin, level,
                                        ParagraphText(md, paragraph_begin, line.begin)})) {
          return;
        }
        continue;
      }
    }
    if (IsThematicBreak(rest)) {
      paragraph = Paragraph::kNone;
    } else if (StartsContainer(rest)) {
      paragraph = Paragraph::kInContainer;
    } else if (paragraph == Paragraph::kNone) {
      paragraph = Paragraph::kPlain;
      paragraph_begin = line.begin;
    }
  }
}

}  // namespace quarry::ingest
