// Routing, as the systems route:
// - inside a node: through the NVSwitch complex; over the direct link of a full mesh or NVLink
//   bridge; through the PCIe switch (peer-to-peer), or up to the host and down (no P2P, or
//   across PCIe switches);
// - on a TPU torus: dimension order (x, then y, then z), the shorter way around each ring,
//   through the OCS where a link leaves a cube face;
// - between nodes: accelerator -> its NIC -> up the fat tree to the lowest common tier ->
//   down -> NIC -> accelerator, picking spines and cores by a deterministic hash of the endpoints
//   and a salt (ECMP). On rail-optimized and multi-plane fabrics traffic to another rail first
//   crosses NVLink to the local accelerator on the destination's rail (NCCL's PXN, on by
//   default since NCCL 2.12): it then stays on one rail, off the spines within a scalable unit,
//   and on multi-plane fabrics it is the only way across.
#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "build_internal.hpp"

namespace dtsim::topology {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t ecmp_hash(VertexId a, VertexId b, std::uint64_t salt) {
  return mix(mix(static_cast<std::uint64_t>(a)) ^ (static_cast<std::uint64_t>(b) << 32) ^ mix(salt));
}

void in_node(const Cluster& c, int a, int b, std::vector<VertexId>& path) {
  const auto& L = c.layout();
  const auto& A = L.accelerators[a];
  const auto& B = L.accelerators[b];
  switch (static_cast<ScaleUpKind>(L.scale_up_kind)) {
    case ScaleUpKind::nvswitch:
      path.push_back(L.nodes[A.node].scale_up_switch);
      break;
    case ScaleUpKind::full_mesh:
      break;
    case ScaleUpKind::nvlink_bridge:
      if (A.local / 2 == B.local / 2) break;  // bridged pair
      [[fallthrough]];
    case ScaleUpKind::pcie: {
      const VertexId host = L.nodes[A.node].host;
      path.push_back(A.pcie_switch);
      const bool same_switch = A.pcie_switch == B.pcie_switch;
      if (A.pcie_switch != host && (!same_switch || !L.peer_to_peer)) path.push_back(host);
      if (B.pcie_switch != host && (!same_switch || !L.peer_to_peer)) path.push_back(B.pcie_switch);
      break;
    }
    case ScaleUpKind::torus:
      throw std::logic_error("torus routes are dimension-ordered");
  }
  path.push_back(B.vertex);
}

void on_torus(const Cluster& c, int a, int b, std::vector<VertexId>& path) {
  const auto& L = c.layout();
  const auto& T = L.torus;
  const int slice = L.accelerators[a].domain;
  const int base = slice * L.slice_chips;
  const int dims = static_cast<int>(T.shape.size());
  std::vector<int> at(dims), to(dims), stride(dims, 1);
  for (int d = 1; d < dims; ++d) stride[d] = stride[d - 1] * T.shape[d - 1];
  for (int d = 0; d < dims; ++d) {
    at[d] = ((a - base) / stride[d]) % T.shape[d];
    to[d] = ((b - base) / stride[d]) % T.shape[d];
  }
  for (int d = 0; d < dims; ++d) {
    const int n = T.shape[d];
    const int forward = ((to[d] - at[d]) % n + n) % n;
    int step = to[d] > at[d] ? 1 : -1;
    if (T.wraps[d]) step = forward <= n - forward ? 1 : -1;
    while (at[d] != to[d]) {
      at[d] = ((at[d] + step) % n + n) % n;
      int idx = base;
      for (int e = 0; e < dims; ++e) idx += at[e] * stride[e];
      path.push_back(L.accelerators[idx].vertex);
    }
  }
}

// A core of the plane cabled to both spines, by the hash: the hashed core itself when it is
// (every core is, unless the plane has more cores than a spine has uplinks), else the hashed
// one among those that are; build_fabric guarantees there is one.
VertexId common_core(const Cluster& c, const std::vector<VertexId>& cores, VertexId from,
                     VertexId to, std::uint64_t h) {
  auto reaches_both = [&](VertexId core) {
    return c.find_link(from, core) >= 0 && c.find_link(core, to) >= 0;
  };
  const VertexId hashed = cores[h % cores.size()];
  if (reaches_both(hashed)) return hashed;
  std::vector<VertexId> common;
  std::copy_if(cores.begin(), cores.end(), std::back_inserter(common), reaches_both);
  if (common.empty()) throw std::logic_error("no core switch joins these two pods");
  return common[h % common.size()];
}

// NIC to NIC through the fabric (both NICs already on the path's ends).
void across_fabric(const Cluster& c, VertexId nic_a, VertexId nic_b, std::uint64_t salt,
                   std::vector<VertexId>& path) {
  const auto& clos = c.layout().clos;
  const VertexId la = clos.leaf_of_nic[c.vertex(nic_a).index];
  const VertexId lb = clos.leaf_of_nic[c.vertex(nic_b).index];
  path.push_back(la);
  if (la != lb) {
    const std::uint64_t h = ecmp_hash(nic_a, nic_b, salt);
    const int pa = clos.pod_of_leaf[c.vertex(la).index];
    const int pb = clos.pod_of_leaf[c.vertex(lb).index];
    const auto& spines_a = clos.spines_of_pod[pa];
    const std::size_t j = h % spines_a.size();
    path.push_back(spines_a[j]);
    if (pa != pb) {
      const auto& cores = clos.cores_of_plane[clos.plane_of_spine[c.vertex(spines_a[j]).index]];
      path.push_back(common_core(c, cores, spines_a[j], clos.spines_of_pod[pb][j], h >> 32));
      path.push_back(clos.spines_of_pod[pb][j]);
    }
    path.push_back(lb);
  }
  path.push_back(nic_b);
}

}  // namespace

std::vector<VertexId> Cluster::route_vertices(int a, int b, std::uint64_t salt) const {
  const auto& L = layout_;
  std::vector<VertexId> path{L.accelerators[a].vertex};
  if (a == b) return path;
  const bool torus = static_cast<ScaleUpKind>(L.scale_up_kind) == ScaleUpKind::torus;
  if (L.accelerators[a].domain == L.accelerators[b].domain) {
    if (torus) on_torus(*this, a, b, path);
    else in_node(*this, a, b, path);
    return path;
  }
  int src = a;
  const VertexId nic_b = L.accelerators[b].nic;
  if (L.clos.rail_aligned) {
    // Hop over NVLink to the local accelerator whose NIC is on b's plane.
    const auto& node = L.nodes[L.accelerators[a].node];
    const auto rail = std::find(L.nodes[L.accelerators[b].node].nics.begin(),
                                L.nodes[L.accelerators[b].node].nics.end(), nic_b) -
                      L.nodes[L.accelerators[b].node].nics.begin();
    const int first = a - L.accelerators[a].local;
    for (int i = first; i < first + L.accelerators_per_node; ++i)
      if (L.accelerators[i].nic == node.nics[rail]) src = i;
    if (src != a) in_node(*this, a, src, path);
  }
  path.push_back(L.accelerators[src].nic);
  across_fabric(*this, L.accelerators[src].nic, nic_b, salt, path);
  path.push_back(L.accelerators[b].vertex);
  return path;
}

}  // namespace dtsim::topology
