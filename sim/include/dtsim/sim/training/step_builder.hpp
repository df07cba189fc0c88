#pragma once
// Scenario -> StepGraph. First version: one simulated rank per pipeline stage stands for its
// tensor- and data-parallel peers (they do identical work); per layer a compute task and its
// tensor-parallel collectives on the compute stream; pipeline transfers on a send stream; the
// data-parallel gradient reduction and optimizer step after the last backward.
#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/step_costs.hpp"
#include "dtsim/sim/training/step_graph.hpp"

namespace dtsim::training {

// The compute stream of each pipeline stage's representative rank is stream `stage`.
StepGraph build_step(const config::Scenario& scenario, const StepCosts& costs);

}  // namespace dtsim::training
