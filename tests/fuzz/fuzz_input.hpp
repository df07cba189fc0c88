#pragma once
// What the libFuzzer harnesses share.
//
// A fuzz input is one YAML document; each of its lines that starts with "#set " is also a
// `--set key.path=value` override (at most kMaxOverrides). YAML reads those lines as comments,
// so a seed is a plain scenario file, and the mutator adds, drops and changes overrides the way
// it changes any other line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"

namespace dtsim::fuzz {

inline constexpr std::size_t kMaxOverrides = 4;

struct FuzzInput {
  std::string document;
  std::vector<std::string> overrides;
};

FuzzInput split_input(const std::uint8_t* data, std::size_t size);

// The loaders read files: the document goes to one scratch file per process (libFuzzer's
// parallel jobs are processes), rewritten for each input and removed at exit.
const std::string& write_scratch(const std::string& document);

// The checks a command makes of a loaded scenario before it simulates anything: the memory
// verdict (`dtsim memory`, the verdict of `run`) and, for clusters small enough to build in a
// few milliseconds, the cluster graph (`dtsim topology`). A figure that is not a finite,
// non-negative number aborts: dtsim must never print a nonsense number.
void check_loaded(const config::Scenario& scenario);

}  // namespace dtsim::fuzz
