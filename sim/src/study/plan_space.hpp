#pragma once
// Internal: the parallel plans a search considers for a scenario's model, cluster and global
// batch, and for each one that cannot run, why.
//
// Axes (each limited by the scenario's `search:` block when it lists values):
//   tp  powers of two up to the scale-up domain (a node's accelerators; 16 on a torus slice)
//       that divide the attention heads and suit the KV heads
//   cp  1, 2, 4, 8 while each rank keeps at least 1,024 tokens of a sequence
//   pp  every stage count up to the layers (and 64) that, with tp and cp, divides the cluster
//   vpp 1, or interleaving chunks that split the layers evenly (Megatron-LM requires equal
//       chunks, and micro-batches in multiples of pp)
//   micro-batch 1, 2, 4, 8;  ZeRO 0-3;  recompute none, selective, full;  SP on and off (tp > 1)
//   ep  for MoE models: divisors of the experts and of dp x cp (1 for dense models)
// dp follows from the cluster. The schedule is 1F1B, interleaved when vpp > 1.
#include <string>
#include <vector>

#include "dtsim/sim/config/scenario.hpp"

namespace dtsim::study {

struct Candidate {
  models::ParallelPlan plan;
  std::string rejected;  // empty: the plan can run; else why not
};

// Every combination of the axes whose tp x pp x cp divides the cluster, in a fixed order (tp,
// cp, pp, vpp, ep, micro-batch, zero, recompute, SP), the scenario's own plan first.
std::vector<Candidate> plan_space(const config::Scenario& scenario);

// Why `plan` cannot run on the scenario's cluster and model, in one phrase, or "".
std::string why_not(const config::Scenario& scenario, const models::ParallelPlan& plan);

// The same plan in the terms a search compares (chunk layers aside).
bool same_plan(const models::ParallelPlan& a, const models::ParallelPlan& b);

}  // namespace dtsim::study
