#include "plan_estimate.hpp"

#include <algorithm>
#include <array>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "dtsim/sim/training/rank_layout.hpp"
#include "dtsim/sim/training/step_builder.hpp"

namespace dtsim::study {

using collective::Op;
using training::Program;
using training::Step;

// One micro-batch's programs of a shard: a dense layer, an MoE layer (MoE models), the
// embedding and the output layer.
struct PlanEstimator::Blocks {
  training::BlockProgram dense, moe, embedding, head;
  double dense_frozen_bytes = 0, moe_frozen_bytes = 0;  // fine-tuning: frozen weights as stored
};

// One block's programs on one rank, one micro-batch.
struct PlanEstimator::BlockTimes {
  double forward_s = 0, backward_s = 0;  // wall time on the compute stream
  double forward_compute_s = 0, backward_compute_s = 0;
  double exposed_s = 0;                  // waiting for TP/CP/EP collectives
  double params = 0;                     // trained parameters
  double expert_params = 0;              // ... of them, routed experts'
  double frozen_bytes = 0;               // fine-tuning: frozen weights as stored
};

// The collective groups of a plan's first rank (every rank's groups have the same shape).
struct PlanEstimator::Groups {
  std::vector<int> tp, cp, ep;
  const std::vector<int>& ranks(training::ExchangeGroup g) const {
    switch (g) {
      case training::ExchangeGroup::cp: return cp;
      case training::ExchangeGroup::ep: return ep;
      case training::ExchangeGroup::tp: break;
    }
    return tp;
  }
};

// One pipeline stage, one micro-batch: block counts by kind (dense, MoE, embedding, head).
struct PlanEstimator::StageTimes {
  std::array<int, 4> blocks{};
  double forward_s = 0, backward_s = 0, compute_s = 0, exposed_s = 0, params = 0, expert_params = 0;
  // A rank's share of the stage's trained parameters under ZeRO >= 1, as the step builder and
  // models/memory.cpp shard them.
  double sharded_params(const models::ParallelPlan& p) const {
    return p.sharded(params - expert_params, expert_params);
  }
};

PlanEstimator::PlanEstimator(const config::Scenario& s)
    : s_(s),
      cluster_(config::build_cluster(s)),
      planner_(cluster_, collective::collective_env(s.cluster.system, s.cluster.device)),
      device_(training::device_compute(s.cluster.device)) {}

PlanEstimator::~PlanEstimator() = default;

const PlanEstimator::Blocks& PlanEstimator::blocks(const models::ParallelPlan& p) {
  const auto key = std::make_tuple(p.tp, p.cp, p.ep, p.micro_batch, p.sequence_parallel ? 1 : 0,
                                   static_cast<int>(p.recompute));
  auto& slot = blocks_[key];
  if (slot) return *slot;
  config::Scenario with = s_;
  with.plan = p;
  const training::ProgramContext c = training::program_context(with, device_);
  slot = std::make_unique<Blocks>();
  const auto dense = models::layer_operators(s_.model, c.shard, 0);
  slot->dense = training::layer_program(dense, c);
  slot->dense_frozen_bytes = training::frozen_bytes(dense);
  if (s_.model.moe) {
    const auto moe = models::layer_operators(s_.model, c.shard, s_.model.moe->dense_first_layers);
    slot->moe = training::layer_program(moe, c);
    slot->moe_frozen_bytes = training::frozen_bytes(moe);
  }
  slot->embedding = training::embedding_program(models::embedding_operators(s_.model, c.shard), c);
  slot->head = training::head_program(models::head_operators(s_.model, c.shard), c);
  return *slot;
}

double PlanEstimator::comm_s(Op op, double bytes, const std::vector<int>& ranks) {
  // `simulation.network: ideal` makes communication free, in the screen as in the replay.
  if (ranks.size() < 2 || bytes <= 0 || s_.execution.network == config::Execution::Network::ideal) return 0;
  auto key = std::make_tuple(op, bytes, ranks);
  if (auto it = comm_cache_.find(key); it != comm_cache_.end()) return it->second;
  const double t = planner_.plan(collective::CommSpec{op, bytes, ranks, {}}).estimate_s;
  comm_cache_.emplace(std::move(key), t);
  return t;
}

// The program on one rank: a compute stream, and side streams (TP and CP) that run
// asynchronous collectives in order; blocking collectives and joins stall the compute stream.
double PlanEstimator::program_s(const Program& program, const Groups& g, double* exposed) {
  double t = 0, tp_side = 0, cp_side = 0;
  std::map<int, double> done;
  for (const Step& step : program) {
    switch (step.kind) {
      case Step::Kind::compute: t += step.seconds; break;
      case Step::Kind::comm: {
        const training::ExchangeGroup group = training::group_of(step.exchange);
        const double c = comm_s(training::op_of(step.exchange), step.bytes, g.ranks(group));
        if (!step.async) {
          t += c;
          *exposed += c;
          break;
        }
        double& side = group == training::ExchangeGroup::cp ? cp_side : tp_side;
        side = std::max(side, t) + c;
        done[step.handle] = side;
        break;
      }
      case Step::Kind::join:
        if (done[step.handle] > t) {
          *exposed += done[step.handle] - t;
          t = done[step.handle];
        }
        break;
    }
  }
  return t;
}

PlanEstimator::BlockTimes PlanEstimator::block_times(const training::BlockProgram& b, double frozen_bytes,
                                                     const Groups& g) {
  BlockTimes t;
  t.frozen_bytes = frozen_bytes;
  t.forward_s = program_s(b.forward, g, &t.exposed_s);
  t.backward_s = program_s(b.backward, g, &t.exposed_s);
  t.forward_compute_s = training::compute_seconds(b.forward);
  t.backward_compute_s = training::compute_seconds(b.backward);
  t.params = b.params + b.expert_params;
  t.expert_params = b.expert_params;
  return t;
}

PlanEstimator::StageTimes PlanEstimator::stage_times(const models::ParallelPlan& p, int stage,
                                                     const BlockTimes* kinds) {
  StageTimes st;
  int first = 0;
  for (int c = 0; c < p.chunks(); ++c) {
    if (c % p.pp == stage)
      for (int l = first; l < first + p.chunk_layers[c]; ++l) ++st.blocks[s_.model.is_moe_layer(l) ? 1 : 0];
    first += p.chunk_layers[c];
  }
  st.blocks[2] = stage == 0;
  st.blocks[3] = stage == p.pp - 1;
  for (int k = 0; k < 4; ++k) {
    const double n = st.blocks[k];
    st.forward_s += n * kinds[k].forward_s;
    st.backward_s += n * kinds[k].backward_s;
    st.compute_s += n * (kinds[k].forward_compute_s + kinds[k].backward_compute_s);
    st.exposed_s += n * kinds[k].exposed_s;
    st.params += n * kinds[k].params;
    st.expert_params += n * kinds[k].expert_params;
  }
  return st;
}

// Exposed data-parallel time of the first stage, which finishes the step. Data parallelism
// spans the CP ranks too (they hold the same weights), as in the step builder.
double PlanEstimator::data_parallel_s(const models::ParallelPlan& p, const StageTimes& first,
                                      const BlockTimes* kinds) {
  if (p.dp_cp() == 1) return 0;
  const training::RankLayout layout(p);
  const double grad_bytes = training::gradient_bytes_per_param(s_.training.precision);
  const double param_bytes = training::gathered_bytes_per_param(s_.training.precision);
  const auto& x = s_.execution;
  if (p.zero < 3) {
    const auto dp = layout.dp_cp_group({});
    const double reduce = comm_s(p.zero == 0 ? Op::all_reduce : Op::reduce_scatter, first.params * grad_bytes, dp);
    double exposed = x.overlap_grad_reduce ? std::max(0.0, reduce - first.backward_s) : reduce;
    if (p.zero >= 1) {
      const double gather = comm_s(Op::all_gather, first.params * param_bytes, dp);
      exposed += x.overlap_param_gather ? std::max(0.0, gather - first.forward_s) : gather;
    }
    return exposed;
  }
  const auto shard = layout.shard_group({});
  const double m = static_cast<double>(p.micro_batches(s_.training));
  double exposed = 0;
  for (int k = 0; k < 4; ++k) {
    const auto& b = kinds[k];
    const double gather = comm_s(Op::all_gather, b.params * param_bytes + b.frozen_bytes, shard);
    const double reduce = comm_s(Op::reduce_scatter, b.params * grad_bytes, shard);
    exposed += first.blocks[k] * m *
               (std::max(0.0, gather - b.forward_compute_s) + std::max(0.0, std::max(gather, reduce) - b.backward_compute_s));
  }
  if (p.dp > p.shard_group())
    exposed += comm_s(Op::all_reduce, first.sharded_params(p) * grad_bytes, layout.replica_group({}));
  return exposed;
}

Estimate PlanEstimator::estimate(const models::ParallelPlan& p) {
  const training::RankLayout layout(p);
  const Groups g{layout.tp_group({}), layout.cp_group({}), layout.ep_group({})};
  const Blocks& b = blocks(p);
  const std::array<BlockTimes, 4> kinds = {block_times(b.dense, b.dense_frozen_bytes, g),
                                           s_.model.moe ? block_times(b.moe, b.moe_frozen_bytes, g) : BlockTimes{},
                                           block_times(b.embedding, 0, g), block_times(b.head, 0, g)};
  std::vector<StageTimes> stages;
  for (int s = 0; s < p.pp; ++s) stages.push_back(stage_times(p, s, kinds.data()));
  double busiest = 0, sum = 0;
  const StageTimes* slowest = &stages.front();
  for (const auto& st : stages) {
    const double t = st.forward_s + st.backward_s;
    sum += t;
    if (t > busiest) busiest = t, slowest = &st;
  }
  const double m = static_cast<double>(p.micro_batches(s_.training));
  Estimate e;
  e.compute_s = m * slowest->compute_s;
  e.comm_s = m * slowest->exposed_s;
  const double activation_bytes = static_cast<double>(p.micro_batch) * s_.training.seq_len / p.cp *
                                  static_cast<double>(s_.model.hidden) * 2 / p.tp;
  const double transfer = p.pp > 1 ? comm_s(Op::send_recv, activation_bytes, {0, layout.rank({0, 0, 0, 1})}) : 0;
  e.bubble_s = (sum - busiest) / p.vpp + 2 * (p.pp - 1) * transfer;
  e.dp_s = data_parallel_s(p, stages.front(), kinds.data());
  const StageTimes& first = stages.front();
  const double local = p.zero >= 1 ? first.sharded_params(p) : first.params;
  const double grad_bytes = training::gradient_bytes_per_param(s_.training.precision);
  e.optimizer_s = models::op_time_s(models::optimizer_operator(local, grad_bytes), models::Pass::forward, device_);
  e.step_s = m * busiest + e.bubble_s + e.dp_s + e.optimizer_s;
  return e;
}

}  // namespace dtsim::study
