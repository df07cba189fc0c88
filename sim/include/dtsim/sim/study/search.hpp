#pragma once
// The fastest parallel plans for a scenario's model, cluster and global batch. Every plan of
// the space (sim/src/study/plan_space.hpp: tp, pp, dp, cp, vpp, micro-batch, ZeRO stage,
// recompute, sequence parallelism, ep for MoE) is checked for divisibility, then for memory
// (models/memory.hpp), then screened with a closed-form step-time estimate built from the
// replay's own per-layer programs and collective costs (sim/src/study/plan_estimate.hpp); the
// best `confirm` plans that fit, and the scenario's own plan, are then replayed in full and
// ranked by their simulated step time.
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/step_result.hpp"

namespace dtsim::study {

// The closed-form estimate of one plan's step, and its parts.
struct Estimate {
  double step_s = 0;
  double compute_s = 0;   // busiest stage: compute and recompute over all micro-batches
  double comm_s = 0;      // exposed TP/CP/EP collectives on the busiest stage
  double bubble_s = 0;    // pipeline fill and drain, stage imbalance and transfers
  double dp_s = 0;        // exposed data-parallel and ZeRO communication
  double optimizer_s = 0;
};

struct RankedPlan {
  models::ParallelPlan plan;
  Estimate estimate;
  models::MemoryVerdict memory;
  bool confirmed = false;           // replayed in full: `simulated` holds the result
  training::StepResult simulated;
  bool given = false;               // the scenario's own plan
  double step_s() const { return confirmed ? simulated.step_time_s : estimate.step_s; }
};

struct SearchResult {
  std::vector<RankedPlan> confirmed;  // replayed, fastest first (the given plan among them)
  std::vector<RankedPlan> fitting;    // every plan that fits, by estimate, fastest first
  std::size_t candidates = 0;         // plans considered
  std::map<std::string, std::size_t> indivisible;  // why plans could not run, and how many
  std::size_t out_of_memory = 0;
  double least_overflow_bytes = 0, most_overflow_bytes = 0;  // of those out of memory
  std::optional<RankedPlan> given;    // the scenario's plan, however it fared
  std::optional<std::size_t> given_rank;  // 1-based among confirmed plans that fit
};

// How far a search is, for a progress bar: each phase is told (0, total) first, on the calling
// thread, then (done, total) as plans are done; `replayed` from the replaying threads at once.
struct SearchProgress {
  std::function<void(std::size_t done, std::size_t total)> screened, replayed;
};

SearchResult search(const config::Scenario& scenario, const SearchProgress& progress = {});

// The scenario with another plan in place; throws std::invalid_argument, saying why, when the
// plan cannot run on the scenario's cluster and model (tp x pp x dp x cp against its size...).
config::Scenario with_plan(const config::Scenario& scenario, const models::ParallelPlan& plan);

// Why one simulated step is slower than another: the parts that grew most ("+0.464 s exposed
// TP/CP/EP communication, +0.1 s pipeline bubble"), or that none grew by 1 %.
std::string slower_because(const training::StepResult& slower, const training::StepResult& faster);

}  // namespace dtsim::study
