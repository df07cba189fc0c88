// dtsim topology SYSTEM_OR_SCENARIO [--nodes N] [--shape AxBxC] [--slices K] [--json] [--dot]
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/config/quantity.hpp"
#include "dtsim/sim/training/work_estimate.hpp"
#include "dtsim/topology/metrics.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;
using topology::VertexKind;

std::string class_name(topology::LinkClass c) {
  switch (c) {
    case topology::LinkClass::scale_up: return "scale-up";
    case topology::LinkClass::pcie: return "pcie";
    case topology::LinkClass::network: return "network";
    case topology::LinkClass::optical: return "optical";
  }
  return "?";
}

Json to_json(const config::ClusterSpec& spec, const topology::TopologySummary& t) {
  Json j;
  j["system"] = spec.system.id;
  j["accelerator"] = spec.device.id;
  j["accelerators"] = t.accelerators;
  j["nodes"] = t.nodes;
  if (!spec.torus_shape.empty()) {
    j["slice_shape"] = spec.torus_shape;
    j["slices"] = spec.slices;
  }
  j["fabric"] = topology::to_string(spec.fabric.kind);
  Json v;
  for (int k = 0; k < topology::kVertexKinds; ++k)
    if (t.vertices[k] > 0) v[topology::to_string(static_cast<VertexKind>(k))] = t.vertices[k];
  j["vertices"] = v;
  j["nvswitch_chips"] = t.nvswitch_chips;
  j["optical_circuit_switches"] = t.optical_switches;
  Json links = Json::array();
  for (const auto& l : t.links)
    links.push_back({{"type", l.type}, {"class", class_name(l.cls)}, {"cables", l.cables},
                     {"bytes_per_s_per_direction", l.bw_bytes_per_s}});
  j["links"] = links;
  j["scale_up_injection_bytes_per_s"] = t.scale_up_injection_bytes_per_s;
  j["scale_out_injection_bytes_per_s"] = t.scale_out_injection_bytes_per_s;
  j["bisection_bytes_per_s"] = t.bisection_bytes_per_s;
  j["diameter_hops"] = t.diameter_hops;
  return j;
}

std::string rate(double bytes_per_s) { return fmt::format("{:.4g} GB/s", bytes_per_s / 1e9); }

void print_text(const config::ClusterSpec& spec, const topology::TopologySummary& t) {
  std::cout << fmt::format("{}: {} x {} in {} nodes", spec.system.name, t.accelerators,
                           spec.device.name, t.nodes);
  if (!spec.torus_shape.empty())
    std::cout << fmt::format(" ({} slice(s) of {})", spec.slices, fmt::join(spec.torus_shape, "x"));
  std::cout << "\n\n";
  TextTable vertices({"vertices", "count"});
  for (int k = 0; k < topology::kVertexKinds; ++k) {
    if (t.vertices[k] == 0) continue;
    const auto kind = static_cast<VertexKind>(k);
    std::string name = topology::to_string(kind);
    if (kind == VertexKind::nvswitch) name += fmt::format(" complexes ({} chips)", t.nvswitch_chips);
    vertices.row({name, std::to_string(t.vertices[k])});
  }
  if (t.optical_switches > 0)
    vertices.row({"(optical circuit switches)", std::to_string(t.optical_switches)});
  std::cout << vertices.str() << "\n";
  TextTable links({"links by type", "class", "cables", "each, per direction"});
  for (const auto& l : t.links)
    links.row({l.type, class_name(l.cls), std::to_string(l.cables), rate(l.bw_bytes_per_s)});
  std::cout << links.str() << "\n";
  TextTable figures({"per accelerator, per direction", "value"});
  figures.row({"scale-up injection", rate(t.scale_up_injection_bytes_per_s)});
  figures.row({"scale-out injection", rate(t.scale_out_injection_bytes_per_s)});
  std::cout << figures.str() << "\n";
  TextTable whole({"whole cluster", "value"});
  whole.row({"bisection (one direction)", rate(t.bisection_bytes_per_s)});
  whole.row({"diameter (routed)", fmt::format("{} links", t.diameter_hops)});
  whole.row({"fabric", topology::to_string(spec.fabric.kind)});
  std::cout << whole.str();
}

// The budget: the scenario's, or --max-memory's (the last one given) for a system preset.
struct Budget {
  double bytes = 0;
  config::SourcePos pos{"command line", 1, 1};
  std::string key = "--max-memory";
};

Budget preset_budget(const std::vector<std::string>& overrides) {
  const std::string prefix = "simulation.max_memory=";
  config::Execution x;
  for (const auto& o : overrides) {
    if (o.rfind(prefix, 0) != 0) continue;
    std::string why;
    const auto bytes =
        config::parse_quantity(o.substr(prefix.size()), config::Dimension::bytes, &why);
    if (!bytes || *bytes <= 0)
      throw config::ConfigError({"command line", 1, 1}, "--max-memory",
                                "expected a byte quantity such as \"4 GiB\", found '" +
                                    o.substr(prefix.size()) + "'" +
                                    (why.empty() ? "" : ": " + why));
    x.max_memory_bytes = *bytes;
  }
  return {training::memory_budget_bytes(x)};
}

// Refuses at once, with the estimate, a graph that would not fit the budget.
void check_size(const config::ClusterSpec& spec, const Budget& budget) {
  const auto size = topology::estimate_cluster_size(spec.system, spec.shape(), spec.fabric);
  if (size.bytes <= budget.bytes) return;
  throw config::ConfigError(
      budget.pos, budget.key,
      fmt::format("expected a cluster graph that fits in {}, found {} accelerators and about {} "
                  "links needing about {}; use fewer nodes or a larger --max-memory",
                  training::memory_text(budget.bytes), size.accelerators, size.links,
                  training::memory_text(size.bytes)));
}

}  // namespace

void add_topology_command(CLI::App& app) {
  struct Options {
    std::string target;
    config::ClusterRequest request;
    bool json = false;
    bool dot = false;
    std::vector<std::string> overrides;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("topology", "build a cluster graph and report its structure");
  cmd->add_option("target", o->target, "a system preset (dtsim catalog systems) or a scenario file")
      ->required();
  cmd->add_option("--nodes", o->request.nodes, "number of nodes (racks, TPU hosts)")->check(CLI::PositiveNumber);
  cmd->add_option("--shape", o->request.shape, "TPU slice shape, e.g. 8x8x16");
  cmd->add_option("--slices", o->request.slices, "TPU slices joined over DCN")->check(CLI::PositiveNumber);
  add_max_memory_option(*cmd, o->overrides);
  cmd->add_option("--set", o->overrides, "override a scenario key")->take_all();
  cmd->add_flag("--json", o->json, "print one JSON document");
  cmd->add_flag("--dot", o->dot, "print the graph in Graphviz DOT");
  cmd->callback([o] {
    const bool scenario = o->target.ends_with(".yaml") || o->target.ends_with(".yml") ||
                          std::filesystem::is_regular_file(o->target);
    config::ClusterSpec spec;
    topology::Catalog catalog;
    Budget budget;
    if (scenario) {
      const auto s = config::load_scenario(o->target, o->overrides);
      spec = s.cluster;
      catalog = s.catalog;
      budget.bytes = training::memory_budget_bytes(s.execution);
      if (s.execution.max_memory_bytes > 0)
        budget.pos = s.execution.budget_pos, budget.key = s.execution.budget_key;
    } else {
      catalog = config::builtin_catalog();
      o->request.system = o->target;
      spec = config::load_cluster(o->request, catalog);
      budget = preset_budget(o->overrides);
    }
    check_size(spec, budget);
    const auto cluster = topology::build_cluster(catalog, spec.system, spec.shape(), spec.fabric);
    if (o->dot) {
      std::cout << topology::to_dot(cluster);
      return;
    }
    const auto summary = topology::summarize(cluster);
    if (o->json) std::cout << to_json(spec, summary).dump(2) << "\n";
    else print_text(spec, summary);
  });
}

}  // namespace dtsim::tools
