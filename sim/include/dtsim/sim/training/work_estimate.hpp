#pragma once
// What simulating one step will take, known before the step graph is built, so that a step too
// large for the machine is refused with the reason instead of ending in std::bad_alloc or the
// OOM killer.
//
// Tasks: every simulated rank runs, per micro-batch and model chunk of its stage, the layer
// programs' compute and communication steps forward and backward (a ZeRO-3 gather before each
// pass of a layer, its reduce-scatter after the backward), the embedding or output layer at the
// ends, and one pipeline transfer per chunk boundary; then a few per step (gradient buckets,
// parameter gathers, the optimizer, the closing task). Simulated ranks: one per pipeline stage
// with folding, tp x cp x dp per stage without. Memory: the tasks at their measured cost, each
// communication op's rank lists (its group, and with folding its stage's replica groups), and
// the cluster graph (topology::estimate_cluster_size).
//
// Budget: `simulation.max_memory` (bytes), or by default half the memory this machine has
// available: the smaller of MemAvailable (/proc/meminfo; the physical pages when unreadable)
// and the RLIMIT_AS and RLIMIT_DATA limits. Half, because the estimate is a calibrated mean and
// the machine runs other programs too.
#include <cstdint>
#include <string>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/step_builder.hpp"

namespace dtsim::training {

struct StepWork {
  std::int64_t simulated_ranks = 0;
  std::int64_t micro_batches = 0;
  double tasks = 0;          // step-graph tasks (each one or more engine events)
  double comm_ops = 0;       // communication ops among them
  double cluster_bytes = 0;  // the cluster graph (0 with simulation.network: ideal)
  double bytes = 0;          // estimated peak memory of building and replaying the step
};

StepWork estimate_step_work(const config::Scenario& scenario, const StepInputs& inputs);

// Memory this machine offers a simulation: min(MemAvailable, RLIMIT_AS, RLIMIT_DATA).
double available_memory_bytes();
// The scenario's budget: simulation.max_memory, or half of available_memory_bytes().
double memory_budget_bytes(const config::Execution& execution);

// Throws config::ConfigError (at simulation.max_memory when given, else training.global_batch)
// when the step's estimate passes the budget, or its tasks would not fit 32-bit task ids; the
// message gives the estimate and what would shrink it. Returns the estimate otherwise.
StepWork check_step_work(const config::Scenario& scenario, const StepInputs& inputs);

// "4.0 GiB", "512 MiB": for messages.
std::string memory_text(double bytes);

}  // namespace dtsim::training
