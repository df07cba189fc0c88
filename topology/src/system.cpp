#include "dtsim/topology/system.hpp"

namespace dtsim::topology {

std::string to_string(ScaleUpKind kind) {
  switch (kind) {
    case ScaleUpKind::nvswitch: return "nvswitch";
    case ScaleUpKind::full_mesh: return "full-mesh";
    case ScaleUpKind::nvlink_bridge: return "nvlink-bridge";
    case ScaleUpKind::pcie: return "pcie";
    case ScaleUpKind::torus: return "torus";
  }
  return "?";
}

std::string to_string(FabricKind kind) {
  switch (kind) {
    case FabricKind::rail_fat_tree: return "rail-fat-tree";
    case FabricKind::fat_tree: return "fat-tree";
    case FabricKind::multi_plane: return "multi-plane";
    case FabricKind::crossbar: return "crossbar";
  }
  return "?";
}

}  // namespace dtsim::topology
