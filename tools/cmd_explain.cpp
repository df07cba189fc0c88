// dtsim explain SCENARIO.yaml [--json] [--set key.path=value ...] [--confirm N] [--no-search]
// One scenario's step in plain words: every figure with its formula and values, what bounds the
// step and what would help most (sim/study/explain.hpp computes it all; this file prints it).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "breakdown_json.hpp"
#include "commands.hpp"
#include "memory_verdict.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/economics.hpp"
#include "dtsim/sim/study/explain.hpp"
#include "dtsim/sim/study/summary.hpp"
#include "summary_format.hpp"
#include "text_table.hpp"
#include "variant_sides.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

// "  what ......... result" (a long `what` goes on over the next lines) and, below it,
// "formula = values".
std::string item_text(const std::string& what, const std::string& formula, const std::string& values,
                      const std::string& result) {
  const std::size_t room = kLineColumns - 2 - result.size() - 2;
  std::string first = what, rest;
  if (first.size() > room) {
    const std::size_t cut = first.rfind(' ', room);
    rest = first.substr(cut == std::string::npos ? room : cut + 1);
    first.resize(cut == std::string::npos ? room : cut);
  }
  std::string out = fmt::format("  {:<{}}  {}\n", first, room, result) + (rest.empty() ? "" : paragraph(rest, kLineColumns, 4, 4));
  std::string how = formula;
  if (!values.empty()) how += (how.empty() ? "" : " = ") + values;
  if (how.empty()) return out;
  if (6 + how.size() <= kLineColumns) return out + "      " + how + "\n";
  return out + paragraph(formula, kLineColumns, 6, 6) + (values.empty() ? "" : paragraph("= " + values, kLineColumns, 8, 8));
}

study::Summary summary_of(const config::Scenario& s, const training::StepResult& step) {
  study::Summary sum;
  sum.name = s.name;
  sum.system = s.cluster.system.id;
  sum.accelerators = s.cluster.accelerators;
  sum.plan = study::plan_text(s.plan);
  sum.step = step;
  sum.economics = study::economics(s, step);
  return sum;
}

std::string change_text(const study::Change& c, double base_s) {
  return fmt::format("{:.3f} s -> {:.3f} s, {:+.1f} % step time", base_s, c.step_time_s, 100 * c.change);
}

void print_text(const config::Scenario& s, const study::Explanation& e) {
  std::cout << summary_table({summary_of(s, e.step)}) << "\n";
  for (const auto& sec : e.sections) {
    std::cout << sec.title << "\n" << paragraph(sec.summary, kLineColumns, 2, 2) << "\n";
    for (const auto& i : sec.items) std::cout << item_text(i.what, i.formula, i.values, i.result);
    std::cout << "\n";
  }
  if (!e.sensitivity.empty() || e.next_plan) {
    std::cout << fmt::format("what would help: the step replayed with one change (now {:.3f} s)\n", e.step.step_time_s);
    auto print = [&](const study::Change& c) {
      const std::string result = c.applies ? fmt::format("{:.3f} s {:+6.1f} %", c.step_time_s, 100 * c.change) : "n/a";
      std::cout << item_text(c.what, c.detail, "", result);
    };
    for (const auto& c : e.sensitivity) print(c);
    if (e.next_plan) print(*e.next_plan);
    std::cout << "\n";
  }
  if (!e.step.memory.fits())
    std::cout << paragraph("note: " + memory_verdict_line(e.step.memory, s.cluster.device.name) +
                               "; the times are what it would take if it did.",
                           kLineColumns, 0, 0);
  else if (e.step.memory.tight())
    std::cout << paragraph("note: " + memory_verdict_line(e.step.memory, s.cluster.device.name) + ".", kLineColumns, 0, 0);
  std::cout << paragraph("what bounds the step: " + e.bound.words + ".", kLineColumns, 0, 0);
  std::cout << fmt::format("bound: {} ({:.1f} % of the step, {:.3f} s of {:.3f} s)\n", e.bound.part,
                           100 * e.bound.share, e.bound.seconds, e.step.step_time_s);
  if (e.most_help)
    std::cout << fmt::format("most help: {}: {}\n", e.most_help->what, change_text(*e.most_help, e.step.step_time_s));
  else
    std::cout << "most help: none of the changes tried makes the step faster\n";
}

Json change_json(const study::Change& c) {
  return {{"key", c.key}, {"what", c.what}, {"detail", c.detail}, {"applies", c.applies},
          {"step_time_s", c.applies ? Json(c.step_time_s) : Json(nullptr)},
          {"change", c.applies ? Json(c.change) : Json(nullptr)}};
}

Json to_json(const config::Scenario& s, const study::Explanation& e) {
  Json j;
  j["scenario"] = s.name;
  j["summary"] = summary_json(summary_of(s, e.step));
  j["breakdown_s"] = breakdown_json(e.step.breakdown);
  j["memory"] = memory_json(e.step.memory);
  j["sections"] = Json::array();
  for (const auto& sec : e.sections) {
    Json items = Json::array();
    for (const auto& i : sec.items)
      items.push_back({{"key", i.key}, {"what", i.what}, {"formula", i.formula}, {"values", i.values},
                       {"result", i.result}, {"value", i.value}, {"unit", i.unit}});
    j["sections"].push_back({{"key", sec.key}, {"title", sec.title}, {"summary", sec.summary}, {"items", items}});
  }
  j["bound"] = {{"part", e.bound.part}, {"seconds", e.bound.seconds}, {"share", e.bound.share}, {"words", e.bound.words}};
  j["sensitivity"] = Json::array();
  for (const auto& c : e.sensitivity) j["sensitivity"].push_back(change_json(c));
  j["next_plan"] = e.next_plan ? change_json(*e.next_plan) : Json(nullptr);
  j["most_help"] = e.most_help ? change_json(*e.most_help) : Json(nullptr);
  return j;
}

}  // namespace

void add_explain_command(CLI::App& app) {
  struct Options {
    std::string scenario, variant;
    std::vector<std::string> overrides;
    int confirm = 0;
    bool no_search = false;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("explain", "walk through one training step: FLOPs, memory, traffic, bubble, "
                                            "what bounds it and what would help most");
  cmd->add_option("scenario", o->scenario, "scenario YAML file")->required();
  add_max_memory_option(*cmd, o->overrides);
  cmd->add_option("--set", o->overrides, "override a scenario key: --set parallelism.tp=4")->take_all();
  cmd->add_option("--confirm", o->confirm,
                  fmt::format("plans the search replays for the next-best plan (default: search.confirm "
                              "when the scenario has a search block, else {})", study::kDefaultConfirm))
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--no-search", o->no_search, "skip the plan search (the sensitivity study still runs)");
  cmd->add_flag("--json", o->json, "print one JSON document instead of text");
  cmd->add_option("--variant", o->variant, "explain this variant of the file's variants: list");
  cmd->callback([o] {
    auto scenario = config::load_scenario(o->scenario, o->overrides);
    if (!o->variant.empty())
      scenario = config::load_variant(o->scenario, o->overrides,
                                      find_variant(o->scenario, scenario, o->variant));
    study::ExplainOptions options;
    options.confirm = o->confirm;
    options.search = !o->no_search;
    const auto e = study::explain(scenario, options);
    if (o->json) std::cout << to_json(scenario, e).dump(2) << "\n";
    else print_text(scenario, e);
    warn_memory(e.step.memory, "explain", scenario.cluster.device.name);
  });
}

}  // namespace dtsim::tools
