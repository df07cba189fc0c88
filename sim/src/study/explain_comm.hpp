#pragma once
// Internal: what the communication sections of an explanation share: the scenario's step inputs
// (the replay's own layer programs), its cluster and collective planner, and the groups of
// rank 0 with the replicas that run beside them.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "dtsim/sim/collective/planner.hpp"
#include "dtsim/sim/study/explain.hpp"
#include "dtsim/sim/training/rank_layout.hpp"
#include "dtsim/sim/training/step_builder.hpp"

namespace dtsim::study::detail {

// The groups a collective runs over, as the step builder forms them.
enum class Dim { tp, cp, ep, pp, dp, shard, replica };

struct CommContext {
  CommContext(const config::Scenario& s, const training::StepResult& step);

  const config::Scenario& s;
  const training::StepResult& step;
  training::StepInputs inputs;
  topology::Cluster cluster;
  collective::Planner planner;
  std::int64_t m = 0;               // micro-batches per step
  std::vector<int> stage0_layers;   // decoder layers of pipeline stage 0, all its chunks

  std::vector<int> group(Dim d) const;  // the group of rank 0
  std::vector<int> group_of(Dim d, training::RankCoord x) const;
  std::vector<int> replicas(Dim d) const;
  bool scale_up_only(Dim d) const;  // the group sits in one scale-up domain (node, rack, slice)
  collective::CollectivePlan plan(collective::Op op, double bytes, Dim d);

  // Items every dimension reports: the link and its rate, and the planner's bus bandwidth.
  ExplainItem link_item(const std::string& prefix, Dim d) const;
  ExplainItem bus_item(const std::string& prefix, collective::Op op, double bytes, Dim d);

 private:
  std::map<std::tuple<collective::Op, double, int>, collective::CollectivePlan> plans_;
};

ExplainItem exposed_item(const std::string& prefix, double exposed_s, double uncontended_s);

// Tensor, context or expert parallelism: the collectives of the layer programs.
ExplainSection exchange_section(CommContext& c, Dim d);
ExplainSection pipeline_section(CommContext& c);
ExplainSection data_parallel_section(CommContext& c);

}  // namespace dtsim::study::detail
