// Glob patterns over relative paths, for `quarry ingest --include/--exclude`.
//
// The syntax is gitignore's (and ripgrep's --glob), matched against a path
// relative to the folder being walked, with '/' as separator:
//  - `*` matches any run of characters except '/'; `?` one character except
//    '/'; `[abc]`, `[a-z]`, `[!a-z]` or `[^a-z]` one character of a class
//    (never '/'; a ']' right after the '[' or '!' is literal); `\c` the
//    character c itself.
//  - `**` as a whole segment matches any number of segments: `**/x` is x at
//    any depth, `a/**/b` is b anywhere below a (a/b too), `a/**` everything
//    inside a (not a itself). Elsewhere (`a**b`) it is a plain `*`.
//  - A pattern without '/' except at its end matches at any depth
//    (`*.md` = `**/*.md`); one with a '/' at its start or in its middle is
//    anchored at the folder (`/notes.txt`, `docs/*.md`).
//  - A trailing '/' matches folders only (`build/`).
// Matching is by code point, case-sensitive. Patterns come from the operator,
// not from documents, but are still checked: empty, over kMaxGlobBytes, not
// UTF-8, an unclosed '[', a reversed range or a trailing '\' fail with
// InvalidArgument naming the pattern. A leading '!' (gitignore's negation) is
// refused too: use --exclude.
//
// Cost: matching never backtracks more than one level per `*` kind (the
// classic greedy wildcard algorithm, once over segments for `**` and once
// over characters within a segment), so it is O(pattern x path) in the worst
// case, never exponential.
//
// Thread-safety: immutable after construction; safe to share between threads.
#ifndef QUARRY_INGEST_PATH_GLOB_H_
#define QUARRY_INGEST_PATH_GLOB_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quarry/status.h"

namespace quarry::ingest {

inline constexpr size_t kMaxGlobBytes = 4096;

class PathGlob {
 public:
  static Result<PathGlob> Compile(std::string_view pattern);

  // True if `path` (relative, '/'-separated, no leading '/') matches.
  // `is_dir` says whether it names a folder (for patterns ending in '/').
  bool Matches(std::string_view path, bool is_dir) const;

  const std::string& pattern() const { return pattern_; }

 private:
  enum class TokenKind { kLiteral, kAnyChar, kStar, kClass };
  struct Token {
    TokenKind kind;
    char32_t cp = 0;         // kLiteral
    size_t class_index = 0;  // kClass: into classes_
  };
  struct CharClass {
    bool negated = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;  // inclusive
    bool Contains(char32_t cp) const;
  };
  struct Segment {
    bool globstar = false;  // `**`: any number of segments
    std::vector<Token> tokens;
  };

  PathGlob() = default;
  static Status ParseSegment(std::string_view text, PathGlob* glob, Segment* out);
  bool MatchSegment(const Segment& segment, const std::u32string& name) const;

  std::string pattern_;
  std::vector<Segment> segments_;
  std::vector<CharClass> classes_;
  bool dir_only_ = false;
};

// The include and exclude patterns of one ingest run.
class PathFilter {
 public:
  // Fails as PathGlob::Compile does, for the first bad pattern.
  static Result<PathFilter> Create(const std::vector<std::string>& includes,
                                   const std::vector<std::string>& excludes);
  PathFilter() = default;

  bool empty() const { return includes_.empty() && excludes_.empty(); }

  // True if `path` matches an exclude pattern. An excluded folder is not
  // descended, so nothing below it is ingested whatever the includes say.
  bool Excluded(std::string_view path, bool is_dir) const;

  // True if the file at `path` is wanted by the includes: there are none, it
  // matches one, or one of its folders does (`--include docs` takes what is
  // below docs/). Excludes are checked separately and win.
  bool Included(std::string_view path) const;

 private:
  std::vector<PathGlob> includes_;
  std::vector<PathGlob> excludes_;
};

}  // namespace quarry::ingest

#endif  // QUARRY_INGEST_PATH_GLOB_H_
