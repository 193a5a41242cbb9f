// Fuzzes the TOML config-file reader of `quarry serve --config`.
#include <cstddef>
#include <cstdint>

#include "cli/config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)quarry::cli::ParseConfig(std::string_view(reinterpret_cast<const char*>(data), size),
                                 "fuzz.toml");
  return 0;
}
