// dtsim collective OP --system S --accelerators N --size BYTES [--algo A] [--json] [--sweep]
// One collective on an idle cluster, reported as nccl-tests does (time, algbw, busbw).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "dtsim/sim/collective/measure.hpp"
#include "dtsim/sim/collective/schedule.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/config/quantity.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

std::optional<collective::Op> op_from(const std::string& name) {
  using collective::Op;
  for (Op op : {Op::all_reduce, Op::reduce_scatter, Op::all_gather, Op::broadcast, Op::reduce,
                Op::all_to_all, Op::send_recv})
    if (collective::to_string(op) == name) return op;
  return std::nullopt;
}

[[noreturn]] void bad(const std::string& key, const std::string& message) {
  throw config::ConfigError({"command line", 1, 1}, key, message);
}

double parse_size(const std::string& text) {
  std::string why;
  if (auto v = config::parse_quantity(text, config::Dimension::bytes, &why)) return *v;
  if (auto v = config::parse_quantity(text, config::Dimension::count, &why)) return *v;  // bytes
  bad("--size", "expected a size such as '8GiB' or a byte count, found '" + text + "'");
}

struct Options {
  std::string op;
  config::ClusterRequest cluster{"dgx-h100", 0, "", 0};
  int accelerators = 0;
  std::string size = "1GiB";
  std::string algo;
  std::string network = "flow";
  bool json = false;
  bool sweep = false;
};

void run(const Options& o) {
  const auto op = op_from(o.op);
  if (!op) bad("OP", "expected all-reduce, reduce-scatter, all-gather, broadcast, reduce, all-to-all or send-recv, found '" + o.op + "'");
  std::optional<collective::Algorithm> algo;
  if (!o.algo.empty()) {
    algo = collective::algorithm_from_string(o.algo);
    if (!algo) bad("--algo", "expected one of ring, tree, hierarchical, nvls, mesh, torus, pairwise, direct, found '" + o.algo + "'");
  }
  if (o.network != "flow" && o.network != "analytical") bad("--network", "expected flow or analytical, found '" + o.network + "'");
  const auto mode = o.network == "flow" ? network::Mode::flow : network::Mode::analytical;
  const auto catalog = config::builtin_catalog();
  auto request = o.cluster;
  const auto* system = catalog.find_system(request.system);
  if (system && o.accelerators > 0) {
    if (system->scale_up.kind == topology::ScaleUpKind::torus && request.shape.empty()) {
      const auto shape = topology::default_torus_shape(*system, o.accelerators);
      request.shape = fmt::format("{}", fmt::join(shape, "x"));
    } else if (request.nodes == 0) {
      if (o.accelerators % system->accelerators_per_node != 0)
        bad("--accelerators", fmt::format("expected a multiple of the {} accelerators per {} node, found {}",
                                          system->accelerators_per_node, system->id, o.accelerators));
      request.nodes = o.accelerators / system->accelerators_per_node;
    }
  }
  const auto spec = config::load_cluster(request, catalog);
  const auto cluster = topology::build_cluster(catalog, spec.system, spec.shape(), spec.fabric);
  collective::Planner planner(cluster, collective::collective_env(spec.system, spec.device));

  std::vector<double> sizes;
  if (o.sweep)
    for (double s = 8; s <= 8.0 * (1ull << 30); s *= 2) sizes.push_back(s);
  else
    sizes.push_back(parse_size(o.size));
  collective::CommSpec cs;
  cs.op = *op;
  for (int r = 0; r < cluster.accelerators(); ++r) cs.ranks.push_back(r);
  if (*op == collective::Op::send_recv) cs.ranks = {0, cluster.accelerators() - 1};
  if (algo) {  // An algorithm asked for by name must be able to run here (else: bad input, exit 2).
    cs.bytes = 1;
    collective::schedule(cs, *algo, cluster);
  }

  Json rows = Json::array();
  TextTable table({"size (B)", "time (us)", "algbw (GB/s)", "busbw (GB/s)", "algorithm", "protocol"});
  for (double size : sizes) {
    cs.bytes = size;
    const auto m = collective::measure(cs, planner, mode, algo);
    rows.push_back({{"size_bytes", size}, {"time_s", m.time_s}, {"algbw_gb_s", m.algbw_bytes_per_s / 1e9},
                    {"busbw_gb_s", m.busbw_bytes_per_s / 1e9}, {"algorithm", to_string(m.algorithm)},
                    {"protocol", to_string(m.protocol)}});
    table.row({fmt::format("{:.0f}", size), fmt::format("{:.2f}", m.time_s * 1e6),
               fmt::format("{:.2f}", m.algbw_bytes_per_s / 1e9), fmt::format("{:.2f}", m.busbw_bytes_per_s / 1e9),
               to_string(m.algorithm), to_string(m.protocol)});
  }
  if (o.json) {
    Json j{{"collective", o.op}, {"system", spec.system.id}, {"accelerators", cluster.accelerators()},
           {"network", o.network}};
    if (o.sweep) j["sweep"] = rows;
    else for (auto& [k, v] : rows[0].items()) j[k] = v;
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("# {} over {} x {} ({}), {} network\n", o.op, cluster.accelerators(),
                           spec.device.name, spec.system.name, o.network);
  std::cout << table.str();
}

}  // namespace

void add_collective_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("collective", "simulate one collective on an idle cluster (like nccl-tests)");
  cmd->add_option("op", o->op, "all-reduce, reduce-scatter, all-gather, broadcast, reduce, all-to-all, send-recv")
      ->required();
  cmd->add_option("--system", o->cluster.system, "system preset (default dgx-h100)");
  cmd->add_option("--accelerators", o->accelerators, "accelerators taking part (default: one node)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--nodes", o->cluster.nodes, "nodes taking part")->check(CLI::PositiveNumber);
  cmd->add_option("--shape", o->cluster.shape, "TPU slice shape, e.g. 8x8x8");
  cmd->add_option("--slices", o->cluster.slices, "TPU slices over DCN")->check(CLI::PositiveNumber);
  cmd->add_option("--size", o->size, "buffer size as nccl-tests counts it, e.g. 8GiB (default 1GiB)");
  cmd->add_option("--algo", o->algo, "force an algorithm: ring, tree, hierarchical, nvls, mesh, torus, pairwise, direct");
  cmd->add_option("--network", o->network, "flow (max-min sharing, default) or analytical (alpha-beta)");
  cmd->add_flag("--sweep", o->sweep, "every power of two from 8 B to 8 GiB, like nccl-tests -b 8 -e 8G -f 2");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o] { run(*o); });
}

}  // namespace dtsim::tools
