// One node: accelerators, the scale-up structure joining them, host, PCIe switches and NICs.
#include <algorithm>
#include <stdexcept>

#include "build_internal.hpp"

namespace dtsim::topology::detail {
namespace {

// PCIe tree: accelerators under `switches` PCIe switches (or directly on the host's root ports
// when there are none), switches under the host.
void build_pcie_tree(Cluster& c, const Catalog& catalog, const SystemSpec& s, int node,
                     const std::vector<int>& accels) {
  auto& layout = c.layout();
  const auto& up = s.scale_up;
  const LinkParams pcie = link_params(catalog, up.pcie_link);
  const LinkParams uplink = link_params(catalog, up.pcie_uplink.empty() ? up.pcie_link : up.pcie_uplink);
  const VertexId host = layout.nodes[node].host;
  std::vector<VertexId> switches;
  for (int k = 0; k < up.switches; ++k) {
    const VertexId sw = c.add_vertex(VertexKind::pcie_switch, node);
    c.add_link(sw, host, uplink.bw, uplink.efficiency, uplink.latency_s, LinkClass::pcie, uplink.type);
    switches.push_back(sw);
  }
  layout.nodes[node].pcie_switches = switches;
  const int a = static_cast<int>(accels.size());
  for (int i = 0; i < a; ++i) {
    auto& acc = layout.accelerators[accels[i]];
    acc.pcie_switch = switches.empty() ? host : switches[i * up.switches / a];
    c.add_link(acc.vertex, acc.pcie_switch, pcie.bw, pcie.efficiency, pcie.latency_s,
               LinkClass::pcie, pcie.type);
  }
}

void build_scale_up(Cluster& c, const Catalog& catalog, const SystemSpec& s, int node,
                    const std::vector<int>& accels) {
  const auto& up = s.scale_up;
  const LinkParams link = link_params(catalog, up.link);
  const int a = static_cast<int>(accels.size());
  const int k = up.links_per_accelerator;
  auto vertex = [&](int i) { return c.layout().accelerators[accels[i]].vertex; };
  switch (up.kind) {
    case ScaleUpKind::nvswitch: {
      const VertexId sw = c.add_vertex(VertexKind::nvswitch, node, std::max(1, up.switches));
      c.layout().nodes[node].scale_up_switch = sw;
      for (int i = 0; i < a; ++i)
        c.add_link(vertex(i), sw, k * link.bw, link.efficiency, link.latency_s, LinkClass::scale_up,
                   link.type, k);
      return;
    }
    case ScaleUpKind::full_mesh: {
      const int per_peer = a > 1 ? k / (a - 1) : 0;
      for (int i = 0; i < a; ++i)
        for (int j = i + 1; j < a; ++j)
          c.add_link(vertex(i), vertex(j), per_peer * link.bw, link.efficiency, link.latency_s,
                     LinkClass::scale_up, link.type, per_peer);
      return;
    }
    case ScaleUpKind::nvlink_bridge:
      for (int i = 0; i + 1 < a; i += 2)
        c.add_link(vertex(i), vertex(i + 1), k * link.bw, link.efficiency, link.latency_s,
                   LinkClass::scale_up, link.type, k);
      build_pcie_tree(c, catalog, s, node, accels);
      return;
    case ScaleUpKind::pcie:
      build_pcie_tree(c, catalog, s, node, accels);
      return;
    case ScaleUpKind::torus:
      throw std::logic_error("torus systems are built by build_torus_slice");
  }
}

}  // namespace

// NICs of a node; accelerator i uses NIC i*K/A (its rail) over the device's host PCIe link.
// A node with more NIC ports than accelerators (Gaudi 3: three per chip) gets one NIC vertex
// per accelerator carrying that many ports.
void attach_nics(Cluster& c, const Catalog& catalog, const SystemSpec& s, int node,
                 const std::vector<int>& accels, const std::string& host_link) {
  auto& layout = c.layout();
  const int ports = s.scale_out.nics_per_node;
  if (s.scale_out.link.empty() || ports == 0) return;
  const int a = static_cast<int>(accels.size());
  const int nics = std::min(ports, a);
  for (int k = 0; k < nics; ++k)
    layout.nodes[node].nics.push_back(c.add_vertex(VertexKind::nic, node, ports / nics));
  const LinkParams pcie = link_params(catalog, host_link.empty() ? s.scale_out.link : host_link);
  for (int i = 0; i < a; ++i) {
    auto& acc = layout.accelerators[accels[i]];
    acc.nic = layout.nodes[node].nics[i * nics / a];
    c.add_link(acc.vertex, acc.nic, pcie.bw, pcie.efficiency, pcie.latency_s, LinkClass::pcie, pcie.type);
  }
}

void build_node(Cluster& c, const Catalog& catalog, const SystemSpec& s, int node) {
  auto& layout = c.layout();
  layout.nodes.emplace_back();
  layout.nodes[node].host = c.add_vertex(VertexKind::host, node);
  std::vector<int> accels;
  for (int i = 0; i < s.accelerators_per_node; ++i) {
    const VertexId v = c.add_vertex(VertexKind::accelerator, node);
    accels.push_back(static_cast<int>(layout.accelerators.size()));
    layout.accelerators.push_back(Layout::Accelerator{v, node, i, node, -1, -1});
  }
  build_scale_up(c, catalog, s, node, accels);
  attach_nics(c, catalog, s, node, accels, catalog.find_device(s.device)->host_link);
}

}  // namespace dtsim::topology::detail
