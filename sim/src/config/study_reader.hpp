#pragma once
// Internal: the scenario sections for studies rather than one step: `cost`, `goodput`,
// `variants`, `sweep`, `search`, and `training.finetune`. See docs/scenario.md.
#include "dtsim/sim/config/scenario.hpp"
#include "yaml_reader.hpp"

namespace dtsim::config {

CostSpec read_cost(const Node& n);
GoodputSpec read_goodput(const Node& n);
std::vector<Variant> read_variants(const Node& n);
std::vector<SweepAxis> read_sweep(const Node& n);
SearchSpec read_search(const Node& n);
models::Finetune read_finetune(const Node& n);

}  // namespace dtsim::config
