# Warnings every Quarry target compiles with. Applied per target, never globally,
# so third-party headers are not affected.
function(quarry_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wno-missing-field-initializers)
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()

# quarry_add_test(NAME module_test SOURCES a_test.cc ... LIBS quarry_x)
# One gtest binary per module, registered with CTest.
function(quarry_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS" ${ARGN})
  if(NOT QUARRY_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  quarry_target_defaults(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT
                       "QUARRY_SHARED_DIR=${QUARRY_SHARED_DIR}")
endfunction()
