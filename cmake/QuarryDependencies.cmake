# Every dependency comes from Debian's packages (scripts/install-deps.sh).
# Nothing is downloaded at configure or build time.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json)
find_package(ICU 72 REQUIRED COMPONENTS uc i18n data)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# HTML parsing for extraction (ingest/html_extract.cc).
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)
# Markdown parsing, to find headings (ingest/markdown_parser.cc).
pkg_check_modules(MD4C REQUIRED IMPORTED_TARGET md4c)
# The encoder's matrix products: oneDNN's sgemm (the faster, on OpenMP), and
# OpenBLAS (Debian's pthread build) as the reference and fallback (embed/gemm.h).
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
find_package(dnnl CONFIG REQUIRED)
# PDF text (poppler's C++ API); linked only into the sandboxed helper
# quarry-pdf-extract, never into quarry itself.
pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
# Snowball stemmers (libstemmer-dev ships neither pkg-config nor CMake files).
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY stemmer REQUIRED)
add_library(Stemmer::stemmer UNKNOWN IMPORTED)
set_target_properties(Stemmer::stemmer PROPERTIES
  IMPORTED_LOCATION "${STEMMER_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${STEMMER_INCLUDE_DIR}")
if(QUARRY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# Test and benchmark data shared beside the project root (../shared).
get_filename_component(QUARRY_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)
