// Fuzzes the parser of a model hub's listing (embed/hub_listing.h): whatever
// the bytes, ParseHubListing either refuses them or returns a 40-hex commit
// and files whose every name passes CheckRepoPath and is unique; choosing the
// files to fetch never picks a name outside the allow-list.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "embed/hub_listing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace quarry::embed;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto listing = ParseHubListing(text);
  if (!listing.ok()) return 0;
  if (listing->commit.size() != 40) std::abort();
  std::set<std::string> names;
  for (const HubFile& f : listing->files) {
    if (!CheckRepoPath(f.name).ok()) std::abort();  // an unsafe name got through
    if (!names.insert(f.name).second) std::abort();
  }
  auto chosen = SelectModelFiles(*listing, uint64_t{1} << 32);
  if (chosen.ok()) {
    for (const HubFile& f : *chosen) {
      if (!IsModelFile(f.name)) std::abort();
    }
  }
  return 0;
}
