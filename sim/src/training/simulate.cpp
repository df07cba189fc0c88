#include "dtsim/models/flops.hpp"
#include "dtsim/sim/collective/alpha_beta.hpp"
#include "dtsim/sim/training/executor.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "dtsim/sim/training/step_result.hpp"

namespace dtsim::training {
namespace {

collective::NodeLinks node_links(const config::Scenario& s) {
  const auto& sys = s.cluster.system;
  const auto& up = *s.catalog.find_link(sys.scale_up.link);
  collective::NodeLinks n;
  n.accelerators_per_node = sys.accelerators_per_node;
  n.scale_up_bytes_per_s = up.achievable_bytes_per_s() * sys.scale_up.links_per_accelerator;
  n.scale_up_latency_s = up.latency_s;
  if (!sys.scale_out.link.empty()) {
    const auto& out = *s.catalog.find_link(sys.scale_out.link);
    n.scale_out_bytes_per_s = out.achievable_bytes_per_s() * sys.scale_out.nics_per_node;
    n.scale_out_latency_s = out.latency_s;
  }
  return n;
}

Breakdown average_breakdown(const StepGraph& g, const ReplayResult& r) {
  Breakdown b;
  int ranks = 0;
  for (std::size_t i = 0; i < g.streams().size(); ++i) {
    if (g.streams()[i].kind != StreamKind::compute) continue;
    const auto& t = r.streams[i];
    auto busy = [&](Category c) { return t.busy_s[static_cast<int>(c)]; };
    auto wait = [&](Wait w) { return t.wait_s[static_cast<int>(w)]; };
    b.compute_s += busy(Category::compute);
    b.recompute_s += busy(Category::recompute);
    b.optimizer_s += busy(Category::optimizer);
    b.exposed_tp_s += busy(Category::tp_comm) + busy(Category::cp_comm) + busy(Category::ep_comm) +
                      wait(Wait::tp) + wait(Wait::cp) + wait(Wait::ep);
    b.exposed_dp_s += busy(Category::dp_comm) + wait(Wait::dp);
    b.pp_wait_s += busy(Category::pp_comm) + wait(Wait::pp_transfer);
    b.bubble_s += wait(Wait::bubble);
    ++ranks;
  }
  for (double* v : {&b.compute_s, &b.recompute_s, &b.optimizer_s, &b.exposed_tp_s,
                    &b.exposed_dp_s, &b.pp_wait_s, &b.bubble_s})
    *v /= ranks;
  return b;
}

}  // namespace

StepResult simulate_step(const config::Scenario& s) {
  const StepCosts costs = step_costs(s);
  const StepGraph graph = build_step(s, costs);
  engine::Engine engine;
  collective::AlphaBetaRunner runner(engine, node_links(s));
  const ReplayResult replayed = replay(graph, runner, engine);

  StepResult r;
  r.step_time_s = replayed.step_time_s;
  r.events = replayed.events;
  r.micro_batches = s.plan.micro_batches(s.training);
  r.breakdown = average_breakdown(graph, replayed);
  const auto flops = models::step_flops(s.model, s.training, s.plan.recompute);
  r.model_flops = flops.model;
  r.hardware_flops = flops.hardware;
  const double n = s.cluster.accelerators;
  r.tokens_per_s = s.training.tokens_per_step() / r.step_time_s;
  r.mfu = flops.model / (r.step_time_s * n * costs.peak_flops_per_s);
  r.hfu = flops.hardware / (r.step_time_s * n * costs.peak_flops_per_s);
  if (s.training.tokens > 0) {
    r.time_to_train_s = s.training.tokens / r.tokens_per_s;
    r.accelerator_hours = r.time_to_train_s / 3600 * n;
  }
  return r;
}

}  // namespace dtsim::training
