#pragma once
// What one simulated training step says: how long, how fast, how well the accelerators were
// used, where the time went, and what that means for the whole training run.
#include <cstdint>

#include "dtsim/sim/config/scenario.hpp"

namespace dtsim::training {

// Average over the simulated ranks of how each one's step time was spent; the parts add up to
// the step time.
struct Breakdown {
  double compute_s = 0;
  double recompute_s = 0;
  double optimizer_s = 0;
  double exposed_tp_s = 0;   // tensor-, context- and expert-parallel communication not hidden
  double exposed_dp_s = 0;   // data-parallel gradient and parameter communication not hidden
  double pp_wait_s = 0;      // waiting on pipeline transfers in flight
  double bubble_s = 0;       // idle because the pipeline had no work for the rank
  double total() const {
    return compute_s + recompute_s + optimizer_s + exposed_tp_s + exposed_dp_s + pp_wait_s +
           bubble_s;
  }
};

struct StepResult {
  double step_time_s = 0;
  double tokens_per_s = 0;
  double mfu = 0;               // model FLOPs / (step time x accelerators x dense peak)
  double hfu = 0;               // the same counting recomputed work
  double model_flops = 0;       // per step, whole cluster
  double hardware_flops = 0;
  std::int64_t micro_batches = 0;
  Breakdown breakdown;
  double time_to_train_s = 0;   // for the scenario's token budget; 0 when it gives none
  double accelerator_hours = 0;
  std::uint64_t events = 0;     // engine events processed
};

StepResult simulate_step(const config::Scenario& scenario);

}  // namespace dtsim::training
