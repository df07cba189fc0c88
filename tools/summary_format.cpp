#include "summary_format.hpp"

#include <fmt/format.h>

#include <functional>

#include "dtsim/sim/config/quantity.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

// One reported figure: its key, its label in tables, its value, how tables print it, and
// whether it is known (energy needs a power figure, cost a price): unknown figures are "n/a"
// in tables, empty in CSV and null in JSON, never a misleading zero.
struct Metric {
  const char* key;
  const char* label;
  std::function<double(const study::Summary&)> value;
  std::function<std::string(double)> text;
  std::function<bool(const study::Summary&)> known = [](const study::Summary&) { return true; };
};

std::string percent(double v) { return fmt::format("{:.1f} %", 100 * v); }
std::string seconds(double v) { return fmt::format("{:.3f} s", v); }
double gib_value(double bytes) { return bytes / (1024.0 * 1024 * 1024); }
std::string gib(double v) { return fmt::format("{:.1f} GiB", gib_value(v)); }
// Time to train and what it costs need a token budget (training.tokens): without one the
// economics are all zero, which would read as "instant and free".
bool budgeted(const study::Summary& s) { return s.economics.time_to_train_s > 0; }

const std::vector<Metric>& metrics() {
  static const std::vector<Metric> all = {
      {"step_time_s", "step time", [](const auto& s) { return s.step.step_time_s; }, seconds},
      {"tokens_per_s", "tokens/s", [](const auto& s) { return s.step.tokens_per_s; }, thousands},
      {"mfu", "MFU", [](const auto& s) { return s.step.mfu; }, percent},
      {"compute_s", "compute (with recompute)",
       [](const auto& s) { return s.step.breakdown.compute_s + s.step.breakdown.recompute_s; }, seconds},
      {"optimizer_s", "optimizer step", [](const auto& s) { return s.step.breakdown.optimizer_s; }, seconds},
      {"exposed_tp_cp_ep_s", "exposed TP/CP/EP comm",
       [](const auto& s) {
         const auto& b = s.step.breakdown;
         return b.exposed_tp_s + b.exposed_cp_s + b.exposed_ep_s;
       },
       seconds},
      {"exposed_dp_s", "exposed DP comm", [](const auto& s) { return s.step.breakdown.exposed_dp_s; }, seconds},
      {"pp_wait_s", "pipeline transfers", [](const auto& s) { return s.step.breakdown.pp_wait_s; }, seconds},
      {"bubble_s", "pipeline bubble", [](const auto& s) { return s.step.breakdown.bubble_s; }, seconds},
      {"peak_memory_bytes", "peak memory per accelerator", [](const auto& s) { return s.peak_memory_bytes(); }, gib},
      {"memory_headroom_bytes", "memory headroom", [](const auto& s) { return s.memory_headroom_bytes(); }, gib},
      {"time_to_train_days", "time to train",
       [](const auto& s) { return s.economics.effective_time_to_train_s / 86400; },
       [](double d) { return fmt::format("{:.1f} days", d); }, budgeted},
      {"goodput", "goodput", [](const auto& s) { return s.economics.goodput.fraction; }, percent},
      {"accelerator_hours", "accelerator-hours", [](const auto& s) { return s.economics.accelerator_hours; }, thousands,
       budgeted},
      {"energy_mwh", "energy", [](const auto& s) { return s.economics.energy_mwh; },
       [](double v) { return fmt::format("{:.1f} MWh", v); },
       [](const auto& s) { return s.economics.power.known; }},
      {"cost_usd", "cost", [](const auto& s) { return s.economics.total_cost_usd; },
       [](double v) { return "$" + thousands(v); }, [](const auto& s) { return s.economics.priced; }},
  };
  return all;
}

}  // namespace

std::vector<std::string> summary_keys() {
  std::vector<std::string> keys = {"name", "system", "accelerators", "plan", "fits_memory"};
  for (const auto& m : metrics()) keys.emplace_back(m.key);
  return keys;
}

namespace {

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) line += (i > 0 ? "," : "") + csv_cell(cells[i]);
  return line + "\n";
}

std::vector<std::string> summary_values(const study::Summary& s) {
  std::vector<std::string> v = {s.name, s.system, std::to_string(s.accelerators), s.plan,
                                s.step.memory.fits() ? "true" : "false"};
  for (const auto& m : metrics()) v.push_back(m.known(s) ? fmt::format("{:.6g}", m.value(s)) : "");
  return v;
}

nlohmann::ordered_json summary_json(const study::Summary& s) {
  nlohmann::ordered_json j = {{"name", s.name},
                              {"system", s.system},
                              {"accelerators", s.accelerators},
                              {"plan", s.plan},
                              {"fits_memory", s.step.memory.fits()}};
  for (const auto& m : metrics()) j[m.key] = m.known(s) ? nlohmann::ordered_json(m.value(s)) : nullptr;
  return j;
}

std::vector<std::vector<std::string>> summary_rows(const std::vector<study::Summary>& summaries) {
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const std::string& label, auto cell) {
    std::vector<std::string> cells = {label};
    for (const auto& s : summaries) cells.push_back(cell(s));
    rows.push_back(cells);
  };
  row("", [](const auto& s) { return s.name; });
  row("system", [](const auto& s) { return fmt::format("{} on {}", s.accelerators, s.system); });
  row("plan", [](const auto& s) { return s.plan; });
  row("fits in memory", [](const auto& s) {
    return s.step.memory.fits() ? std::string("yes") : fmt::format("NO, {:.1f} GiB over", -gib_value(s.memory_headroom_bytes()));
  });
  for (const auto& m : metrics())
    row(m.label, [&](const auto& s) { return m.known(s) ? m.text(m.value(s)) : std::string("n/a"); });
  return rows;
}

std::string summary_table(const std::vector<study::Summary>& summaries) {
  auto rows = summary_rows(summaries);
  TextTable t(rows.front());
  for (std::size_t i = 1; i < rows.size(); ++i) t.row(rows[i]);
  return t.str();
}

}  // namespace dtsim::tools
