#include "dtsim/sim/training/step_builder.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "dtsim/sim/training/pipeline_schedule.hpp"
#include "dtsim/sim/training/rank_layout.hpp"

namespace dtsim::training {
namespace {

using collective::CommSpec;
using collective::Op;

class Builder {
 public:
  Builder(const config::Scenario& s, const StepCosts& c)
      : p_(s.plan), c_(c), layout_(s.plan), m_(s.plan.micro_batches(s.training)) {
    // Chunk g starts at layer first_layer_[g].
    int first = 0;
    for (int layers : p_.chunk_layers) {
      first_layer_.push_back(first);
      first += layers;
    }
  }

  StepGraph build() {
    for (int stage = 0; stage < p_.pp; ++stage) g_.add_stream(rank_of(stage), StreamKind::compute);
    for (int stage = 0; stage < p_.pp; ++stage) g_.add_stream(rank_of(stage), StreamKind::pp_send);
    for (int stage = 0; stage < p_.pp; ++stage) g_.add_stream(rank_of(stage), StreamKind::dp_comm);
    // Stages are built in schedule order item by item across stages, so that every transfer a
    // task depends on exists when the task is added.
    std::vector<std::vector<WorkItem>> orders;
    for (int stage = 0; stage < p_.pp; ++stage)
      orders.push_back(stage_schedule(p_.schedule, p_.pp, stage, static_cast<int>(m_), p_.vpp));
    std::vector<std::size_t> next(p_.pp, 0);
    for (bool progress = true; progress;) {
      progress = false;
      for (int stage = 0; stage < p_.pp; ++stage) {
        while (next[stage] < orders[stage].size() && inputs_ready(stage, orders[stage][next[stage]])) {
          add_item(stage, orders[stage][next[stage]++]);
          progress = true;
        }
      }
    }
    for (int stage = 0; stage < p_.pp; ++stage)
      if (next[stage] != orders[stage].size())
        throw std::logic_error("pipeline schedule deadlocks: stage " + std::to_string(stage) +
                               " waits for a transfer that is never sent");
    for (int stage = 0; stage < p_.pp; ++stage) {
      add_gradient_sync(stage);
      add_step_end(stage);
    }
    return std::move(g_);
  }

 private:
  int rank_of(int stage) const { return layout_.rank({0, 0, 0, stage}); }
  StreamId compute(int stage) const { return stage; }
  StreamId sender(int stage) const { return p_.pp + stage; }
  StreamId dp_stream(int stage) const { return 2 * p_.pp + stage; }
  int global_chunk(int stage, int chunk) const { return chunk * p_.pp + stage; }
  int last_chunk() const { return p_.chunks() - 1; }

  bool inputs_ready(int stage, const WorkItem& w) const {
    const int g = global_chunk(stage, w.chunk);
    if (w.pass == Pass::forward) return g == 0 || sent_fwd_.count({w.micro_batch, g - 1});
    return g == last_chunk() || sent_bwd_.count({w.micro_batch, g + 1});
  }

  // Appends a compute task; the first task of a pass carries the pass's input dependency.
  void compute_task(int stage, Category cat, double seconds, std::vector<TaskId>& deps) {
    last_ = g_.add_compute(compute(stage), cat, seconds, std::move(deps));
    deps.clear();
  }

  void tp_collectives(int stage) {
    if (p_.tp == 1) return;
    const auto group = layout_.tp_group({0, 0, 0, stage});
    // Attention and MLP blocks: one all-reduce each, or with sequence parallelism an all-gather
    // before and a reduce-scatter after (the same volume).
    const std::vector<Op> ops = p_.sequence_parallel
        ? std::vector<Op>{Op::all_gather, Op::reduce_scatter, Op::all_gather, Op::reduce_scatter}
        : std::vector<Op>{Op::all_reduce, Op::all_reduce};
    for (Op op : ops)
      last_ = g_.add_comm({compute(stage)}, Category::tp_comm, CommSpec{op, c_.tp_bytes, group})[0];
  }

  void send(int stage, int to_stage, std::map<std::pair<int, int>, TaskId>& sent, int mb, int g) {
    CommSpec spec{Op::send_recv, c_.pp_bytes, {rank_of(stage), rank_of(to_stage)}};
    sent[{mb, g}] = g_.add_comm({sender(stage)}, Category::pp_comm, spec, {last_})[0];
  }

  void add_item(int stage, const WorkItem& w) {
    const int g = global_chunk(stage, w.chunk);
    const int first = first_layer_[g];
    const int count = p_.chunk_layers[g];
    std::vector<TaskId> deps;
    if (w.pass == Pass::forward) {
      if (g > 0) deps.push_back(sent_fwd_.at({w.micro_batch, g - 1}));
      for (int l = first; l < first + count; ++l) {
        compute_task(stage, Category::compute, c_.layers[l].forward_s, deps);
        tp_collectives(stage);
      }
      if (g == last_chunk()) compute_task(stage, Category::compute, c_.logits_forward_s, deps);
      else send(stage, (g + 1) % p_.pp, sent_fwd_, w.micro_batch, g);
    } else {
      if (g < last_chunk()) deps.push_back(sent_bwd_.at({w.micro_batch, g + 1}));
      if (g == last_chunk()) compute_task(stage, Category::compute, c_.logits_backward_s, deps);
      for (int l = first + count - 1; l >= first; --l) {
        if (c_.layers[l].recompute_s > 0)
          compute_task(stage, Category::recompute, c_.layers[l].recompute_s, deps);
        compute_task(stage, Category::compute, c_.layers[l].backward_s, deps);
        tp_collectives(stage);
      }
      if (g > 0) send(stage, (g - 1 + p_.pp) % p_.pp, sent_bwd_, w.micro_batch, g);
    }
  }

  // Gradients are reduced over the data-parallel group after the last backward; ZeRO >= 1
  // reduce-scatters them, updates the local shard and all-gathers the parameters.
  void add_gradient_sync(int stage) {
    const double params = c_.stage_params[stage];
    const auto group = layout_.dp_group({0, 0, 0, stage});
    const double grads = params * c_.grad_bytes_per_param;
    if (p_.zero == 0) {
      const TaskId ar = g_.add_comm({dp_stream(stage)}, Category::dp_comm,
                                    CommSpec{Op::all_reduce, grads, group}, {last_of(stage)})[0];
      g_.add_compute(compute(stage), Category::optimizer, params * c_.optimizer_s_per_param, {ar});
      return;
    }
    const TaskId rs = g_.add_comm({dp_stream(stage)}, Category::dp_comm,
                                  CommSpec{Op::reduce_scatter, grads, group}, {last_of(stage)})[0];
    const TaskId opt = g_.add_compute(compute(stage), Category::optimizer,
                                      params / p_.dp * c_.optimizer_s_per_param, {rs});
    g_.add_comm({dp_stream(stage)}, Category::dp_comm,
                CommSpec{Op::all_gather, params * c_.param_bytes_per_param, group}, {opt});
  }

  TaskId last_of(int stage) const { return g_.streams()[compute(stage)].tasks.back(); }

  // A zero-length task closing the compute stream once every stream of the rank is done, so
  // that the rank's trailing idle time is charged to what it waited for (say, the parameter
  // all-gather) rather than to the bubble.
  void add_step_end(int stage) {
    std::vector<TaskId> deps;
    for (StreamId s : {sender(stage), dp_stream(stage)})
      if (!g_.streams()[s].tasks.empty()) deps.push_back(g_.streams()[s].tasks.back());
    g_.add_compute(compute(stage), Category::compute, 0, std::move(deps));
  }

  const models::ParallelPlan& p_;
  const StepCosts& c_;
  RankLayout layout_;
  std::int64_t m_;
  std::vector<int> first_layer_;
  StepGraph g_;
  TaskId last_ = -1;
  std::map<std::pair<int, int>, TaskId> sent_fwd_;  // (micro-batch, global chunk) -> transfer
  std::map<std::pair<int, int>, TaskId> sent_bwd_;
};

}  // namespace

StepGraph build_step(const config::Scenario& scenario, const StepCosts& costs) {
  return Builder(scenario, costs).build();
}

}  // namespace dtsim::training
