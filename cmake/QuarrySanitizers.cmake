# -DQUARRY_SANITIZE=ON builds everything with ASan + UBSan. UBSan findings abort,
# so a test run cannot pass with undefined behaviour in it.
if(QUARRY_SANITIZE)
  set(QUARRY_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  add_compile_options(${QUARRY_SANITIZER_FLAGS})
  add_link_options(${QUARRY_SANITIZER_FLAGS})
endif()

# -DQUARRY_TSAN=ON builds with ThreadSanitizer instead (scripts/tsan.sh): the
# concurrent code (parallel HNSW builds, searches during inserts) is run
# under it. Not together with QUARRY_SANITIZE: the two runtimes exclude each
# other.
if(QUARRY_TSAN)
  if(QUARRY_SANITIZE OR QUARRY_FUZZ)
    message(FATAL_ERROR "QUARRY_TSAN cannot be combined with QUARRY_SANITIZE or QUARRY_FUZZ (ASan)")
  endif()
  set(QUARRY_TSAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
  add_compile_options(${QUARRY_TSAN_FLAGS})
  add_link_options(${QUARRY_TSAN_FLAGS})
endif()
