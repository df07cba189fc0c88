// Sizing a cluster before building it: the tiers of each folded Clos, whether the switch radix
// can cable them, and how large the whole graph will be.
#include <algorithm>
#include <cmath>

#include "build_internal.hpp"

namespace dtsim::topology {
namespace detail {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

ClosPlan plan_clos(std::int64_t leaves, std::int64_t ports_per_leaf,
                   std::int64_t accelerators_per_leaf, const FabricSpec& f) {
  const int radix = f.switch_radix;
  ClosPlan p;
  p.leaves = leaves;
  p.uplinks = static_cast<std::int64_t>(
      std::ceil(static_cast<double>(ports_per_leaf) / f.oversubscription));
  p.leaves_per_pod = leaves;
  if (f.pod_accelerators > 0)
    p.leaves_per_pod = std::max<std::int64_t>(
        1, f.pod_accelerators / std::max<std::int64_t>(1, accelerators_per_leaf));
  else if (f.tiers == 3 || (f.tiers == 0 && leaves > radix))
    p.leaves_per_pod = radix / 2;
  p.pods = ceil_div(leaves, p.leaves_per_pod);
  p.spines_per_pod = p.pods == 1 ? ceil_div(leaves * p.uplinks, radix) : p.uplinks;
  if (p.pods > 1) {
    p.spine_uplinks = static_cast<std::int64_t>(
        std::ceil(static_cast<double>(p.leaves_per_pod) / f.pod_oversubscription));
    p.cores_per_plane = ceil_div(p.pods * p.spine_uplinks, radix);
  }
  return p;
}

// A spine with w uplinks and a plane of C > w cores reaches a window of w consecutive cores
// (build_clos rotates the windows by w from pod to pod). Two windows always share a core only
// when 2w > C, i.e. ceil(pods w / radix) < 2w: beyond that, two pods could reach each other
// only through a fourth tier, which dtsim does not build.
std::string clos_problem(const ClosPlan& p, const FabricSpec& f) {
  const int radix = f.switch_radix;
  if (f.tiers == 2 && p.leaves > radix)
    return "a 2-tier fabric of radix " + std::to_string(radix) + " holds at most " +
           std::to_string(radix) + " leaves, this one needs " + std::to_string(p.leaves);
  const std::int64_t w = p.spine_uplinks;
  if (p.pods == 1 || w >= p.cores_per_plane || 2 * w > p.cores_per_plane) return {};
  const std::int64_t max_pods = (2 * w - 1) * radix / w;
  return "a 3-tier fabric of radix " + std::to_string(radix) + " joins at most " +
         std::to_string(max_pods) + " pods of " + std::to_string(p.leaves_per_pod) +
         " leaves (any two pods must share a core switch), this one needs " +
         std::to_string(p.pods) + " pods for its " + std::to_string(p.leaves) +
         " leaves; raise cluster.fabric.switch_radix or use fewer nodes";
}

FabricPlan plan_fabric(const SystemSpec& s, std::int64_t nodes, const FabricSpec& f) {
  FabricPlan plan;
  const int rails = std::min(s.scale_out.nics_per_node, s.accelerators_per_node);
  if (nodes <= 1 || rails <= 0 || f.kind == FabricKind::crossbar) return plan;
  const int accel_per_nic = std::max(1, s.accelerators_per_node / rails);
  const std::int64_t unit =
      std::max<std::int64_t>(1, std::min<std::int64_t>(f.nodes_per_unit, nodes));
  switch (f.kind) {
    case FabricKind::rail_fat_tree:
      plan.clos = plan_clos(ceil_div(nodes, unit) * rails, unit, unit * accel_per_nic, f);
      plan.networks = 1;
      break;
    case FabricKind::fat_tree: {
      const std::int64_t per_leaf = std::max(1, f.nodes_per_leaf);
      plan.clos = plan_clos(ceil_div(nodes, per_leaf), per_leaf * rails,
                            per_leaf * rails * accel_per_nic, f);
      plan.networks = 1;
      break;
    }
    case FabricKind::multi_plane:
      plan.clos = plan_clos(ceil_div(nodes, unit), unit, unit * accel_per_nic, f);
      plan.networks = rails;
      break;
    case FabricKind::crossbar:
      break;
  }
  return plan;
}

}  // namespace detail

namespace {

// Measured on the development machine (peak RSS of `dtsim topology dgx-h100 --nodes N` minus
// that of one node, 2026-12-03): 39 MB at 2,048 nodes (81,920 links), 177 MB at 8,192 nodes
// (327,680 links): about 540 bytes per physical link, vertices and the summary's max-flow
// included.
constexpr double kBytesPerLink = 540;

std::int64_t scale_up_links(const ScaleUp& up, std::int64_t nodes, std::int64_t per_node,
                            std::int64_t accelerators) {
  switch (up.kind) {
    case ScaleUpKind::nvswitch:
      return accelerators;
    case ScaleUpKind::full_mesh:
      return nodes * per_node * (per_node - 1) / 2;
    case ScaleUpKind::nvlink_bridge:
      return accelerators / 2 + 2 * accelerators;  // + PCIe tree
    case ScaleUpKind::pcie:
      return 2 * accelerators;  // to a PCIe switch, the switch to the host
    case ScaleUpKind::torus:
      return accelerators * static_cast<std::int64_t>(up.torus_dims);
  }
  return accelerators;
}

}  // namespace

ClusterSize estimate_cluster_size(const SystemSpec& s, const ClusterShape& shape,
                                  const FabricSpec& f) {
  ClusterSize size;
  const std::int64_t per_node = s.accelerators_per_node;
  std::int64_t nodes = shape.nodes;
  if (s.scale_up.kind == ScaleUpKind::torus) {
    std::int64_t chips = 1;
    for (int d : shape.torus_shape) chips *= d;
    size.accelerators = chips * shape.slices;
    nodes = (size.accelerators + per_node - 1) / per_node;
  } else {
    size.accelerators = nodes * per_node;
  }
  size.links = scale_up_links(s.scale_up, nodes, per_node, size.accelerators);
  const auto fabric = detail::plan_fabric(s, nodes, f);
  if (fabric.networks > 0 || f.kind == FabricKind::crossbar)
    size.links += 2 * size.accelerators;  // PCIe to NIC, NIC to leaf
  const auto& c = fabric.clos;
  const std::int64_t trunks =
      c.leaves * std::min(c.uplinks, c.spines_per_pod) +
      c.pods * c.spines_per_pod * std::min(c.spine_uplinks, c.cores_per_plane);
  size.links += fabric.networks * trunks;
  size.bytes = kBytesPerLink * static_cast<double>(size.links);
  return size;
}

}  // namespace dtsim::topology
