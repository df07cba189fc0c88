// Pipeline transfers and data-parallel traffic in an explanation, with the byte counts the step
// builder gives them (training/step_builder.hpp): activations b (s/cp) h 2 / tp per transfer;
// gradients of gradient_bytes_per_param and parameters of gathered_bytes_per_param per parameter.
#include <fmt/format.h>

#include <cmath>

#include "dtsim/models/finetune.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "explain_comm.hpp"
#include "explain_parts.hpp"

namespace dtsim::study::detail {
namespace {

using collective::Op;

// The gradient buckets rank 0 reduces, counted in the step the builder makes: it fills a bucket
// layer by layer in backward order and reduces it once it holds a bucket's parameters, so layers
// larger than a bucket make a bucket each, and only the graph itself gives the exact count.
int gradient_buckets(const CommContext& c) {
  const auto g = training::build_step(c.s, c.inputs);
  int buckets = 0;
  for (const auto& op : g.ops()) {
    if (op.category != training::Category::dp_comm || !op.label.ends_with(" gradients")) continue;
    for (auto t : op.members)
      if (g.streams()[g.tasks()[t].stream].rank == 0) {
        ++buckets;
        break;
      }
  }
  return buckets;
}

std::string share_of(int n, bool all_reduce) {
  return all_reduce ? fmt::format("2 x {}/{}", n - 1, n) : fmt::format("{}/{}", n - 1, n);
}

// One collective over data parallelism: its size, its wire bytes, and its uncontended time.
struct DpCollective {
  std::string key, what, formula, values;
  Op op;
  double bytes;       // one collective, nccl-tests convention
  double count = 1;   // a step
  Dim group;
};

void add(CommContext& c, const DpCollective& k, std::vector<ExplainItem>& items, double& wire, double& time) {
  const int n = static_cast<int>(c.group(k.group).size());
  const double factor = collective::bus_factor(k.op, n);
  items.push_back(item("dp." + k.key + "_bytes", k.what, k.formula, k.values, k.bytes, "B"));
  const std::string times = k.count == 1 ? "" : fmt::format("{:g} x ", k.count);
  items.push_back(item("dp." + k.key + "_wire_bytes", "  sent on the wire by each rank, a step",
                       times + (k.op == Op::all_reduce ? "2 (n-1)/n x S" : "(n-1)/n x S"),
                       fmt::format("{}{} x {}", times, share_of(n, k.op == Op::all_reduce), bytes_text(k.bytes)),
                       k.count * factor * k.bytes, "B"));
  wire += k.count * factor * k.bytes;
  time += k.count * c.plan(k.op, k.bytes, k.group).estimate_s;
}

// The trained parameters of a rank of stage 0, and of them the routed experts'.
struct StageParams {
  double all = 0, experts = 0;
};

// HSDP's all-reduce of a rank's gradient shard (models::ParallelPlan::sharded), and its formula.
DpCollective replica_reduce(const models::ParallelPlan& p, const StageParams& n, double g) {
  const double dense = n.all - n.experts;
  DpCollective k{"replica_reduce",
                 fmt::format("the shards' gradients all-reduced across {} shard groups (HSDP)", p.dp / p.shard_group()),
                 "N / (shard x cp) x g B", fmt::format("{} / {} x {:g}", si(n.all), p.shard_ranks(), g),
                 Op::all_reduce, p.sharded(dense, n.experts) * g, 1, Dim::replica};
  if (n.experts > 0 && p.expert_shard_ranks() != p.shard_ranks()) {
    k.formula = "(N_dense / (shard x cp) + N_experts / (shard x cp / ep)) x g B";
    k.values = fmt::format("({} / {} + {} / {:g}) x {:g}", si(dense), p.shard_ranks(), si(n.experts),
                           p.expert_shard_ranks(), g);
  }
  return k;
}

std::vector<DpCollective> zero3_collectives(CommContext& c, const StageParams& n, double g, double w) {
  const auto& p = c.s.plan;
  const auto& in = c.inputs;
  const double m = static_cast<double>(c.m), layers = static_cast<double>(c.stage0_layers.size());
  const int l = c.stage0_layers.front();
  const double layer_params = in.layers[l].params + in.layers[l].expert_params;
  const double frozen = in.layer_frozen_bytes[l];
  std::vector<DpCollective> out;
  out.push_back({"layer_gather", fmt::format("one layer's weights all-gathered before its forward and its backward "
                                             "(ZeRO-3, over {} ranks)", p.shard_ranks()),
                 frozen > 0 ? "N_layer x w B + frozen weights as stored" : "N_layer x w B",
                 fmt::format("{} x {:g}{}", si(layer_params), w, frozen > 0 ? " + " + bytes_text(frozen) : ""),
                 Op::all_gather, layer_params * w + frozen, 2 * m * layers, Dim::shard});
  out.push_back({"layer_reduce", "one layer's gradients reduce-scattered after its backward, each micro-batch",
                 "N_layer x g B", fmt::format("{} x {:g}", si(layer_params), g), Op::reduce_scatter, layer_params * g,
                 m * layers, Dim::shard});
  if (p.dp > p.shard_group()) out.push_back(replica_reduce(p, n, g));
  return out;
}

std::vector<DpCollective> dp_collectives(CommContext& c, double params, double g, double w) {
  const auto& p = c.s.plan;
  std::vector<DpCollective> out;
  const bool reduce = p.zero == 0;
  out.push_back({"gradient",
                 fmt::format("gradients {} over {} ranks", reduce ? "all-reduced" : "reduce-scattered", p.dp_cp()),
                 fmt::format("N x g B (g = {:g}{})", g, g == 4 ? ": 16-bit gradients reduced in fp32" : ""),
                 fmt::format("{} x {:g}", si(params), g), reduce ? Op::all_reduce : Op::reduce_scatter, params * g, 1,
                 Dim::dp});
  if (p.zero >= 1)
    out.push_back({"param_gather", fmt::format("updated parameters all-gathered (ZeRO-{} distributed optimizer)", p.zero),
                   fmt::format("N x w B (w = {:g})", w), fmt::format("{} x {:g}", si(params), w), Op::all_gather,
                   params * w, 1, Dim::dp});
  return out;
}

}  // namespace

ExplainSection pipeline_section(CommContext& c) {
  const auto& p = c.s.plan;
  const double bytes = static_cast<double>(p.micro_batch) * c.s.training.seq_len / p.cp *
                       static_cast<double>(c.s.model.hidden) * 2 / p.tp;
  ExplainSection sec{"comm.pp", fmt::format("communication: pipeline parallelism ({} stages)", p.pp), "", {}};
  auto& items = sec.items;
  items.push_back(item("pp.transfer_bytes", "activations (forward) or their gradients (backward), per transfer",
                       "b x (s/cp) x h x 2 / tp B (each TP rank sends its slice)",
                       fmt::format("{} x {} x {} x 2 / {}", p.micro_batch, c.s.training.seq_len / p.cp, c.s.model.hidden, p.tp),
                       bytes, "B"));
  const int boundaries = p.chunks() - 1;
  items.push_back(item("pp.boundaries", "boundaries between consecutive model chunks", "p x v - 1",
                       fmt::format("{} x {} - 1", p.pp, p.vpp), boundaries, ""));
  items.push_back(item("pp.bytes_per_boundary", "sent across each boundary a step (m forward + m backward)",
                       "2 x m x transfer", fmt::format("2 x {} x {}", c.m, bytes_text(bytes)), 2.0 * c.m * bytes, "B"));
  items.push_back(c.link_item("pp", Dim::pp));
  const double t = c.plan(Op::send_recv, bytes, Dim::pp).estimate_s;
  items.push_back(item("pp.transfer_s", "one transfer, every stage-0 rank sending at once", "planner time", "", t, "s"));
  const double sends = 2.0 * c.m * p.vpp;  // a middle stage: forward and backward at each of its chunks
  items.push_back(item("pp.uncontended_s", "a middle stage's 2 m v transfers one after another",
                       "2 x m x v x transfer time", fmt::format("2 x {} x {} x {}", c.m, p.vpp, seconds_text(t)),
                       sends * t, "s"));
  items.push_back(exposed_item("pp", c.step.breakdown.pp_wait_s, sends * t));
  sec.summary = fmt::format(
      "Each micro-batch crosses {} chunk boundaries forward and back, {} a transfer over {}; transfers run "
      "on their own stream, and the replay waits {} for them ({} of the step).",
      boundaries, bytes_text(bytes), c.scale_up_only(Dim::pp) ? "the scale-up links" : "the scale-out network",
      seconds_text(c.step.breakdown.pp_wait_s), percent_text(c.step.breakdown.pp_wait_s / c.step.step_time_s));
  return sec;
}

ExplainSection data_parallel_section(CommContext& c) {
  const auto& p = c.s.plan;
  const auto& in = c.inputs;
  StageParams n{in.embedding.params + (p.pp == 1 ? in.head.params : 0), 0};
  for (int l : c.stage0_layers) {
    n.all += in.layers[l].params + in.layers[l].expert_params;
    n.experts += in.layers[l].expert_params;
  }
  const double params = n.all, g = in.grad_bytes_per_param, w = in.param_bytes_per_param;
  const std::string ranks = p.cp > 1 ? fmt::format("{} ranks: dp {} x cp {}", p.dp_cp(), p.dp, p.cp)
                                     : fmt::format("{} replicas", p.dp);
  ExplainSection sec{"comm.dp", fmt::format("communication: data parallelism ({}, ZeRO-{})", ranks, p.zero), "", {}};
  auto& items = sec.items;
  items.push_back(item("dp.params", "parameters a rank of stage 0 trains",
                       p.pp == 1 ? "its layers, embedding and output layer" : "its layers and the embedding", "", params, ""));
  items.push_back(item("dp.ranks", "ranks holding the same weights, which the gradients are reduced over",
                       "d x cp (CP ranks each compute gradients on their chunk of the sequence)",
                       fmt::format("{} x {}", p.dp, p.cp), p.dp_cp(), ""));
  double wire = 0, time = 0;
  const auto collectives = p.zero == 3 ? zero3_collectives(c, n, g, w) : dp_collectives(c, params, g, w);
  for (const auto& k : collectives) add(c, k, items, wire, time);
  if (p.zero < 3 && c.s.execution.overlap_grad_reduce) {
    const double bucket = training::gradient_bucket_params(c.s.execution, p);
    items.push_back(item("dp.buckets", "gradient buckets, each reduced as the last backward fills it",
                         "layers in backward order until a bucket holds max(40M, 1M x d) parameters",
                         fmt::format("{} parameters over buckets of {}", si(params), si(bucket)),
                         gradient_buckets(c), ""));
  }
  const bool tied = c.s.model.tied_embeddings && !models::frozen_base(c.s.training.finetune) && p.pp > 1;
  if (tied) {
    const double bytes = static_cast<double>(c.s.model.vocab) * static_cast<double>(c.s.model.hidden) / p.tp * g;
    items.push_back(item("dp.embedding_bytes", "tied embedding gradients all-reduced between the first and last stage",
                         "V x h / tp x g B", fmt::format("{} x {} / {} x {:g}", c.s.model.vocab, c.s.model.hidden, p.tp, g),
                         bytes, "B"));
    wire += bytes;  // an all-reduce of two ranks sends 2 (2-1)/2 = 1 times its size
  }
  items.push_back(item("dp.wire_bytes_per_step", "data-parallel bytes each rank sends a step", "sum of the above", "",
                       wire, "B"));
  const Dim group = p.zero == 3 ? Dim::shard : Dim::dp;
  items.push_back(c.link_item("dp", group));
  items.push_back(c.bus_item("dp", collectives.front().op, collectives.front().bytes, group));
  items.push_back(item("dp.uncontended_s", "all of them one after another, nothing else in flight",
                       "sum of count x planner time", "", time, "s"));
  items.push_back(exposed_item("dp", c.step.breakdown.exposed_dp_s, time));
  sec.summary = fmt::format(
      "Each rank of stage 0 sends {} of gradients and parameters a step over {}; alone on the links that takes "
      "{}, and {} of it is exposed ({} of the step): the rest runs under the backward and forward passes.",
      bytes_text(wire), c.scale_up_only(group) ? "the scale-up links" : "the scale-out network", seconds_text(time),
      seconds_text(c.step.breakdown.exposed_dp_s), percent_text(c.step.breakdown.exposed_dp_s / c.step.step_time_s));
  return sec;
}

}  // namespace dtsim::study::detail
