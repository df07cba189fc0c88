#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "build_internal.hpp"

namespace dtsim::topology {
namespace detail {

LinkParams link_params(const Catalog& catalog, const std::string& id) {
  const LinkSpec* l = catalog.find_link(id);
  if (!l) throw std::invalid_argument("unknown link '" + id + "'");
  return {l->id, l->bw_bytes_per_s, l->efficiency, l->latency_s};
}

}  // namespace detail

namespace {

int product(const std::vector<int>& v) {
  return std::accumulate(v.begin(), v.end(), 1, std::multiplies<>());
}

}  // namespace

std::vector<int> default_torus_shape(const SystemSpec& system, int chips) {
  const auto& up = system.scale_up;
  std::vector<int> limit = up.max_shape;
  std::sort(limit.begin(), limit.end());
  std::vector<int> best;
  double best_score = 0;
  auto consider = [&](std::vector<int> dims) {
    std::sort(dims.begin(), dims.end());
    for (std::size_t i = 0; i < dims.size(); ++i)
      if (dims[i] > limit[i]) return;
    // Most cubic: the smallest sum of dimensions; prefer whole cubes where an OCS can close rings.
    double score = std::accumulate(dims.begin(), dims.end(), 0.0);
    if (up.cube > 0)
      for (int d : dims) score += (d % up.cube != 0) ? 0.5 : 0.0;
    if (best.empty() || score < best_score) {
      best = dims;
      best_score = score;
    }
  };
  for (int a = 1; a <= chips; ++a) {
    if (chips % a) continue;
    if (up.torus_dims == 2) {
      consider({a, chips / a});
      continue;
    }
    for (int b = a; b <= chips / a; ++b)
      if ((chips / a) % b == 0) consider({a, b, chips / a / b});
  }
  return best;
}

std::string check_cluster_shape(const SystemSpec& system, const ClusterShape& shape,
                                const FabricSpec& fabric) {
  const auto& up = system.scale_up;
  if (up.kind == ScaleUpKind::torus) {
    if (static_cast<int>(shape.torus_shape.size()) != up.torus_dims)
      return "a " + std::to_string(up.torus_dims) + "-dimensional slice shape is needed for " +
             system.id;
    std::vector<int> dims = shape.torus_shape, limit = up.max_shape;
    std::sort(dims.begin(), dims.end());
    std::sort(limit.begin(), limit.end());
    for (std::size_t i = 0; i < dims.size(); ++i)
      if (dims[i] > limit[i])
        return "the slice does not fit the largest " + system.id + " slice of " +
               std::to_string(product(up.max_shape)) + " chips; use several slices";
    if (shape.slices > 1 && system.scale_out.link.empty())
      return system.id + " has no data-center network to join slices";
    return {};
  }
  if (shape.nodes > 1 && system.scale_out.link.empty())
    return system.id + " has no scale-out network: it is one node";
  if (fabric.kind == FabricKind::fat_tree && fabric.nodes_per_leaf < 1 && shape.nodes > 1)
    return "a fat-tree fabric needs nodes_per_leaf";
  const int nics_per_leaf = fabric.kind == FabricKind::fat_tree
                                ? fabric.nodes_per_leaf * system.scale_out.nics_per_node
                                : fabric.nodes_per_unit;
  const int uplinks = static_cast<int>(std::ceil(nics_per_leaf / fabric.oversubscription));
  if (fabric.kind != FabricKind::crossbar && shape.nodes > 1 &&
      nics_per_leaf + uplinks > fabric.switch_radix)
    return "a leaf with " + std::to_string(nics_per_leaf) + " NIC ports and " +
           std::to_string(uplinks) + " uplinks exceeds the switch radix of " +
           std::to_string(fabric.switch_radix);
  return detail::clos_problem(detail::plan_fabric(system, shape.nodes, fabric).clos, fabric);
}

Cluster build_cluster(const Catalog& catalog, const SystemSpec& system, const ClusterShape& shape,
                      const FabricSpec& fabric) {
  if (auto why = check_cluster_shape(system, shape, fabric); !why.empty())
    throw std::invalid_argument(why);
  Cluster c;
  c.layout().accelerators_per_node = system.accelerators_per_node;
  c.layout().scale_up_kind = static_cast<int>(system.scale_up.kind);
  c.layout().peer_to_peer = system.scale_up.peer_to_peer;
  if (system.scale_up.kind == ScaleUpKind::torus) {
    for (int s = 0; s < shape.slices; ++s)
      detail::build_torus_slice(c, catalog, system, shape.torus_shape, s);
  } else {
    for (int n = 0; n < shape.nodes; ++n) detail::build_node(c, catalog, system, n);
  }
  const bool several = system.scale_up.kind == ScaleUpKind::torus ? shape.slices > 1 : shape.nodes > 1;
  if (several) detail::build_fabric(c, catalog, system, fabric);
  c.finalize();
  return c;
}

}  // namespace dtsim::topology
