// Fuzzes the HTTP API's body parsers (search, documents, collection config):
// any bytes must give a value or a clear error, never a crash or a hang.
#include <cstddef>
#include <cstdint>

#include "server/request_parsing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)quarry::server::ParseSearchBody(body, "default");
  (void)quarry::server::ParseDocumentsBody(body);
  (void)quarry::server::ParseCollectionConfigBody(body);
  return 0;
}
