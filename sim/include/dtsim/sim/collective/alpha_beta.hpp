#pragma once
// Closed-form (alpha-beta) cost of a communication on a cluster of identical nodes, with no
// contention: ring algorithms over the slowest link a group crosses.
//   all-reduce      2(n-1)/n * S/B + 2(n-1) a
//   reduce-scatter, all-gather, all-to-all   (n-1)/n * S/B + (n-1) a
//   broadcast, reduce (pipelined chain)      S/B + (n-1) a
//   send/recv                                S/B + a
// B is what one rank can push: the scale-up rate when the group sits in one node, else the
// smaller of that and its share of the node's scale-out (one NIC per accelerator on a
// rail-optimized node: every rank of a node runs its own group's collective at the same time).
#include "dtsim/sim/collective/collective.hpp"
#include "dtsim/sim/collective/runner.hpp"

namespace dtsim::collective {

struct NodeLinks {
  int accelerators_per_node = 1;
  double scale_up_bytes_per_s = 0;        // achievable, per accelerator per direction
  double scale_up_latency_s = 0;          // per step
  double scale_out_bytes_per_s = 0;       // achievable, per node per direction
  double scale_out_latency_s = 0;         // per step
};

double alpha_beta_seconds(const CommSpec& spec, const NodeLinks& links);

class AlphaBetaRunner final : public Runner {
 public:
  AlphaBetaRunner(engine::Engine& engine, NodeLinks links) : engine_(engine), links_(links) {}
  void start(const CommSpec& spec, engine::Engine::Action done, void* context,
             std::uint64_t arg) override;

 private:
  engine::Engine& engine_;
  NodeLinks links_;
};

}  // namespace dtsim::collective
