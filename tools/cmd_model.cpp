// dtsim model NAME [--json] [--seq-len N] | dtsim model --list [--json]
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "model_timing.hpp"
#include "dtsim/models/flops.hpp"
#include "dtsim/models/operators.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

// One sequence on one accelerator: the per-layer table is per token of it.
models::Shard one_sequence(const models::ModelSpec& m, int seq_len) {
  models::Shard s;
  s.seq_len = seq_len > 0 ? seq_len : m.seq_len;
  return s;
}

std::string attention_line(const models::ModelSpec& m) {
  std::string kind = m.kv_heads == m.heads ? "MHA" : m.kv_heads == 1 ? "MQA" : "GQA";
  if (m.mla) kind = fmt::format("MLA, latents q {} kv {}", m.mla->q_lora_rank, m.mla->kv_lora_rank);
  return fmt::format("{} heads x {} ({}, {} KV heads), {} positions", m.heads, m.qk_head_dim(),
                     kind, m.kv_heads, models::to_string(m.positions));
}

std::string mlp_line(const models::ModelSpec& m) {
  std::string line = fmt::format("{} {}", models::to_string(m.mlp), m.ffn);
  if (m.moe)
    line += fmt::format("; MoE from layer {}: {} experts of {}, top-{}, {} shared",
                        m.moe->dense_first_layers, m.moe->experts, m.moe->expert_ffn, m.moe->top_k,
                        m.moe->shared_experts);
  if (m.parallel_block) line += "; parallel attention and MLP";
  return line;
}

// Training FLOPs per token (forward + backward, as Megatron-LM counts them) at `shard.seq_len`.
double training_flops_per_token(const models::ModelSpec& m, const models::Shard& shard) {
  models::TrainingSetup t;
  t.global_batch = 1;
  t.seq_len = shard.seq_len;
  return models::step_flops(m, t, models::Recompute::none).model / shard.seq_len;
}

// The layer kinds a model has: {first layer index of the kind, count, label}.
struct LayerKind {
  int layer;
  int count;
  const char* label;
};

std::vector<LayerKind> layer_kinds(const models::ModelSpec& m) {
  const int moe = m.moe_layers();
  std::vector<LayerKind> kinds;
  if (m.layers > moe) kinds.push_back({0, m.layers - moe, "dense"});
  if (moe > 0) kinds.push_back({m.layers - moe, moe, "moe"});
  return kinds;
}

std::string shape(const models::PassCost& c) {
  if (!c.gemm) return "";
  const auto& g = *c.gemm;
  std::string s = fmt::format("{:.0f} x {:.0f} x {:.0f}", g.m, g.n, g.k);
  if (g.batch > 1) s += fmt::format(" (x{:.0f})", g.batch);
  return s;
}

Json operator_json(const models::Operator& op, double tokens) {
  Json j = {
      {"name", op.name},
      {"kind", models::to_string(op.kind)},
      {"parameters", op.parameters},
      {"forward_flops_per_token", op.forward.flops / tokens},
      {"backward_flops_per_token", (op.backward_input.flops + op.backward_weight.flops) / tokens},
      {"forward_bytes_per_token", op.forward.bytes / tokens},
      {"saved_bytes_per_token", op.saved_bytes / tokens}};
  if (op.forward.gemm)
    j["gemm"] = {{"m", op.forward.gemm->m},
                 {"n", op.forward.gemm->n},
                 {"k", op.forward.gemm->k},
                 {"batch", op.forward.gemm->batch}};
  return j;
}

Json model_json(const models::ModelSpec& m, int seq_len) {
  const auto p = models::count_params(m);
  const auto shard = one_sequence(m, seq_len);
  const double tokens = shard.seq_len;
  Json layers = Json::array();
  for (const auto& kind : layer_kinds(m)) {
    const auto ops = models::layer_operators(m, shard, kind.layer);
    Json list = Json::array();
    for (const auto& op : ops) list.push_back(operator_json(op, tokens));
    layers.push_back({{"kind", kind.label}, {"count", kind.count}, {"operators", list}});
  }
  Json j = {{"id", m.id},
            {"name", m.name},
            {"source", m.source},
            {"layers", m.layers},
            {"hidden", m.hidden},
            {"heads", m.heads},
            {"kv_heads", m.kv_heads},
            {"head_dim", m.head_dim},
            {"ffn", m.ffn},
            {"mlp", models::to_string(m.mlp)},
            {"vocab", m.vocab},
            {"seq_len", shard.seq_len}};
  j["parameters"] = {{"total", p.total},
                     {"active_per_token", p.active_per_token},
                     {"embedding", p.embedding},
                     {"output", p.output},
                     {"per_dense_layer", p.layer(false)},
                     {"per_moe_layer", m.moe ? p.layer(true) : 0}};
  const double training = training_flops_per_token(m, shard);
  j["flops_per_token"] = {{"forward", training / 3}, {"training", training}};
  j["layer_kinds"] = layers;
  return j;
}

void print_operators(const models::ModelSpec& m, const models::Shard& shard,
                     const LayerKind& kind) {
  const auto ops = models::layer_operators(m, shard, kind.layer);
  const double tokens = shard.seq_len;
  std::cout << fmt::format(
      "\n{} layer ({} of {}), per token of a {}-token sequence, no parallelism\n", kind.label,
      kind.count, m.layers, shard.seq_len);
  TextTable t({"operator", "kind", "parameters", "fwd FLOP", "kept bytes", "GEMM m x n x k"});
  double params = 0, flops = 0, kept = 0;
  for (const auto& op : ops) {
    t.row({op.name, models::to_string(op.kind), thousands(op.parameters),
           thousands(op.forward.flops / tokens), thousands(op.saved_bytes / tokens),
           shape(op.forward)});
    params += op.parameters;
    flops += op.forward.flops / tokens;
    kept += op.saved_bytes / tokens;
  }
  t.row({"layer", "", thousands(params), thousands(flops), thousands(kept), ""});
  std::cout << t.str();
}

void print_model(const models::ModelSpec& m, int seq_len) {
  const auto p = models::count_params(m);
  const auto shard = one_sequence(m, seq_len);
  std::cout << m.name << (m.id.empty() ? "" : " (" + m.id + ")") << "\n";
  TextTable info({}, true);
  info.row({"source", m.source});
  info.row({"layers", fmt::format("{} x hidden {}, vocabulary {}", m.layers, m.hidden, m.vocab)});
  info.row({"attention", attention_line(m)});
  info.row({"MLP", mlp_line(m)});
  info.row({"parameters", fmt::format("{:.2f} B (embedding {:.2f} B, output {:.2f} B)",
                                      p.total / 1e9, p.embedding / 1e9, p.output / 1e9)});
  if (m.moe) info.row({"active", fmt::format("{:.2f} B per token", p.active_per_token / 1e9)});
  const double training = training_flops_per_token(m, shard);
  info.row({"FLOPs/token", fmt::format("{:.4g} G forward, {:.4g} G training (x3), at {} tokens",
                                       training / 3e9, training / 1e9, shard.seq_len)});
  std::cout << info.str();
  for (const auto& kind : layer_kinds(m)) print_operators(m, shard, kind);
}

void print_list(const models::ModelZoo& zoo, bool json) {
  Json list = Json::array();
  TextTable t({"model", "name", "parameters", "layers", "hidden"});
  for (const auto& [id, m] : zoo.models()) {
    const double params = models::count_params(m).total;
    list.push_back({{"id", id}, {"name", m.name}, {"parameters", params}});
    t.row({id, m.name, fmt::format("{:.2f} B", params / 1e9), std::to_string(m.layers),
           std::to_string(m.hidden)});
  }
  if (json)
    std::cout << list.dump(2) << "\n";
  else
    std::cout << t.str();
}

}  // namespace

void add_model_command(CLI::App& app) {
  struct Options {
    std::string name;
    bool json = false;
    bool list = false;
    int seq_len = 0;
    std::string device;
    int tp = 1, cp = 1, micro_batch = 1;
    std::string precision = "bf16";
  };
  auto opts = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("model", "parameters, FLOPs per token and the operators of a zoo model");
  cmd->add_option("name", opts->name, "zoo model, e.g. gpt3-175b (see --list)");
  cmd->add_flag("--list", opts->list, "list the models in the zoo");
  cmd->add_flag("--json", opts->json, "print one JSON document instead of tables");
  cmd->add_option("--seq-len", opts->seq_len,
                  "sequence length for the FLOPs (default: the model's)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--device", opts->device,
                  "also time one layer's operators on this catalog accelerator, e.g. h100-sxm");
  cmd->add_option("--tp", opts->tp, "tensor-parallel ways for --device (sequence parallel when > 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--cp", opts->cp, "context-parallel ways for --device")->check(CLI::PositiveNumber);
  cmd->add_option("--micro-batch", opts->micro_batch, "sequences per micro-batch for --device")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--precision", opts->precision, "math precision for --device")
      ->check(CLI::IsMember({"bf16", "fp16", "fp8"}));
  cmd->callback([opts] {
    const auto zoo = config::builtin_zoo();
    if (opts->list) return print_list(zoo, opts->json);
    if (opts->name.empty()) throw CLI::ValidationError("name", "give a model name or --list");
    const auto* m = zoo.find(opts->name);
    if (!m)
      throw CLI::ValidationError(
          "name", "no model '" + opts->name + "' in the zoo; `dtsim model --list` lists them");
    std::optional<TimingRequest> timing;
    if (!opts->device.empty()) {
      timing.emplace();
      timing->device = opts->device;
      auto& sh = timing->shard;
      sh = one_sequence(*m, opts->seq_len);
      sh.tp = opts->tp;
      sh.cp = opts->cp;
      sh.sequence_parallel = opts->tp > 1;
      sh.micro_batch = opts->micro_batch;
      sh.precision = opts->precision == "fp8"    ? models::Precision::fp8
                     : opts->precision == "fp16" ? models::Precision::fp16
                                                 : models::Precision::bf16;
    }
    if (opts->json) {
      auto j = model_json(*m, opts->seq_len);
      if (timing) j["layer_timing"] = layer_timing_json(*m, *timing);
      std::cout << j.dump(2) << "\n";
    } else {
      print_model(*m, opts->seq_len);
      if (timing) print_layer_timing(*m, *timing);
    }
  });
}

}  // namespace dtsim::tools
