#include "fuzz_input.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "dtsim/models/memory.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/device_compute.hpp"

namespace dtsim::fuzz {
namespace {

// Clusters past this size are left unbuilt: the graph grows with the accelerators and a
// harness must stay at thousands of inputs per second. The loader's own checks still run.
constexpr int kMaxAcceleratorsToBuild = 1024;

constexpr std::string_view kSetPrefix = "#set ";

void require_figure(double value, const char* what) {
  if (std::isfinite(value) && value >= 0) return;
  std::fprintf(stderr, "fuzz: %s is %g, not a finite non-negative number\n", what, value);
  std::abort();
}

struct ScratchFile {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("dtsim-fuzz-" + std::to_string(::getpid()) + ".yaml"))
                         .string();
  ~ScratchFile() { std::remove(path.c_str()); }
};

}  // namespace

FuzzInput split_input(const std::uint8_t* data, std::size_t size) {
  FuzzInput in;
  in.document.assign(reinterpret_cast<const char*>(data), size);
  std::istringstream lines(in.document);
  std::string line;
  while (in.overrides.size() < kMaxOverrides && std::getline(lines, line))
    if (line.starts_with(kSetPrefix)) in.overrides.push_back(line.substr(kSetPrefix.size()));
  return in;
}

const std::string& write_scratch(const std::string& document) {
  static const ScratchFile file;
  std::ofstream(file.path, std::ios::binary | std::ios::trunc) << document;
  return file.path;
}

void check_loaded(const config::Scenario& s) {
  const auto options = training::memory_options(s.cluster.device, s.execution.flash_attention);
  const auto verdict = models::check_memory(s.model, s.training, s.plan,
                                            s.cluster.device.mem_capacity_bytes, options);
  require_figure(verdict.capacity_bytes, "the memory capacity");
  for (const auto& stage : verdict.stages) require_figure(stage.total_bytes(), "a stage's memory");
  require_figure(verdict.tight_margin_bytes(), "the tight-memory margin");
  if (s.cluster.accelerators <= kMaxAcceleratorsToBuild) config::build_cluster(s);
}

}  // namespace dtsim::fuzz
