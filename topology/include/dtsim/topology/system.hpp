#pragma once
// A node or rack as sold (DGX H100, GB200 NVL72, a TPU slice) and the fabric that joins many.
#include <optional>
#include <string>
#include <vector>

#include "dtsim/topology/device.hpp"

namespace dtsim::topology {

enum class ScaleUpKind {
  nvswitch,       // every accelerator to every switch (DGX/HGX, NVL72)
  full_mesh,      // a direct link to each peer (MI300X xGMI, Gaudi 3 RoCE)
  nvlink_bridge,  // pairs joined by a bridge, PCIe otherwise
  pcie,           // PCIe switches only (consumer and workstation boxes)
  torus,          // TPU ICI
};

struct ScaleUp {
  ScaleUpKind kind = ScaleUpKind::nvswitch;
  std::string link;                   // link id
  int links_per_accelerator = 0;      // ports each accelerator uses for scale-up
  int switches = 0;                   // NVSwitch chips (nvswitch kind)
  bool in_switch_reduction = false;   // NVLink SHARP (NVLS)
  bool peer_to_peer = true;           // pcie kind: false routes peer traffic through the host
  Source source;
  friend bool operator==(const ScaleUp&, const ScaleUp&) = default;
};

struct ScaleOut {
  std::string link;                   // NIC link id; empty when the system has no scale-out
  int nics_per_node = 0;
  Source source;
  friend bool operator==(const ScaleOut&, const ScaleOut&) = default;
};

struct SystemSpec {
  std::string id;                     // e.g. "dgx-h100"
  std::vector<std::string> aliases;
  std::string name;
  std::string device;                 // device id
  int accelerators_per_node = 0;
  ScaleUp scale_up;
  ScaleOut scale_out;
  std::optional<double> node_power_w;
  std::optional<double> node_price_usd;
  Source node_source;
  friend bool operator==(const SystemSpec&, const SystemSpec&) = default;
};

}  // namespace dtsim::topology
