#pragma once
// Runs the dtsim binary from the source directory, for CLI tests.
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <sys/wait.h>

struct CliOutcome {
  int status = -1;
  std::string out;
};

// stderr is folded into `out` when `with_stderr`, else discarded. `shell_prefix` runs before
// the binary in the same shell ("ulimit -v 8388608 && ").
inline CliOutcome dtsim_cli(const std::string& args, bool with_stderr = false,
                            const std::string& shell_prefix = "") {
  const std::string cmd = std::string("cd ") + DTSIM_SOURCE_DIR + " && " + shell_prefix +
                          DTSIM_BINARY + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  CliOutcome o;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) o.out.append(buf, n);
  const int raw = pclose(p);
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return o;
}
