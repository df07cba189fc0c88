# Sanitizer and fuzzing builds (docs/testing.md). Both instrument every target of the tree, so
# they live in a build directory of their own (build-asan), built with clang.
#
#   DTSIM_SANITIZE=address,undefined  -fsanitize=... on every target; UBSan aborts at the first
#                                     report instead of printing and carrying on. -O1 -g1 is
#                                     what the ASan documentation recommends: fast enough for the
#                                     test suite, and stack traces with file and line.
#   DTSIM_FUZZ=ON                     also the libFuzzer harnesses of tests/fuzz. Every target gets
#                                     libFuzzer's coverage instrumentation (fuzzer-no-link), so one
#                                     tree builds the sanitized tests and the fuzzers from the same
#                                     objects; the sanitizer runtime provides the coverage hooks
#                                     to the binaries that are not fuzzers.
set(DTSIM_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined")
option(DTSIM_FUZZ "Build the libFuzzer harnesses of tests/fuzz (clang only)" OFF)

if(DTSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DTSIM_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(DTSIM_SANITIZE STREQUAL "")
    set(DTSIM_SANITIZE "address,undefined" CACHE STRING "" FORCE)
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(NOT DTSIM_SANITIZE STREQUAL "")
  add_compile_options(-fsanitize=${DTSIM_SANITIZE} -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -O1 -g1)
  add_link_options(-fsanitize=${DTSIM_SANITIZE})
endif()
