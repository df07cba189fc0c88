#pragma once
// What a training run costs and how long it really takes: the token budget at the simulated
// step rate, stretched by checkpoints, failures and restarts (goodput), priced by renting or
// buying the cluster, with the energy it draws. Inputs are the scenario's `cost` and `goodput`
// sections; every figure they leave out comes from the catalog or a documented default, and is
// listed in `assumptions` with its source.
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/step_result.hpp"

namespace dtsim::study {

struct Goodput {
  double mtbf_s = 0;                 // mean time between interruptions of the whole job
  double checkpoint_bytes = 0;       // state written per checkpoint, all ranks together
  double checkpoint_write_s = 0;     // delta: one checkpoint's write time
  double checkpoint_interval_s = 0;  // tau: compute time between checkpoints
  double restart_s = 0;              // R: from an interruption to training again
  double fraction = 1;               // useful training time / wall-clock time
};

struct Economics {
  double time_to_train_s = 0;            // tokens / (tokens per second): no interruptions
  double effective_time_to_train_s = 0;  // with checkpoints, failures and restarts
  Goodput goodput;
  double accelerator_hours = 0;          // over the effective time
  double it_power_w = 0;                 // the cluster's draw at the step's utilization
  double energy_mwh = 0;                 // facility energy: IT power x PUE x effective time
  double energy_cost_usd = 0;
  double hardware_cost_usd = 0;          // buy: the run's share of the amortized purchase
  double rent_cost_usd = 0;              // rent: accelerator-hours x the hourly rate
  double total_cost_usd = 0;
  bool priced = false;                   // a price (rent or purchase) was known
  std::vector<std::string> assumptions;  // every default applied, with its source
};

// All times and costs are zero when the scenario gives no token budget (`training.tokens`).
Economics economics(const config::Scenario& scenario, const training::StepResult& step);

}  // namespace dtsim::study
