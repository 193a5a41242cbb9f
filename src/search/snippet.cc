#include "search/snippet.h"

#include <algorithm>

#include "search/snippet_html.h"
#include "text/utf8.h"

namespace quarry::search {
namespace {

// The largest code point boundary <= limit.
size_t CodePointFloor(std::string_view s, size_t limit) {
  if (limit >= s.size()) return s.size();
  while (limit > 0 && text::IsContinuationByte(s[limit])) --limit;
  return limit;
}

// The byte `count` code points before `pos` (or 0).
size_t StepBack(std::string_view s, size_t pos, size_t count) {
  for (; count > 0 && pos > 0; --count) {
    --pos;
    while (pos > 0 && text::IsContinuationByte(s[pos])) --pos;
  }
  return pos;
}

// The byte `count` code points after `pos` (or s.size()).
size_t StepForward(std::string_view s, size_t pos, size_t count) {
  for (; count > 0 && pos < s.size(); --count) {
    ++pos;
    while (pos < s.size() && text::IsContinuationByte(s[pos])) ++pos;
  }
  return pos;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Punctuation that ends a clause: a window should not open with it.
bool IsTrailingPunctuation(char c) {
  return c == ',' || c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
         c == ']' || c == '}';
}

// The word that strictly contains byte `pos` (a cut there would split it).
const text::Span* WordAround(const std::vector<text::Span>& words, size_t pos) {
  const auto it = std::upper_bound(words.begin(), words.end(), pos,
                                   [](size_t p, const text::Span& w) { return p < w.begin; });
  if (it == words.begin()) return nullptr;
  const text::Span& w = *(it - 1);
  return w.begin < pos && pos < w.end ? &w : nullptr;
}

Status CheckTag(const std::string& tag, std::string_view name) {
  if (tag.size() > SnippetOptions::kMaxTagBytes || !text::IsValidUtf8(tag)) {
    return Status::InvalidArgument(std::string(name) + " must be valid UTF-8 of at most " +
                                   std::to_string(SnippetOptions::kMaxTagBytes) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateSnippetOptions(const SnippetOptions& options) {
  if (options.window_chars > SnippetOptions::kMaxWindowChars) {
    return Status::InvalidArgument("snippet window must be at most " +
                                   std::to_string(SnippetOptions::kMaxWindowChars) + " characters");
  }
  QUARRY_RETURN_IF_ERROR(CheckTag(options.pre_tag, "pre_tag"));
  QUARRY_RETURN_IF_ERROR(CheckTag(options.post_tag, "post_tag"));
  return CheckTag(options.ellipsis, "ellipsis");
}

Result<SnippetMaker> SnippetMaker::Create(const text::AnalyzerOptions& analyzer,
                                          SnippetOptions options) {
  QUARRY_RETURN_IF_ERROR(ValidateSnippetOptions(options));
  QUARRY_ASSIGN_OR_RETURN(QueryTermMatcher matcher, QueryTermMatcher::Create(analyzer));
  return SnippetMaker(std::move(matcher), std::move(options));
}

Snippet SnippetMaker::Make(std::string_view input) {
  // NUL is valid UTF-8 but has no place in a page; SanitizeUtf8 turns it
  // into a space along with the repairs.
  std::string repaired;
  std::string_view body = input;
  if (!text::IsValidUtf8(input) || input.find('\0') != std::string_view::npos) {
    repaired = text::SanitizeUtf8(input);
    body = repaired;
  }
  const std::string_view scan = body.substr(0, CodePointFloor(body, SnippetOptions::kMaxScanBytes));
  matcher_.FindMatches(scan, &matches_);
  const std::vector<text::Span>& words = matcher_.words();
  const size_t window = options_.window_chars;

  // Code point offsets of the matches, and of the end of the scanned text.
  std::vector<size_t> cp_begin(matches_.size()), cp_end(matches_.size());
  size_t byte = 0, cp = 0;
  for (size_t i = 0; i < matches_.size(); ++i) {
    cp += text::CountCodePoints(scan.substr(byte, matches_[i].span.begin - byte));
    cp_begin[i] = cp;
    cp += text::CountCodePoints(text::SpanText(scan, matches_[i].span));
    cp_end[i] = cp;
    byte = matches_[i].span.end;
  }
  const size_t total = cp + text::CountCodePoints(scan.substr(byte));

  size_t left = 0, right = scan.size();  // the window, in bytes
  if (window != 0 && total > window) {
    if (matches_.empty()) {
      right = StepForward(scan, 0, window);
    } else {
      // Slide over the matches: the window [first, last) whose matches fit in
      // `window` code points with the most distinct terms, then matches.
      std::vector<uint32_t> count(matcher_.term_count(), 0);
      size_t distinct = 0, best_first = 0, best_last = 1, best_distinct = 0, best_matches = 0;
      size_t j = 0;
      for (size_t i = 0; i < matches_.size(); ++i) {
        j = std::max(j, i);
        while (j < matches_.size() && cp_end[j] - cp_begin[i] <= window) {
          distinct += count[matches_[j].term]++ == 0;
          ++j;
        }
        // A single match longer than the window is a window of its own.
        const size_t last = std::max(j, i + 1);
        const size_t d = j > i ? distinct : 1;
        if (d > best_distinct || (d == best_distinct && last - i > best_matches)) {
          best_first = i;
          best_last = last;
          best_distinct = d;
          best_matches = last - i;
        }
        if (j > i) distinct -= --count[matches_[i].term] == 0;
      }
      // Spread the context left over around the covered matches.
      const size_t cover = cp_end[best_last - 1] - cp_begin[best_first];
      const size_t slack = window > cover ? window - cover : 0;
      size_t before = std::min(slack / 2, cp_begin[best_first]);
      size_t after = std::min(slack - before, total - cp_end[best_last - 1]);
      before = std::min(slack - after, cp_begin[best_first]);
      left = StepBack(scan, matches_[best_first].span.begin, before);
      right = StepForward(scan, matches_[best_last - 1].span.end, after);
    }
    // Never cut a word: move each edge out of the word it falls in.
    if (const text::Span* w = WordAround(words, left)) left = w->end;
    if (const text::Span* w = WordAround(words, right); w != nullptr && w->begin > left) {
      right = w->begin;
    }
    while (left < right && (IsSpace(scan[left]) || IsTrailingPunctuation(scan[left]))) ++left;
    while (right > left && IsSpace(scan[right - 1])) --right;
  }

  Snippet snippet;
  std::string& out = snippet.html;
  if (left > 0) out += options_.ellipsis;
  std::vector<bool> seen(matcher_.term_count(), false);
  size_t pos = left;
  for (const WordMatch& m : matches_) {
    if (m.span.begin < left || m.span.end > right) continue;
    AppendHtmlEscaped(scan.substr(pos, m.span.begin - pos), &out);
    out += options_.pre_tag;
    AppendHtmlEscaped(text::SpanText(scan, m.span), &out);
    out += options_.post_tag;
    pos = m.span.end;
    ++snippet.highlights;
    snippet.distinct_terms += !seen[m.term];
    seen[m.term] = true;
  }
  AppendHtmlEscaped(scan.substr(pos, right - pos), &out);
  if (right < body.size()) out += options_.ellipsis;
  return snippet;
}

}  // namespace quarry::search
