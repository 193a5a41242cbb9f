#include "cli/open_collection.h"

namespace quarry::cli {

Result<OpenedCollection> OpenCollection(const std::string& data_dir, const std::string& name,
                                        const CollectionConfig* create_with) {
  OpenedCollection out;
  // No background merges: this process exits when its command is done, and
  // would cancel a merge it started (ingest merges on its own at the end).
  QUARRY_ASSIGN_OR_RETURN(out.engine,
                          Engine::Open({.data_dir = data_dir, .background_merges = false}));
  Result<std::shared_ptr<Collection>> c = out.engine->GetCollection(name);
  if (!c.ok() && c.status().code() == StatusCode::kNotFound && create_with != nullptr) {
    c = out.engine->CreateCollection(name, *create_with);
    out.created = c.ok();
  }
  if (!c.ok()) return c.status();
  out.collection = std::move(c).value();
  return out;
}

}  // namespace quarry::cli
