// The explanation's memory: models::MemoryBreakdown of the fullest pipeline stage (and of the
// first and last where they differ), each part with the rule models/memory.hpp applies.
#include <fmt/format.h>

#include "dtsim/sim/training/device_compute.hpp"
#include "explain_parts.hpp"

namespace dtsim::study::detail {
namespace {

// A model-state part: N x bytes per parameter, over the ZeRO shard group when sharded (D =
// ParallelPlan::shard_ranks(), d x cp; routed experts over E = expert_shard_ranks(), d x cp / ep),
// as models/memory.cpp shards it. The breakdown keeps no dense/expert split, so with expert
// parallelism the expert parameters are solved from its result:
//   bytes = (N - N_e) k / D + N_e k / E   =>   N_e = (bytes / k - N / D) / (1/E - 1/D).
std::pair<std::string, std::string> state_formula(double n, double per_param, bool sharded, double bytes,
                                                  const models::ParallelPlan& p, bool experts) {
  const double dense_ranks = p.shard_ranks(), expert_ranks = p.expert_shard_ranks();
  if (!sharded) return {fmt::format("N x {:g} B", per_param), fmt::format("{} x {:g} B", si(n), per_param)};
  if (!experts || expert_ranks == dense_ranks)
    return {fmt::format("N x {:g} B / (d x cp)", per_param),
            fmt::format("{} x {:g} B / {:g}", si(n), per_param, dense_ranks)};
  const double ne = (bytes / per_param - n / dense_ranks) / (1 / expert_ranks - 1 / dense_ranks);
  return {fmt::format("N_dense x {:g} B / (d x cp) + N_experts x {:g} B / (d x cp / ep)", per_param, per_param),
          fmt::format("{} x {:g} B / {:g} + {} x {:g} B / {:g}", si(n - ne), per_param, dense_ranks, si(ne), per_param,
                      expert_ranks)};
}

// Why the stage holds that many micro-batches' activations (models/memory.hpp).
ExplainItem in_flight_item(const models::ParallelPlan& p, const models::MemoryBreakdown& b, std::int64_t m) {
  using models::Schedule;
  std::string formula, values, what;
  switch (p.schedule) {
    case Schedule::gpipe:
      formula = "m";
      values = fmt::format("{}", m);
      what = "GPipe runs every forward before the first backward";
      break;
    case Schedule::one_f_one_b:
      formula = "min(p - s, m)";
      values = fmt::format("min({} - {}, {})", p.pp, b.stage, m);
      what = "1F1B runs p - s - 1 warm-up forwards on stage s before its first backward";
      break;
    case Schedule::interleaved_1f1b:
      formula = "min(2 (p - s - 1) + (v - 1) p + 1, m v) / v";
      values = fmt::format("min(2 x ({} - {} - 1) + ({} - 1) x {} + 1, {} x {}) / {}", p.pp, b.stage, p.vpp, p.pp,
                           m, p.vpp, p.vpp);
      what = "interleaved 1F1B: Megatron-LM's warm-up, in chunk micro-batches of 1/v of the stage";
      break;
  }
  return item("memory.micro_batches_in_flight", "micro-batches in flight: " + what, formula, values,
              b.micro_batches_in_flight, "");
}

// Weights, gradients and optimizer state of the stage's rank.
void state_items(const config::Scenario& s, const models::MemoryBreakdown& b, std::vector<ExplainItem>& items) {
  const auto& p = s.plan;
  const auto options = training::memory_options(s.cluster.device, s.execution.flash_attention);
  const auto per = models::state_bytes_per_param(s.training.precision, options.layout);
  const double n = b.trained_params;
  const bool frozen = b.trained_params < b.params, experts = s.model.moe && p.ep > 1;
  items.push_back(item("memory.params", fmt::format("parameters held ({} layers{}{})", b.layers,
                                                    b.stage == 0 ? ", embedding" : "",
                                                    b.stage == p.pp - 1 ? ", output layer" : ""),
                       "", "", b.params, ""));
  if (frozen) items.push_back(item("memory.trained_params", "of which trained (adapters)", "", "", n, ""));
  auto add = [&](const char* key, const std::string& what, double per_param, bool sharded, double bytes,
                 const std::string& note) {
    const auto [formula, values] = state_formula(n, per_param, sharded, bytes, p, experts);
    items.push_back(item(key, what, formula + note, values + note, bytes, "GiB"));
  };
  add("memory.weights", "weights", per.weights, p.zero >= 3, b.weights_bytes, frozen ? " + frozen weights as stored" : "");
  add("memory.grads", "gradients", per.grads, p.zero >= 2, b.grads_bytes, "");
  add("memory.optimizer", fmt::format("optimizer state ({} layout, ZeRO-{})", models::to_string(options.layout), p.zero),
      per.optimizer, p.zero >= 1, b.optimizer_bytes, "");
}

// Activations and the buffers beside them.
void activation_items(const config::Scenario& s, const models::MemoryBreakdown& b, std::vector<ExplainItem>& items) {
  const auto& p = s.plan;
  items.push_back(item("memory.activations_per_micro_batch",
                       fmt::format("activations of one micro-batch ({} recompute{})", models::to_string(p.recompute),
                                   p.sequence_parallel && p.tp > 1 ? ", sequence parallel" : ""),
                       "layers x kept bytes per layer (Korthikanti et al. 2022, Table 2)",
                       fmt::format("{} x {}", b.layers, b.layers ? gib_text(b.activation_bytes_per_micro_batch / b.layers) : "0"),
                       b.activation_bytes_per_micro_batch, "GiB"));
  items.push_back(in_flight_item(p, b, p.micro_batches(s.training)));
  items.push_back(item("memory.activations", "activations", "per micro-batch x in flight",
                       fmt::format("{} x {:g}", gib_text(b.activation_bytes_per_micro_batch), b.micro_batches_in_flight),
                       b.activation_bytes, "GiB"));
  if (b.embedding_output_bytes > 0)
    items.push_back(item("memory.embedding_output", "embedding / output layer and loss activations",
                         "per micro-batch x in flight", "", b.embedding_output_bytes, "GiB"));
  if (b.temporary_bytes > 0)
    items.push_back(item("memory.temporary", "temporary buffers",
                         p.zero >= 3 ? "2 gathered layers (ZeRO-3: running and prefetched)"
                         : p.recompute == models::Recompute::full ? "one layer's activations rebuilt for its backward"
                                                                   : "16-bit copy of the largest quantized weight",
                         "", b.temporary_bytes, "GiB"));
}

ExplainSection stage_section(const config::Scenario& s, const models::MemoryVerdict& v, int stage,
                             const std::string& why) {
  const auto& b = v.stages.at(stage);
  ExplainSection sec{"memory.stage" + std::to_string(stage),
                     fmt::format("memory per accelerator, pipeline stage {} ({})", stage, why), "", {}};
  auto& items = sec.items;
  state_items(s, b, items);
  activation_items(s, b, items);
  const auto options = training::memory_options(s.cluster.device, s.execution.flash_attention);
  items.push_back(item("memory.framework", "framework (CUDA context, NCCL and cuBLAS buffers)", "", "",
                       b.framework_bytes, "GiB"));
  items.push_back(item("memory.fragmentation", "allocator fragmentation",
                       fmt::format("{:g} % of all the above but the framework", 100 * options.fragmentation), "",
                       b.fragmentation_bytes, "GiB"));
  items.push_back(item("memory.total", "total", "sum of the above", "", b.total_bytes(), "GiB"));
  items.push_back(item("memory.capacity", "capacity of one " + s.cluster.device.name, "", "", v.capacity_bytes, "GiB"));
  const double headroom = v.capacity_bytes - b.total_bytes();
  items.push_back(item("memory.headroom", headroom >= 0 ? "headroom" : "over capacity by", "capacity - total",
                       fmt::format("{} - {}", gib_text(v.capacity_bytes), gib_text(b.total_bytes())), headroom, "GiB"));
  const double state = b.model_state_bytes(), acts = b.activation_bytes + b.embedding_output_bytes;
  sec.summary = fmt::format("{} of {}: model state {} ({:.0f} %), activations {} ({:.0f} %); {}.",
                            gib_text(b.total_bytes()), gib_text(v.capacity_bytes), gib_text(state),
                            100 * state / b.total_bytes(), gib_text(acts), 100 * acts / b.total_bytes(),
                            headroom >= 0 ? "it fits with " + gib_text(headroom) + " to spare"
                                          : "it does NOT fit: " + gib_text(-headroom) + " short");
  return sec;
}

}  // namespace

std::vector<ExplainSection> memory_sections(const config::Scenario& s, const training::StepResult& r) {
  const auto& v = r.memory;
  const int worst = v.worst_stage, last = s.plan.pp - 1;
  std::vector<ExplainSection> out;
  out.push_back(stage_section(s, v, worst, "the fullest"));
  if (worst != 0) out.push_back(stage_section(s, v, 0, "the first"));
  if (last != worst && last != 0) out.push_back(stage_section(s, v, last, "the last"));
  return out;
}

}  // namespace dtsim::study::detail
