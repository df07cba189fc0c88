// Scale-out fabrics as folded Clos networks.
//
// Leaves: rail-optimized (NIC r of every node of a scalable unit on leaf r of that unit, the
// DGX SuperPOD layout), top-of-rack (all NICs of `nodes_per_leaf` nodes on one leaf), or one
// independent set per NIC rail (multi-plane). A leaf with d NIC ports has u = ceil(d / o)
// uplinks (o = oversubscription).
//   2 tiers: S = ceil(leaves * u / radix) spines; every leaf spreads its u uplinks evenly over
//            all S spines (DGX SuperPOD H100, 1 SU: 8 leaves, 4 spines, 8 cables each).
//   3 tiers: pods of radix/2 leaves (or of `pod_accelerators`), u spines per pod with one cable
//            from each leaf; spine j of every pod belongs to plane j, whose cores take the
//            spines' ceil(leaves_per_pod / pod_oversubscription) uplinks (B200 SuperPOD, 16 SU:
//            128 leaves, 128 spines, 64 cores). When a plane has more cores than a spine
//            has uplinks (more pods than the radix: 8,193 DGX H100 nodes make 65 pods of 32
//            leaves on 64-port switches, 33 cores a plane), each spine reaches a rotating
//            window of them and routing picks a core both spines reach (fabric_plan.cpp
//            says how many pods that allows).
#include <cmath>
#include <stdexcept>

#include "build_internal.hpp"

namespace dtsim::topology::detail {
namespace {

// Cables from member `i` to bucket `j` when `total` cables are spread over `buckets`, rotating
// the remainder so that buckets end up equally loaded.
int spread(int total, int buckets, int i, int j) {
  const int rem = total % buckets;
  return total / buckets + (((j + static_cast<long>(i) * rem) % buckets) < rem ? 1 : 0);
}

struct FabricLinks {
  LinkParams nic;     // NIC to leaf
  LinkParams trunk;   // switch to switch
  double switch_latency_s = 0;
};

struct LeafGroup {
  std::vector<VertexId> nics;     // NIC vertices
  std::vector<int> leaf_of;       // their leaf ordinal within the group
  int leaves = 0;
  int ports_per_leaf = 0;         // NIC ports on the fullest leaf
  int accelerators_per_leaf = 0;
};

void add_trunk(Cluster& c, VertexId a, VertexId b, int cables, const FabricLinks& l) {
  if (cables <= 0) return;
  c.add_link(a, b, cables * l.trunk.bw, l.trunk.efficiency, l.trunk.latency_s + l.switch_latency_s,
             LinkClass::network, l.trunk.type, cables);
}

void build_clos(Cluster& c, const LeafGroup& g, const FabricSpec& f, const FabricLinks& l) {
  auto& clos = c.layout().clos;
  const ClosPlan plan = plan_clos(g.leaves, g.ports_per_leaf, g.accelerators_per_leaf, f);
  if (auto why = clos_problem(plan, f); !why.empty()) throw std::invalid_argument(why);
  std::vector<VertexId> leaves;
  for (int i = 0; i < g.leaves; ++i) leaves.push_back(c.add_vertex(VertexKind::leaf));
  const int first_leaf_ordinal = static_cast<int>(clos.pod_of_leaf.size());
  clos.pod_of_leaf.resize(first_leaf_ordinal + g.leaves);
  for (std::size_t k = 0; k < g.nics.size(); ++k) {
    const VertexId nic = g.nics[k];
    const int ports = c.vertex(nic).chips;
    c.add_link(nic, leaves[g.leaf_of[k]], ports * l.nic.bw, l.nic.efficiency, l.nic.latency_s,
               LinkClass::network, l.nic.type, ports);
    clos.leaf_of_nic[c.vertex(nic).index] = leaves[g.leaf_of[k]];
  }
  // clos_problem passed: every figure is a switch count of a buildable graph.
  const int per_pod = static_cast<int>(plan.leaves_per_pod);
  const int pods = static_cast<int>(plan.pods);
  const int spines_per_pod = static_cast<int>(plan.spines_per_pod);
  const int uplinks = static_cast<int>(plan.uplinks);
  const int first_pod = static_cast<int>(clos.spines_of_pod.size());
  for (int i = 0; i < g.leaves; ++i)
    clos.pod_of_leaf[first_leaf_ordinal + i] = first_pod + i / per_pod;
  for (int p = 0; p < pods; ++p) {
    clos.spines_of_pod.emplace_back();
    for (int j = 0; j < spines_per_pod; ++j) {
      const VertexId s = c.add_vertex(VertexKind::spine);
      clos.spines_of_pod.back().push_back(s);
      clos.plane_of_spine.push_back(j);
      clos.pod_of_spine.push_back(first_pod + p);
    }
  }
  for (int i = 0; i < g.leaves; ++i) {
    const auto& spines = clos.spines_of_pod[first_pod + i / per_pod];
    for (int j = 0; j < spines_per_pod; ++j)
      add_trunk(c, leaves[i], spines[j], pods == 1 ? spread(uplinks, spines_per_pod, i, j) : 1, l);
  }
  if (pods == 1) return;
  // Third tier: plane j joins spine j of every pod.
  const int cores_per_plane = static_cast<int>(plan.cores_per_plane);
  const int first_plane = static_cast<int>(clos.cores_of_plane.size());
  for (int j = 0; j < spines_per_pod; ++j) {
    clos.cores_of_plane.emplace_back();
    for (int k = 0; k < cores_per_plane; ++k)
      clos.cores_of_plane.back().push_back(c.add_vertex(VertexKind::core));
  }
  for (int p = 0; p < pods; ++p)
    for (int j = 0; j < spines_per_pod; ++j) {
      const VertexId spine = clos.spines_of_pod[first_pod + p][j];
      for (int k = 0; k < cores_per_plane; ++k)
        add_trunk(c, spine, clos.cores_of_plane[first_plane + j][k],
                  spread(static_cast<int>(plan.spine_uplinks), cores_per_plane, p, k), l);
    }
  for (std::size_t s = clos.plane_of_spine.size() - pods * spines_per_pod; s < clos.plane_of_spine.size(); ++s)
    clos.plane_of_spine[s] += first_plane;
}

}  // namespace

void build_fabric(Cluster& c, const Catalog& catalog, const SystemSpec& s, const FabricSpec& f) {
  auto& layout = c.layout();
  FabricLinks l;
  l.nic = link_params(catalog, s.scale_out.link);
  l.trunk = f.link.empty() ? l.nic : link_params(catalog, f.link);
  l.switch_latency_s = f.switch_latency_s;
  layout.clos.leaf_of_nic.assign(c.count(VertexKind::nic), -1);
  const int nodes = static_cast<int>(layout.nodes.size());
  const int rails = static_cast<int>(layout.nodes.front().nics.size());
  const int accel_per_nic = std::max(1, s.accelerators_per_node / std::max(1, rails));

  if (f.kind == FabricKind::crossbar) {
    const VertexId x = c.add_vertex(VertexKind::dcn);
    layout.clos.crossbar = x;
    for (const auto& node : layout.nodes)
      for (VertexId nic : node.nics) {
        const int ports = c.vertex(nic).chips;
        c.add_link(nic, x, ports * l.nic.bw, l.nic.efficiency, l.nic.latency_s, LinkClass::network,
                   l.nic.type, ports);
        layout.clos.leaf_of_nic[c.vertex(nic).index] = x;
      }
    return;
  }
  auto group_by = [&](auto leaf_of_node_rail, int leaves, int ports_per_leaf, auto in_group) {
    LeafGroup g;
    g.leaves = leaves;
    g.ports_per_leaf = ports_per_leaf;
    g.accelerators_per_leaf = ports_per_leaf * accel_per_nic;
    for (int n = 0; n < nodes; ++n)
      for (int r = 0; r < rails; ++r)
        if (in_group(r)) {
          g.nics.push_back(layout.nodes[n].nics[r]);
          g.leaf_of.push_back(leaf_of_node_rail(n, r));
        }
    return g;
  };
  const int unit = std::min(f.nodes_per_unit, nodes);
  switch (f.kind) {
    case FabricKind::rail_fat_tree: {
      layout.clos.rail_aligned = true;
      const int units = (nodes + unit - 1) / unit;
      build_clos(c, group_by([&](int n, int r) { return (n / unit) * rails + r; }, units * rails, unit,
                             [](int) { return true; }), f, l);
      return;
    }
    case FabricKind::fat_tree: {
      const int per_leaf = std::max(1, f.nodes_per_leaf);
      build_clos(c, group_by([&](int n, int) { return n / per_leaf; }, (nodes + per_leaf - 1) / per_leaf,
                             per_leaf * rails, [](int) { return true; }), f, l);
      return;
    }
    case FabricKind::multi_plane:
      layout.clos.rail_aligned = true;
      for (int plane = 0; plane < rails; ++plane)
        build_clos(c, group_by([&](int n, int) { return n / unit; }, (nodes + unit - 1) / unit, unit,
                               [plane](int r) { return r == plane; }), f, l);
      return;
    case FabricKind::crossbar:
      return;
  }
}

}  // namespace dtsim::topology::detail
