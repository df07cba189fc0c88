// Renting or buying the cluster for the run (equations in economics.hpp).
#include <fmt/format.h>

#include <optional>

#include "economics_parts.hpp"

namespace dtsim::study {
namespace {

constexpr double kSecondsPerYear = 365.25 * 86400;  // as the reader converts `amortization`

// A node's price, most specific first: the scenario's node price, its accelerator price times
// the node's accelerators, the catalog's node price, the catalog device's price times them.
std::optional<double> node_price_usd(const config::Scenario& s, Assumptions& assumptions) {
  const auto& sys = s.cluster.system;
  const auto& device = s.cluster.device;
  const int per_node = sys.accelerators_per_node;
  if (s.cost.node_price_usd) return s.cost.node_price_usd;
  if (s.cost.accelerator_price_usd) {
    assumptions.push_back(fmt::format(
        "cost.node_price: {} x cost.accelerator_price; the host is not counted", per_node));
    return *s.cost.accelerator_price_usd * per_node;
  }
  if (sys.node_price_usd) {
    assumptions.push_back(fmt::format("cost.node_price: {:.0f} USD, catalog {} ({})",
                                      *sys.node_price_usd, sys.id, sys.node_source));
    return sys.node_price_usd;
  }
  if (device.price_usd) {
    assumptions.push_back(
        fmt::format("cost.node_price: {} x {:.0f} USD, catalog {} ({}); the host is not counted",
                    per_node, *device.price_usd, device.id, device.price_source));
    return *device.price_usd * per_node;
  }
  return std::nullopt;
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
  const auto node_price = node_price_usd(s, assumptions);
  if (!node_price) return b;
  b.known = true;
  b.node_price_usd = *node_price;
  b.network_ports = s.cluster.nodes * s.cluster.system.scale_out.nics_per_node;
  // A cluster without scale-out ports (one workstation) has no fabric to price.
  b.network_usd_per_port = b.network_ports > 0 ? network_usd_per_port(s, assumptions) : 0;
  b.purchase_usd = s.cluster.nodes * b.node_price_usd + b.network_ports * b.network_usd_per_port;
  b.amortization_years = amortization_years(s, assumptions);
  b.hardware_usd = b.purchase_usd * wall_s / (b.amortization_years * kSecondsPerYear);
  b.usd_per_kwh = usd_per_kwh(s, assumptions);
  b.electricity_usd = facility_kwh * b.usd_per_kwh;
  b.total_usd = b.hardware_usd + b.electricity_usd;
  assumptions.push_back(
      "cost (buy): the hardware's share for the run, as if busy all its life, plus electricity; "
      "facility space, operations, maintenance and financing are not counted");
  return b;
}

}  // namespace dtsim::study
