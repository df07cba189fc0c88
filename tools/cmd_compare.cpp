// dtsim compare SCENARIO.yaml [--json | --csv] [--search] [--layout auto|columns|rows]
//               [--set key.path=value ...]
//
// Runs the scenario's `variants:` side by side. With a `search:` block (or --search) each
// variant first finds its own fastest plan that fits (study/search.hpp), so that systems are
// compared at their best rather than at one plan that suits only one of them.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/economics.hpp"
#include "dtsim/sim/study/search.hpp"
#include "dtsim/sim/study/summary.hpp"
#include "summary_format.hpp"
#include "text_table.hpp"
#include "variant_sides.hpp"

namespace dtsim::tools {
namespace {

// Prices every side by one pricing and basis (study::cost_footing), or by none: a cost column
// that set a whole DGX beside bare cards, or a rent beside a purchase, would mislead.
study::CostFooting put_costs_on_one_footing(std::vector<Side>& sides) {
  std::vector<std::string> names;
  std::vector<const study::Economics*> runs;
  for (const auto& s : sides) {
    if (s.summary.economics.time_to_train_s <= 0) return {};  // no token budget: no cost at all
    names.push_back(s.summary.name);
    runs.push_back(&s.summary.economics);
  }
  const auto footing = study::cost_footing(names, runs);
  for (auto& s : sides) {
    if (!footing.each_own) study::price_by(s.summary.economics, footing.pricing);
    if (!footing.comparable) s.summary.economics.priced = false;
  }
  return footing;
}

// What each side's cost stands for: its price, basis and source, and the figures it lacks.
void print_cost_basis(const std::vector<Side>& sides, const study::CostFooting& footing) {
  if (sides.front().summary.economics.time_to_train_s <= 0) return;
  const bool buy_all = footing.pricing == config::CostSpec::Pricing::buy;
  const std::string how = !footing.comparable ? "not compared"
                          : footing.each_own  ? "each variant as its cost.pricing asks"
                          : buy_all           ? "bought for every variant"
                                              : "rented for every variant";
  std::cout << "\n"
            << paragraph("cost: " + how + (footing.why.empty() ? "" : ": " + footing.why),
                         kLineColumns, 0, 2);
  std::size_t width = 0;
  for (const auto& s : sides) width = std::max(width, s.summary.name.size());
  for (const auto& s : sides) {
    const auto& e = s.summary.economics;
    const bool buy = e.pricing == config::CostSpec::Pricing::buy;
    std::vector<std::string> lines;
    if (buy && e.buy.known) {
      const auto& b = e.buy;
      lines.push_back(b.basis_text);
      lines.push_back(
          fmt::format("{} USD a node: {}", thousands(b.node_price_usd), b.price_source));
      lines.push_back(fmt::format(
          "outlay {} USD = {} x {} + {} ports x {} USD; the run's share at {:.3g} years, {:.0f} % "
          "utilization",
          thousands(b.purchase_usd), b.nodes, thousands(b.node_price_usd), b.network_ports,
          thousands(b.network_usd_per_port), b.amortization_years, 100 * b.utilization));
    } else if (!buy && e.rent.known) {
      lines.push_back(
          fmt::format("{:.2f} USD per accelerator-hour", e.rent.usd_per_accelerator_hour));
    }
    for (const auto& m : e.missing) lines.push_back("missing: " + m);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string label = fmt::format("  {:<{}}  ", i == 0 ? s.summary.name : "", width);
      const std::string text = paragraph(lines[i], kLineColumns, label.size(), label.size() + 2);
      std::cout << label << text.substr(label.size());
    }
  }
}

void print_text(const std::string& title, const std::vector<Side>& sides,
                const study::CostFooting& footing, TableLayout layout) {
  std::cout << paragraph(title, kLineColumns, 0, 2) << "\n";
  std::vector<study::Summary> summaries;
  for (const auto& s : sides) summaries.push_back(s.summary);
  std::cout << summary_table(summaries, layout);
  const auto notes = accelerator_notes(summaries);
  if (!notes.empty()) std::cout << "\n";
  for (const auto& note : notes) std::cout << paragraph(note, kLineColumns, 2, 4);
  TextTable links({}, true);
  std::cout << "\nlinks per accelerator and direction, and how each plan was chosen\n";
  for (const auto& s : sides)
    links.row(
        {s.summary.name, fmt::format("scale-up {}, scale-out {}; {}", scale_up_text(s.scenario),
                                     scale_out_text(s.scenario), s.chosen)});
  std::cout << links.fitted();
  print_cost_basis(sides, footing);
  std::cout << "\nagainst the first variant of the same model\n";
  for (const auto& line : comparison_lines(sides)) std::cout << paragraph(line, kLineColumns, 2, 4);
}

const std::map<std::string, TableLayout> kLayouts = {{"auto", TableLayout::automatic},
                                                     {"columns", TableLayout::columns},
                                                     {"rows", TableLayout::rows}};

}  // namespace

void add_compare_command(CLI::App& app) {
  struct Options {
    std::string scenario;
    std::vector<std::string> overrides;
    bool json = false, csv = false, search = false;
    TableLayout layout = TableLayout::automatic;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("compare", "run a scenario's variants side by side");
  cmd->add_option("scenario", o->scenario, "scenario YAML file with a variants: list")->required();
  add_max_memory_option(*cmd, o->overrides);
  cmd->add_option("--set", o->overrides,
                  "override a key in every variant: --set training.tokens=1e12");
  auto* json = cmd->add_flag("--json", o->json, "print JSON: one object per variant");
  cmd->add_flag("--csv", o->csv, "print CSV: a row per variant")->excludes(json);
  cmd->add_flag("--search", o->search,
                "let each variant find its fastest plan (as a search: block does)");
  cmd->add_option(
         "--layout", o->layout,
         "the table: a column per variant, a row per variant, or auto (columns when they fit "
         "in 100 columns)")
      ->transform(CLI::CheckedTransformer(kLayouts, CLI::ignore_case))
      ->default_str("auto");
  cmd->callback([o] {
    const auto base = config::load_scenario(o->scenario, o->overrides);
    if (base.variants.empty())
      throw config::ConfigError({o->scenario, 1, 1}, "variants",
                                "expected a 'variants:' list to compare, found none");
    auto sides = run_sides(o->scenario, o->overrides, base, o->search || base.search.given);
    const auto footing = put_costs_on_one_footing(sides);
    if (o->json) {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const auto& s : sides) {
        auto side = summary_json(s.summary);
        const auto& b = s.summary.economics.buy;
        side["cost_basis"] = b.known ? nlohmann::ordered_json(b.basis_text) : nullptr;
        side["missing"] = s.summary.economics.missing;
        j.push_back(side);
      }
      std::cout << j.dump(2) << "\n";
    } else if (o->csv) {
      std::cout << csv_line(summary_keys());
      for (const auto& s : sides) std::cout << csv_line(summary_values(s.summary));
    } else {
      print_text(base.name, sides, footing, o->layout);
    }
  });
}

}  // namespace dtsim::tools
