#pragma once
// Builds a Cluster from catalog entries: nodes (NVSwitch, full mesh, PCIe tree, NVLink bridges),
// TPU slices (2D/3D tori, optical circuit switches between 4x4x4 cubes), and the fabric joining
// nodes or slices (rail-optimized or top-of-rack fat trees of 2 or 3 tiers with oversubscription,
// pods joined by an oversubscribed tier, independent planes, a data-center crossbar).
#include <cstdint>
#include <string>
#include <vector>

#include "dtsim/topology/catalog.hpp"
#include "dtsim/topology/cluster.hpp"

namespace dtsim::topology {

struct ClusterShape {
  int nodes = 1;                 // nodes (or NVL72 racks) for non-torus systems
  std::vector<int> torus_shape;  // torus systems: the shape of one slice
  int slices = 1;                // torus systems: slices joined over the data-center network
};

// Why `shape` cannot be built for `system` (empty when it can): too many slice chips, a shape
// of the wrong rank, several nodes without scale-out, a fabric the radix cannot form.
std::string check_cluster_shape(const SystemSpec& system, const ClusterShape& shape,
                                const FabricSpec& fabric);

// How large a cluster's graph will be, known before building it, so that one too large for
// the machine can be refused at once (topology/src/fabric_plan.cpp counts it).
struct ClusterSize {
  std::int64_t accelerators = 0;
  std::int64_t links = 0;  // physical links, each two directed edges
  double bytes = 0;        // peak memory of building the graph and summarizing it
};
ClusterSize estimate_cluster_size(const SystemSpec& system, const ClusterShape& shape,
                                  const FabricSpec& fabric);

// The most cubic (3D) or square (2D) slice shape of `chips` chips that fits the system's
// largest slice, in ascending order; empty when there is none.
std::vector<int> default_torus_shape(const SystemSpec& system, int chips);

// Throws std::invalid_argument with check_cluster_shape's reason when the shape is impossible.
Cluster build_cluster(const Catalog& catalog, const SystemSpec& system, const ClusterShape& shape,
                      const FabricSpec& fabric);

}  // namespace dtsim::topology
