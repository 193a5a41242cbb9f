// Names of the search enums of include/quarry/search.h, as the API spells them.
#include "quarry/search.h"

namespace quarry {

std::string_view SearchModeName(SearchMode mode) {
  switch (mode) {
    case SearchMode::kAuto:
      return "auto";
    case SearchMode::kKeyword:
      return "keyword";
    case SearchMode::kVector:
      return "vector";
    case SearchMode::kHybrid:
      return "hybrid";
  }
  return "unknown";
}

std::optional<SearchMode> SearchModeFromName(std::string_view name) {
  for (SearchMode mode :
       {SearchMode::kAuto, SearchMode::kKeyword, SearchMode::kVector, SearchMode::kHybrid}) {
    if (SearchModeName(mode) == name) return mode;
  }
  return std::nullopt;
}

std::string_view FusionMethodName(FusionMethod method) {
  switch (method) {
    case FusionMethod::kRrf:
      return "rrf";
    case FusionMethod::kBlend:
      return "blend";
  }
  return "unknown";
}

std::string_view GroupByName(GroupBy group_by) {
  switch (group_by) {
    case GroupBy::kNone:
      return "none";
    case GroupBy::kDocument:
      return "document";
  }
  return "unknown";
}

}  // namespace quarry
