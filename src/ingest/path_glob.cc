#include "ingest/path_glob.h"

#include <utility>

#include "text/utf8.h"

namespace quarry::ingest {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

// The code points of `s`. A path that is not UTF-8 (file names are bytes) is
// taken byte by byte, bytes over 0x7F mapped to lone surrogates, which no
// pattern (always UTF-8) can name: such a name matches only wildcards.
std::u32string CodePoints(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  if (text::IsValidUtf8(s)) {
    size_t pos = 0;
    while (pos < s.size()) out.push_back(text::DecodeCodePoint(s, &pos));
  } else {
    for (const char c : s) {
      const auto b = static_cast<unsigned char>(c);
      out.push_back(b < 0x80 ? char32_t{b} : char32_t{0xDC00u + b});
    }
  }
  return out;
}

std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool AllStars(std::string_view segment) {
  return segment.size() >= 2 && segment.find_first_not_of('*') == std::string_view::npos;
}

}  // namespace

bool PathGlob::CharClass::Contains(char32_t cp) const {
  bool in = false;
  for (const auto& [lo, hi] : ranges) {
    if (cp >= lo && cp <= hi) {
      in = true;
      break;
    }
  }
  return in != negated;
}

Status PathGlob::ParseSegment(std::string_view text, PathGlob* glob, Segment* out) {
  const std::u32string cps = CodePoints(text);
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("glob pattern '" + glob->pattern_ + "': " + why);
  };
  size_t i = 0;
  while (i < cps.size()) {
    const char32_t c = cps[i];
    if (c == U'*') {
      while (i < cps.size() && cps[i] == U'*') ++i;  // a run of '*' is one
      out->tokens.push_back({TokenKind::kStar});
      continue;
    }
    if (c == U'?') {
      out->tokens.push_back({TokenKind::kAnyChar});
      ++i;
      continue;
    }
    if (c == U'\\') {
      if (i + 1 >= cps.size()) return bad("ends with a '\\' that escapes nothing");
      out->tokens.push_back({TokenKind::kLiteral, cps[i + 1]});
      i += 2;
      continue;
    }
    if (c != U'[') {
      out->tokens.push_back({TokenKind::kLiteral, c});
      ++i;
      continue;
    }
    // A class: [ (! or ^)? ]? items... ]
    CharClass cls;
    size_t j = i + 1;
    if (j < cps.size() && (cps[j] == U'!' || cps[j] == U'^')) {
      cls.negated = true;
      ++j;
    }
    bool first = true;
    bool closed = false;
    while (j < cps.size()) {
      char32_t lo = cps[j];
      if (lo == U']' && !first) {
        closed = true;
        ++j;
        break;
      }
      first = false;
      if (lo == U'\\') {
        if (j + 1 >= cps.size()) break;
        lo = cps[++j];
      }
      ++j;
      char32_t hi = lo;
      if (j + 1 < cps.size() && cps[j] == U'-' && cps[j + 1] != U']') {
        hi = cps[j + 1];
        j += 2;
        if (hi == U'\\') {
          if (j >= cps.size()) break;
          hi = cps[j++];
        }
        if (hi < lo) return bad("class range is reversed");
      }
      cls.ranges.emplace_back(lo, hi);
    }
    if (!closed) return bad("'[' is not closed by ']'");
    out->tokens.push_back({TokenKind::kClass, 0, glob->classes_.size()});
    glob->classes_.push_back(std::move(cls));
    i = j;
  }
  return Status::Ok();
}

Result<PathGlob> PathGlob::Compile(std::string_view pattern) {
  PathGlob glob;
  glob.pattern_ = text::SanitizeUtf8(pattern);  // for messages only
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("glob pattern '" + glob.pattern_ + "': " + why);
  };
  if (pattern.empty()) return Status::InvalidArgument("empty glob pattern");
  if (pattern.size() > kMaxGlobBytes) {
    return Status::InvalidArgument("glob pattern is " + std::to_string(pattern.size()) +
                                   " bytes, over the limit of " + std::to_string(kMaxGlobBytes));
  }
  if (!text::IsValidUtf8(pattern) || pattern.find('\0') != std::string_view::npos) {
    return bad("not valid UTF-8 text");
  }
  if (pattern.front() == '!') {
    return bad(
        "a leading '!' (negation) is not supported; use --exclude, or '\\!' for a name "
        "starting with '!'");
  }
  std::string_view body = pattern;
  const bool rooted = body.front() == '/';
  while (!body.empty() && body.front() == '/') body.remove_prefix(1);
  while (!body.empty() && body.back() == '/' &&
         !(body.size() >= 2 && body[body.size() - 2] == '\\')) {
    glob.dir_only_ = true;
    body.remove_suffix(1);
  }
  if (body.empty()) return bad("matches nothing (only '/')");
  // gitignore: a separator at the start or in the middle anchors the pattern.
  const bool anchored = rooted || body.find('/') != std::string_view::npos;
  if (!anchored) glob.segments_.push_back(Segment{true, {}});
  for (const std::string_view text : SplitSegments(body)) {
    if (AllStars(text)) {
      if (glob.segments_.empty() || !glob.segments_.back().globstar) {
        glob.segments_.push_back(Segment{true, {}});
      }
      continue;
    }
    Segment segment;
    QUARRY_RETURN_IF_ERROR(ParseSegment(text, &glob, &segment));
    glob.segments_.push_back(std::move(segment));
  }
  // `a/**` is what is inside a, not a itself: the trailing `**` needs a segment.
  if (glob.segments_.back().globstar) {
    glob.segments_.push_back(Segment{false, {Token{TokenKind::kStar}}});
  }
  return glob;
}

bool PathGlob::MatchSegment(const Segment& segment, const std::u32string& name) const {
  // Greedy wildcard matching with one backtrack point: the last '*' seen.
  const std::vector<Token>& tokens = segment.tokens;
  size_t t = 0;
  size_t n = 0;
  size_t star_t = kNone;
  size_t star_n = 0;
  const auto one = [&](const Token& token, char32_t cp) {
    switch (token.kind) {
      case TokenKind::kLiteral:
        return token.cp == cp;
      case TokenKind::kAnyChar:
        return true;
      case TokenKind::kClass:
        return classes_[token.class_index].Contains(cp);
      case TokenKind::kStar:
        return false;
    }
    return false;
  };
  while (n < name.size()) {
    if (t < tokens.size() && tokens[t].kind == TokenKind::kStar) {
      star_t = t++;
      star_n = n;
    } else if (t < tokens.size() && one(tokens[t], name[n])) {
      ++t;
      ++n;
    } else if (star_t != kNone) {
      t = star_t + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].kind == TokenKind::kStar) ++t;
  return t == tokens.size();
}

bool PathGlob::Matches(std::string_view path, bool is_dir) const {
  if (dir_only_ && !is_dir) return false;
  std::vector<std::u32string> names;
  for (const std::string_view name : SplitSegments(path)) names.push_back(CodePoints(name));
  // The same greedy algorithm one level up: `**` is the star, each other
  // segment matches exactly one name.
  size_t p = 0;
  size_t s = 0;
  size_t star_p = kNone;
  size_t star_s = 0;
  while (s < names.size()) {
    if (p < segments_.size() && segments_[p].globstar) {
      star_p = p++;
      star_s = s;
    } else if (p < segments_.size() && MatchSegment(segments_[p], names[s])) {
      ++p;
      ++s;
    } else if (star_p != kNone) {
      p = star_p + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < segments_.size() && segments_[p].globstar) ++p;
  return p == segments_.size();
}

Result<PathFilter> PathFilter::Create(const std::vector<std::string>& includes,
                                      const std::vector<std::string>& excludes) {
  PathFilter filter;
  for (const std::string& pattern : includes) {
    QUARRY_ASSIGN_OR_RETURN(PathGlob glob, PathGlob::Compile(pattern));
    filter.includes_.push_back(std::move(glob));
  }
  for (const std::string& pattern : excludes) {
    QUARRY_ASSIGN_OR_RETURN(PathGlob glob, PathGlob::Compile(pattern));
    filter.excludes_.push_back(std::move(glob));
  }
  return filter;
}

bool PathFilter::Excluded(std::string_view path, bool is_dir) const {
  for (const PathGlob& glob : excludes_) {
    if (glob.Matches(path, is_dir)) return true;
  }
  return false;
}

bool PathFilter::Included(std::string_view path) const {
  if (includes_.empty()) return true;
  for (const PathGlob& glob : includes_) {
    if (glob.Matches(path, false)) return true;
    for (size_t slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      if (glob.Matches(path.substr(0, slash), true)) return true;
    }
  }
  return false;
}

}  // namespace quarry::ingest
