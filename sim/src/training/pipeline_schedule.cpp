#include "dtsim/sim/training/pipeline_schedule.hpp"

#include <algorithm>

namespace dtsim::training {
namespace {

// The k-th forward (or backward) of a stage under interleaving: micro-batches in groups of
// `group` visit every chunk before the next group starts; backwards visit chunks in reverse.
// When m is not a multiple of the group, the last group is smaller (Megatron-Core's
// microbatch_group_size_per_vp_stage).
std::vector<WorkItem> interleaved_order(Pass pass, int m, int v, int group) {
  std::vector<WorkItem> order;
  for (int first = 0; first < m; first += group) {
    const int size = std::min(group, m - first);
    for (int c = 0; c < v; ++c) {
      const int chunk = pass == Pass::forward ? c : v - 1 - c;
      for (int i = 0; i < size; ++i) order.push_back({pass, first + i, chunk});
    }
  }
  return order;
}

std::vector<WorkItem> one_f_one_b(const std::vector<WorkItem>& fwd,
                                  const std::vector<WorkItem>& bwd, int warmup) {
  const int total = static_cast<int>(fwd.size());
  warmup = std::min(warmup, total);
  std::vector<WorkItem> out(fwd.begin(), fwd.begin() + warmup);
  for (int i = 0; i + warmup < total; ++i) {
    out.push_back(fwd[warmup + i]);
    out.push_back(bwd[i]);
  }
  out.insert(out.end(), bwd.begin() + (total - warmup), bwd.end());
  return out;
}

}  // namespace

std::vector<WorkItem> stage_schedule(models::Schedule schedule, int p, int s, int m, int v) {
  using models::Schedule;
  if (schedule != Schedule::interleaved_1f1b) v = 1;
  const auto fwd = interleaved_order(Pass::forward, m, v, p);
  const auto bwd = interleaved_order(Pass::backward, m, v, p);
  switch (schedule) {
    case Schedule::gpipe: {
      std::vector<WorkItem> out = fwd;
      out.insert(out.end(), bwd.begin(), bwd.end());
      return out;
    }
    case Schedule::one_f_one_b:
      return one_f_one_b(fwd, bwd, p - s - 1);
    case Schedule::interleaved_1f1b:
      return one_f_one_b(fwd, bwd, (p - s - 1) * 2 + (v - 1) * p);
  }
  return {};
}

}  // namespace dtsim::training
