// Renting or buying the cluster for the run (equations in economics.hpp).
#include <fmt/format.h>

#include <optional>

#include "economics_parts.hpp"

namespace dtsim::study {

double amortized_share_usd(double outlay_usd, double wall_s, double years, double utilization) {
  constexpr double kSecondsPerYear = 365.25 * 86400;  // as the reader converts `amortization`
  return outlay_usd * wall_s / (years * utilization * kSecondsPerYear);
}

namespace {

struct NodePrice {
  double usd = 0;
  PriceBasis basis = PriceBasis::whole_node;
  std::string source;
};

// A node price, most specific first: the scenario's node price, its accelerator price times
// the node's accelerators (the accelerators alone), the catalog's node price. A catalog device's
// card price is not a node price: without a node price the purchase is not known.
std::optional<NodePrice> node_price(const config::Scenario& s, Assumptions& assumptions) {
  const auto& sys = s.cluster.system;
  if (s.cost.node_price_usd)
    return NodePrice{*s.cost.node_price_usd, PriceBasis::whole_node, "cost.node_price"};
  if (s.cost.accelerator_price_usd) {
    assumptions.push_back(fmt::format(
        "cost.node_price: {} x cost.accelerator_price; the host and in-node network are not "
        "counted",
        sys.accelerators_per_node));
    return NodePrice{*s.cost.accelerator_price_usd * sys.accelerators_per_node,
                     PriceBasis::accelerators_only, "cost.accelerator_price"};
  }
  if (!sys.node_price_usd) return std::nullopt;
  assumptions.push_back(fmt::format("cost.node_price: {:.0f} USD a whole node, catalog {} ({})",
                                    *sys.node_price_usd, sys.id, sys.node_price_source));
  return NodePrice{*sys.node_price_usd, PriceBasis::whole_node, sys.node_price_source};
}

// "NVSwitch", "PCIe switches": what joins the accelerators inside the node.
std::string in_node_network(const topology::ScaleUp& up) {
  using K = topology::ScaleUpKind;
  switch (up.kind) {
    case K::nvswitch:
      return "NVSwitch";
    case K::full_mesh:
      return "in-node mesh";
    case K::nvlink_bridge:
      return "NVLink bridges and PCIe";
    case K::pcie:
      return up.switches > 0 ? "PCIe switches" : "PCIe";
    case K::torus:
      return "ICI";
  }
  return "in-node network";
}

std::string accelerator_word(const topology::DeviceSpec& d) {
  if (d.vendor == "nvidia" || d.vendor == "amd") return "GPUs";
  return d.vendor == "google" ? "chips" : "accelerators";
}

// "price per node: 8 GPUs + host + NVSwitch; scale-out per port".
std::string basis_text(const config::Scenario& s, PriceBasis basis, int ports) {
  const auto& sys = s.cluster.system;
  const std::string what =
      fmt::format("{} {}", sys.accelerators_per_node, accelerator_word(s.cluster.device));
  const std::string node =
      basis == PriceBasis::whole_node
          ? fmt::format("price per node: {} + host + {}", what, in_node_network(sys.scale_up))
          : fmt::format("price per node: {} only, no host or in-node network", what);
  return node + (ports > 0 ? "; scale-out per port" : "; no scale-out network");
}

double network_usd_per_port(const config::Scenario& s, Assumptions& assumptions) {
  return given_or(s.cost.network_usd_per_port, kNetworkUsdPerPort,
                  fmt::format("cost.network_per_port: {:.0f} USD [E] switches and optics per scale-out "
                              "port (a 1,024-GPU NDR fat tree: ~48 Quantum-2 switches, 0.55-0.75 M "
                              "USD, plus 1.2-1.6 M USD of optics; yobitel NDR sizing note)",
                              kNetworkUsdPerPort),
                  assumptions);
}

double amortization_years(const config::Scenario& s, Assumptions& assumptions) {
  return given_or(s.cost.amortization_years, kAmortizationYears,
                  fmt::format("cost.amortization: {} years [E] server book lives: Amazon 5, Meta 5.5, "
                              "Microsoft and Alphabet 6 years (10-K filings 2022-2025); accelerators "
                              "age faster, so the short end",
                              kAmortizationYears),
                  assumptions);
}

double utilization(const config::Scenario& s, Assumptions& assumptions) {
  return given_or(s.cost.utilization, kUtilization,
                  fmt::format("cost.utilization: {:.0f} % [E] the cluster busy all its life, the "
                              "floor of the run's share (at 50 % it doubles)",
                              100 * kUtilization),
                  assumptions);
}

double usd_per_kwh(const config::Scenario& s, Assumptions& assumptions) {
  return given_or(s.cost.usd_per_kwh, kUsdPerKwh,
                  fmt::format("cost.electricity: {} USD/kWh [M] EIA, average US industrial price 2023",
                              kUsdPerKwh),
                  assumptions);
}

}  // namespace

RentCost rent_of(const config::Scenario& s, double accelerator_hours, Assumptions& assumptions) {
  RentCost r;
  const auto& device = s.cluster.device;
  if (s.cost.rent_usd_per_accelerator_hour) {
    r.usd_per_accelerator_hour = *s.cost.rent_usd_per_accelerator_hour;
  } else if (device.rent_usd_per_hour) {
    r.usd_per_accelerator_hour = *device.rent_usd_per_hour;
    assumptions.push_back(fmt::format("cost.rent: {:.2f} USD per accelerator-hour, catalog {} ({})",
                                      r.usd_per_accelerator_hour, device.id, device.price_source));
  } else {
    return r;
  }
  r.known = true;
  r.total_usd = accelerator_hours * r.usd_per_accelerator_hour;
  return r;
}

BuyCost buy_of(const config::Scenario& s, double wall_s, double facility_kwh,
               Assumptions& assumptions) {
  BuyCost b;
  const auto price = node_price(s, assumptions);
  if (!price) return b;
  b.known = true;
  b.basis = price->basis;
  b.price_source = price->source;
  b.nodes = s.cluster.nodes;
  b.node_price_usd = price->usd;
  b.network_ports = s.cluster.nodes * s.cluster.system.scale_out.nics_per_node;
  b.basis_text = basis_text(s, b.basis, b.network_ports);
  // A cluster without scale-out ports (one workstation) has no fabric to price.
  b.network_usd_per_port = b.network_ports > 0 ? network_usd_per_port(s, assumptions) : 0;
  b.purchase_usd = s.cluster.nodes * b.node_price_usd + b.network_ports * b.network_usd_per_port;
  b.amortization_years = amortization_years(s, assumptions);
  b.utilization = utilization(s, assumptions);
  b.hardware_usd = amortized_share_usd(b.purchase_usd, wall_s, b.amortization_years, b.utilization);
  b.usd_per_kwh = usd_per_kwh(s, assumptions);
  b.electricity_usd = facility_kwh * b.usd_per_kwh;
  b.total_usd = b.hardware_usd + b.electricity_usd;
  assumptions.push_back(
      "cost (buy): the hardware's share for the run plus electricity; facility space, "
      "operations, maintenance and financing are not counted");
  return b;
}

}  // namespace dtsim::study
