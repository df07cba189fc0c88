// The cluster's power at the step's utilization (equations in economics.hpp).
#include <fmt/format.h>

#include <algorithm>

#include "economics_parts.hpp"

namespace dtsim::study {

double accelerator_power_w(double tdp_w, double busy_share) {
  const double idle_w = kIdleShareOfTdp * tdp_w;
  return idle_w + busy_share * (tdp_w - idle_w);
}

namespace {

// Busy share of the compute streams: the breakdown's work categories over the step; the rest
// of the step they waited for communication or the pipeline.
double busy_share(const training::StepResult& step) {
  const auto& b = step.breakdown;
  return std::clamp((b.compute_s + b.recompute_s + b.optimizer_s) / step.step_time_s, 0.0, 1.0);
}

// Everything in a node but its accelerators, from the catalog's node power.
double node_other_w(const config::Scenario& s, double tdp_w, Assumptions& assumptions) {
  const auto& sys = s.cluster.system;
  if (!sys.node_power_w) {
    assumptions.push_back(fmt::format(
        "power: {} has no node power in the catalog: only the accelerators are counted", sys.id));
    return 0;
  }
  const double other_w = std::max(0.0, *sys.node_power_w - sys.accelerators_per_node * tdp_w);
  assumptions.push_back(fmt::format(
      "power: {:.0f} W per node besides the accelerators (host, NICs, in-node switches), held "
      "constant: the catalog's {:.0f} W node power ({}) minus {} x {:.0f} W TDP",
      other_w, *sys.node_power_w, sys.node_source, sys.accelerators_per_node, tdp_w));
  return other_w;
}

}  // namespace

Power power_of(const config::Scenario& s, const training::StepResult& step,
               Assumptions& assumptions) {
  Power p;
  p.pue = given_or(s.cost.pue, kPue,
                   fmt::format("cost.pue: {} [E] Uptime Institute Global Data Center Survey 2024: newer, "
                               "larger facilities reach 1.3 or better (industry average 1.56-1.58, "
                               "held up by legacy sites)",
                               kPue),
                   assumptions);
  const auto& device = s.cluster.device;
  if (!device.tdp_w) {
    assumptions.push_back(fmt::format(
        "power: {} has no TDP in the catalog: no energy or electricity cost", device.id));
    return p;
  }
  p.known = true;
  p.busy_share = busy_share(step);
  p.accelerator_w = accelerator_power_w(*device.tdp_w, p.busy_share);
  assumptions.push_back(
      fmt::format("power: an accelerator draws its {:.0f} W TDP while computing and {:.0f} % of it "
                  "waiting [M] (nvidia-smi at P0 with no work: H100 SXM 68-73 W of 700, A100 SXM "
                  "42-51 W of 400); busy {:.1f} % of the step: {:.0f} W",
                  *device.tdp_w, 100 * kIdleShareOfTdp, 100 * p.busy_share, p.accelerator_w));
  p.node_other_w = node_other_w(s, *device.tdp_w, assumptions);
  p.it_w = s.cluster.accelerators * p.accelerator_w + s.cluster.nodes * p.node_other_w;
  p.facility_w = p.it_w * p.pue;
  return p;
}

}  // namespace dtsim::study
