#pragma once
// Where each rank of a 3D(+CP) plan sits. Megatron-LM's default order "tp-cp-ep-dp-pp": tensor-
// parallel ranks are adjacent (one NVLink domain), then context, data, and pipeline outermost.
//   rank = tp_i + tp * (cp_i + cp * (dp_i + dp * pp_i))
#include <vector>

#include "dtsim/models/parallel_plan.hpp"

namespace dtsim::training {

struct RankCoord {
  int tp = 0, cp = 0, dp = 0, pp = 0;
};

class RankLayout {
 public:
  explicit RankLayout(const models::ParallelPlan& plan) : plan_(plan) {}

  int rank(RankCoord c) const {
    return c.tp + plan_.tp * (c.cp + plan_.cp * (c.dp + plan_.dp * c.pp));
  }
  // The ranks that vary only in one dimension from `c`.
  std::vector<int> tp_group(RankCoord c) const;
  std::vector<int> cp_group(RankCoord c) const;
  std::vector<int> dp_group(RankCoord c) const;
  // The ranks that vary in dp and cp from `c`, in rank order: those holding the same weights,
  // which gradients are reduced over (Megatron-LM's data-parallel group with context
  // parallelism).
  std::vector<int> dp_cp_group(RankCoord c) const;
  // Expert parallelism is carved from those, consecutive in the layout: the ep ranks of c's
  // block j / ep of them, j = cp_i + cp * dp_i.
  std::vector<int> ep_group(RankCoord c) const;
  // ZeRO's shard group: the shard_group() DP ranks of c's block of them, with all their CP
  // ranks, in rank order; and the HSDP replica group, c's peers in the other shard groups.
  std::vector<int> shard_group(RankCoord c) const;
  std::vector<int> replica_group(RankCoord c) const;

 private:
  models::ParallelPlan plan_;
};

}  // namespace dtsim::training
