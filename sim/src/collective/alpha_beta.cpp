#include "dtsim/sim/collective/alpha_beta.hpp"

#include <algorithm>

namespace dtsim::collective {

double alpha_beta_seconds(const CommSpec& spec, const NodeLinks& links) {
  const int n = static_cast<int>(spec.ranks.size());
  if (n < 2 || spec.bytes <= 0) return 0;
  const int first_node = spec.ranks.front() / links.accelerators_per_node;
  bool one_node = true;
  for (int r : spec.ranks) one_node = one_node && r / links.accelerators_per_node == first_node;
  double bw = links.scale_up_bytes_per_s;
  double alpha = links.scale_up_latency_s;
  if (!one_node) {
    bw = std::min(bw, links.scale_out_bytes_per_s / links.accelerators_per_node);
    alpha = links.scale_out_latency_s;
  }
  const double s = spec.bytes;
  const double share = static_cast<double>(n - 1) / n;
  switch (spec.op) {
    case Op::all_reduce: return 2 * share * s / bw + 2 * (n - 1) * alpha;
    case Op::reduce_scatter:
    case Op::all_gather:
    case Op::all_to_all: return share * s / bw + (n - 1) * alpha;
    case Op::broadcast:
    case Op::reduce: return s / bw + (n - 1) * alpha;
    case Op::send_recv: return s / bw + alpha;
  }
  return 0;
}

void AlphaBetaRunner::start(const CommSpec& spec, engine::Engine::Action done, void* context,
                            std::uint64_t arg) {
  engine_.schedule_in(engine::from_seconds(alpha_beta_seconds(spec, links_)), done, context, arg);
}

}  // namespace dtsim::collective
