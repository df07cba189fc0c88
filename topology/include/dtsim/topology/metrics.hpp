#pragma once
// What `dtsim topology` reports about a cluster graph.
#include <array>
#include <string>
#include <vector>

#include "dtsim/topology/cluster.hpp"

namespace dtsim::topology {

struct LinkTally {
  std::string type;      // link id, e.g. "nvlink4"
  LinkClass cls;
  int cables = 0;        // physical links (each counted once, not per direction)
  double bw_bytes_per_s = 0;  // of one cable, per direction
};

struct TopologySummary {
  int accelerators = 0;
  int nodes = 0;
  std::array<int, kVertexKinds> vertices{};  // by VertexKind
  int nvswitch_chips = 0;
  int optical_switches = 0;                  // OCS behind the optical links (TPU pods)
  std::vector<LinkTally> links;              // by (type, class), in first-seen order
  // Per accelerator, per direction, raw: everything out of accelerator 0 except its NIC link,
  // and its share of its NIC's uplink.
  double scale_up_injection_bytes_per_s = 0;
  double scale_out_injection_bytes_per_s = 0;
  // Maximum flow from the first half of the accelerators to the second (raw link rates, one
  // direction). For the symmetric layouts dtsim builds this is the bisection bandwidth.
  double bisection_bytes_per_s = 0;
  int diameter_hops = 0;  // longest routed path from a sample of sources, in links
};

TopologySummary summarize(const Cluster& cluster);
double bisection_bandwidth(const Cluster& cluster);
int routed_diameter(const Cluster& cluster);

// Graphviz (undirected, one edge per physical link group).
std::string to_dot(const Cluster& cluster);

}  // namespace dtsim::topology
