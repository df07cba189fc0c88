// dtsim memory SCENARIO.yaml [--json] [--strict] [--set key.path=value ...] [--no-flash-attention]
//                            [--state-layout megatron|zero-paper|pure-bf16]
// Per-stage memory of one accelerator and the verdict. A plan that does not fit is a result
// (exit 0), not an error.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "exit_status.hpp"
#include "memory_verdict.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "dtsim/models/finetune.hpp"
#include "dtsim/models/memory.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string gib(double bytes) {
  return fmt::format("{:.2f}", bytes / kGiB);
}

// The fine-tuning setup, and how many parameters it trains.
std::string finetune_line(const models::ModelSpec& m, const models::Finetune& f) {
  using models::WeightFormat;
  if (!models::frozen_base(f)) return "fine-tuning: full (every weight trained)";
  const double total = models::count_params(m).total, trained = models::trained_params(m, f);
  const char* targets = f.attention && f.mlp ? "attention and MLP" : f.attention ? "attention" : "MLP";
  std::string base = "16-bit";
  const char* kept = " (embedding, norms and output layer 16-bit)";
  if (f.base_format == WeightFormat::int8) base = "int8, 1 byte + an fp32 scale per output row";
  if (f.base_format == WeightFormat::nf4)
    base = fmt::format("nf4, {:.3f} bits per parameter with double-quantized scales",
                       models::kNf4BitsPerParam);
  if (f.base_format == WeightFormat::training) kept = "";
  return fmt::format(
      "fine-tuning: {}, rank-{} adapters on the {} linear layers, {:.1f} M trained parameters "
      "({:.2f} % of {:.2f} B); frozen base {}{}, no gradients or optimizer state",
      models::to_string(f.method), f.rank, targets, trained / 1e6, 100 * trained / total,
      total / 1e9, base, kept);
}

std::vector<std::string> assumptions(const models::ModelSpec& m, const models::TrainingSetup& t,
                                     const models::MemoryOptions& o) {
  const auto per_param = models::state_bytes_per_param(t.precision, o.layout);
  return {
      fmt::format(
          "model state: {} + {} + {} = {} bytes per trained parameter before ZeRO sharding ({} "
          "layout)",
          per_param.weights, per_param.grads, per_param.optimizer, per_param.total(),
          models::to_string(o.layout)),
      finetune_line(m, t.finetune),
      fmt::format("attention: {}", o.flash_attention ? "FlashAttention (no s x s tensors kept)"
                                                     : "unfused (s x s scores kept)"),
      fmt::format(
          "framework: {:.2f} GiB (runtime, communication buffers, workspaces), fragmentation {:.0f} %",
          o.framework_bytes / kGiB, 100 * o.fragmentation)};
}

Json stage_json(const models::MemoryBreakdown& b) {
  return {{"stage", b.stage},
          {"layers", b.layers},
          {"parameters", b.params},
          {"trained_parameters", b.trained_params},
          {"weights_bytes", b.weights_bytes},
          {"grads_bytes", b.grads_bytes},
          {"optimizer_bytes", b.optimizer_bytes},
          {"activation_bytes_per_micro_batch", b.activation_bytes_per_micro_batch},
          {"micro_batches_in_flight", b.micro_batches_in_flight},
          {"activation_bytes", b.activation_bytes},
          {"embedding_output_bytes", b.embedding_output_bytes},
          {"temporary_bytes", b.temporary_bytes},
          {"framework_bytes", b.framework_bytes},
          {"fragmentation_bytes", b.fragmentation_bytes},
          {"total_bytes", b.total_bytes()}};
}

Json to_json(const config::Scenario& s, const models::MemoryVerdict& v,
             const models::MemoryOptions& o) {
  Json stages = Json::array();
  for (const auto& b : v.stages) stages.push_back(stage_json(b));
  Json j;
  j["scenario"] = s.name;
  j["model"] = s.model.name;
  j["accelerator"] = s.cluster.device.id;
  j["capacity_bytes"] = v.capacity_bytes;
  j["stages"] = stages;
  j["worst_stage"] = v.worst_stage;
  j["fits"] = v.fits();
  j["tight"] = v.tight();
  j["headroom_bytes"] = v.headroom_bytes();
  j["memory"] = memory_json(v);
  j["assumptions"] = assumptions(s.model, s.training, o);
  j["notes"] = s.notes;
  return j;
}

void print_text(const config::Scenario& s, const models::MemoryVerdict& v,
                const models::MemoryOptions& o) {
  const auto& p = s.plan;
  std::cout << s.name << "\n";
  TextTable setup({}, true);
  setup.row({"model", fmt::format("{} ({:.1f} B parameters)", s.model.name,
                                  models::count_params(s.model).total / 1e9)});
  setup.row({"plan",
             fmt::format("TP{} PP{} DP{} CP{} EP{}, {} (vpp {}), micro-batch {}, ZeRO-{}, SP {}, "
                         "recompute {}, {}",
                         p.tp, p.pp, p.dp, p.cp, p.ep, models::to_string(p.schedule), p.vpp,
                         p.micro_batch, p.zero, p.sequence_parallel ? "on" : "off",
                         models::to_string(p.recompute), models::to_string(s.training.precision))});
  setup.row(
      {"accelerator", fmt::format("{}, {} GiB", s.cluster.device.name, gib(v.capacity_bytes))});
  std::cout << setup.str() << "\n";

  TextTable t({"stage (GiB per rank)", "layers", "weights", "grads", "optimizer", "activations",
               "in flight", "emb/out", "temporary", "framework", "total"});
  for (const auto& b : v.stages)
    t.row({std::to_string(b.stage), std::to_string(b.layers), gib(b.weights_bytes),
           gib(b.grads_bytes), gib(b.optimizer_bytes), gib(b.activation_bytes),
           fmt::format("{:.2f}", b.micro_batches_in_flight), gib(b.embedding_output_bytes),
           gib(b.temporary_bytes), gib(b.framework_bytes + b.fragmentation_bytes),
           gib(b.total_bytes())});
  std::cout << t.str() << "\n" << memory_verdict_line(v, s.cluster.device.name) << "\n\nassumptions\n";
  for (const auto& a : assumptions(s.model, s.training, o)) std::cout << "  " << a << "\n";
  for (const auto& n : s.notes) std::cout << "  " << n << "\n";
}

}  // namespace

void add_memory_command(CLI::App& app) {
  struct Options {
    std::string scenario;
    bool json = false;
    bool no_flash = false;
    bool strict = false;
    models::StateLayout layout = models::StateLayout::megatron;
    std::vector<std::string> overrides;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "memory", "memory per accelerator of each pipeline stage, and whether it fits");
  cmd->add_option("scenario", opts->scenario, "scenario YAML file")->required();
  cmd->add_flag("--json", opts->json, "print one JSON document instead of tables");
  cmd->add_option("--set", opts->overrides, "override a scenario key: --set parallelism.tp=4")
      ->take_all();
  cmd->add_flag("--strict", opts->strict,
                "exit with status 3 when the plan does not fit (a tight plan passes, with a warning)");
  cmd->add_flag("--no-flash-attention", opts->no_flash,
                "unfused attention: keep the s x s score tensors");
  cmd->add_option(
         "--state-layout", opts->layout,
         "bytes per trained parameter of model state: megatron (bf16 18, fp16 20), zero-paper "
         "(16) or pure-bf16 (12: no master copy, as QLoRA's code trains adapters)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, models::StateLayout>{
          {"megatron", models::StateLayout::megatron},
          {"zero-paper", models::StateLayout::zero_paper},
          {"pure-bf16", models::StateLayout::pure_bf16}}));
  cmd->callback([opts] {
    const auto scenario = config::load_scenario(opts->scenario, opts->overrides);
    for (const auto& warning : scenario.warnings) std::cerr << warning << "\n";
    auto options = training::memory_options(scenario.cluster.device,
                                            scenario.execution.flash_attention && !opts->no_flash);
    options.layout = opts->layout;
    const auto verdict = models::check_memory(scenario.model, scenario.training, scenario.plan,
                                              scenario.cluster.device.mem_capacity_bytes, options);
    if (opts->json)
      std::cout << to_json(scenario, verdict, options).dump(2) << "\n";
    else
      print_text(scenario, verdict, options);
    warn_memory(verdict, "memory", scenario.cluster.device.name);
    if (opts->strict && !verdict.fits())
      throw AnswerNo("memory --strict: the plan does not fit in memory");
  });
}

}  // namespace dtsim::tools
