#pragma once
// Pieces of build_cluster, one file each.
#include <cstdint>
#include <string>

#include "dtsim/topology/build.hpp"

namespace dtsim::topology::detail {

// Resolved link figures for add_link.
struct LinkParams {
  std::string type;
  double bw = 0;
  double efficiency = 1;
  double latency_s = 0;
};
LinkParams link_params(const Catalog& catalog, const std::string& id);

// One node's accelerators, its scale-up structure (not torus), host and NICs.
void build_node(Cluster& c, const Catalog& catalog, const SystemSpec& system, int node);

// NICs of `node` and the PCIe links from its accelerators (ordinals) to them.
void attach_nics(Cluster& c, const Catalog& catalog, const SystemSpec& system, int node,
                 const std::vector<int>& accelerators, const std::string& host_link);

// Chips of one TPU slice, their ICI links and OCS, hosts and NICs.
void build_torus_slice(Cluster& c, const Catalog& catalog, const SystemSpec& system,
                       const std::vector<int>& shape, int slice);

// The tiers of one folded Clos over `leaves` leaves, sized before anything is built so that
// check_cluster_shape can refuse what the radix cannot form (build_fabric.cpp says how).
// 64-bit: a million nodes' worth must be sized (and refused) without overflowing.
struct ClosPlan {
  std::int64_t leaves = 0;
  std::int64_t uplinks = 0;  // per leaf: ceil(NIC ports / oversubscription)
  std::int64_t leaves_per_pod = 0;
  std::int64_t pods = 1;
  std::int64_t spines_per_pod = 0;
  std::int64_t spine_uplinks = 0;    // 3 tiers: per spine, to the cores of its plane
  std::int64_t cores_per_plane = 0;  // 3 tiers
};
ClosPlan plan_clos(std::int64_t leaves, std::int64_t ports_per_leaf,
                   std::int64_t accelerators_per_leaf, const FabricSpec& f);
// Why the plan cannot be cabled (empty when it can).
std::string clos_problem(const ClosPlan& plan, const FabricSpec& f);

// The Clos networks a fabric of `nodes` nodes is made of: one, or one per rail (multi-plane).
struct FabricPlan {
  ClosPlan clos;
  int networks = 0;  // 0: no scale-out network (one node, or a crossbar)
};
FabricPlan plan_fabric(const SystemSpec& system, std::int64_t nodes, const FabricSpec& f);

// The scale-out fabric over every NIC already in the cluster.
void build_fabric(Cluster& c, const Catalog& catalog, const SystemSpec& system,
                  const FabricSpec& fabric);

}  // namespace dtsim::topology::detail
