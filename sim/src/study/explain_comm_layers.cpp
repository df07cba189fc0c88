// Tensor, context and expert parallelism in an explanation: the collectives of the layer
// programs the replay runs (training/layer_program.hpp), counted per layer and micro-batch and
// over a step of a rank of pipeline stage 0.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "explain_comm.hpp"
#include "explain_parts.hpp"

namespace dtsim::study::detail {
namespace {

using collective::Op;
using training::Exchange;
using training::Step;

// The dimension an exchange of the layer programs runs over.
Dim dim_of(Exchange e) {
  switch (training::group_of(e)) {
    case training::ExchangeGroup::cp: return Dim::cp;
    case training::ExchangeGroup::ep: return Dim::ep;
    case training::ExchangeGroup::tp: break;
  }
  return Dim::tp;
}

// Collectives of one kind and size, counted forward and backward.
struct Tally {
  Op op;
  double bytes;
  double forward = 0, backward = 0;
  double count() const { return forward + backward; }
};

void count(const training::Program& program, Dim d, bool forward, double times, std::vector<Tally>& out) {
  for (const auto& step : program) {
    if (step.kind != Step::Kind::comm || dim_of(step.exchange) != d) continue;
    const Op op = training::op_of(step.exchange);
    auto it = std::find_if(out.begin(), out.end(), [&](const Tally& t) { return t.op == op && t.bytes == step.bytes; });
    if (it == out.end()) it = out.insert(out.end(), Tally{op, step.bytes});
    (forward ? it->forward : it->backward) += times;
  }
}

void count(const training::BlockProgram& b, Dim d, double times, std::vector<Tally>& out) {
  count(b.forward, d, true, times, out);
  count(b.backward, d, false, times, out);
}

// The formula of a collective's size: the one of layer_program.cpp's sizes it equals.
std::pair<std::string, std::string> size_formula(const CommContext& c, Dim d, double bytes) {
  const auto& p = c.s.plan;
  const double b = p.micro_batch, s = c.s.training.seq_len, h = static_cast<double>(c.s.model.hidden);
  const double tokens = b * s / p.cp;
  const int top_k = c.s.model.moe ? c.s.model.moe->top_k : 1;
  const double kv_width = training::program_context(c.s, c.inputs.device).kv_width;
  const int sp_tp = p.sequence_parallel && p.tp > 1 ? p.tp : 1;
  const std::string bsh = fmt::format("{:g} x {:g} x {:g}", b, s / p.cp, h);
  struct Candidate {
    Dim dim;
    double bytes;
    std::string formula, values;
  };
  const std::array<Candidate, 5> candidates = {{
      {Dim::tp, tokens * h * 2, "b x (s/cp) x h x 2 B (16-bit activations)", bsh + " x 2"},
      {Dim::tp, tokens * h * 2 * top_k, "b x (s/cp) x h x 2 x top_k B", fmt::format("{} x 2 x {}", bsh, top_k)},
      {Dim::tp, tokens * 12, "b x (s/cp) x 12 B (max, sum and target logit in fp32)",
       fmt::format("{:g} x {:g} x 12", b, s / p.cp)},
      {Dim::cp, 2 * b * s * kv_width * 2, "2 x b x s x (kv_heads/tp) x head_dim x 2 B (K and V)",
       fmt::format("2 x {:g} x {:g} x {:g} x 2", b, s, kv_width)},
      {Dim::ep, tokens / sp_tp * top_k * h * 2, "b x (s/cp) / tp_SP x top_k x h x 2 B (routed tokens)",
       fmt::format("{:g} x {:g} / {} x {} x {:g} x 2", b, s / p.cp, sp_tp, top_k, h)},
  }};
  for (const auto& k : candidates)
    if (k.dim == d && std::fabs(k.bytes - bytes) <= 1e-9 * bytes) return {k.formula, k.values};
  return {"", ""};
}

std::string op_name(Op op) { return collective::to_string(op); }

const char* dim_key(Dim d) { return d == Dim::tp ? "tp" : d == Dim::cp ? "cp" : "ep"; }

// Wire bytes per rank: the nccl-tests bus factor times the size, summed.
std::pair<std::string, double> wire(const std::vector<Tally>& tallies, int n) {
  double wire = 0;
  std::string values;
  for (const auto& t : tallies) {
    const double f = collective::bus_factor(t.op, n);
    wire += t.count() * t.bytes * f;
    values += fmt::format("{}{:g} x {} x {}", values.empty() ? "" : " + ", t.count(), bytes_text(t.bytes),
                          t.op == Op::all_reduce ? fmt::format("2 x {}/{}", n - 1, n) : fmt::format("{}/{}", n - 1, n));
  }
  return {values, wire};
}

void layer_items(CommContext& c, Dim d, int layer, const char* label, std::vector<ExplainItem>& items) {
  std::vector<Tally> per_layer;
  count(c.inputs.layers[layer], d, 1, per_layer);
  for (const auto& t : per_layer) {
    const auto [formula, values] = size_formula(c, d, t.bytes);
    items.push_back(item(fmt::format("{}.{}layer.{}", dim_key(d), label[0] ? "moe_" : "", op_name(t.op)),
                         fmt::format("{}: {:g} forward + {:g} backward per {}layer and micro-batch, each", op_name(t.op),
                                     t.forward, t.backward, label),
                         formula, values, t.bytes, "B"));
  }
}

// Every collective of dimension d a rank of stage 0 runs in a step; `edges`: how many of them
// the embedding and the output layer (on stage 0 when it is also the last) add.
std::vector<Tally> step_tally(const CommContext& c, Dim d, double& edges) {
  const double m = static_cast<double>(c.m);
  const bool head = c.s.plan.pp == 1;
  std::vector<Tally> step, edge;
  for (int l : c.stage0_layers) count(c.inputs.layers[l], d, m, step);
  for (auto* out : {&step, &edge}) {
    count(c.inputs.embedding, d, m, *out);
    if (head) count(c.inputs.head, d, m, *out);
  }
  edges = 0;
  for (const auto& t : edge) edges += t.count();
  return step;
}

}  // namespace

ExplainSection exchange_section(CommContext& c, Dim d) {
  const auto& b = c.step.breakdown;
  const std::string key = dim_key(d);
  const int n = static_cast<int>(c.group(d).size());
  static const char* names[] = {"tensor", "context", "expert"};
  const char* name = names[d == Dim::tp ? 0 : d == Dim::cp ? 1 : 2];
  ExplainSection sec{"comm." + key, fmt::format("communication: {} parallelism ({} ranks)", name, n), "", {}};
  auto& items = sec.items;

  // One layer of each kind the stage holds, then the whole stage over the step.
  const auto& layers = c.stage0_layers;
  const auto dense = std::find_if(layers.begin(), layers.end(), [&](int l) { return !c.s.model.is_moe_layer(l); });
  const auto moe = std::find_if(layers.begin(), layers.end(), [&](int l) { return c.s.model.is_moe_layer(l); });
  if (dense != layers.end()) layer_items(c, d, *dense, "", items);
  if (moe != layers.end()) layer_items(c, d, *moe, "MoE ", items);
  double edges = 0;
  const std::vector<Tally> step = step_tally(c, d, edges);
  std::vector<Tally> one_layer;
  if (!layers.empty()) count(c.inputs.layers[layers.front()], d, 1, one_layer);
  double collectives = 0, bytes = 0, uncontended = 0;
  const Tally* largest = nullptr;
  for (const auto& t : step) {
    collectives += t.count();
    bytes += t.count() * t.bytes;
    uncontended += t.count() * c.plan(t.op, t.bytes, d).estimate_s;
    if (!largest || t.count() * t.bytes > largest->count() * largest->bytes) largest = &t;
  }
  double per_layer = 0;
  for (const auto& t : one_layer) per_layer += t.count();
  items.push_back(item(key + ".collectives_per_step", "collectives a step, one rank of stage 0",
                       "per layer x layers x m + embedding and output layer",
                       fmt::format("{:g} x {} x {} + {:g}", per_layer, layers.size(), c.m, edges), collectives, ""));
  items.push_back(item(key + ".bytes_per_step", "their sizes summed (nccl-tests convention)", "sum of count x S", "", bytes, "B"));
  const auto [wire_values, wire_bytes] = wire(step, n);
  items.push_back(item(key + ".wire_bytes_per_step", "sent on the wire by each rank",
                       "(n-1)/n x S (all-gather, reduce-scatter, all-to-all), 2 (n-1)/n x S (all-reduce)", wire_values,
                       wire_bytes, "B"));
  items.push_back(c.link_item(key, d));
  if (largest) items.push_back(c.bus_item(key, largest->op, largest->bytes, d));
  items.push_back(item(key + ".uncontended_s", "all of them one after another, nothing else in flight",
                       "sum of count x planner time", "", uncontended, "s"));
  const double exposed = d == Dim::tp ? b.exposed_tp_s : d == Dim::cp ? b.exposed_cp_s : b.exposed_ep_s;
  items.push_back(exposed_item(key, exposed, uncontended));
  sec.summary = fmt::format(
      "Each rank of stage 0 sends {} a step in {} collectives over {}; alone on the links they would take "
      "{}, and the replay exposes {} of it ({} of the step).",
      bytes_text(wire_bytes), count_text(collectives), c.scale_up_only(d) ? "the scale-up links" : "the scale-out network",
      seconds_text(uncontended), seconds_text(exposed), percent_text(exposed / c.step.step_time_s));
  return sec;
}

}  // namespace dtsim::study::detail
