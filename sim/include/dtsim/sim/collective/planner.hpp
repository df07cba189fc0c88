#pragma once
// Turns a collective into network transfers: picks the algorithm and protocol the way NCCL's
// tuner does (the smallest estimated time among those that can run it), routes every flow on
// the cluster graph, and prices each flow set's latency.
//
// Latency (NCCL src/graph/tuning.cc, as in shared/data/hardware.md 6.5; microseconds):
//   base per collective   ring LL 6.6, LL128 14.0, Simple 8.4; tree 6.8, 14.0, 8.4
//   per step, NVLink      ring 0.6, 1.9, 3.4; tree 0.6, 1.25, 4.0; NVLS (Simple) 25
//   per step, PCIe        1.0, 2.5, 5.7
//   per step, network     ring 2.7, 4.0, 14.0; tree 5.0, 8.5, 14.0
// A set of `steps` steps of which a fraction f cross the network pays
//   base + steps (f net + (1 - f) local)            (NCCL: nInterSteps * interLat + ...).
// Protocols trade latency for bandwidth: LL moves 4 data bytes per 8-byte store (0.5), LL128
// 120 of every 128 bytes (0.9375), Simple all of them; the link efficiencies in the catalog are
// what the best protocol achieves at large sizes. NVLS runs at NCCL's NVLS efficiency (Hopper
// 0.85, Blackwell 0.74) of the NVLink rate. TPU ICI has no NCCL: each step pays the links'
// catalog latency, without a base.
#include <optional>
#include <vector>

#include "dtsim/sim/collective/algorithm.hpp"
#include "dtsim/sim/collective/collective.hpp"
#include "dtsim/sim/collective/schedule.hpp"
#include "dtsim/sim/network/transfer.hpp"
#include "dtsim/topology/cluster.hpp"
#include "dtsim/topology/device.hpp"
#include "dtsim/topology/system.hpp"

namespace dtsim::collective {

struct CollectiveEnv {
  bool nccl = true;                  // NCCL-style library latencies (GPUs); false: TPU ICI
  bool in_switch_reduction = false;  // NVLS available
  double nvls_efficiency = 0.85;
};

// The environment of a system: NVLS where its NVSwitches reduce, NCCL's NVLS efficiency for
// the device's architecture, TPU latencies on tori.
CollectiveEnv collective_env(const topology::SystemSpec& system, const topology::DeviceSpec& device);

struct PlannedSet {
  network::Transfer transfer;    // its link load, bytes per flow (wire bytes) and latency
  double uncontended_s = 0;      // latency + bytes / (its rate with nothing else in flight)
};

struct PlannedStage {
  std::vector<PlannedSet> sets;
};

struct CollectivePlan {
  Algorithm algorithm = Algorithm::ring;
  Protocol protocol = Protocol::simple;
  std::vector<PlannedStage> stages;
  double estimate_s = 0;         // sum over stages of the slowest set, uncontended
};

class Planner {
 public:
  Planner(const topology::Cluster& cluster, CollectiveEnv env);

  // The fastest candidate (or `algorithm` when given). Throws std::invalid_argument when the
  // requested algorithm cannot run this collective.
  CollectivePlan plan(const CommSpec& spec, std::optional<Algorithm> algorithm = std::nullopt);

  const topology::Cluster& cluster() const { return cluster_; }
  const CollectiveEnv& env() const { return env_; }

 private:
  struct Routed;
  Routed route(const FlowSet& set);
  // The set's flows for every replica group (`offsets` added to both ends).
  static FlowSet replicate(const FlowSet& set, const std::vector<int>& offsets);
  Routed route_folded(const FlowSet& set, const std::vector<int>& offsets);
  CollectivePlan price(const std::vector<std::vector<Routed>>& stages, Algorithm a, Protocol p) const;

  const topology::Cluster& cluster_;
  CollectiveEnv env_;
  std::vector<std::int32_t> weight_;   // scratch: flows per link
  std::vector<network::LinkId> touched_;
};

}  // namespace dtsim::collective
