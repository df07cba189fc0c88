// libFuzzer harness: a file of published training runs (shared/data/calibration.yaml's format)
// and --set overrides through config::load_validation_cases, as `dtsim validate` reads it, then
// the checks before simulation of every case that became a scenario. Bad input must end in a
// ConfigError or a case marked not run; anything else is a finding.
#include <cstddef>
#include <cstdint>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/validation.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = dtsim::fuzz::split_input(data, size);
  try {
    const auto cases = dtsim::config::load_validation_cases(
        dtsim::fuzz::write_scratch(input.document), input.overrides);
    for (const auto& c : cases)
      if (c.scenario) dtsim::fuzz::check_loaded(*c.scenario);
  } catch (const dtsim::config::ConfigError&) {
    // The expected way to refuse a malformed file.
  }
  return 0;
}
