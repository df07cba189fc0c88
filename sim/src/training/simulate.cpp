#include <memory>

#include "dtsim/models/flops.hpp"
#include "dtsim/sim/collective/network_runner.hpp"
#include "dtsim/sim/collective/measure.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "dtsim/sim/training/executor.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "dtsim/sim/training/step_result.hpp"

namespace dtsim::training {
Breakdown mean_breakdown(const StepGraph& g, const ReplayResult& r) {
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
    b.exposed_tp_s += busy(Category::tp_comm) + wait(Wait::tp);
    b.exposed_cp_s += busy(Category::cp_comm) + wait(Wait::cp);
    b.exposed_ep_s += busy(Category::ep_comm) + wait(Wait::ep);
    b.exposed_dp_s += busy(Category::dp_comm) + wait(Wait::dp);
    b.pp_wait_s += busy(Category::pp_comm) + wait(Wait::pp_transfer);
    b.bubble_s += wait(Wait::bubble);
    ++ranks;
  }
  for (double* v : {&b.compute_s, &b.recompute_s, &b.optimizer_s, &b.exposed_tp_s, &b.exposed_cp_s,
                    &b.exposed_ep_s, &b.exposed_dp_s, &b.pp_wait_s, &b.bubble_s})
    *v /= ranks;
  return b;
}

namespace {

ReplayResult run(const config::Scenario& s, const StepGraph& graph, std::uint64_t& events) {
  engine::Engine engine;
  using N = config::Execution::Network;
  if (s.execution.network == N::ideal) {
    collective::IdealRunner runner(engine);
    auto r = replay(graph, runner, engine);
    events = r.events;
    return r;
  }
  const auto cluster = config::build_cluster(s);
  collective::Planner planner(cluster, collective::collective_env(s.cluster.system, s.cluster.device));
  const auto mode = s.execution.network == N::flow ? network::Mode::flow : network::Mode::analytical;
  auto net = network::make_network(mode, engine, collective::link_capacities(cluster));
  collective::NetworkRunner runner(engine, *net, planner);
  auto r = replay(graph, runner, engine);
  events = r.events;
  return r;
}

}  // namespace

StepResult simulate_step(const config::Scenario& s) {
  const StepInputs inputs = step_inputs(s);
  const StepGraph graph = build_step(s, inputs);
  StepResult r;
  const ReplayResult replayed = run(s, graph, r.events);
  r.step_time_s = replayed.step_time_s;
  r.micro_batches = s.plan.micro_batches(s.training);
  r.breakdown = mean_breakdown(graph, replayed);
  for (const auto& st : graph.streams()) r.simulated_ranks += st.kind == StreamKind::compute;

  const auto flops = models::step_flops(s.model, s.training, s.plan.recompute);
  r.model_flops = flops.model;
  r.hardware_flops = flops.hardware;
  r.peak_flops_per_s = models::matrix_peak_flops(inputs.device, s.training.precision);
  const double n = s.cluster.accelerators;
  r.tokens_per_s = s.training.tokens_per_step() / r.step_time_s;
  r.mfu = flops.model / (r.step_time_s * n * r.peak_flops_per_s);
  r.hfu = flops.hardware / (r.step_time_s * n * r.peak_flops_per_s);

  const auto memory = memory_options(s.cluster.device, s.execution.flash_attention);
  r.memory = models::check_memory(s.model, s.training, s.plan, s.cluster.device.mem_capacity_bytes, memory);
  return r;
}

}  // namespace dtsim::training
