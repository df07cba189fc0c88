// The explanation's communication: per parallel dimension, what one rank of pipeline stage 0
// moves in a step. Tensor, context and expert parallelism are counted from the step builder's own
// layer programs (training/layer_program.hpp), pipeline transfers and data parallelism with the
// byte counts step_builder.hpp uses; each group is priced by the collective planner with every
// other group of the stage running at once (as the folded replay runs them), and set beside the
// exposed time the replay measured.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "dtsim/sim/collective/planner.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/rank_layout.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "explain_comm.hpp"
#include "explain_parts.hpp"

namespace dtsim::study::detail {

using collective::Op;
using training::Exchange;

CommContext::CommContext(const config::Scenario& scenario, const training::StepResult& result)
    : s(scenario), step(result), inputs(training::step_inputs(scenario)), cluster(config::build_cluster(scenario)),
      planner(cluster, collective::collective_env(scenario.cluster.system, scenario.cluster.device)),
      m(scenario.plan.micro_batches(scenario.training)) {
  const auto& p = s.plan;
  int first = 0;
  for (int c = 0; c < p.chunks(); ++c) {
    if (c % p.pp == 0)
      for (int l = first; l < first + p.chunk_layers[c]; ++l) stage0_layers.push_back(l);
    first += p.chunk_layers[c];
  }
}

// Every group of kind `d` in stage 0, as offsets from the group of rank 0 (which is among them):
// the folded replay runs them all at once, and so does the planner here.
std::vector<int> CommContext::replicas(Dim d) const {
  const auto& p = s.plan;
  const training::RankLayout layout(p);
  const int zs = p.shard_group();
  std::set<int> out;
  for (int dp = 0; dp < p.dp; ++dp)
    for (int c = 0; c < p.cp; ++c)
      for (int t = 0; t < p.tp; ++t) {
        training::RankCoord x{t, c, dp, 0};
        if (d == Dim::tp) x.tp = 0;
        if (d == Dim::cp) x.cp = 0;
        if (d == Dim::dp) x.dp = 0;
        if (d == Dim::ep) x.dp = dp / p.ep * p.ep;
        if (d == Dim::shard) x.dp = dp / zs * zs;
        out.insert(layout.rank(x));
      }
  return {out.begin(), out.end()};
}

// The group of rank 0 (pipeline: rank 0 and its peer in stage 1).
std::vector<int> CommContext::group(Dim d) const {
  const auto& p = s.plan;
  const training::RankLayout layout(p);
  std::vector<int> out;
  auto with = [&](int t, int c, int dp, int pp) { out.push_back(layout.rank({t, c, dp, pp})); };
  switch (d) {
    case Dim::tp: for (int t = 0; t < p.tp; ++t) with(t, 0, 0, 0); break;
    case Dim::cp: for (int c = 0; c < p.cp; ++c) with(0, c, 0, 0); break;
    case Dim::ep: for (int k = 0; k < p.ep; ++k) with(0, 0, k, 0); break;
    case Dim::dp: for (int k = 0; k < p.dp; ++k) with(0, 0, k, 0); break;
    case Dim::shard: for (int k = 0; k < p.shard_group(); ++k) with(0, 0, k, 0); break;
    case Dim::replica: for (int k = 0; k < p.dp; k += p.shard_group()) with(0, 0, k, 0); break;
    case Dim::pp: with(0, 0, 0, 0), with(0, 0, 0, std::min(1, p.pp - 1)); break;
  }
  return out;
}

collective::CollectivePlan CommContext::plan(Op op, double bytes, Dim d) {
  const auto key = std::make_tuple(op, bytes, static_cast<int>(d));
  if (auto it = plans_.find(key); it != plans_.end()) return it->second;
  collective::CommSpec spec{op, bytes, group(d), d == Dim::replica ? std::vector<int>{} : replicas(d)};
  return plans_[key] = planner.plan(spec);
}

bool CommContext::scale_up_only(Dim d) const {
  const auto g = group(d);
  const auto& acc = cluster.layout().accelerators;
  return std::all_of(g.begin(), g.end(), [&](int r) { return acc[r].domain == acc[g.front()].domain; });
}

// The link a group crosses and its raw rate per accelerator and direction.
ExplainItem CommContext::link_item(const std::string& prefix, Dim d) const {
  const auto& sys = s.cluster.system;
  const int n = static_cast<int>(group(d).size());
  if (scale_up_only(d)) {
    const auto& up = sys.scale_up;
    const std::string id = up.link.empty() ? up.pcie_link : up.link;
    const auto* l = s.catalog.find_link(id);
    const int links = up.link.empty() ? 1 : std::max(1, up.links_per_accelerator);
    const double bw = l ? l->bw_bytes_per_s : 0;
    return item(prefix + ".link_bytes_per_s",
                fmt::format("{} ranks in one scale-up domain ({}): link rate per accelerator", n,
                            topology::to_string(up.kind)),
                "links x rate per direction", fmt::format("{} x {} ({})", links, quantity(bw, "B/s"), l ? l->name : id),
                links * bw, "B/s");
  }
  const auto& out = sys.scale_out;
  const auto* l = s.catalog.find_link(out.link);
  const double bw = l ? l->bw_bytes_per_s : 0;
  return item(prefix + ".link_bytes_per_s",
              fmt::format("{} ranks across the scale-out network: NIC rate per accelerator", n),
              "NICs per node x rate / accelerators per node",
              fmt::format("{} x {} / {} ({})", out.nics_per_node, quantity(bw, "B/s"), sys.accelerators_per_node,
                          l ? l->name : out.link),
              out.nics_per_node * bw / sys.accelerators_per_node, "B/s");
}

// Bus bandwidth the planner achieves for one collective (nccl-tests: algbw x factor).
ExplainItem CommContext::bus_item(const std::string& prefix, Op op, double bytes, Dim d) {
  const auto pl = plan(op, bytes, d);
  const int n = static_cast<int>(group(d).size());
  const double factor = collective::bus_factor(op, n);
  const double busbw = pl.estimate_s > 0 ? factor * bytes / pl.estimate_s : 0;
  return item(prefix + ".bus_bytes_per_s",
              fmt::format("bus bandwidth of one {} of {} ({}, {}; uncontended)", collective::to_string(op),
                          bytes_text(bytes), collective::to_string(pl.algorithm), collective::to_string(pl.protocol)),
              "factor x S / t", fmt::format("{:.4g} x {} / {}", factor, bytes_text(bytes), seconds_text(pl.estimate_s)),
              busbw, "B/s");
}

ExplainItem exposed_item(const std::string& prefix, double exposed, double uncontended) {
  const std::string hidden = uncontended > 0 ? fmt::format("{:.0f} % of the uncontended time hidden under compute",
                                                           100 * std::max(0.0, 1 - exposed / uncontended))
                                             : "";
  return item(prefix + ".exposed_s", "exposed in the simulated step (mean over ranks)", "", hidden, exposed, "s");
}

std::vector<ExplainSection> comm_sections(const config::Scenario& s, const training::StepResult& r) {
  CommContext c(s, r);
  std::vector<ExplainSection> out;
  const auto& p = s.plan;
  if (p.tp > 1) out.push_back(exchange_section(c, Dim::tp));
  if (p.cp > 1) out.push_back(exchange_section(c, Dim::cp));
  if (p.ep > 1) out.push_back(exchange_section(c, Dim::ep));
  if (p.pp > 1) out.push_back(pipeline_section(c));
  if (p.dp > 1) out.push_back(data_parallel_section(c));
  return out;
}

}  // namespace dtsim::study::detail
