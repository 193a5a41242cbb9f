#include "ingest/semantic_groups.h"

#include <limits>

namespace quarry::ingest {
namespace {

constexpr double kSectionStart = std::numeric_limits<double>::infinity();

struct Group {
  size_t begin = 0, end = 0;    // units
  size_t tokens = 0;            // estimated, without the overhead
  double left = kSectionStart;  // distance across the break before it; infinite at a section start
};

Group Join(const Group& a, const Group& b) { return {a.begin, b.end, a.tokens + b.tokens, a.left}; }

// Step 1: the groups between breaks and section boundaries.
std::vector<Group> SplitGroups(const std::vector<ChunkUnit>& units,
                               const std::vector<UnitDistance>& breaks, const ChunkPacker& packer) {
  std::vector<Group> groups;
  size_t next_break = 0;
  for (size_t u = 0; u < units.size(); ++u) {
    const bool section_start = u == 0 || units[u].section != units[u - 1].section;
    const bool is_break = next_break < breaks.size() && breaks[next_break].unit == u;
    if (section_start || is_break) {
      groups.push_back({u, u, 0, is_break ? breaks[next_break].distance : kSectionStart});
    }
    if (is_break) ++next_break;
    groups.back().end = u + 1;
    groups.back().tokens += packer.Estimate(u);
  }
  return groups;
}

}  // namespace

std::vector<UnitRange> PackSemanticGroups(const std::vector<ChunkUnit>& units,
                                          const std::vector<UnitDistance>& breaks,
                                          const ChunkPacker& packer,
                                          const SemanticGroupLimits& limits) {
  const std::vector<Group> groups = SplitGroups(units, breaks, packer);
  const auto fits = [&](const Group& a, const Group& b) {
    return limits.overhead + a.tokens + b.tokens <= limits.max_tokens;
  };
  const auto tiny = [&](const Group& g) {
    return 4 * (limits.overhead + g.tokens) < limits.target_tokens;
  };

  // Step 2: tiny groups join a neighbour of their section. One joining the
  // next group is carried forward and joined when that group comes up.
  std::vector<Group> sized;
  bool carried = false;
  Group carry;
  for (size_t i = 0; i < groups.size(); ++i) {
    Group g = carried ? Join(carry, groups[i]) : groups[i];
    carried = false;
    if (tiny(g)) {
      const bool left_ok = g.left != kSectionStart && fits(sized.back(), g);
      const bool right_ok =
          i + 1 < groups.size() && groups[i + 1].left != kSectionStart && fits(g, groups[i + 1]);
      if (left_ok && (!right_ok || g.left <= groups[i + 1].left)) {
        sized.back() = Join(sized.back(), g);
        continue;
      }
      if (right_ok) {
        carry = g;
        carried = true;
        continue;
      }
    }
    sized.push_back(g);
  }

  // Step 3: a group ending a tiny section runs on into the next section.
  std::vector<Group> joined;
  for (const Group& g : sized) {
    const bool runs_on = !joined.empty() &&
                         packer.SectionIsTiny(units[joined.back().end - 1].section) &&
                         fits(joined.back(), g);
    if (runs_on) {
      joined.back() = Join(joined.back(), g);
    } else {
      joined.push_back(g);
    }
  }

  // Step 4: the cap.
  std::vector<UnitRange> ranges;
  for (const Group& g : joined) {
    if (limits.overhead + g.tokens <= limits.max_tokens) {
      ranges.push_back({g.begin, g.begin, g.end});
      continue;
    }
    for (const UnitRange& r : packer.Pack(g.begin, g.end)) ranges.push_back(r);
  }
  return ranges;
}

}  // namespace quarry::ingest
