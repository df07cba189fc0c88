#include "plan_space.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace dtsim::study {
namespace {

using models::ParallelPlan;
using models::Recompute;

struct Axes {
  std::vector<int> tp, cp, pp, vpp, ep, micro_batch, zero;
  std::vector<Recompute> recompute;
  std::vector<bool> sp;
};

int scale_up_domain(const config::Scenario& s) {
  if (s.cluster.system.scale_up.kind == topology::ScaleUpKind::torus) return 16;
  return s.cluster.system.accelerators_per_node;
}

Axes default_axes(const config::Scenario& s) {
  const auto& m = s.model;
  const int n = s.cluster.accelerators;
  Axes a;
  for (int tp = 1; tp <= std::min(scale_up_domain(s), m.heads); tp *= 2)
    if (m.heads % tp == 0 && (m.kv_heads % tp == 0 || tp % m.kv_heads == 0)) a.tp.push_back(tp);
  for (int cp = 1; cp <= 8 && s.training.seq_len / cp >= 1024; cp *= 2)
    if (s.training.seq_len % (2 * cp) == 0 || cp == 1) a.cp.push_back(cp);
  for (int pp = 1; pp <= std::min(m.layers, 64); ++pp)
    if (n % pp == 0) a.pp.push_back(pp);
  for (int v = 1; v <= std::min(m.layers, 16); ++v) a.vpp.push_back(v);
  a.ep = {1};
  if (m.moe)
    for (int ep = 2; ep <= m.moe->experts && ep <= n; ep *= 2)
      if (m.moe->experts % ep == 0) a.ep.push_back(ep);
  a.micro_batch = {1, 2, 4, 8};
  a.zero = {0, 1, 2, 3};
  a.recompute = {Recompute::none, Recompute::selective, Recompute::full};
  a.sp = {false, true};
  return a;
}

std::vector<int> ints(const config::SweepAxis& axis) {
  std::vector<int> out;
  for (const auto& v : axis.values) {
    int x = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || p != v.data() + v.size() || x < 0)
      throw std::invalid_argument("search: " + axis.key + " expects whole numbers, found '" + v + "'");
    out.push_back(x);
  }
  return out;
}

// The search block's lists replace the default axes they name.
Axes axes_of(const config::Scenario& s) {
  Axes a = default_axes(s);
  for (const auto& axis : s.search.space) {
    const std::string key = axis.key.substr(axis.key.find('.') + 1);
    if (key == "tp") a.tp = ints(axis);
    else if (key == "pp") a.pp = ints(axis);
    else if (key == "cp") a.cp = ints(axis);
    else if (key == "vpp") a.vpp = ints(axis);
    else if (key == "micro_batch") a.micro_batch = ints(axis);
    else if (key == "zero") a.zero = ints(axis);
    else if (key == "recompute") {
      a.recompute.clear();
      for (const auto& v : axis.values)
        a.recompute.push_back(v == "full" ? Recompute::full : v == "selective" ? Recompute::selective : Recompute::none);
    } else if (key == "sequence_parallel") {
      a.sp.clear();
      for (const auto& v : axis.values) a.sp.push_back(v == "true");
    }
  }
  return a;
}

}  // namespace

// One phrase per rule, so that plans rejected for the same reason can be counted together.
std::string why_not(const config::Scenario& s, const ParallelPlan& p) {
  const auto& m = s.model;
  const int n = s.cluster.accelerators;
  if (n % (p.tp * p.pp * p.cp) != 0)
    return "tp x pp x cp does not divide the accelerators";
  if (m.heads % p.tp != 0) return "tp does not divide the attention heads";
  if (m.kv_heads % p.tp != 0 && p.tp % m.kv_heads != 0)
    return "tp neither divides nor is a multiple of the KV heads";
  if (p.cp > 1 && s.training.seq_len % (2 * p.cp) != 0)
    return "2 x cp does not divide the sequence";
  if (m.layers < p.pp * p.vpp) return "fewer layers than pp x vpp";
  if (s.training.global_batch % (static_cast<std::int64_t>(p.micro_batch) * p.dp) != 0)
    return "micro-batch x dp does not divide the global batch";
  if (p.vpp > 1) {
    if (p.pp == 1) return "interleaving needs pipeline parallelism";
    if (m.layers % (p.pp * p.vpp) != 0) return "interleaved chunks would be unequal";
    if (p.micro_batches(s.training) % p.pp != 0) return "interleaving needs micro-batches in multiples of pp";
  }
  if (p.ep > 1 && (!m.moe || m.moe->experts % p.ep != 0 || (p.dp * p.cp) % p.ep != 0))
    return "ep does not divide the experts and dp x cp";
  return "";
}

namespace {

ParallelPlan make_plan(const config::Scenario& s, int tp, int cp, int pp, int vpp, int ep, int mb, int zero,
                       Recompute recompute, bool sp) {
  ParallelPlan p;
  p.tp = tp, p.cp = cp, p.pp = pp, p.vpp = vpp, p.ep = ep, p.micro_batch = mb, p.zero = zero;
  p.recompute = recompute;
  p.sequence_parallel = sp;
  p.dp = std::max(1, s.cluster.accelerators / (tp * pp * cp));
  p.schedule = vpp > 1 ? models::Schedule::interleaved_1f1b : models::Schedule::one_f_one_b;
  // Torus slices joined over the data-center network shard ZeRO within a slice (MaxText's FSDP).
  const int slices = s.cluster.slices;
  if (zero >= 1 && slices > 1 && p.dp % slices == 0) p.zero_shard = p.dp / slices;
  if (s.model.layers >= pp * vpp) p.chunk_layers = models::split_layers(s.model.layers, pp * vpp);
  return p;
}

}  // namespace

bool same_plan(const ParallelPlan& a, const ParallelPlan& b) {
  return a.tp == b.tp && a.pp == b.pp && a.dp == b.dp && a.cp == b.cp && a.ep == b.ep && a.vpp == b.vpp &&
         a.micro_batch == b.micro_batch && a.zero == b.zero && a.shard_group() == b.shard_group() &&
         a.sequence_parallel == b.sequence_parallel && a.recompute == b.recompute && a.schedule == b.schedule;
}

std::vector<Candidate> plan_space(const config::Scenario& s) {
  const Axes a = axes_of(s);
  std::vector<Candidate> out;
  out.push_back({s.plan, ""});
  for (int tp : a.tp)
    for (int cp : a.cp)
      for (int pp : a.pp)
        for (int vpp : a.vpp) {
          // Not plans at all: sizes that do not tile the cluster, interleaving without a pipeline
          // or with unequal chunks.
          if (s.cluster.accelerators % (tp * pp * cp) != 0) continue;
          if (vpp > 1 && (pp == 1 || s.model.layers % (pp * vpp) != 0)) continue;
          for (int ep : a.ep)
            for (int mb : a.micro_batch)
              for (int zero : a.zero)
                for (Recompute r : a.recompute)
                  for (bool sp : a.sp) {
                    if (sp && tp == 1) continue;  // SP is a tp > 1 choice
                    Candidate c{make_plan(s, tp, cp, pp, vpp, ep, mb, zero, r, sp), ""};
                    if (same_plan(c.plan, s.plan)) continue;
                    c.rejected = why_not(s, c.plan);
                    out.push_back(std::move(c));
                  }
        }
  return out;
}

}  // namespace dtsim::study
