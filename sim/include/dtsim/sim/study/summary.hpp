#pragma once
// One simulated scenario as the what-if commands report it (compare, sweep, search): the plan,
// the step and where its time went, memory headroom, and the run's time, energy and cost.
#include <string>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/study/economics.hpp"
#include "dtsim/sim/training/step_result.hpp"

namespace dtsim::study {

struct Summary {
  std::string name;           // the scenario's, or the variant's
  std::string system;         // catalog id of the system
  int accelerators = 0;
  std::string plan;           // "TP8 PP8 DP16 mb1 1f1b ZeRO-1 SP selective"
  training::StepResult step;
  Economics economics;
  double exposed_comm_s() const;  // TP, CP, EP, DP and pipeline-transfer waits
  double peak_memory_bytes() const;
  double memory_headroom_bytes() const { return step.memory.headroom_bytes(); }
};

// The plan in one line, as every command prints it.
std::string plan_text(const models::ParallelPlan& plan);

// Simulates one step of the scenario and prices the run.
Summary summarize(const config::Scenario& scenario);

}  // namespace dtsim::study
