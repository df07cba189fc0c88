#include "dtsim/sim/training/step_builder.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>

#include "dtsim/models/finetune.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "dtsim/sim/training/pipeline_schedule.hpp"
#include "dtsim/sim/training/rank_layout.hpp"
#include "dtsim/sim/training/work_estimate.hpp"

namespace dtsim::training {
namespace {

using collective::CommSpec;
using collective::Op;

// Groups a collective runs over; each varies one part of the rank coordinates.
enum class Group : std::uint8_t { tp, cp, ep, pp, dp, shard, replica, embedding };

Group to_group(ExchangeGroup g) {
  switch (g) {
    case ExchangeGroup::tp: return Group::tp;
    case ExchangeGroup::cp: return Group::cp;
    case ExchangeGroup::ep: return Group::ep;
  }
  return Group::tp;
}

Category category_of(Group g) {
  switch (g) {
    case Group::tp: return Category::tp_comm;
    case Group::cp: return Category::cp_comm;
    case Group::ep: return Category::ep_comm;
    case Group::pp: return Category::pp_comm;
    default: return Category::dp_comm;
  }
}

struct RankState {
  RankCoord coord;
  int rank = 0;
  StreamId compute = 0, tp_side = 0, cp_side = 0, pp_send = 0, dp_gather = 0, dp_reduce = 0;
  std::vector<WorkItem> order;
  std::size_t next = 0;
  std::vector<TaskId> carry;                // dependencies of the next compute-stream task
  std::map<int, TaskId> handles;            // async collectives of the program being emitted
  std::map<std::pair<Group, int>, int> seq;  // collectives issued, per group and peer
  double bucket = 0;                        // gradient parameters not yet in a reduction
  std::vector<TaskId> reductions;           // every gradient collective the optimizer waits on
  std::map<int, TaskId> layer_gather;       // ZeRO 1/2: layer -> its bucket's parameter gather
  std::string context;                      // what is being emitted, for labels: "F3 L5"
  int micro_batch = -1;                     // ... and the pass it belongs to, for timelines
  bool backward = false;
};

std::string name_of(Op op) { return collective::to_string(op); }

class Builder {
 public:
  Builder(const config::Scenario& s, const StepInputs& in)
      : s_(s), p_(s.plan), x_(s.execution), in_(in), layout_(s.plan),
        m_(static_cast<int>(s.plan.micro_batches(s.training))) {
    int first = 0;
    for (int layers : p_.chunk_layers) {
      first_layer_.push_back(first);
      first += layers;
    }
    bucket_params_ = gradient_bucket_params(x_, p_);
  }

  StepGraph build() {
    make_ranks();
    if (p_.zero >= 1 && p_.zero < 3 && x_.overlap_param_gather)
      for (auto& r : ranks_) gather_parameters_ahead(r);
    for (bool progress = true; progress;) {
      progress = false;
      for (auto& r : ranks_)
        while (r.next < r.order.size() && ready(r, r.order[r.next])) {
          emit_item(r, r.order[r.next++]);
          progress = true;
        }
    }
    for (const auto& r : ranks_)
      if (r.next != r.order.size())
        throw std::logic_error("pipeline schedule deadlocks at stage " + std::to_string(r.coord.pp));
    for (auto& r : ranks_) finish_gradients(r);
    for (auto& r : ranks_) optimizer_and_gather(r);
    for (auto& r : ranks_) close(r);
    return std::move(g_);
  }

 private:
  // --- ranks and streams -------------------------------------------------------------------
  void make_ranks() {
    for (int s = 0; s < p_.pp; ++s)
      for (int d = 0; d < (x_.fold ? 1 : p_.dp); ++d)
        for (int c = 0; c < (x_.fold ? 1 : p_.cp); ++c)
          for (int t = 0; t < (x_.fold ? 1 : p_.tp); ++t) {
            RankState r;
            r.coord = {t, c, d, s};
            r.rank = layout_.rank(r.coord);
            r.compute = g_.add_stream(r.rank, StreamKind::compute);
            r.tp_side = g_.add_stream(r.rank, StreamKind::tp_comm);
            r.cp_side = g_.add_stream(r.rank, StreamKind::cp_comm);
            r.pp_send = g_.add_stream(r.rank, StreamKind::pp_send);
            r.dp_gather = g_.add_stream(r.rank, StreamKind::dp_gather);
            r.dp_reduce = g_.add_stream(r.rank, StreamKind::dp_comm);
            r.order = stage_schedule(p_.schedule, p_.pp, s, m_, p_.vpp);
            ranks_.push_back(std::move(r));
          }
  }

  // --- groups ----------------------------------------------------------------------------
  // Data-parallel groups (dp, shard) span the CP ranks too: they hold the same weights, each
  // with gradients from its own chunk of the sequence (Megatron-LM's data-parallel group with
  // context parallelism; memory shards over the same ranks). Expert parallelism is carved
  // from the same dp x cp ranks, consecutive in the layout: j = cp + cp_size x dp.
  int dp_cp_index(const RankCoord& c) const { return c.cp + p_.cp * c.dp; }
  RankCoord at_dp_cp(RankCoord c, int j) const {
    c.cp = j % p_.cp;
    c.dp = j / p_.cp;
    return c;
  }

  // The ranks of r's group, in rank order.
  std::vector<int> members(Group g, const RankCoord& c, int peer_stage) const {
    switch (g) {
      case Group::tp: return layout_.tp_group(c);
      case Group::cp: return layout_.cp_group(c);
      case Group::ep: return layout_.ep_group(c);
      case Group::dp: return layout_.dp_cp_group(c);
      case Group::shard: return layout_.shard_group(c);
      case Group::replica: return layout_.replica_group(c);
      case Group::pp:
      case Group::embedding: break;
    }
    return {layout_.rank(c), layout_.rank({c.tp, c.cp, c.dp, peer_stage})};
  }

  // Offsets of every group of kind g in r's stage, relative to r's group (folding only).
  const std::vector<int>& replicas(Group g, const RankState& r) {
    auto key = std::make_pair(g, r.coord.pp);
    if (auto it = replicas_.find(key); it != replicas_.end()) return it->second;
    std::set<int> offsets;
    const int zs = p_.shard_group();
    for (int d = 0; d < p_.dp; ++d)
      for (int c = 0; c < p_.cp; ++c)
        for (int t = 0; t < p_.tp; ++t) {
          RankCoord x{t, c, d, r.coord.pp};
          // Every group of kind g in the stage, named by its member in r's position within it.
          RankCoord rep = x;
          switch (g) {
            case Group::tp: rep.tp = r.coord.tp; break;
            case Group::cp: rep.cp = r.coord.cp; break;
            case Group::dp: rep.dp = r.coord.dp, rep.cp = r.coord.cp; break;
            case Group::ep:
              rep = at_dp_cp(x, dp_cp_index(x) / p_.ep * p_.ep + dp_cp_index(r.coord) % p_.ep);
              break;
            case Group::shard: rep.dp = d / zs * zs + r.coord.dp % zs, rep.cp = r.coord.cp; break;
            case Group::replica: rep.dp = d % zs + r.coord.dp / zs * zs; break;
            default: break;
          }
          offsets.insert(layout_.rank(rep) - r.rank);
        }
    return replicas_[key] = std::vector<int>(offsets.begin(), offsets.end());
  }

  // The member task of r in collective `op` over group g (created by its first member).
  TaskId collective(RankState& r, Group g, Op op, double bytes, StreamId stream,
                    std::vector<TaskId> deps, int peer_stage = -1) {
    auto ranks = members(g, r.coord, peer_stage);
    const int instance = *std::min_element(ranks.begin(), ranks.end());
    const int n = r.seq[{g, instance}]++;
    auto key = std::make_tuple(g, instance, n);
    auto it = ops_.find(key);
    if (it == ops_.end()) {
      CommSpec spec{op, bytes, std::move(ranks), {}};
      if (x_.fold) spec.replicas = replicas(g, r);
      it = ops_.emplace(key, g_.add_comm_op(category_of(g), std::move(spec), g == Group::embedding)).first;
    }
    return g_.add_member(it->second, stream, std::move(deps));
  }

  // --- work items ------------------------------------------------------------------------
  int global_chunk(const RankState& r, int chunk) const { return chunk * p_.pp + r.coord.pp; }
  int last_chunk() const { return p_.chunks() - 1; }
  int stage_of_chunk(int g) const { return g % p_.pp; }

  bool ready(const RankState& r, const WorkItem& w) const {
    const int g = global_chunk(r, w.chunk);
    if (w.pass == Pass::forward) return g == 0 || received_.count({r.rank, w.micro_batch, g, true});
    return g == last_chunk() || received_.count({r.rank, w.micro_batch, g, false});
  }

  void emit_item(RankState& r, const WorkItem& w) {
    const int g = global_chunk(r, w.chunk);
    const bool fwd = w.pass == Pass::forward;
    if (auto it = received_.find({r.rank, w.micro_batch, g, fwd}); it != received_.end())
      r.carry.push_back(it->second);
    const int first = first_layer_[g], count = p_.chunk_layers[g];
    const bool last_backward = !fwd && w.micro_batch == m_ - 1;
    const std::string pass = (fwd ? "F" : "B") + std::to_string(w.micro_batch);
    r.micro_batch = w.micro_batch;
    r.backward = !fwd;
    if (fwd) {
      r.context = pass + " embedding";
      if (g == 0) emit(r, in_.embedding.forward);
      for (int l = first; l < first + count; ++l) {
        r.context = pass + " L" + std::to_string(l);
        if (p_.zero == 3) gather_layer(r, l);
        else if (w.micro_batch == 0)
          if (auto it = r.layer_gather.find(l); it != r.layer_gather.end()) r.carry.push_back(it->second);
        emit(r, in_.layers[l].forward);
      }
      r.context = pass + " output layer";
      if (g == last_chunk()) emit(r, in_.head.forward);
      else send(r, w.micro_batch, g + 1, true);
    } else {
      r.context = pass + " output layer";
      if (g == last_chunk()) emit(r, in_.head.backward);
      for (int l = first + count - 1; l >= first; --l) {
        r.context = pass + " L" + std::to_string(l);
        const auto& layer = in_.layers[l];
        if (p_.zero == 3) gather_layer(r, l);
        emit(r, layer.backward);
        if (p_.zero == 3) reduce_layer(r, layer.params + layer.expert_params);
        else if (last_backward) add_gradients(r, layer.params + layer.expert_params);
      }
      if (g == 0) {
        r.context = pass + " embedding";
        emit(r, in_.embedding.backward);
        if (last_backward && p_.zero < 3) add_gradients(r, in_.embedding.params);
      }
      if (g == last_chunk() && last_backward && p_.zero < 3) add_gradients(r, in_.head.params);
      if (last_backward && p_.zero < 3 && x_.overlap_grad_reduce) flush_bucket(r);
      if (g > 0) send(r, w.micro_batch, g - 1, false);
    }
  }

  TaskId last_compute(const RankState& r) const {
    const auto& tasks = g_.streams()[r.compute].tasks;
    return tasks.empty() ? -1 : tasks.back();
  }

  void emit(RankState& r, const Program& program) {
    r.handles.clear();
    for (const auto& step : program) {
      switch (step.kind) {
        case Step::Kind::compute: {
          const TaskId t = g_.add_compute(r.compute, step.category, step.seconds, std::exchange(r.carry, {}));
          g_.label(t, (step.category == Category::recompute ? "recompute " : "") + r.context);
          g_.tag_pass(t, r.micro_batch, r.backward);
          break;
        }
        case Step::Kind::comm: {
          const Group group = to_group(group_of(step.exchange));
          const Op op = op_of(step.exchange);
          if (step.async) {
            std::vector<TaskId> deps = std::exchange(r.carry, {});
            if (const TaskId t = last_compute(r); t >= 0) deps.push_back(t);
            const StreamId side = group == Group::cp ? r.cp_side : r.tp_side;
            r.handles[step.handle] = collective(r, group, op, step.bytes, side, std::move(deps));
            g_.label(r.handles[step.handle], comm_label(group, op, r.context));
          } else {
            g_.label(collective(r, group, op, step.bytes, r.compute, std::exchange(r.carry, {})),
                     comm_label(group, op, r.context));
          }
          break;
        }
        case Step::Kind::join:
          r.carry.push_back(r.handles.at(step.handle));
          break;
      }
    }
  }

  static std::string comm_label(Group g, Op op, const std::string& context) {
    static const char* names[] = {"tp", "cp", "ep", "pp", "dp", "zero-3", "hsdp", "embedding"};
    return std::string(names[static_cast<int>(g)]) + " " + name_of(op) + " " + context;
  }

  // Activations forward (or gradients backward) to the rank holding chunk `to`.
  void send(RankState& r, int mb, int to, bool forward) {
    const int peer_stage = stage_of_chunk(to);
    const double bytes = static_cast<double>(p_.micro_batch) * s_.training.seq_len / p_.cp *
                         static_cast<double>(s_.model.hidden) * 2 / p_.tp;
    std::vector<TaskId> deps;
    if (const TaskId t = last_compute(r); t >= 0) deps.push_back(t);
    // Sender and receiver are different ranks, but one transfer: key it on the sender alone.
    CommSpec spec{Op::send_recv, bytes, members(Group::pp, r.coord, peer_stage), {}};
    if (x_.fold) spec.replicas = replicas(Group::pp, r);
    const TaskId t = g_.add_member(g_.add_comm_op(Category::pp_comm, std::move(spec)), r.pp_send, deps);
    g_.label(t, std::string(forward ? "pp send activations F" : "pp send gradients B") + std::to_string(mb));
    const int receiver = layout_.rank({r.coord.tp, r.coord.cp, r.coord.dp, peer_stage});
    received_[{receiver, mb, to, forward}] = t;
  }

  // --- data parallelism ------------------------------------------------------------------
  double grad_bytes(double params) const { return params * in_.grad_bytes_per_param; }
  double param_bytes(double params) const { return params * in_.param_bytes_per_param; }

  void add_gradients(RankState& r, double params) {
    r.bucket += params;
    if (x_.overlap_grad_reduce && r.bucket >= bucket_params_) flush_bucket(r);
  }

  void flush_bucket(RankState& r) {
    if (r.bucket <= 0 || p_.dp_cp() == 1) {
      r.bucket = 0;
      return;
    }
    const Op op = p_.zero == 0 ? Op::all_reduce : Op::reduce_scatter;
    std::vector<TaskId> deps;
    if (const TaskId t = last_compute(r); t >= 0) deps.push_back(t);
    r.reductions.push_back(collective(r, Group::dp, op, grad_bytes(r.bucket), r.dp_reduce, deps));
    g_.label(r.reductions.back(), "dp " + name_of(op) + " gradients");
    r.bucket = 0;
  }

  // ZeRO 3: gather layer l's weights (trained and frozen) over the shard group one layer ahead
  // of its use.
  void gather_layer(RankState& r, int l) {
    if (p_.shard_ranks() == 1) return;
    const double bytes = param_bytes(in_.layers[l].params + in_.layers[l].expert_params) +
                         in_.layer_frozen_bytes[l];
    std::vector<TaskId> deps;
    const auto& computed = g_.streams()[r.compute].tasks;
    if (computed.size() >= 2) deps.push_back(computed[computed.size() - 2]);  // prefetch depth 1
    r.carry.push_back(collective(r, Group::shard, Op::all_gather, bytes, r.dp_gather, deps));
  }

  void reduce_layer(RankState& r, double params) {
    if (p_.shard_ranks() == 1) return;
    std::vector<TaskId> deps;
    if (const TaskId t = last_compute(r); t >= 0) deps.push_back(t);
    r.reductions.push_back(collective(r, Group::shard, Op::reduce_scatter, grad_bytes(params), r.dp_reduce, deps));
  }

  // The stage's trained parameters on one rank: dense, and routed experts'.
  std::pair<double, double> stage_dense_expert(const RankState& r) const {
    double dense = 0, expert = 0;
    for (int c = r.coord.pp; c < p_.chunks(); c += p_.pp)
      for (int l = first_layer_[c]; l < first_layer_[c] + p_.chunk_layers[c]; ++l) {
        dense += in_.layers[l].params;
        expert += in_.layers[l].expert_params;
      }
    if (r.coord.pp == 0) dense += in_.embedding.params;
    if (r.coord.pp == p_.pp - 1) dense += in_.head.params;
    return {dense, expert};
  }

  double stage_params(const RankState& r) const {
    const auto [dense, expert] = stage_dense_expert(r);
    return dense + expert;
  }

  // The rank's shard of them under ZeRO >= 1, as models/memory.cpp shards the state: dense
  // over shard_group x cp ranks, routed experts over those divided by ep.
  double sharded_params(const RankState& r) const {
    const auto [dense, expert] = stage_dense_expert(r);
    return p_.sharded(dense, expert);
  }

  // ZeRO 1/2 with overlap_param_gather: the stage's parameters are gathered bucket by bucket in
  // forward order at the start of the step, each layer's first forward waiting for its bucket.
  void gather_parameters_ahead(RankState& r) {
    if (p_.dp_cp() == 1) return;
    double bucket = 0;
    std::vector<int> waiting;
    auto issue = [&] {
      if (bucket <= 0) return;
      const TaskId t = collective(r, Group::dp, Op::all_gather, param_bytes(bucket), r.dp_gather, {});
      g_.label(t, "dp all-gather parameters");
      for (int l : waiting) r.layer_gather[l] = t;
      bucket = 0;
      waiting.clear();
    };
    for (int c = r.coord.pp; c < p_.chunks(); c += p_.pp)
      for (int l = first_layer_[c]; l < first_layer_[c] + p_.chunk_layers[c]; ++l) {
        bucket += in_.layers[l].params + in_.layers[l].expert_params;
        waiting.push_back(l);
        if (bucket >= bucket_params_) issue();
      }
    if (r.coord.pp == 0) bucket += in_.embedding.params;
    if (r.coord.pp == p_.pp - 1) bucket += in_.head.params;
    issue();
  }

  void finish_gradients(RankState& r) {
    if (p_.zero < 3) {
      if (!x_.overlap_grad_reduce) r.bucket = stage_params(r);
      flush_bucket(r);
    } else if (p_.dp > p_.shard_group()) {
      // HSDP: the shards' gradients are all-reduced across shard groups once.
      std::vector<TaskId> deps = r.reductions;
      if (const TaskId t = last_compute(r); t >= 0) deps.push_back(t);
      r.reductions.push_back(
          collective(r, Group::replica, Op::all_reduce, grad_bytes(sharded_params(r)), r.dp_reduce, deps));
    }
    // Tied embeddings: the first stage's embedding and the last stage's copy of it sum their
    // gradients (Megatron-LM's embedding group); a frozen one has none.
    const bool embedding_trained = !models::frozen_base(s_.training.finetune);
    if (s_.model.tied_embeddings && embedding_trained && p_.pp > 1 &&
        (r.coord.pp == 0 || r.coord.pp == p_.pp - 1)) {
      const int peer = r.coord.pp == 0 ? p_.pp - 1 : 0;
      const double params = static_cast<double>(s_.model.vocab) * static_cast<double>(s_.model.hidden) / p_.tp;
      std::vector<TaskId> deps;
      if (const TaskId t = last_compute(r); t >= 0) deps.push_back(t);
      r.reductions.push_back(
          collective(r, Group::embedding, Op::all_reduce, grad_bytes(params), r.dp_reduce, deps, peer));
    }
  }

  void optimizer_and_gather(RankState& r) {
    const double params = stage_params(r);
    const double local = p_.zero >= 1 ? sharded_params(r) : params;
    const auto adam = models::optimizer_operator(local, in_.grad_bytes_per_param);
    const TaskId opt = g_.add_compute(r.compute, Category::optimizer,
                                      models::op_time_s(adam, models::Pass::forward, in_.device),
                                      r.reductions);
    g_.label(opt, "optimizer");
    if (p_.zero >= 1 && p_.zero < 3 && !x_.overlap_param_gather && p_.dp_cp() > 1)
      collective(r, Group::dp, Op::all_gather, param_bytes(params), r.dp_gather, {opt});
  }

  // A zero-length task closing the compute stream when every stream of the rank is done, so
  // that trailing idle time is charged to what the rank waited for.
  void close(RankState& r) {
    std::vector<TaskId> deps;
    for (StreamId s : {r.tp_side, r.cp_side, r.pp_send, r.dp_gather, r.dp_reduce})
      if (!g_.streams()[s].tasks.empty()) deps.push_back(g_.streams()[s].tasks.back());
    g_.add_compute(r.compute, Category::compute, 0, std::move(deps));
  }

  const config::Scenario& s_;
  const models::ParallelPlan& p_;
  const config::Execution& x_;
  const StepInputs& in_;
  RankLayout layout_;
  int m_;
  double bucket_params_ = 0;
  std::vector<int> first_layer_;
  std::vector<RankState> ranks_;
  StepGraph g_;
  std::map<std::tuple<Group, int, int>, OpId> ops_;
  std::map<std::pair<Group, int>, std::vector<int>> replicas_;
  // (receiving rank, micro-batch, global chunk, forward?) -> the transfer it waits for
  std::map<std::tuple<int, int, int, bool>, TaskId> received_;
};

}  // namespace

StepInputs step_inputs(const config::Scenario& s) {
  StepInputs in;
  in.device = device_compute(s.cluster.device);
  const ProgramContext c = program_context(s, in.device);
  for (int l = 0; l < s.model.layers; ++l) {
    const auto ops = models::layer_operators(s.model, c.shard, l);
    in.layers.push_back(layer_program(ops, c));
    in.layer_frozen_bytes.push_back(frozen_bytes(ops));
  }
  in.embedding = embedding_program(models::embedding_operators(s.model, c.shard), c);
  in.head = head_program(models::head_operators(s.model, c.shard), c);
  in.grad_bytes_per_param = gradient_bytes_per_param(s.training.precision);
  in.param_bytes_per_param = gathered_bytes_per_param(s.training.precision);
  return in;
}

ProgramContext program_context(const config::Scenario& s, const models::DeviceCompute& device) {
  ProgramContext c;
  c.device = &device;
  c.shard = models::shard_of(s.plan, s.training);
  c.shard.flash_attention = s.execution.flash_attention;
  c.hidden = static_cast<double>(s.model.hidden);
  const int kv_heads_per_rank = std::max(1, s.model.kv_heads / s.plan.tp);
  c.kv_width = static_cast<double>(kv_heads_per_rank) * static_cast<double>(s.model.head_dim);
  c.top_k = s.model.moe ? s.model.moe->top_k : 1;
  c.parallel_block = s.model.parallel_block;
  c.tp_comm_overlap = s.execution.tp_comm_overlap;
  return c;
}

// Megatron-LM reduces bf16 gradients in fp32 (accumulate_allreduce_grads_in_fp32 is forced on
// for bf16); fp16 gradients are reduced as they are. Parameters are gathered in 16 bits.
double gradient_bytes_per_param(models::Precision p) { return p == models::Precision::fp16 ? 2 : 4; }
double gathered_bytes_per_param(models::Precision p) { return p == models::Precision::fp32 ? 4 : 2; }

double frozen_bytes(const std::vector<models::Operator>& ops) {
  double bytes = 0;
  for (const auto& op : ops) bytes += op.frozen_bytes;
  return bytes;
}

double gradient_bucket_params(const config::Execution& x, const models::ParallelPlan& p) {
  return x.bucket_params > 0 ? x.bucket_params : std::max(40e6, 1e6 * p.dp);
}

StepGraph build_step(const config::Scenario& scenario, const StepInputs& inputs) {
  check_step_work(scenario, inputs);  // before any count below is narrowed to an int
  return Builder(scenario, inputs).build();
}

}  // namespace dtsim::training
