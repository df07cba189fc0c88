#include "dtsim/sim/study/search.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <atomic>

#include "dtsim/sim/study/summary.hpp"
#include "dtsim/sim/training/device_compute.hpp"
#include "dtsim/sim/training/step_builder.hpp"
#include "dtsim/sim/training/work_estimate.hpp"
#include "plan_estimate.hpp"
#include "plan_space.hpp"

namespace dtsim::study {
namespace {

// Fastest first; equal times keep the order of the plan space (deterministic).
void sort_by_time(std::vector<RankedPlan>& plans) {
  std::stable_sort(plans.begin(), plans.end(),
                   [](const RankedPlan& a, const RankedPlan& b) { return a.step_s() < b.step_s(); });
}

// Screens every candidate: divisibility, memory, then the estimate.
void screen(const config::Scenario& s, SearchResult& out, const SearchProgress& progress) {
  const auto candidates = plan_space(s);
  out.candidates = candidates.size();
  PlanEstimator estimator(s);
  const auto options = training::memory_options(s.cluster.device, s.execution.flash_attention);
  for (const auto& c : candidates) {
    if (progress.screened) progress.screened(&c - candidates.data(), candidates.size());
    const bool given = &c == &candidates.front();
    if (!c.rejected.empty()) {
      ++out.indivisible[c.rejected];
      continue;
    }
    RankedPlan r;
    r.plan = c.plan;
    r.given = given;
    r.memory = models::check_memory(s.model, s.training, c.plan, s.cluster.device.mem_capacity_bytes, options);
    if (r.memory.fits() || given) r.estimate = estimator.estimate(c.plan);
    if (given) out.given = r;
    if (r.memory.fits()) {
      out.fitting.push_back(std::move(r));
      continue;
    }
    const double over = -r.memory.headroom_bytes();
    out.least_overflow_bytes = out.out_of_memory ? std::min(out.least_overflow_bytes, over) : over;
    out.most_overflow_bytes = std::max(out.most_overflow_bytes, over);
    ++out.out_of_memory;
  }
  if (progress.screened) progress.screened(candidates.size(), candidates.size());
  sort_by_time(out.fitting);
}

// Replays the best screened plans that fit, and the scenario's own plan, in parallel.
void confirm(const config::Scenario& s, SearchResult& out, const SearchProgress& progress) {
  std::vector<RankedPlan> chosen;
  for (const auto& r : out.fitting) {
    if (static_cast<int>(chosen.size()) == s.search.confirm) break;
    chosen.push_back(r);
  }
  const bool given_chosen = std::any_of(chosen.begin(), chosen.end(), [](const auto& r) { return r.given; });
  if (out.given && !given_chosen && s.search.confirm > 0) chosen.push_back(*out.given);
  // A replay too large for the budget is refused here, in plan order, so that the message does
  // not depend on which thread would have failed first; replays that fit one by one but not
  // all at once run one after another.
  double bytes = 0;
  for (const auto& r : chosen) {
    const auto scenario = with_plan(s, r.plan);
    try {
      bytes += training::check_step_work(scenario, training::step_inputs(scenario)).bytes;
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(
          e.pos(), e.key_path(),
          "confirming plan " + plan_text(r.plan) + ": " + e.message() + "; or search.confirm: 0");
    }
  }
  if (progress.replayed) progress.replayed(0, chosen.size());
  std::atomic<std::size_t> replayed = 0;
  auto replay = [&](std::size_t i) {
    chosen[i].simulated = training::simulate_step(with_plan(s, chosen[i].plan));
    chosen[i].confirmed = true;
    if (progress.replayed) progress.replayed(++replayed, chosen.size());
  };
  if (bytes <= training::memory_budget_bytes(s.execution))
    tbb::parallel_for(std::size_t{0}, chosen.size(), replay);
  else
    for (std::size_t i = 0; i < chosen.size(); ++i) replay(i);
  for (const auto& r : chosen)
    if (r.given) out.given = r;
  sort_by_time(chosen);
  std::size_t rank = 0;
  for (const auto& r : chosen) {
    rank += r.memory.fits();
    if (r.given && r.memory.fits()) out.given_rank = rank;
  }
  out.confirmed = std::move(chosen);
}

}  // namespace

config::Scenario with_plan(const config::Scenario& s, const models::ParallelPlan& plan) {
  if (const auto why = why_not(s, plan); !why.empty())
    throw std::invalid_argument(plan_text(plan) + " cannot run on " + s.name + ": " + why);
  config::Scenario out = s;
  out.plan = plan;
  if (plan.chunk_layers.empty()) out.plan.chunk_layers = models::split_layers(s.model.layers, plan.chunks());
  // The defaults the loader noted were for the file's plan.
  std::erase_if(out.notes, [](const std::string& n) { return n.rfind("parallelism.", 0) == 0; });
  return out;
}

SearchResult search(const config::Scenario& s, const SearchProgress& progress) {
  SearchResult out;
  screen(s, out, progress);
  confirm(s, out, progress);
  return out;
}

std::string slower_because(const training::StepResult& slower, const training::StepResult& faster) {
  const auto& a = slower.breakdown;
  const auto& b = faster.breakdown;
  const std::array<std::pair<const char*, double>, 6> parts = {{
      {"compute", a.compute_s + a.recompute_s - b.compute_s - b.recompute_s},
      {"exposed TP/CP/EP communication", a.exposed_tp_s + a.exposed_cp_s + a.exposed_ep_s -
                                             (b.exposed_tp_s + b.exposed_cp_s + b.exposed_ep_s)},
      {"exposed DP communication", a.exposed_dp_s - b.exposed_dp_s},
      {"pipeline bubble", a.bubble_s - b.bubble_s},
      {"pipeline transfers", a.pp_wait_s - b.pp_wait_s},
      {"optimizer", a.optimizer_s - b.optimizer_s},
  }};
  std::vector<std::pair<const char*, double>> grew;
  for (const auto& p : parts)
    if (p.second > 0.01 * faster.step_time_s) grew.push_back(p);
  std::stable_sort(grew.begin(), grew.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  std::string text;
  for (std::size_t i = 0; i < grew.size() && i < 2; ++i)
    text += fmt::format("{}{:+.3f} s {}", i ? ", " : "", grew[i].second, grew[i].first);
  return text.empty() ? "within 1 % in every part" : text;
}

}  // namespace dtsim::study
