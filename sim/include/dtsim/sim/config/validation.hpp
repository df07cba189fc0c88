#pragma once
// Published training runs to check the simulator against, in the format of
// shared/data/calibration.yaml (its README documents it): each case names a system preset and
// an accelerator count, defines its model inline, gives the parallel plan, batch, precision and
// recompute mode, and the measured step time.
//
// A case becomes a scenario assembled from its own YAML nodes, so any error points into the
// file. Null fields take the scenario defaults, which are recorded in the scenario's notes
// (micro-batch 1, sequence parallelism on with tensor parallelism, no interleaving). On TPU
// systems `dp` counts slices joined over the data-center network (the README: "multi-slice runs
// put data parallelism across DCN"); inside each slice every chip is a data-parallel rank too,
// ZeRO-3 (FSDP) sharding over the slice: dp becomes accelerators / (tp pp cp) with ZeRO shards
// of one slice's ranks.
#include <optional>
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"

namespace dtsim::config {

struct ValidationCase {
  std::string id;
  std::string source;
  double measured_step_s = 0;
  std::optional<Scenario> scenario;  // absent when the case cannot be run
  std::string scenario_yaml;         // the scenario document it became, as YAML text
  std::string not_run;               // then: why
};

// Throws ConfigError when the file itself is malformed (not a list of cases, unknown keys);
// a case that cannot become a scenario is returned with `not_run` set.
// `overrides` ("key.path=value", as `dtsim run --set`) apply to every case's scenario.
std::vector<ValidationCase> load_validation_cases(const std::string& path,
                                                  const std::vector<std::string>& overrides = {});

}  // namespace dtsim::config
