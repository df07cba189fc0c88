#include "dtsim/sim/study/summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace dtsim::study {

double Summary::exposed_comm_s() const {
  const auto& b = step.breakdown;
  return b.exposed_tp_s + b.exposed_cp_s + b.exposed_ep_s + b.exposed_dp_s + b.pp_wait_s;
}

double Summary::peak_memory_bytes() const { return step.memory.capacity_bytes - step.memory.headroom_bytes(); }

std::string plan_text(const models::ParallelPlan& p) {
  std::string text = fmt::format("TP{} PP{} DP{}", p.tp, p.pp, p.dp);
  if (p.cp > 1) text += fmt::format(" CP{}", p.cp);
  if (p.ep > 1) text += fmt::format(" EP{}", p.ep);
  if (p.vpp > 1) text += fmt::format(" VPP{}", p.vpp);
  text += fmt::format(" mb{} ZeRO-{}", p.micro_batch, p.zero);
  if (p.sequence_parallel) text += " SP";
  if (p.recompute != models::Recompute::none) text += " " + models::to_string(p.recompute);
  return text;
}

Summary summarize(const config::Scenario& s) {
  Summary out;
  out.name = s.name;
  out.system = s.cluster.system.id;
  out.accelerators = s.cluster.accelerators;
  out.plan = plan_text(s.plan);
  out.step = training::simulate_step(s);
  out.economics = economics(s, out.step);
  return out;
}

}  // namespace dtsim::study
