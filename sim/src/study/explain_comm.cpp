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

// The group of kind `d` holding rank x, as the step builder forms it (pipeline: x and its peer
// in stage 1). Data parallelism and ZeRO's shards span the CP ranks, which hold the same weights.
std::vector<int> CommContext::group_of(Dim d, training::RankCoord x) const {
  const training::RankLayout layout(s.plan);
  switch (d) {
    case Dim::tp: return layout.tp_group(x);
    case Dim::cp: return layout.cp_group(x);
    case Dim::ep: return layout.ep_group(x);
    case Dim::dp: return layout.dp_cp_group(x);
    case Dim::shard: return layout.shard_group(x);
    case Dim::replica: return layout.replica_group(x);
    case Dim::pp: break;
  }
  return {layout.rank(x), layout.rank({x.tp, x.cp, x.dp, std::min(1, s.plan.pp - 1)})};
}

std::vector<int> CommContext::group(Dim d) const { return group_of(d, {}); }

// Every group of kind `d` in stage 0, named by its first rank, as offsets from the group of
// rank 0 (which is among them): the folded replay runs them all at once, and so does the
// planner here.
std::vector<int> CommContext::replicas(Dim d) const {
  const auto& p = s.plan;
  std::set<int> out;
  for (int dp = 0; dp < p.dp; ++dp)
    for (int c = 0; c < p.cp; ++c)
      for (int t = 0; t < p.tp; ++t) out.insert(group_of(d, {t, c, dp, 0}).front());
  return {out.begin(), out.end()};
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
  if (p.dp_cp() > 1) out.push_back(data_parallel_section(c));
  return out;
}

}  // namespace dtsim::study::detail
