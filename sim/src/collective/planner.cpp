#include "dtsim/sim/collective/planner.hpp"

#include <algorithm>
#include <limits>

#include "dtsim/sim/collective/schedule.hpp"

namespace dtsim::collective {

using topology::LinkClass;

struct Planner::Routed {
  std::vector<network::LinkLoad> links;
  double bytes_per_flow = 0;
  int steps = 0;
  double rate = 0;            // bytes/s per flow with nothing else in flight
  double network_share = 0;   // fraction of flows crossing the scale-out network
  bool pcie = false;          // local flows cross PCIe (no NVLink between them)
  double local_latency_s = 0; // largest per-link catalog latency of a local path (TPU)
  double network_latency_s = 0;
  double max_rate = std::numeric_limits<double>::infinity();
};

namespace {

constexpr double kUs = 1e-6;

enum class Hop { nvlink, pcie, net };

double base_latency(Algorithm a, Protocol p) {
  static constexpr double ring[] = {6.6, 14.0, 8.4};
  static constexpr double tree[] = {6.8, 14.0, 8.4};
  if (a == Algorithm::nvls) return 0;
  return (a == Algorithm::tree ? tree : ring)[static_cast<int>(p)] * kUs;
}

double hop_latency(Hop h, Algorithm a, Protocol p) {
  static constexpr double nvlink_ring[] = {0.6, 1.9, 3.4};
  static constexpr double nvlink_tree[] = {0.6, 1.25, 4.0};
  static constexpr double pcie[] = {1.0, 2.5, 5.7};
  static constexpr double net_ring[] = {2.7, 4.0, 14.0};
  static constexpr double net_tree[] = {5.0, 8.5, 14.0};
  const int i = static_cast<int>(p);
  if (a == Algorithm::nvls) return (h == Hop::net ? 18.0 : 25.0) * kUs;
  switch (h) {
    case Hop::nvlink: return (a == Algorithm::tree ? nvlink_tree : nvlink_ring)[i] * kUs;
    case Hop::pcie: return pcie[i] * kUs;
    case Hop::net: return (a == Algorithm::tree ? net_tree : net_ring)[i] * kUs;
  }
  return 0;
}

double protocol_bandwidth(Protocol p) {
  switch (p) {
    case Protocol::ll: return 0.5;
    case Protocol::ll128: return 120.0 / 128.0;
    case Protocol::simple: return 1.0;
  }
  return 1.0;
}

}  // namespace

CollectiveEnv collective_env(const topology::SystemSpec& system, const topology::DeviceSpec& device) {
  CollectiveEnv env;
  env.nccl = system.scale_up.kind != topology::ScaleUpKind::torus;
  env.in_switch_reduction = system.scale_up.kind == topology::ScaleUpKind::nvswitch &&
                            system.scale_up.in_switch_reduction;
  env.nvls_efficiency = device.arch == "blackwell" ? 0.74 : 0.85;
  return env;
}

Planner::Planner(const topology::Cluster& cluster, CollectiveEnv env)
    : cluster_(cluster), env_(env), weight_(cluster.link_count(), 0) {}

Planner::Routed Planner::route(const FlowSet& set) {
  Routed r;
  r.bytes_per_flow = set.bytes_per_flow;
  r.steps = set.steps;
  int crossing = 0;
  for (std::size_t k = 0; k < set.pairs.size(); ++k) {
    const auto [a, b] = set.pairs[k];
    bool net = false, pcie = false;
    double latency = 0;
    for (network::LinkId l : cluster_.route(a, b, k)) {
      if (weight_[l]++ == 0) touched_.push_back(l);
      const auto& info = cluster_.link(l);
      net = net || info.cls == LinkClass::network;
      pcie = pcie || info.cls == LinkClass::pcie;
      latency = std::max(latency, info.latency_s);
    }
    crossing += net;
    if (net) {
      r.network_latency_s = std::max(r.network_latency_s, latency);
    } else {
      r.pcie = r.pcie || pcie;
      r.local_latency_s = std::max(r.local_latency_s, latency);
    }
  }
  std::sort(touched_.begin(), touched_.end());
  r.rate = std::numeric_limits<double>::infinity();
  for (network::LinkId l : touched_) {
    r.links.push_back({l, weight_[l]});
    r.rate = std::min(r.rate, cluster_.link(l).achievable_bytes_per_s() / weight_[l]);
    weight_[l] = 0;
  }
  touched_.clear();
  r.network_share = set.pairs.empty() ? 0 : static_cast<double>(crossing) / set.pairs.size();
  r.max_rate = set.max_rate_bytes_per_s;
  r.rate = std::min(r.rate, r.max_rate);
  return r;
}

CollectivePlan Planner::price(const std::vector<std::vector<Routed>>& stages, Algorithm a,
                              Protocol p) const {
  CollectivePlan plan;
  plan.algorithm = a;
  plan.protocol = p;
  const double efficiency = a == Algorithm::nvls ? env_.nvls_efficiency : protocol_bandwidth(p);
  for (const auto& stage : stages) {
    PlannedStage out;
    double slowest = 0;
    for (const auto& r : stage) {
      double latency = 0;
      const double f = r.network_share;
      if (env_.nccl) {
        const Hop local = r.pcie ? Hop::pcie : Hop::nvlink;
        latency = base_latency(a, p) +
                  r.steps * (f * hop_latency(Hop::net, a, p) + (1 - f) * hop_latency(local, a, p));
      } else {
        latency = r.steps * (f * r.network_latency_s + (1 - f) * r.local_latency_s);
      }
      PlannedSet set;
      set.transfer.links = r.links;
      set.transfer.bytes_per_flow = r.bytes_per_flow / efficiency;
      set.transfer.latency = engine::from_seconds(latency);
      set.transfer.max_rate_bytes_per_s = r.max_rate;
      set.uncontended_s = latency + set.transfer.bytes_per_flow / r.rate;
      slowest = std::max(slowest, set.uncontended_s);
      out.sets.push_back(std::move(set));
    }
    plan.estimate_s += slowest;
    plan.stages.push_back(std::move(out));
  }
  return plan;
}

FlowSet Planner::replicate(const FlowSet& set, const std::vector<int>& offsets) {
  if (offsets.empty()) return set;
  FlowSet out = set;
  out.pairs.clear();
  out.pairs.reserve(set.pairs.size() * offsets.size());
  for (int o : offsets)
    for (const auto& [a, b] : set.pairs) out.pairs.emplace_back(a + o, b + o);
  return out;
}

// Replica groups whose flows share no link with each other move at the representative's rate
// (max-min gives symmetric groups on disjoint links equal shares), so only the representative's
// links need carrying: the replicas of a tensor-parallel all-gather sit on other nodes' NVLinks.
// Where replicas do share links (spines, a NIC serving two GPUs, a PCIe uplink) all are kept.
Planner::Routed Planner::route_folded(const FlowSet& set, const std::vector<int>& offsets) {
  if (offsets.size() <= 1) return route(replicate(set, offsets));
  Routed one = route(set);
  Routed all = route(replicate(set, offsets));
  return all.links.size() == one.links.size() * offsets.size() ? one : all;
}

CollectivePlan Planner::plan(const CommSpec& spec, std::optional<Algorithm> algorithm) {
  if (spec.ranks.size() < 2 || spec.bytes <= 0) return {};
  const auto candidates = algorithm ? std::vector<Algorithm>{*algorithm}
                                    : candidate_algorithms(spec, cluster_, env_.in_switch_reduction);
  std::optional<CollectivePlan> best;
  for (Algorithm a : candidates) {
    std::vector<std::vector<Routed>> routed;
    for (const auto& stage : schedule(spec, a, cluster_)) {
      routed.emplace_back();
      for (const auto& set : stage.sets) routed.back().push_back(route_folded(set, spec.replicas));
    }
    const bool protocols = env_.nccl && a != Algorithm::nvls;
    for (Protocol p : protocols ? std::vector<Protocol>{Protocol::ll, Protocol::ll128, Protocol::simple}
                                : std::vector<Protocol>{Protocol::simple}) {
      auto plan = price(routed, a, p);
      if (!best || plan.estimate_s < best->estimate_s) best = std::move(plan);
    }
  }
  return *best;
}

}  // namespace dtsim::collective
