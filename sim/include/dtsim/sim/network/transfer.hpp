#pragma once
// What the network carries: a transfer is a group of member flows that move in lockstep at one
// common rate per flow (the n flows of one pipelined ring step; a point-to-point message is a
// group of one). The network sees only its link load, not the paths of its members.
#include <cstdint>
#include <limits>
#include <vector>

#include "dtsim/sim/engine/time.hpp"

namespace dtsim::network {

// A directed link: an index into the capacities the network was built from.
using LinkId = std::int32_t;

inline constexpr double kUnlimitedBytesPerSecond = std::numeric_limits<double>::infinity();

// `flows` of a transfer's member flows cross `link` (at least 1).
struct LinkLoad {
  LinkId link = 0;
  std::int32_t flows = 1;

  friend bool operator==(const LinkLoad&, const LinkLoad&) = default;
};

struct Transfer {
  // Links the member flows cross; a link listed twice counts the sum of its entries.
  std::vector<LinkLoad> links;
  double bytes_per_flow = 0;
  // Waited before the first byte moves, using no bandwidth: what the caller charges for
  // reaching the far end (the collective planner: NCCL's per-step constants on GPUs, the
  // largest link latency on the path per step on TPUs).
  engine::Time latency = 0;
  // Per member flow, for limits outside the link graph (an endpoint's injection rate).
  double max_rate_bytes_per_s = kUnlimitedBytesPerSecond;
};

}  // namespace dtsim::network
