#pragma once
// The sides of a comparison (a scenario's `variants:`), run once and shared by `compare` and
// `report`: each variant loaded with its overrides, optionally at its own searched plan, and
// measured against the first earlier variant that trains the same model.
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/study/summary.hpp"

namespace dtsim::tools {

struct Side {
  config::Scenario scenario;
  study::Summary summary;
  std::string chosen;  // how the plan was chosen
};

// The variant of `base` (loaded from `path`) called `name`; std::invalid_argument naming the
// file's variants if it has none of that name.
const config::Variant& find_variant(const std::string& path, const config::Scenario& base,
                                    const std::string& name);

// Every variant of `base` (loaded from `path` with `overrides`), in parallel. With `search`,
// each first takes its fastest plan that fits (study/search.hpp). Variants done show as a
// progress bar on stderr when it is a terminal (progress_bar.hpp).
std::vector<Side> run_sides(const std::string& path, const std::vector<std::string>& overrides,
                            const config::Scenario& base, bool search);

// Per accelerator and direction: what its scale-up and scale-out links carry ("450 GB/s").
std::string scale_up_text(const config::Scenario& s);
std::string scale_out_text(const config::Scenario& s);

// The first earlier side that trains the same model: the one side `i` is measured against.
const Side* baseline_of(const std::vector<Side>& sides, std::size_t i);

// How a side compares with its baseline: the parts of the step that grew, and, when the two
// chose different plans, the side run at the baseline's plan, which isolates the hardware.
std::string against(const Side& side, const Side& base);

// "B vs A: ..." for every side with a baseline, in order (against() run in parallel).
std::vector<std::string> comparison_lines(const std::vector<Side>& sides);

}  // namespace dtsim::tools
