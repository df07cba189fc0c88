// dtsim compare SCENARIO.yaml [--json | --csv] [--search] [--layout auto|columns|rows]
//               [--set key.path=value ...]
//
// Runs the scenario's `variants:` side by side. With a `search:` block (or --search) each
// variant first finds its own fastest plan that fits (study/search.hpp), so that systems are
// compared at their best rather than at one plan that suits only one of them.
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "commands.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/search.hpp"
#include "dtsim/sim/study/summary.hpp"
#include "summary_format.hpp"
#include "text_table.hpp"
#include "variant_sides.hpp"

namespace dtsim::tools {
namespace {

void print_text(const std::string& title, const std::vector<Side>& sides, TableLayout layout) {
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
    const auto sides = run_sides(o->scenario, o->overrides, base, o->search || base.search.given);
    if (o->json) {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const auto& s : sides) j.push_back(summary_json(s.summary));
      std::cout << j.dump(2) << "\n";
    } else if (o->csv) {
      std::cout << csv_line(summary_keys());
      for (const auto& s : sides) std::cout << csv_line(summary_values(s.summary));
    } else {
      print_text(base.name, sides, o->layout);
    }
  });
}

}  // namespace dtsim::tools
