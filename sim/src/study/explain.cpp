#include "dtsim/sim/study/explain.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "explain_parts.hpp"

namespace dtsim::study {
namespace detail {

std::string si(double value) {
  static constexpr std::array<const char*, 7> prefixes = {"", "k", "M", "G", "T", "P", "E"};
  std::size_t i = 0;
  double v = value;
  while (std::fabs(v) >= 999.5 && i + 1 < prefixes.size()) {
    v /= 1000;
    ++i;
  }
  const double a = std::fabs(v);
  const std::string digits = a >= 99.95 ? fmt::format("{:.0f}", v) : a >= 9.995 ? fmt::format("{:.1f}", v)
                                                                                 : fmt::format("{:.2f}", v);
  return i == 0 ? digits : digits + " " + prefixes[i];
}

std::string quantity(double value, const std::string& unit) {
  const std::string n = si(value);
  return n + (n.back() >= '0' && n.back() <= '9' ? " " : "") + unit;
}

std::string bytes_text(double bytes) { return quantity(bytes, "B"); }

std::string gib_text(double bytes) {
  const double gib = bytes / (1024.0 * 1024 * 1024);
  return std::fabs(gib) >= 1 || gib == 0 ? fmt::format("{:.2f} GiB", gib) : fmt::format("{:.3g} GiB", gib);
}

std::string seconds_text(double s) {
  if (std::fabs(s) >= 1 || s == 0) return fmt::format("{:.3f} s", s);
  return std::fabs(s) >= 1e-3 ? si(s * 1e3) + " ms" : si(s * 1e6) + " us";
}

std::string count_text(double n) {
  if (n == std::round(n) && std::fabs(n) < 1e15) {
    std::string digits = fmt::format("{:.0f}", std::fabs(n)), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    if (n < 0) out = "-" + out;
    return std::fabs(n) >= 1e7 ? si(n) : out;
  }
  return fmt::format("{:.3g}", n);
}

std::string percent_text(double fraction) { return fmt::format("{:.1f} %", 100 * fraction); }

ExplainItem item(std::string key, std::string what, std::string formula, std::string values, double value,
                 const std::string& unit) {
  ExplainItem i{std::move(key), std::move(what), std::move(formula), std::move(values), "", value, unit};
  if (unit == "B") i.result = bytes_text(value);
  else if (unit == "GiB") i.result = gib_text(value), i.unit = "B";
  else if (unit == "s") i.result = seconds_text(value);
  else if (unit == "%") i.result = percent_text(value), i.unit = "";
  else if (unit.empty()) i.result = count_text(value);
  else i.result = quantity(value, unit);
  return i;
}

}  // namespace detail

const ExplainItem* ExplainSection::find(const std::string& k) const {
  for (const auto& i : items)
    if (i.key == k) return &i;
  return nullptr;
}

const ExplainSection* Explanation::find(const std::string& k) const {
  for (const auto& s : sections)
    if (s.key == k) return &s;
  return nullptr;
}

Bound bound_of(const training::StepResult& step) {
  const auto& b = step.breakdown;
  struct Part {
    const char* name;
    double seconds;
    const char* words;
  };
  // Compute and recompute are one resource: the accelerators' arithmetic.
  const std::array<Part, 8> parts = {{
      {"compute", b.compute_s + b.recompute_s,
       "the accelerators' own arithmetic (GEMMs, attention, element-wise kernels); faster matrix "
       "units, better kernel efficiency or less recompute shorten it"},
      {"exposed TP communication", b.exposed_tp_s,
       "tensor-parallel collectives the compute waits for; a faster scale-up link, overlapping them "
       "with GEMMs (execution.tp_comm_overlap) or less tensor parallelism shorten it"},
      {"exposed CP communication", b.exposed_cp_s,
       "context-parallel key/value exchanges that outlast the attention kernels they run under"},
      {"exposed EP communication", b.exposed_ep_s,
       "expert-parallel all-to-alls the compute waits for; fewer, closer experts or a faster link help"},
      {"exposed DP communication", b.exposed_dp_s,
       "gradient reductions and parameter gathers not hidden under compute; a faster network, "
       "fewer data-parallel replicas or more work per replica shorten it"},
      {"pipeline transfers", b.pp_wait_s, "activations and gradients in flight between pipeline stages"},
      {"pipeline bubble", b.bubble_s,
       "pipeline fill and drain, when stages have no work; more micro-batches per step, "
       "interleaving (vpp) or fewer stages shorten it"},
      {"optimizer step", b.optimizer_s, "Adam's update of the rank's parameters; ZeRO sharding shrinks it"},
  }};
  const Part* best = &parts[0];
  for (const auto& p : parts)
    if (p.seconds > best->seconds) best = &p;
  return {best->name, best->seconds, step.step_time_s > 0 ? best->seconds / step.step_time_s : 0, best->words};
}

std::optional<Change> most_helpful(const std::vector<Change>& changes) {
  std::optional<Change> best;
  for (const auto& c : changes)
    if (c.applies && c.change < 0 && (!best || c.change < best->change)) best = c;
  return best;
}

Explanation explain(const config::Scenario& s, const ExplainOptions& o) {
  Explanation e;
  e.step = training::simulate_step(s);
  e.sections.push_back(detail::flops_section(s, e.step));
  for (auto& m : detail::memory_sections(s, e.step)) e.sections.push_back(std::move(m));
  for (auto& c : detail::comm_sections(s, e.step)) e.sections.push_back(std::move(c));
  e.sections.push_back(detail::bubble_section(s, e.step));
  e.bound = bound_of(e.step);
  if (o.sensitivity) e.sensitivity = detail::sensitivity(s, e.step, o.factor);
  const int confirm = o.confirm > 0 ? o.confirm : s.search.given ? s.search.confirm : kDefaultConfirm;
  if (o.search) e.next_plan = detail::next_plan(s, e.step, confirm);
  std::vector<Change> candidates = e.sensitivity;
  if (e.next_plan) candidates.push_back(*e.next_plan);
  e.most_help = most_helpful(candidates);
  return e;
}

}  // namespace dtsim::study
