#include "dtsim/sim/training/trace.hpp"

#include <fmt/format.h>

#include <array>
#include <map>

#include "dtsim/sim/collective/measure.hpp"
#include "dtsim/sim/collective/network_runner.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/executor.hpp"
#include "dtsim/sim/training/step_builder.hpp"

namespace dtsim::training {
namespace {

constexpr int kClasses = 4;  // topology::LinkClass
constexpr const char* kClassNames[kClasses] = {"scale-up", "pcie", "network", "optical"};
constexpr int kSamples = 400;
constexpr int kLinksPid = 1'000'000;

struct Sample {
  double time_s = 0;
  std::array<double, kClasses> utilization{};
};

// Reads the network's load on the links that carry traffic every `period`, until `until`.
class Sampler {
 public:
  Sampler(engine::Engine& e, const network::Network& net, const topology::Cluster& c,
          std::vector<network::LinkId> links, engine::Time period, engine::Time until)
      : e_(e), net_(net), c_(c), links_(std::move(links)), period_(period), until_(until) {
    for (auto l : links_) capacity_[static_cast<int>(c_.link(l).cls)] += net_.link_capacity_bytes_per_s(l);
    e_.call_at<&Sampler::sample>(0, this);
  }
  const std::vector<Sample>& samples() const { return samples_; }

 private:
  void sample(std::uint64_t) {
    Sample s;
    s.time_s = engine::to_seconds(e_.now());
    std::array<double, kClasses> load{};
    for (auto l : links_) load[static_cast<int>(c_.link(l).cls)] += net_.link_load_bytes_per_s(l);
    for (int k = 0; k < kClasses; ++k) s.utilization[k] = capacity_[k] > 0 ? load[k] / capacity_[k] : 0;
    samples_.push_back(s);
    if (e_.now() + period_ <= until_) e_.call_in<&Sampler::sample>(period_, this);
  }

  engine::Engine& e_;
  const network::Network& net_;
  const topology::Cluster& c_;
  std::vector<network::LinkId> links_;
  std::array<double, kClasses> capacity_{};
  engine::Time period_, until_;
  std::vector<Sample> samples_;
};

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

const char* stream_name(StreamKind k) {
  switch (k) {
    case StreamKind::compute: return "compute";
    case StreamKind::tp_comm: return "tp/ep comm";
    case StreamKind::cp_comm: return "cp comm";
    case StreamKind::pp_send: return "pipeline sends";
    case StreamKind::dp_gather: return "dp gathers";
    case StreamKind::dp_comm: return "dp reductions";
  }
  return "?";
}

void write(std::ostream& out, const StepGraph& g, const ReplayResult& r, const std::vector<Sample>& samples,
           const config::Scenario& s) {
  auto us = [](double seconds) { return seconds * 1e6; };
  out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  bool first = true;
  auto event = [&](const std::string& json) {
    out << (first ? "" : ",\n") << json;
    first = false;
  };
  std::map<int, bool> named;
  const int fold = s.execution.fold ? s.plan.tp * s.plan.cp * s.plan.dp : 1;
  for (std::size_t i = 0; i < g.streams().size(); ++i) {
    const auto& st = g.streams()[i];
    if (!named[st.rank]) {
      named[st.rank] = true;
      const int stage = st.rank / (s.plan.tp * s.plan.cp * s.plan.dp);
      event(fmt::format(R"j({{"name":"process_name","ph":"M","pid":{},"args":{{"name":"rank {} (stage {}{})"}}}})j",
                        st.rank, st.rank, stage, fold > 1 ? fmt::format(", for {} ranks", fold) : ""));
    }
    event(fmt::format(R"j({{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":"{}"}}}})j", st.rank,
                      static_cast<int>(st.kind), stream_name(st.kind)));
  }
  // Slices, and pipeline transfers as flows to the compute task that waited for them.
  std::vector<std::vector<TaskId>> dependents(g.tasks().size());
  for (std::size_t t = 0; t < g.tasks().size(); ++t)
    for (TaskId d : g.tasks()[t].deps) dependents[d].push_back(static_cast<TaskId>(t));
  for (std::size_t t = 0; t < g.tasks().size(); ++t) {
    const auto& task = g.tasks()[t];
    const auto& times = r.tasks[t];
    if (times.end_s <= times.start_s) continue;
    const auto& st = g.streams()[task.stream];
    const auto& op = g.ops()[task.op];
    event(fmt::format(R"j({{"name":"{}","cat":"{}","ph":"X","ts":{:.3f},"dur":{:.3f},"pid":{},"tid":{}}})j",
                      escaped(op.label.empty() ? to_string(task.category) : op.label), to_string(task.category),
                      us(times.start_s), us(times.end_s - times.start_s), st.rank, static_cast<int>(st.kind)));
    if (task.category != Category::pp_comm) continue;
    for (TaskId d : dependents[t]) {
      const auto& to = g.streams()[g.tasks()[d].stream];
      event(fmt::format(R"j({{"name":"pp","cat":"pp","ph":"s","id":{},"ts":{:.3f},"pid":{},"tid":{}}})j", t,
                        us(times.start_s), st.rank, static_cast<int>(st.kind)));
      event(fmt::format(R"j({{"name":"pp","cat":"pp","ph":"f","bp":"e","id":{},"ts":{:.3f},"pid":{},"tid":{}}})j", t,
                        us(r.tasks[d].start_s), to.rank, static_cast<int>(to.kind)));
    }
  }
  event(fmt::format(R"j({{"name":"process_name","ph":"M","pid":{},"args":{{"name":"links (utilization of those used)"}}}})j",
                    kLinksPid));
  for (const auto& sample : samples) {
    std::string args;
    for (int k = 0; k < kClasses; ++k)
      args += fmt::format("{}\"{}\":{:.4f}", k ? "," : "", kClassNames[k], sample.utilization[k]);
    event(fmt::format(R"j({{"name":"link utilization","ph":"C","ts":{:.3f},"pid":{},"args":{{{}}}}})j",
                      us(sample.time_s), kLinksPid, args));
  }
  out << "\n]}\n";
}

}  // namespace

void write_trace(const config::Scenario& s, std::ostream& out) {
  const StepGraph graph = build_step(s, step_inputs(s));
  const auto cluster = config::build_cluster(s);
  collective::Planner planner(cluster, collective::collective_env(s.cluster.system, s.cluster.device));
  using N = config::Execution::Network;
  const auto mode = s.execution.network == N::analytical ? network::Mode::analytical : network::Mode::flow;
  // First pass: the step's length and the links it uses.
  engine::Engine e1;
  auto n1 = network::make_network(mode, e1, collective::link_capacities(cluster));
  collective::NetworkRunner r1(e1, *n1, planner);
  const ReplayResult once = replay(graph, r1, e1);
  std::vector<network::LinkId> used;
  for (network::LinkId l = 0; l < n1->link_count(); ++l)
    if (n1->link_bytes_carried(l) > 0) used.push_back(l);
  // Second pass, sampled; the same graph replays identically.
  engine::Engine e2;
  auto n2 = network::make_network(mode, e2, collective::link_capacities(cluster));
  collective::NetworkRunner r2(e2, *n2, planner);
  const engine::Time length = engine::from_seconds(once.step_time_s);
  Sampler sampler(e2, *n2, cluster, used, std::max<engine::Time>(1, length / kSamples), length);
  const ReplayResult twice = replay(graph, r2, e2);
  write(out, graph, twice, sampler.samples(), s);
}

}  // namespace dtsim::training
