#pragma once
// What one simulated training step says: how long, how fast, how well the accelerators were
// used, where the time went and whether it fits in memory. What it means for a whole run (time,
// energy, cost to train) is study::economics (sim/study/economics.hpp).
#include <cstdint>

#include "dtsim/models/memory.hpp"
#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/executor.hpp"

namespace dtsim::training {

// Mean over the simulated ranks of how each one's step time was spent; the parts add up to the
// step time. "Exposed" communication is time a rank's compute stream waited for it or ran it.
struct Breakdown {
  double compute_s = 0;
  double recompute_s = 0;
  double optimizer_s = 0;
  double exposed_tp_s = 0;   // tensor parallel
  double exposed_cp_s = 0;   // context parallel
  double exposed_ep_s = 0;   // expert parallel
  double exposed_dp_s = 0;   // data-parallel gradients and parameters (and ZeRO-3 gathers)
  double pp_wait_s = 0;      // pipeline transfers in flight
  double bubble_s = 0;       // the pipeline had no work for the rank
  double total() const {
    return compute_s + recompute_s + optimizer_s + exposed_tp_s + exposed_cp_s + exposed_ep_s +
           exposed_dp_s + pp_wait_s + bubble_s;
  }
};

struct StepResult {
  double step_time_s = 0;
  double tokens_per_s = 0;
  double mfu = 0;               // model FLOPs / (step time x accelerators x dense peak)
  double hfu = 0;               // the same counting recomputed work
  double model_flops = 0;       // per step, whole cluster
  double hardware_flops = 0;
  double peak_flops_per_s = 0;  // one accelerator, dense, at the training precision
  std::int64_t micro_batches = 0;
  Breakdown breakdown;
  models::MemoryVerdict memory;
  std::uint64_t events = 0;     // engine events processed
  int simulated_ranks = 0;
};

StepResult simulate_step(const config::Scenario& scenario);

// The mean over a replay's compute streams of where their time went.
Breakdown mean_breakdown(const StepGraph& graph, const ReplayResult& replay);

}  // namespace dtsim::training
