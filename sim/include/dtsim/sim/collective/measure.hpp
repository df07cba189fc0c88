#pragma once
// One collective on an otherwise idle cluster, as nccl-tests measures it: the time from start
// to the last rank's completion, algorithm bandwidth S / t and bus bandwidth algbw x factor.
#include <optional>

#include "dtsim/sim/collective/planner.hpp"
#include "dtsim/sim/network/network.hpp"

namespace dtsim::collective {

struct Measurement {
  double time_s = 0;
  double algbw_bytes_per_s = 0;
  double busbw_bytes_per_s = 0;
  Algorithm algorithm = Algorithm::ring;
  Protocol protocol = Protocol::simple;
  std::uint64_t events = 0;
};

// Simulates `spec` alone on the planner's cluster with a fresh engine and network.
Measurement measure(const CommSpec& spec, Planner& planner, network::Mode mode,
                    std::optional<Algorithm> algorithm = std::nullopt);

// The achievable capacity of every directed link, indexed by LinkId: what a network is built on.
std::vector<double> link_capacities(const topology::Cluster& cluster);

}  // namespace dtsim::collective
