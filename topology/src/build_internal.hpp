#pragma once
// Pieces of build_cluster, one file each.
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

// The scale-out fabric over every NIC already in the cluster.
void build_fabric(Cluster& c, const Catalog& catalog, const SystemSpec& system,
                  const FabricSpec& fabric);

}  // namespace dtsim::topology::detail
