#pragma once
// A node or rack as sold (DGX H100, GB200 NVL72, a TPU host) and the fabric that joins many.
#include <optional>
#include <string>
#include <vector>

#include "dtsim/topology/device.hpp"

namespace dtsim::topology {

enum class ScaleUpKind {
  nvswitch,       // every accelerator to a switch complex (DGX/HGX, NVL72)
  full_mesh,      // a direct link to each peer (MI300X xGMI, Gaudi 3 RoCE)
  nvlink_bridge,  // pairs joined by a bridge, PCIe otherwise (H100 PCIe, RTX 3090, A6000)
  pcie,           // PCIe switches only (consumer and workstation boxes, L40S servers)
  torus,          // TPU ICI: a 2D or 3D torus of chips, the slice is the scale-up domain
};

struct ScaleUp {
  ScaleUpKind kind = ScaleUpKind::nvswitch;
  std::string link;                   // link id of one scale-up link (NVLink, xGMI, ICI, bridge)
  int links_per_accelerator = 0;      // such links per accelerator (all peers together)
  int switches = 0;                   // NVSwitch chips (nvswitch); PCIe switches (pcie, bridge)
  bool in_switch_reduction = false;   // NVLink SHARP (NVLS), NVSwitch gen3 onward
  bool peer_to_peer = true;           // pcie/bridge: false sends peer traffic through the host
  std::string pcie_link;              // pcie/bridge: accelerator to PCIe switch
  std::string pcie_uplink;            // pcie/bridge: PCIe switch to host
  int torus_dims = 0;                 // torus: 2 or 3
  int cube = 0;                       // torus: edge of the optically joined block (4 for v4/v5p)
  std::vector<int> max_shape;         // torus: the largest slice, e.g. {16, 16, 24}
  Source source;
  friend bool operator==(const ScaleUp&, const ScaleUp&) = default;
};

struct ScaleOut {
  std::string link;                   // NIC link id; empty when the system has no scale-out
  int nics_per_node = 0;
  Source source;
  friend bool operator==(const ScaleOut&, const ScaleOut&) = default;
};

enum class FabricKind {
  rail_fat_tree,  // NIC i of every node on rail i's leaf; spines (and cores) join rails and units
  fat_tree,       // leaf-spine with top-of-rack leaves holding whole nodes
  multi_plane,    // one independent fat tree per NIC rail, no links between planes (DeepSeek)
  crossbar,       // one non-blocking switch (a data-center network seen from far away)
};

struct FabricSpec {
  FabricKind kind = FabricKind::rail_fat_tree;
  int tiers = 0;                      // 2 or 3; 0: as few as the radix allows
  int switch_radix = 64;              // ports per switch
  double oversubscription = 1;        // leaf downlinks : uplinks
  int nodes_per_unit = 32;            // rail_fat_tree: nodes per scalable unit (leaf group)
  int nodes_per_leaf = 0;             // fat_tree: nodes under one top-of-rack leaf
  int pod_accelerators = 0;           // > 0: pods of this many accelerators joined by a top tier
  double pod_oversubscription = 1;    // ... whose uplinks are this oversubscribed (Llama 3: 7)
  std::string link;                   // switch-to-switch link id; empty: the NIC's
  double switch_latency_s = 0;        // per switch hop
  Source source;
  friend bool operator==(const FabricSpec&, const FabricSpec&) = default;
};

struct SystemSpec {
  std::string id;                     // e.g. "dgx-h100"
  std::vector<std::string> aliases;
  std::string name;
  std::string device;                 // device id
  int accelerators_per_node = 0;      // per node, tray or TPU host
  ScaleUp scale_up;
  ScaleOut scale_out;
  FabricSpec fabric;                  // how many of these are joined by default
  std::optional<double> node_power_w;
  Source node_source;                 // of the node power
  // One basis for every system: the whole node as sold (accelerators, host, in-node network
  // and its NICs); the scale-out fabric behind the NICs is priced per port, apart.
  std::optional<double> node_price_usd;
  Source node_price_source;
  friend bool operator==(const SystemSpec&, const SystemSpec&) = default;
};

std::string to_string(ScaleUpKind kind);
std::string to_string(FabricKind kind);

}  // namespace dtsim::topology
