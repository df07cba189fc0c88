#pragma once
// Internal: a closed-form estimate of a plan's step time, cheap enough to screen thousands of
// plans before the full replay confirms the best. It uses the replay's own inputs (the
// operator model's per-layer programs and the collective planner's uncontended estimates on
// the scenario's cluster graph) but no event simulation and no contention:
//   per stage s and micro-batch:  t_s = sum over its layers of the layer program's time
//     (compute, blocking collectives, and asynchronous ones where they outlast the compute
//     they overlap), plus the embedding (first stage) or output layer (last);
//   pipeline (1F1B, interleaved with v chunks):  T = m max_s t_s + (sum_s t_s - max_s t_s) / v
//     + 2 (p - 1) pipeline transfers: the busiest stage runs all m micro-batches and waits for
//     the others' fill and drain, which interleaving divides by v; with equal stages the bubble
//     is (p - 1) t / v = (p - 1)/(v m) of the useful time;
//   data parallelism (over the dp x cp ranks, as the replay and memory count it): the
//     gradient reduction of the first stage (the last to finish) beyond its last backward,
//     the ZeRO 1/2 parameter gather beyond its first forward, ZeRO-3's per-layer gathers and
//     reductions beyond the layer compute they overlap, and Adam over the rank's shard.
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "dtsim/sim/collective/planner.hpp"
#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/study/search.hpp"
#include "dtsim/sim/training/layer_program.hpp"

namespace dtsim::study {

class PlanEstimator {
 public:
  explicit PlanEstimator(const config::Scenario& scenario);
  ~PlanEstimator();
  Estimate estimate(const models::ParallelPlan& plan);

 private:
  struct Blocks;
  struct BlockTimes;
  struct Groups;
  struct StageTimes;
  const Blocks& blocks(const models::ParallelPlan& plan);
  double comm_s(collective::Op op, double bytes, const std::vector<int>& ranks);
  double program_s(const training::Program& program, const Groups& groups, double* exposed);
  BlockTimes block_times(const training::BlockProgram& block, double frozen_bytes, const Groups& groups);
  StageTimes stage_times(const models::ParallelPlan& plan, int stage, const BlockTimes* kinds);
  double data_parallel_s(const models::ParallelPlan& plan, const StageTimes& first, const BlockTimes* kinds);

  const config::Scenario& s_;
  topology::Cluster cluster_;
  collective::Planner planner_;
  models::DeviceCompute device_;
  std::map<std::tuple<int, int, int, int, int, int>, std::unique_ptr<Blocks>> blocks_;
  std::map<std::tuple<collective::Op, double, std::vector<int>>, double> comm_cache_;
};

}  // namespace dtsim::study
