# -DQUARRY_SANITIZE=ON builds everything with ASan + UBSan. UBSan findings abort,
# so a test run cannot pass with undefined behaviour in it.
if(QUARRY_SANITIZE)
  set(QUARRY_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  add_compile_options(${QUARRY_SANITIZER_FLAGS})
  add_link_options(${QUARRY_SANITIZER_FLAGS})
endif()
