#pragma once
// A collective as stages of concurrent flows, before routing. An algorithm only says who sends
// how much to whom, in how many sequential steps; the planner (planner.hpp) routes the flows on
// the cluster graph and prices the steps' latency. Stages run one after another; the flow sets
// of a stage run together and the stage ends when the last one does. The flows of one set move
// in lockstep (a pipelined ring): the set is one network transfer.
#include <limits>
#include <utility>
#include <vector>

#include "dtsim/sim/collective/algorithm.hpp"
#include "dtsim/sim/collective/collective.hpp"

namespace dtsim::topology {
class Cluster;
}

namespace dtsim::collective {

struct FlowSet {
  std::vector<std::pair<int, int>> pairs;  // accelerator indices, source -> destination
  double bytes_per_flow = 0;
  int steps = 0;                           // sequential steps, each paying a hop latency
  // A limit on each flow's rate that the links do not express (see the tree).
  double max_rate_bytes_per_s = std::numeric_limits<double>::infinity();
};

struct Stage {
  std::vector<FlowSet> sets;
};

using Schedule = std::vector<Stage>;

// The stages of `spec` under `algorithm` on `cluster` (ranks are accelerator indices).
// Throws std::invalid_argument when the algorithm cannot run that collective there.
Schedule schedule(const CommSpec& spec, Algorithm algorithm, const topology::Cluster& cluster);

// Which algorithms can run `spec` on `cluster`, in preference order.
std::vector<Algorithm> candidate_algorithms(const CommSpec& spec, const topology::Cluster& cluster,
                                            bool in_switch_reduction);

}  // namespace dtsim::collective
