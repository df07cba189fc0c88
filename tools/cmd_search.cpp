// dtsim search SCENARIO.yaml [--top K] [--confirm N] [--json] [--set key.path=value ...]
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.hpp"
#include "exit_status.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/study/search.hpp"
#include "dtsim/sim/study/summary.hpp"
#include "progress_bar.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

double slower(const study::RankedPlan& r, const study::RankedPlan& best) {
  return r.step_s() / best.step_s() - 1;
}

Json plan_json(const study::RankedPlan& r) {
  const auto& p = r.plan;
  Json j = {{"plan", study::plan_text(r.plan)},
            {"tp", p.tp},
            {"pp", p.pp},
            {"dp", p.dp},
            {"cp", p.cp},
            {"ep", p.ep},
            {"vpp", p.vpp},
            {"micro_batch", p.micro_batch},
            {"zero", p.zero},
            {"sequence_parallel", p.sequence_parallel},
            {"recompute", models::to_string(p.recompute)},
            {"estimated_step_s", r.estimate.step_s},
            {"peak_memory_bytes", r.memory.capacity_bytes - r.memory.headroom_bytes()},
            {"fits_memory", r.memory.fits()},
            {"given", r.given}};
  if (r.confirmed) {
    j["simulated_step_s"] = r.simulated.step_time_s;
    j["mfu"] = r.simulated.mfu;
  }
  return j;
}

void print_json(const config::Scenario& s, const study::SearchResult& r, int top) {
  Json j;
  j["scenario"] = s.name;
  j["candidates"] = r.candidates;
  j["fitting"] = r.fitting.size();
  j["out_of_memory"] = r.out_of_memory;
  j["indivisible"] = r.indivisible;
  j["best"] = Json::array();
  int shown = 0;
  for (const auto& p : r.confirmed)
    if (p.memory.fits() && shown++ < top) j["best"].push_back(plan_json(p));
  if (r.given) {
    j["given"] = plan_json(*r.given);
    j["given"]["rank"] = r.given_rank ? Json(*r.given_rank) : Json(nullptr);
  }
  std::cout << j.dump(2) << "\n";
}

// The plans print_best shows: the best `top` that fit, and the scenario's own however it fared.
std::vector<const study::RankedPlan*> shown_plans(const study::SearchResult& r, int top) {
  std::vector<const study::RankedPlan*> shown;
  int rank = 0;
  for (const auto& p : r.confirmed) {
    rank += p.memory.fits();
    if (p.given || (p.memory.fits() && rank <= top)) shown.push_back(&p);
  }
  return shown;
}

void print_best(const study::SearchResult& r, int top) {
  std::cout << "confirmed by a full replay (the best plans by estimate, and the scenario's own)\n";
  TextTable t({"rank", "plan", "estimate", "simulated", "MFU", "peak memory", "vs best"});
  t.align_left(1);
  const auto shown = shown_plans(r, top);
  // One unit down each column of times, and of memory.
  double slowest_s = 0, fullest_bytes = 0;
  for (const auto* p : shown) {
    slowest_s = std::max({slowest_s, p->estimate.step_s, p->simulated.step_time_s});
    fullest_bytes = std::max(fullest_bytes, p->memory.peak_bytes());
  }
  const Unit time = unit_for(Quantity::time_s, slowest_s),
             memory = unit_for(Quantity::bytes, fullest_bytes);
  const study::RankedPlan* best = nullptr;
  for (const auto& p : r.confirmed)
    if (!best && p.memory.fits()) best = &p;
  int rank = 0;
  for (const auto& p : r.confirmed) {
    rank += p.memory.fits();
    if (std::find(shown.begin(), shown.end(), &p) == shown.end()) continue;
    t.row({p.memory.fits() ? std::to_string(rank) : "OOM",
           study::plan_text(p.plan) + (p.given ? "  (scenario)" : ""),
           in_unit(p.estimate.step_s, Quantity::time_s, time),
           in_unit(p.simulated.step_time_s, Quantity::time_s, time),
           format_quantity(p.simulated.mfu, Quantity::fraction),
           in_unit(p.memory.peak_bytes(), Quantity::bytes, memory),
           best ? fmt::format("{:+.1f} %", 100 * slower(p, *best)) : ""});
  }
  std::cout << t.fitted();
  if (!r.given || !best) return;
  const auto& g = *r.given;
  if (!g.memory.fits())
    std::cout << fmt::format("\nthe scenario's plan does not fit: {} over; it would run in {}\n",
                             format_quantity(-g.memory.headroom_bytes(), Quantity::bytes),
                             format_quantity(g.step_s(), Quantity::time_s));
  else if (g.given && r.given_rank == 1)
    std::cout << "\nthe scenario's plan is the fastest that fits\n";
  else
    std::cout << "\n"
              << paragraph(fmt::format("the scenario's plan ranks {} of {} replayed: {:.1f} % "
                                       "slower than the best ({})",
                                       *r.given_rank, r.confirmed.size(), 100 * slower(g, *best),
                                       study::slower_because(g.simulated, best->simulated)),
                           kLineColumns, 0, 2);
}

void print_losers(const study::SearchResult& r) {
  std::size_t indivisible = 0;
  for (const auto& [why, n] : r.indivisible) indivisible += n;
  std::cout << fmt::format("\n{} plans considered: {} cannot run, {} do not fit, {} fit\n",
                           r.candidates, indivisible, r.out_of_memory, r.fitting.size());
  // Reasons wrap under themselves, past the count.
  for (const auto& [why, n] : r.indivisible)
    std::cout << paragraph(fmt::format("{:>7}  {}", n, why), kLineColumns, 2, 11);
  if (r.out_of_memory)
    std::cout << fmt::format("  {:>7}  out of memory, by {} to {}\n", r.out_of_memory,
                             format_quantity(r.least_overflow_bytes, Quantity::bytes),
                             format_quantity(r.most_overflow_bytes, Quantity::bytes));
  if (r.fitting.size() > r.confirmed.size() && !r.fitting.empty()) {
    const double best = r.fitting.front().estimate.step_s;
    const auto& slowest = r.fitting.back().estimate.step_s;
    const auto& next =
        r.fitting[std::min(r.confirmed.size(), r.fitting.size() - 1)].estimate.step_s;
    std::cout << fmt::format(
        "  {:>7}  fit but are estimated {:.1f} % to {:.1f} % slower than the best estimate\n",
        r.fitting.size() - std::min(r.fitting.size(), r.confirmed.size()), 100 * (next / best - 1),
        100 * (slowest / best - 1));
  }
}

// A bar for each phase of the search on stderr, when it is a terminal: plans screened, then
// plans replayed.
study::SearchProgress search_progress(std::optional<ProgressBar>& bar) {
  auto phase = [&bar](const char* unit) {
    return [&bar, unit](std::size_t done, std::size_t total) {
      if (done == 0)
        bar.emplace(total, unit, ResultsPrinted::after_the_work);  // the phase begins
      else
        bar->update(done);
    };
  };
  return {phase("plans screened"), phase("plans replayed")};
}

}  // namespace

void add_search_command(CLI::App& app) {
  struct Options {
    std::string scenario;
    std::vector<std::string> overrides;
    int top = 0, confirm = 0;
    bool json = false;
    bool strict = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "search", "find the fastest parallel plans that fit, and say why the rest lost");
  cmd->add_option("scenario", o->scenario, "scenario YAML file (its plan is ranked too)")
      ->required();
  add_max_memory_option(*cmd, o->overrides);
  cmd->add_option("--set", o->overrides, "override a scenario key: --set cluster.nodes=64");
  cmd->add_option("--top", o->top, "plans to show (default: search.top, 5)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--confirm", o->confirm,
                  "best screened plans to replay in full (default: search.confirm, 8)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->add_flag("--strict", o->strict, "exit with status 3 when no plan fits in memory");
  cmd->callback([o] {
    auto s = config::load_scenario(o->scenario, o->overrides);
    if (o->top > 0) s.search.top = o->top;
    if (o->confirm > 0) s.search.confirm = o->confirm;
    const auto result = [&] {
      std::optional<ProgressBar> progress;  // erased when the search is done
      return study::search(s, search_progress(progress));
    }();
    auto strict_check = [&] {
      if (o->strict && result.fitting.empty())
        throw AnswerNo(fmt::format("search --strict: none of the {} plans fits in memory",
                                   result.candidates));
    };
    if (o->json) {
      print_json(s, result, s.search.top);
      return strict_check();
    }
    std::cout << fmt::format("{}\n  model    {}\n  cluster  {} x {}\n  batch    {} x {} tokens\n\n",
                             s.name, s.model.name, thousands(s.cluster.accelerators),
                             s.cluster.device.name, s.training.global_batch, s.training.seq_len);
    if (result.fitting.empty())
      std::cout << "no plan fits in memory\n";
    else
      print_best(result, s.search.top);
    print_losers(result);
    strict_check();
  });
}

}  // namespace dtsim::tools
