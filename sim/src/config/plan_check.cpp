#include "plan_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <numeric>

namespace dtsim::config {
namespace {

using models::Schedule;

template <class T>
T with_default(const std::optional<T>& given, T fallback, const std::string& key,
               const std::string& why, std::vector<std::string>& notes) {
  if (given) return *given;
  notes.push_back(fmt::format("parallelism.{} = {} ({})", key, fallback, why));
  return fallback;
}

// The degree to point at when tp*pp*cp does not divide `n`: the first given one that does not
// divide it alone (a variant's or --set's value, at its own line), else the mapping.
const Node& culprit(const PlanInput& in, int n, const std::array<int, 3>& tp_pp_cp) {
  const char* keys[] = {"tp", "pp", "cp"};
  for (std::size_t i = 0; i < tp_pp_cp.size(); ++i)
    if (n % tp_pp_cp[i] != 0) return in.at(keys[i]);
  return in.node;
}

void check_degrees(const PlanInput& in, Scenario& s) {
  auto& p = s.plan;
  auto& notes = s.notes;
  p.tp = with_default(in.tp, 1, "tp", "default", notes);
  p.pp = with_default(in.pp, 1, "pp", "default", notes);
  p.cp = with_default(in.cp, 1, "cp", "default", notes);
  p.ep = with_default(in.ep, 1, "ep", "default", notes);
  const int n = s.cluster.accelerators;
  const std::string cluster = fmt::format("the cluster's {} accelerators ({} nodes x {})", n,
                                          s.cluster.nodes, s.cluster.system.accelerators_per_node);
  if (in.dp) {
    p.dp = *in.dp;
    if (p.accelerators() != n)
      in.node.fail(fmt::format("expected tp*pp*dp*cp to equal {}, found {}*{}*{}*{} = {}", cluster,
                               p.tp, p.pp, p.dp, p.cp, p.accelerators()));
  } else {
    const int model_parallel = p.tp * p.pp * p.cp;
    if (n % model_parallel != 0)
      culprit(in, n, {p.tp, p.pp, p.cp})
          .fail(fmt::format("expected tp*pp*cp to divide {}, found {}*{}*{} = {}", cluster, p.tp,
                            p.pp, p.cp, model_parallel));
    p.dp = n / model_parallel;
    notes.push_back(fmt::format("parallelism.dp = {} (accelerators / (tp*pp*cp))", p.dp));
  }
}

void check_model_fits_split(const PlanInput& in, Scenario& s) {
  const auto& m = s.model;
  auto& p = s.plan;
  if (m.heads % p.tp != 0)
    in.at("tp").fail(fmt::format("expected tp to divide the model's {} attention heads, found tp = {}",
                                 m.heads, p.tp));
  if (m.kv_heads % p.tp != 0 && p.tp % m.kv_heads != 0)
    in.at("tp").fail(fmt::format(
        "expected tp to divide the model's {} KV heads (or be a multiple of them), found tp = {}",
        m.kv_heads, p.tp));
  if (p.cp > 1 && s.training.seq_len % (2 * p.cp) != 0)
    in.at("cp").fail(fmt::format("expected 2*cp to divide seq_len {} (causal load balancing), "
                                 "found cp = {}", s.training.seq_len, p.cp));
  if (p.ep > 1) {
    if (!m.moe) in.at("ep").fail("expected ep = 1 for a dense model, found ep = " + std::to_string(p.ep));
    if (m.moe->experts % p.ep != 0 || (p.dp * p.cp) % p.ep != 0)
      in.at("ep").fail(fmt::format("expected ep to divide the {} experts and dp*cp = {}, found ep = {}",
                                   m.moe->experts, p.dp * p.cp, p.ep));
  }
}

void check_schedule(const PlanInput& in, Scenario& s) {
  auto& p = s.plan;
  p.vpp = in.vpp.value_or(1);
  const Schedule fallback = p.vpp > 1 ? Schedule::interleaved_1f1b : Schedule::one_f_one_b;
  p.schedule = in.schedule.value_or(fallback);
  if (!in.schedule)
    s.notes.push_back("parallelism.schedule = " + models::to_string(p.schedule) + " (default)");
  if (p.vpp > 1 && p.schedule != Schedule::interleaved_1f1b)
    in.at("vpp").fail(fmt::format("expected vpp = 1 with schedule {}, found vpp = {} (only "
                                  "interleaved-1f1b runs several chunks per stage)",
                                  models::to_string(p.schedule), p.vpp));
  if (p.schedule == Schedule::interleaved_1f1b && p.vpp < 2)
    in.at("schedule").fail("expected vpp >= 2 with interleaved-1f1b, found vpp = " +
                           std::to_string(p.vpp));
}

void split_layers_over_chunks(const PlanInput& in, Scenario& s) {
  auto& p = s.plan;
  const int layers = s.model.layers;
  const int chunks = p.chunks();
  if (!in.layers.empty()) {
    const int total = std::accumulate(in.layers.begin(), in.layers.end(), 0);
    if (static_cast<int>(in.layers.size()) != chunks || total != layers)
      in.at("layers").fail(fmt::format(
          "expected pp*vpp = {} entries summing to the model's {} layers, found {} summing to {}",
          chunks, layers, in.layers.size(), total));
    p.chunk_layers = in.layers;
    return;
  }
  if (layers < chunks)
    in.at(in.vpp ? "vpp" : "pp")
        .fail(fmt::format("expected at least one layer per pipeline chunk, found {} layers for "
                          "pp*vpp = {}*{} = {} chunks", layers, p.pp, p.vpp, chunks));
  p.chunk_layers = models::split_layers(layers, chunks);
  if (layers % chunks != 0)
    s.notes.push_back(fmt::format("layers split unevenly over {} chunks: {}", chunks,
                                  fmt::join(p.chunk_layers, " ")));
}

void check_batch(const PlanInput& in, Scenario& s) {
  auto& p = s.plan;
  p.micro_batch = with_default(in.micro_batch, 1, "micro_batch", "default", s.notes);
  const std::int64_t per_step = static_cast<std::int64_t>(p.micro_batch) * p.dp;
  if (s.training.global_batch % per_step != 0)
    in.at("micro_batch").fail(fmt::format(
        "expected micro_batch*dp to divide the global batch of {}, found {}*{} = {}",
        s.training.global_batch, p.micro_batch, p.dp, per_step));
}

// Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using
// Megatron-LM" (SC'21, arXiv:2104.04473), takeaway 1: tensor parallelism up to the GPUs of one
// server, because its all-reduces (several per layer) are slow over the inter-server network.
// A torus slice is one scale-up domain, so TPUs are exempt.
void warn_tp_across_nodes(const PlanInput& in, Scenario& s) {
  const auto& system = s.cluster.system;
  const int per_node = system.accelerators_per_node;
  if (system.scale_up.kind == topology::ScaleUpKind::torus || s.plan.tp <= per_node) return;
  warn(in.at("tp"),
       fmt::format("tp = {} spans more than one {} node of {} accelerators: its collectives, "
                   "several per layer, cross the scale-out network (Megatron-LM keeps tp within "
                   "a node)",
                   s.plan.tp, system.id, per_node),
       s);
}

}  // namespace

void warn(const Node& at, const std::string& message, Scenario& s) {
  const SourcePos pos = at.pos();
  s.warnings.push_back(fmt::format("{}:{}:{}: warning: {}: {}", pos.file, pos.line, pos.column,
                                   at.path().empty() ? "(document)" : at.path(), message));
  s.notes.push_back("warning: " + message);
}

void check_plan(const PlanInput& in, Scenario& s) {
  check_degrees(in, s);
  check_model_fits_split(in, s);
  check_schedule(in, s);
  split_layers_over_chunks(in, s);
  check_batch(in, s);
  auto& p = s.plan;
  p.zero = with_default(in.zero, 0, "zero", "default: plain data-parallel all-reduce", s.notes);
  if (in.zero_shard) {
    if (p.dp % *in.zero_shard != 0)
      in.at("zero_shard").fail(fmt::format("expected a divisor of dp = {}, found zero_shard = {}", p.dp, *in.zero_shard));
    if (p.zero == 0) in.at("zero_shard").fail("expected zero >= 1 with zero_shard, found zero = 0");
    p.zero_shard = *in.zero_shard;
  }
  p.sequence_parallel = in.sequence_parallel.value_or(p.tp > 1);
  if (!in.sequence_parallel)
    s.notes.push_back(fmt::format("parallelism.sequence_parallel = {} (default: on when tp > 1, "
                                  "as Megatron-LM and NeMo run)", p.sequence_parallel));
  p.recompute = in.recompute.value_or(models::Recompute::none);
  if (!in.recompute) s.notes.push_back("parallelism.recompute = none (default)");
  warn_tp_across_nodes(in, s);
}

}  // namespace dtsim::config
