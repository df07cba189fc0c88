#include "dtsim/sim/training/work_estimate.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>

#include "dtsim/models/finetune.hpp"
#include "dtsim/sim/config/error.hpp"

namespace dtsim::training {
namespace {

// Calibration (2026-12-03, release build, peak RSS by /usr/bin/time of `dtsim run`, the
// quickstart plan: GPT-3 175B, TP8 PP8 DP16 on 1,024 H100, ZeRO 1, 2,137 tasks a micro-batch
// folded). Folded, 100 and 400 micro-batches: 214,812 and 855,912 tasks, 102,092 and 382,564
// KiB: 448 bytes a task, of which the rank lists below are about 40 (8 ranks and 16 replica
// offsets per TP op). Unfolded (simulation.fold: false), 10 and 30 micro-batches: 3.0 and 8.72 M
// tasks, 821,880 and 2,424,928 KiB: 287 bytes a task (its op is shared by the group's members;
// the report's 7.3 GB for 96 micro-batches, 27.6 M tasks, is 265). Each covers the task and its
// dependency list, its op (label, rank lists), the replay's per-task state and times.
constexpr double kBytesPerFoldedTask = 410;
constexpr double kBytesPerTask = 285;
// Per communication op, besides its tasks: one int per rank of its group and of each replica.
constexpr double kBytesPerRankEntry = 4;
constexpr double kTaskIdLimit = std::numeric_limits<TaskId>::max();

// Tasks a program adds to the step graph: one per compute or communication step.
double tasks_of(const Program& p) {
  return static_cast<double>(
      std::count_if(p.begin(), p.end(), [](const Step& s) { return s.kind != Step::Kind::join; }));
}
double comms_of(const Program& p) {
  return static_cast<double>(
      std::count_if(p.begin(), p.end(), [](const Step& s) { return s.kind == Step::Kind::comm; }));
}

struct PassWork {
  double tasks = 0;
  double comms = 0;
  void add(const Program& p) {
    tasks += tasks_of(p);
    comms += comms_of(p);
  }
};

// Tasks of one simulated rank of `stage` for one micro-batch (forward and backward of every
// chunk it holds), as the step builder emits them.
PassWork stage_micro_batch_work(const config::Scenario& s, const StepInputs& in, int stage) {
  const auto& p = s.plan;
  const bool zero3 = p.zero == 3 && p.shard_ranks() > 1;
  PassWork w;
  int first = 0;
  for (int g = 0; g < p.chunks(); ++g) {
    const int count = p.chunk_layers[g];
    if (g % p.pp == stage) {
      for (int l = first; l < first + count; ++l) {
        w.add(in.layers[l].forward);
        w.add(in.layers[l].backward);
        w.tasks += zero3 ? 3 : 0;  // gathers before both passes, a reduce-scatter after
        w.comms += zero3 ? 3 : 0;
      }
      if (g == 0) w.add(in.embedding.forward), w.add(in.embedding.backward);
      if (g == p.chunks() - 1) w.add(in.head.forward), w.add(in.head.backward);
      const double sends = (g < p.chunks() - 1) + (g > 0);  // activations on, gradients back
      w.tasks += sends;
      w.comms += sends;
    }
    first += count;
  }
  return w;
}

// Per rank of `stage` and step, as the step builder emits them: gradient reductions (a bucket
// each time one fills, and at each chunk's last backward) and ZeRO 1/2 parameter gathers (a
// bucket each), the HSDP all-reduce, the tied-embedding all-reduce, the optimizer and the task
// closing the stream.
double per_step_tasks(const config::Scenario& s, const StepInputs& in, int stage) {
  const auto& p = s.plan;
  const auto& x = s.execution;
  double params = (stage == 0 ? in.embedding.params : 0) + (stage == p.pp - 1 ? in.head.params : 0);
  for (int g = stage; g < p.chunks(); g += p.pp) {
    const int first = std::accumulate(p.chunk_layers.begin(), p.chunk_layers.begin() + g, 0);
    for (int l = first; l < first + p.chunk_layers[g]; ++l)
      params += in.layers[l].params + in.layers[l].expert_params;
  }
  const double bucket = gradient_bucket_params(x, p);
  const double buckets = params > 0 ? std::floor(params / bucket) + 1 : 0;
  double tasks = 2;  // optimizer, closing task
  if (p.dp_cp() > 1 && p.zero < 3 && params > 0)
    tasks += x.overlap_grad_reduce ? std::floor(params / bucket) + p.vpp : 1;
  if (p.dp_cp() > 1 && (p.zero == 1 || p.zero == 2)) tasks += x.overlap_param_gather ? buckets : 1;
  if (p.zero == 3 && p.dp > p.shard_group()) tasks += 1;
  const bool ends = stage == 0 || stage == p.pp - 1;
  if (s.model.tied_embeddings && !models::frozen_base(s.training.finetune) && p.pp > 1 && ends)
    tasks += 1;
  return tasks;
}

std::string count_text(double n) {
  if (n >= 1e12) return fmt::format("{:.3g} T", n / 1e12);
  if (n >= 1e9) return fmt::format("{:.3g} G", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.3g} M", n / 1e6);
  return fmt::format("{:.0f}", n);
}

// What would shrink the step, for the refusal.
std::string remedies(const config::Scenario& s, const StepWork& w, bool memory_bound) {
  std::string out;
  auto add = [&](const std::string& r) { out += (out.empty() ? "" : "; ") + r; };
  if (!s.execution.fold) add("simulation.fold: true (one rank per stage simulated for its peers)");
  if (w.micro_batches > 1)
    add(
        fmt::format("fewer micro-batches ({} now: a larger parallelism.micro_batch or a smaller "
                    "training.global_batch)",
                    w.micro_batches));
  if (w.cluster_bytes > 0.25 * w.bytes) add("a smaller cluster");
  if (memory_bound)
    add("a larger simulation.max_memory (or --max-memory) on a machine that has it");
  return out;
}

// A template: glibc declares the resource as an enum type in C++.
template <class Resource>
double limit_bytes(Resource resource) {
  rlimit r{};
  if (getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
    return std::numeric_limits<double>::infinity();
  return static_cast<double>(r.rlim_cur);
}

double mem_available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line))
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream fields(line.substr(13));
      double kib = 0;
      if (fields >> kib) return kib * 1024;
    }
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

}  // namespace

StepWork estimate_step_work(const config::Scenario& s, const StepInputs& in) {
  const auto& p = s.plan;
  StepWork w;
  const std::int64_t stage_ranks = std::int64_t{p.tp} * p.cp * p.dp;
  const std::int64_t per_stage = s.execution.fold ? 1 : stage_ranks;
  w.simulated_ranks = per_stage * p.pp;
  w.micro_batches = p.micro_batches(s.training);
  const double m = static_cast<double>(w.micro_batches);
  for (int stage = 0; stage < p.pp; ++stage) {
    const PassWork pass = stage_micro_batch_work(s, in, stage);
    w.tasks += static_cast<double>(per_stage) * (m * pass.tasks + per_step_tasks(s, in, stage));
    w.comm_ops += static_cast<double>(per_stage) * m * pass.comms;
  }
  // A group of g ranks lists g ranks, folded or not; folded, also one offset per group of its
  // kind in the stage. An unfolded op is shared by its g members: g entries per g member tasks.
  const double group = std::max({p.tp, p.cp, p.ep, 2});
  const double rank_entries = s.execution.fold
                                  ? w.comm_ops * (group + static_cast<double>(stage_ranks) / group)
                                  : w.comm_ops;
  if (s.execution.network != config::Execution::Network::ideal)
    w.cluster_bytes =
        topology::estimate_cluster_size(s.cluster.system, s.cluster.shape(), s.cluster.fabric)
            .bytes;
  const double per_task = s.execution.fold ? kBytesPerFoldedTask : kBytesPerTask;
  w.bytes = w.tasks * per_task + rank_entries * kBytesPerRankEntry + w.cluster_bytes;
  return w;
}

double available_memory_bytes() {
  return std::min({mem_available_bytes(), limit_bytes(RLIMIT_AS), limit_bytes(RLIMIT_DATA)});
}

double memory_budget_bytes(const config::Execution& x) {
  return x.max_memory_bytes > 0 ? x.max_memory_bytes : 0.5 * available_memory_bytes();
}

StepWork check_step_work(const config::Scenario& s, const StepInputs& in) {
  const StepWork w = estimate_step_work(s, in);
  const auto& x = s.execution;
  const double budget = memory_budget_bytes(x);
  const std::string size =
      fmt::format("{} micro-batches x {} simulated ranks: {} tasks, about {}", w.micro_batches,
                  w.simulated_ranks, count_text(w.tasks), memory_text(w.bytes));
  if (w.tasks > kTaskIdLimit)
    throw config::ConfigError(x.budget_pos, x.budget_key,
                              fmt::format("expected a step of at most 2^31 - 1 tasks (the step "
                                          "graph's 32-bit ids), found {}; to shrink it: {}",
                                          size, remedies(s, w, false)));
  if (w.bytes <= budget) return w;
  const std::string whose = x.max_memory_bytes > 0
                                ? "simulation.max_memory"
                                : fmt::format(
                                      "half of the {} this machine has available; "
                                      "simulation.max_memory or --max-memory change it",
                                      memory_text(available_memory_bytes()));
  throw config::ConfigError(x.budget_pos, x.budget_key,
                            fmt::format("expected a step that simulates within {} ({}), found {}; "
                                        "to shrink it: {}",
                                        memory_text(budget), whose, size, remedies(s, w, true)));
}

std::string memory_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) bytes /= 1024, ++u;
  return fmt::format("{:.3g} {}", bytes, units[u]);
}

}  // namespace dtsim::training
