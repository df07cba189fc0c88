// libFuzzer harness: a scenario file and its --set overrides through config::load_scenario, as
// `dtsim run|memory|compare ... --set` load them, then the checks before simulation. Bad input
// must end in a ConfigError; any other exception, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = dtsim::fuzz::split_input(data, size);
  try {
    const auto scenario =
        dtsim::config::load_scenario(dtsim::fuzz::write_scratch(input.document), input.overrides);
    dtsim::fuzz::check_loaded(scenario);
  } catch (const dtsim::config::ConfigError&) {
    // The expected way to refuse bad input.
  }
  return 0;
}
