#include "dtsim/sim/training/layer_program.hpp"

#include <algorithm>

namespace dtsim::training {
namespace {

using models::Operator;
using models::Pass;

class Writer {
 public:
  explicit Writer(Program& p) : p_(p) {}
  void compute(double seconds, Category c = Category::compute) {
    if (seconds <= 0) return;
    if (!p_.empty() && p_.back().kind == Step::Kind::compute && p_.back().category == c) {
      p_.back().seconds += seconds;  // back-to-back kernels on one stream: one step
      return;
    }
    Step s;
    s.category = c;
    s.seconds = seconds;
    p_.push_back(s);
  }
  // Returns the handle of an async exchange (for join), -1 for a blocking one.
  int comm(Exchange e, double bytes, bool async) {
    Step s;
    s.kind = Step::Kind::comm;
    s.exchange = e;
    s.bytes = bytes;
    s.async = async;
    s.handle = async ? next_handle_++ : -1;
    p_.push_back(s);
    return s.handle;
  }
  void join(int handle) {
    if (handle < 0) return;
    Step s;
    s.kind = Step::Kind::join;
    s.handle = handle;
    p_.push_back(s);
  }

 private:
  Program& p_;
  int next_handle_ = 0;
};

struct Part {
  std::vector<const Operator*> pre, main, post;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<Part> parts_of(const std::vector<Operator>& ops, bool parallel_block) {
  std::vector<std::vector<const Operator*>> groups(1);
  for (const auto& op : ops) {
    groups.back().push_back(&op);
    if (!parallel_block && op.name == "attention_dropout_add") groups.emplace_back();
  }
  if (groups.back().empty()) groups.pop_back();
  std::vector<Part> parts;
  for (const auto& g : groups) {
    Part p;
    std::size_t first = 0, last = g.size();
    while (first < last && ends_with(g[first]->name, "norm")) p.pre.push_back(g[first++]);
    while (last > first && ends_with(g[last - 1]->name, "dropout_add")) --last;
    p.main.assign(g.begin() + first, g.begin() + last);
    p.post.assign(g.begin() + last, g.end());
    parts.push_back(std::move(p));
  }
  return parts;
}

class LayerWriter {
 public:
  explicit LayerWriter(const ProgramContext& c) : c_(c) {
    const auto& sh = c.shard;
    tp_ = sh.tp > 1;
    sp_ = sh.sequence_parallel && tp_;
    tokens_ = static_cast<double>(sh.micro_batch) * sh.seq_len / sh.cp;
    tp_bytes_ = tokens_ * c.hidden * 2;
    kv_bytes_ = 2.0 * sh.micro_batch * sh.seq_len * c.kv_width * 2;
    a2a_bytes_ = tokens_ / (sp_ ? sh.tp : 1) * c.top_k * c.hidden * 2;
  }

  double time(const Operator* op, Pass p) const { return models::op_time_s(*op, p, *c_.device); }
  double sum(const std::vector<const Operator*>& ops, Pass p) const {
    double t = 0;
    for (auto* op : ops) t += time(op, p);
    return t;
  }
  double backward(const std::vector<const Operator*>& ops) const {
    return sum(ops, Pass::backward_input) + sum(ops, Pass::backward_weight);
  }

  // One part forward; `pass` is forward, or recompute when full recompute reruns it.
  void forward(Writer& w, const Part& p, Pass pass, Category cat) const {
    const bool moe = is_moe(p);
    const bool overlap = c_.tp_comm_overlap;
    w.compute(sum(p.pre, pass), cat);
    const int ag = tp_ && sp_ && !moe ? w.comm(Exchange::tp_all_gather, tp_bytes_, overlap) : -1;
    int rs = -1;
    for (std::size_t i = 0; i < p.main.size(); ++i) {
      const Operator* op = p.main[i];
      if (moe && op == first_expert(p)) dispatch_to_experts(w);
      if (moe && op->name == "combine") return_from_experts(w);
      if (tp_ && sp_ && !moe && overlap && i + 1 == p.main.size())
        rs = w.comm(Exchange::tp_reduce_scatter, tp_bytes_, true);  // under the last GEMM
      if (op->name == "attention_core" && c_.shard.cp > 1) {
        const int kv = w.comm(Exchange::cp_all_gather, kv_bytes_, true);
        w.compute(time(op, pass), cat);
        w.join(kv);
      } else {
        w.compute(time(op, pass), cat);
      }
      if (i == 0 && overlap) w.join(ag);  // the gather ran under the first GEMM
    }
    if (!overlap) {
      if (tp_ && sp_ && !moe) w.comm(Exchange::tp_reduce_scatter, tp_bytes_, false);
      if (tp_ && !sp_) w.comm(Exchange::tp_all_reduce, tp_bytes_, false);
    } else if (tp_ && !sp_) {
      w.comm(Exchange::tp_all_reduce, tp_bytes_, false);
    }
    w.compute(sum(p.post, pass), cat);
    w.join(rs);
  }

  void backward(Writer& w, const Part& p) const {
    const bool moe = is_moe(p);
    w.compute(backward(p.post));
    if (tp_ && sp_ && !moe) w.comm(Exchange::tp_all_gather, tp_bytes_, false);  // output gradient
    // The input of the first GEMM, gathered again for its weight gradient.
    const int regather = tp_ && sp_ && !moe ? w.comm(Exchange::tp_all_gather, tp_bytes_, true) : -1;
    std::vector<int> pending;
    for (std::size_t i = p.main.size(); i-- > 1;) {
      const Operator* op = p.main[i];
      if (op->name == "attention_core" && c_.shard.cp > 1) {
        const int kv = w.comm(Exchange::cp_all_gather, kv_bytes_, true);
        w.compute(backward({op}));
        w.join(kv);
        pending.push_back(w.comm(Exchange::cp_reduce_scatter, kv_bytes_, true));
      } else {
        w.compute(backward({op}));
      }
      if (moe && op->name == "combine") dispatch_to_experts(w);  // gradients to the experts
      if (moe && op == first_expert(p)) return_from_experts(w);
    }
    const Operator* first = p.main.front();
    w.compute(time(first, Pass::backward_input));
    int grad = -1;
    if (tp_ && !moe) grad = w.comm(sp_ ? Exchange::tp_reduce_scatter : Exchange::tp_all_reduce, tp_bytes_, true);
    if (tp_ && moe && !sp_) w.comm(Exchange::tp_all_reduce, tp_bytes_, false);
    w.join(regather);
    w.compute(time(first, Pass::backward_weight));
    w.join(grad);
    w.compute(backward(p.pre));
    for (int h : pending) w.join(h);
  }

 private:
  static bool is_moe(const Part& p) {
    return std::any_of(p.main.begin(), p.main.end(), [](auto* op) { return op->name == "dispatch"; });
  }
  static const Operator* first_expert(const Part& p) {
    for (auto* op : p.main)
      if (op->name.rfind("experts_", 0) == 0) return op;
    return nullptr;
  }
  void dispatch_to_experts(Writer& w) const {
    if (c_.shard.ep > 1) w.comm(Exchange::ep_all_to_all, a2a_bytes_, false);
    if (sp_) w.comm(Exchange::tp_all_gather, tp_bytes_ * c_.top_k, false);
  }
  void return_from_experts(Writer& w) const {
    if (sp_) w.comm(Exchange::tp_reduce_scatter, tp_bytes_ * c_.top_k, false);
    if (c_.shard.ep > 1) w.comm(Exchange::ep_all_to_all, a2a_bytes_, false);
  }

  const ProgramContext& c_;
  bool tp_ = false, sp_ = false;
  double tokens_ = 0, tp_bytes_ = 0, kv_bytes_ = 0, a2a_bytes_ = 0;
};

void count_params(const std::vector<Operator>& ops, BlockProgram& b) {
  for (const auto& op : ops) (op.expert ? b.expert_params : b.params) += op.trained_parameters();
}

}  // namespace

BlockProgram layer_program(const std::vector<Operator>& ops, const ProgramContext& c) {
  BlockProgram b;
  count_params(ops, b);
  const auto parts = parts_of(ops, c.parallel_block);
  LayerWriter lw(c);
  Writer fwd(b.forward);
  for (const auto& p : parts) lw.forward(fwd, p, Pass::forward, Category::compute);
  Writer bwd(b.backward);
  if (c.shard.recompute == models::Recompute::full) {
    for (const auto& p : parts) lw.forward(bwd, p, Pass::recompute, Category::recompute);
  } else {
    double redo = 0;  // selective: the attention core's forward again
    for (const auto& op : ops) redo += models::op_time_s(op, Pass::recompute, *c.device);
    bwd.compute(redo, Category::recompute);
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) lw.backward(bwd, *it);
  return b;
}

BlockProgram embedding_program(const std::vector<Operator>& ops, const ProgramContext& c) {
  BlockProgram b;
  count_params(ops, b);
  const auto& sh = c.shard;
  const bool tp = sh.tp > 1, sp = tp && sh.sequence_parallel;
  const double bytes = static_cast<double>(sh.micro_batch) * sh.seq_len / sh.cp * c.hidden * 2;
  Writer fwd(b.forward), bwd(b.backward);
  double f = 0, g = 0;
  for (const auto& op : ops) {
    f += models::op_time_s(op, Pass::forward, *c.device);
    g += models::op_time_s(op, Pass::backward_input, *c.device) +
         models::op_time_s(op, Pass::backward_weight, *c.device);
  }
  fwd.compute(f);
  // Vocabulary-parallel embedding: each rank looks up its share of the vocabulary; the partial
  // sums are reduced (scattered along the sequence under sequence parallelism).
  if (tp) fwd.comm(sp ? Exchange::tp_reduce_scatter : Exchange::tp_all_reduce, bytes, false);
  if (sp) bwd.comm(Exchange::tp_all_gather, bytes, false);
  bwd.compute(g);
  return b;
}

BlockProgram head_program(const std::vector<Operator>& ops, const ProgramContext& c) {
  BlockProgram b;
  count_params(ops, b);
  const auto& sh = c.shard;
  const bool tp = sh.tp > 1, sp = tp && sh.sequence_parallel;
  const double tokens = static_cast<double>(sh.micro_batch) * sh.seq_len / sh.cp;
  const double bytes = tokens * c.hidden * 2;
  auto t = [&](const Operator& op, Pass p) { return models::op_time_s(op, p, *c.device); };
  Writer fwd(b.forward), bwd(b.backward);
  // final norm | AG | logits (vocabulary-parallel) + cross entropy, whose max and sum over the
  // vocabulary and target logit are all-reduced across tp (3 floats a token).
  for (const auto& op : ops) {
    if (op.name == "logits" && sp) fwd.comm(Exchange::tp_all_gather, bytes, false);
    fwd.compute(t(op, Pass::forward));
  }
  if (tp) fwd.comm(Exchange::tp_all_reduce, tokens * 12, false);
  for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
    bwd.compute(t(*it, Pass::backward_input) + t(*it, Pass::backward_weight));
    if (it->name == "logits" && tp)
      bwd.comm(sp ? Exchange::tp_reduce_scatter : Exchange::tp_all_reduce, bytes, false);
  }
  return b;
}

collective::Op op_of(Exchange e) {
  using collective::Op;
  switch (e) {
    case Exchange::tp_all_gather:
    case Exchange::cp_all_gather: return Op::all_gather;
    case Exchange::tp_reduce_scatter:
    case Exchange::cp_reduce_scatter: return Op::reduce_scatter;
    case Exchange::tp_all_reduce: return Op::all_reduce;
    case Exchange::ep_all_to_all: return Op::all_to_all;
  }
  return Op::all_reduce;
}

ExchangeGroup group_of(Exchange e) {
  switch (e) {
    case Exchange::cp_all_gather:
    case Exchange::cp_reduce_scatter: return ExchangeGroup::cp;
    case Exchange::ep_all_to_all: return ExchangeGroup::ep;
    case Exchange::tp_all_gather:
    case Exchange::tp_reduce_scatter:
    case Exchange::tp_all_reduce: return ExchangeGroup::tp;
  }
  return ExchangeGroup::tp;
}

double compute_seconds(const Program& p) {
  double t = 0;
  for (const auto& s : p)
    if (s.kind == Step::Kind::compute) t += s.seconds;
  return t;
}

}  // namespace dtsim::training
