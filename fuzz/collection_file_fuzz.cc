// Fuzzes the collection-file decoder: any bytes must be refused or decoded,
// never read out of bounds, and a decoded image must re-encode to a file that
// decodes to the same image.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "storage/collection_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto image = quarry::storage::DecodeCollectionFile(bytes);
  if (!image.ok()) return 0;
  std::string again = quarry::storage::EncodeCollectionFile(*image);
  auto round = quarry::storage::DecodeCollectionFile(again);
  if (!round.ok() || round->documents.size() != image->documents.size() ||
      round->vectors != image->vectors) {
    std::abort();  // a file we accept must survive our own round trip
  }
  return 0;
}
