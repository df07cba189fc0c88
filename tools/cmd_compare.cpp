// dtsim compare SCENARIO.yaml [--json | --csv] [--search] [--set key.path=value ...]
//
// Runs the scenario's `variants:` side by side. With a `search:` block (or --search) each
// variant first finds its own fastest plan that fits (study/search.hpp), so that systems are
// compared at their best rather than at one plan that suits only one of them.
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <iostream>

#include "commands.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/search.hpp"
#include "dtsim/sim/study/summary.hpp"
#include "summary_format.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

struct Side {
  config::Scenario scenario;
  study::Summary summary;
  std::string chosen;  // how the plan was chosen
};

config::Scenario load_variant(const std::string& path, std::vector<std::string> overrides, const config::Variant& v) {
  overrides.insert(overrides.end(), v.overrides.begin(), v.overrides.end());
  try {
    auto s = config::load_scenario(path, overrides);
    s.name = v.name;
    return s;
  } catch (const config::ConfigError& e) {
    throw config::ConfigError(e.pos(), e.key_path(), "in variant '" + v.name + "': " + e.message());
  }
}

Side run_side(config::Scenario s, bool search) {
  Side side;
  side.chosen = "the scenario's plan";
  if (search) {
    const auto found = study::search(s);
    const auto best = std::find_if(found.confirmed.begin(), found.confirmed.end(),
                                   [](const auto& r) { return r.memory.fits(); });
    if (best != found.confirmed.end()) {
      s = study::with_plan(s, best->plan);
      side.chosen = fmt::format("fastest of {} plans that fit", found.fitting.size());
    } else {
      side.chosen = "no plan fits: the scenario's plan";
    }
  }
  side.summary = study::summarize(s);
  side.scenario = std::move(s);
  return side;
}

// Per accelerator and direction: what its scale-up and scale-out links can carry.
std::string scale_up_text(const config::Scenario& s) {
  const auto& up = s.cluster.system.scale_up;
  const auto* link = s.catalog.find_link(up.link);
  if (!link) return "";
  return fmt::format("{:.0f} GB/s", link->bw_bytes_per_s * up.links_per_accelerator / 1e9);
}

std::string scale_out_text(const config::Scenario& s) {
  const auto& out = s.cluster.system.scale_out;
  const auto* link = s.catalog.find_link(out.link);
  if (!link || out.nics_per_node == 0) return "none";
  return fmt::format("{:.0f} GB/s", link->bw_bytes_per_s * out.nics_per_node / s.cluster.system.accelerators_per_node / 1e9);
}

// The first earlier side that trains the same model: the one a side is measured against.
const Side* baseline_of(const std::vector<Side>& sides, std::size_t i) {
  for (std::size_t j = 0; j < i; ++j)
    if (sides[j].scenario.model.name == sides[i].scenario.model.name) return &sides[j];
  return nullptr;
}

// How a side compares with its baseline: the parts of the step that grew, and, when the two
// chose different plans, the side run at the baseline's plan, which isolates the hardware.
std::string against(const Side& side, const Side& base) {
  const auto& a = side.summary.step;
  const auto& b = base.summary.step;
  const double ratio = a.step_time_s / b.step_time_s - 1;
  std::string text = fmt::format("step {:+.1f} % ({})", 100 * ratio,
                                 ratio > 0 ? study::slower_because(a, b) : "faster");
  if (study::plan_text(side.scenario.plan) == study::plan_text(base.scenario.plan) ||
      side.scenario.cluster.accelerators != base.scenario.cluster.accelerators)
    return text;
  config::Scenario same_plan;
  try {
    same_plan = study::with_plan(side.scenario, base.scenario.plan);
  } catch (const std::invalid_argument&) {
    return text + fmt::format("; {}'s plan cannot run here", base.summary.name);
  }
  const auto r = training::simulate_step(same_plan);
  text += fmt::format("; at {}'s plan {:.3f} s, {:+.1f} % ({}){}", base.summary.name, r.step_time_s,
                      100 * (r.step_time_s / b.step_time_s - 1),
                      r.step_time_s > b.step_time_s ? study::slower_because(r, b) : "faster",
                      r.memory.fits() ? "" : ", but it does not fit in memory");
  return text;
}

void print_text(const std::vector<Side>& sides) {
  std::vector<study::Summary> summaries;
  for (const auto& s : sides) summaries.push_back(s.summary);
  std::cout << summary_table(summaries);
  TextTable links({"", ""});
  std::cout << "\nlinks per accelerator and direction, and how each plan was chosen\n";
  for (const auto& s : sides)
    links.row({s.summary.name, fmt::format("scale-up {}, scale-out {}; {}", scale_up_text(s.scenario),
                                           scale_out_text(s.scenario), s.chosen)});
  std::cout << links.str();
  std::vector<std::string> lines(sides.size());
  tbb::parallel_for(std::size_t{1}, sides.size(), [&](std::size_t i) {
    if (const Side* base = baseline_of(sides, i)) lines[i] = against(sides[i], *base);
  });
  std::cout << "\nagainst the first variant of the same model\n";
  for (std::size_t i = 1; i < sides.size(); ++i)
    if (!lines[i].empty())
      std::cout << fmt::format("  {} vs {}: {}\n", sides[i].summary.name, baseline_of(sides, i)->summary.name, lines[i]);
}

}  // namespace

void add_compare_command(CLI::App& app) {
  struct Options {
    std::string scenario;
    std::vector<std::string> overrides;
    bool json = false, csv = false, search = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("compare", "run a scenario's variants side by side");
  cmd->add_option("scenario", o->scenario, "scenario YAML file with a variants: list")->required();
  cmd->add_option("--set", o->overrides, "override a key in every variant: --set training.tokens=1e12");
  auto* json = cmd->add_flag("--json", o->json, "print JSON: one object per variant");
  cmd->add_flag("--csv", o->csv, "print CSV: a row per variant")->excludes(json);
  cmd->add_flag("--search", o->search, "let each variant find its fastest plan (as a search: block does)");
  cmd->callback([o] {
    const auto base = config::load_scenario(o->scenario, o->overrides);
    if (base.variants.empty())
      throw config::ConfigError({o->scenario, 1, 1}, "variants",
                                "expected a 'variants:' list to compare, found none");
    const bool search = o->search || base.search.given;
    std::vector<config::Scenario> scenarios;
    for (const auto& v : base.variants) scenarios.push_back(load_variant(o->scenario, o->overrides, v));
    std::vector<Side> sides(scenarios.size());
    tbb::parallel_for(std::size_t{0}, scenarios.size(),
                      [&](std::size_t i) { sides[i] = run_side(scenarios[i], search); });
    if (o->json) {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const auto& s : sides) j.push_back(summary_json(s.summary));
      std::cout << j.dump(2) << "\n";
    } else if (o->csv) {
      std::cout << csv_line(summary_keys());
      for (const auto& s : sides) std::cout << csv_line(summary_values(s.summary));
    } else {
      std::cout << base.name << "\n\n";
      print_text(sides);
    }
  });
}

}  // namespace dtsim::tools
