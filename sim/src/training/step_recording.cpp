#include "dtsim/sim/training/step_recording.hpp"

#include <memory>

#include "dtsim/sim/collective/measure.hpp"
#include "dtsim/sim/collective/network_runner.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/step_builder.hpp"

namespace dtsim::training {
namespace {

// Reads the network's load on the given links every `period`, until `until`.
class Sampler {
 public:
  Sampler(engine::Engine& e, const network::Network& net, const topology::Cluster& c,
          std::vector<network::LinkId> links, engine::Time period, engine::Time until)
      : e_(e), net_(net), c_(c), links_(std::move(links)), period_(period), until_(until) {
    for (auto l : links_) capacity_[class_of(l)] += net_.link_capacity_bytes_per_s(l);
    e_.call_at<&Sampler::sample>(0, this);
  }
  std::vector<LinkSample> take() { return std::move(samples_); }

 private:
  int class_of(network::LinkId l) const { return static_cast<int>(c_.link(l).cls); }

  void sample(std::uint64_t) {
    LinkSample s;
    s.time_s = engine::to_seconds(e_.now());
    std::array<double, kLinkClasses> load{};
    for (auto l : links_) load[class_of(l)] += net_.link_load_bytes_per_s(l);
    for (int k = 0; k < kLinkClasses; ++k) s.utilization[k] = capacity_[k] > 0 ? load[k] / capacity_[k] : 0;
    samples_.push_back(s);
    if (e_.now() + period_ <= until_) e_.call_in<&Sampler::sample>(period_, this);
  }

  engine::Engine& e_;
  const network::Network& net_;
  const topology::Cluster& c_;
  std::vector<network::LinkId> links_;
  std::array<double, kLinkClasses> capacity_{};
  engine::Time period_, until_;
  std::vector<LinkSample> samples_;
};

}  // namespace

std::string link_class_name(int link_class) {
  static const char* names[kLinkClasses] = {"scale-up", "pcie", "network", "optical"};
  return link_class >= 0 && link_class < kLinkClasses ? names[link_class] : "?";
}

StepRecording record_step(const config::Scenario& s, int samples) {
  StepRecording out{build_step(s, step_inputs(s)), {}, {}, {}, 1};
  if (s.execution.fold) out.fold = s.plan.tp * s.plan.cp * s.plan.dp;
  using N = config::Execution::Network;
  if (s.execution.network == N::ideal) {
    engine::Engine e;
    collective::IdealRunner runner(e);
    out.replay = replay(out.graph, runner, e, true);
    return out;
  }
  const auto cluster = config::build_cluster(s);
  collective::Planner planner(cluster, collective::collective_env(s.cluster.system, s.cluster.device));
  const auto mode = s.execution.network == N::analytical ? network::Mode::analytical : network::Mode::flow;
  // First pass: the step's length and the links it uses.
  engine::Engine e1;
  auto n1 = network::make_network(mode, e1, collective::link_capacities(cluster));
  collective::NetworkRunner r1(e1, *n1, planner);
  const double length_s = replay(out.graph, r1, e1).step_time_s;
  std::vector<network::LinkId> used;
  for (network::LinkId l = 0; l < n1->link_count(); ++l) {
    if (n1->link_bytes_carried(l) <= 0) continue;
    used.push_back(l);
    auto& use = out.links[static_cast<int>(cluster.link(l).cls)];
    ++use.links;
    use.capacity_bytes_per_s += n1->link_capacity_bytes_per_s(l);
    use.bytes_carried += n1->link_bytes_carried(l);
  }
  // Second pass, sampled.
  engine::Engine e2;
  auto n2 = network::make_network(mode, e2, collective::link_capacities(cluster));
  collective::NetworkRunner r2(e2, *n2, planner);
  const engine::Time length = engine::from_seconds(length_s);
  Sampler sampler(e2, *n2, cluster, used, std::max<engine::Time>(1, length / std::max(1, samples)), length);
  out.replay = replay(out.graph, r2, e2, true);
  out.link_samples = sampler.take();
  return out;
}

}  // namespace dtsim::training
