#include "summary_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>

#include "dtsim/sim/config/quantity.hpp"
#include "text_table.hpp"

namespace dtsim::tools {
namespace {

// One reported figure: its key, its label in tables, its value, the kind of quantity it is and
// whether it is known (energy needs a power figure, cost a price): unknown figures are "n/a"
// in tables, empty in CSV and null in JSON, never a misleading zero. Tables write each figure
// in one unit for every scenario, chosen from the largest value of `unit_from` (the figure
// itself, or the step time for the step's parts, so that the parts read against it).
struct Metric {
  const char* key;
  const char* label;
  std::function<double(const study::Summary&)> value;  // in the unit the key names
  Quantity quantity;
  std::function<bool(const study::Summary&)> known = [](const study::Summary&) { return true; };
  double base_per_value = 1;  // the quantity's base units in one unit of `value`
  const char* unit_from = nullptr;
};

// Time to train and what it costs need a token budget (training.tokens): without one the
// economics are all zero, which would read as "instant and free".
bool budgeted(const study::Summary& s) {
  return s.economics.time_to_train_s > 0;
}
bool always(const study::Summary&) {
  return true;
}
constexpr double kSecondsPerDay = 86400;
constexpr double kJoulesPerMwh = 3.6e9;

const std::vector<Metric>& metrics() {
  using Q = Quantity;
  static const std::vector<Metric> all = {
      {"step_time_s", "step time", [](const auto& s) { return s.step.step_time_s; }, Q::time_s},
      {"tokens_per_s", "tokens/s", [](const auto& s) { return s.step.tokens_per_s; }, Q::count},
      {"mfu", "MFU", [](const auto& s) { return s.step.mfu; }, Q::fraction},
      {"compute_s", "compute (with recompute)",
       [](const auto& s) { return s.step.breakdown.compute_s + s.step.breakdown.recompute_s; },
       Q::time_s, always, 1, "step_time_s"},
      {"optimizer_s", "optimizer step", [](const auto& s) { return s.step.breakdown.optimizer_s; },
       Q::time_s, always, 1, "step_time_s"},
      {"exposed_tp_cp_ep_s", "exposed TP/CP/EP comm",
       [](const auto& s) {
         const auto& b = s.step.breakdown;
         return b.exposed_tp_s + b.exposed_cp_s + b.exposed_ep_s;
       },
       Q::time_s, always, 1, "step_time_s"},
      {"exposed_dp_s", "exposed DP comm",
       [](const auto& s) { return s.step.breakdown.exposed_dp_s; }, Q::time_s, always, 1,
       "step_time_s"},
      {"pp_wait_s", "pipeline transfers", [](const auto& s) { return s.step.breakdown.pp_wait_s; },
       Q::time_s, always, 1, "step_time_s"},
      {"bubble_s", "pipeline bubble", [](const auto& s) { return s.step.breakdown.bubble_s; },
       Q::time_s, always, 1, "step_time_s"},
      {"peak_memory_bytes", "peak memory per accelerator",
       [](const auto& s) { return s.peak_memory_bytes(); }, Q::bytes},
      {"memory_headroom_bytes", "memory headroom",
       [](const auto& s) { return s.memory_headroom_bytes(); }, Q::bytes, always, 1,
       "peak_memory_bytes"},
      {"time_to_train_days", "time to train",
       [](const auto& s) { return s.economics.effective_time_to_train_s / kSecondsPerDay; },
       Q::time_s, budgeted, kSecondsPerDay},
      {"goodput", "goodput", [](const auto& s) { return s.economics.goodput.fraction; },
       Q::fraction},
      {"accelerator_hours", "accelerator-hours",
       [](const auto& s) { return s.economics.accelerator_hours; }, Q::count, budgeted},
      {"energy_mwh", "energy", [](const auto& s) { return s.economics.energy_mwh; }, Q::energy_j,
       [](const auto& s) { return s.economics.power.known; }, kJoulesPerMwh},
      {"cost_usd", "cost", [](const auto& s) { return s.economics.total_cost_usd; }, Q::money_usd,
       [](const auto& s) { return s.economics.priced; }},
  };
  return all;
}

const Metric& metric(const char* key) {
  const auto& all = metrics();
  return *std::find_if(all.begin(), all.end(),
                       [&](const Metric& m) { return std::string_view(m.key) == key; });
}

// The unit of `m` in a table of `summaries`: the one that suits the largest known value of the
// metric it takes its unit from.
Unit table_unit(const Metric& m, const std::vector<study::Summary>& summaries) {
  const Metric& from = m.unit_from ? metric(m.unit_from) : m;
  double largest = 0;
  for (const auto& s : summaries)
    if (from.known(s)) largest = std::max(largest, std::abs(from.value(s) * from.base_per_value));
  return unit_for(from.quantity, largest);
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
  for (const auto& m : metrics())
    j[m.key] = m.known(s) ? nlohmann::ordered_json(m.value(s)) : nullptr;
  return j;
}

namespace {

// A row of the side-by-side table: a label and a cell per scenario; `text` rows (names, plans)
// align left when the table is turned to a row per scenario.
struct Row {
  std::string label;
  std::vector<std::string> cells;
  bool text = false;
};

std::string memory_cell(const study::Summary& s) {
  const auto fit = s.step.memory.fit();
  const double headroom = s.memory_headroom_bytes();
  if (fit == models::MemoryFit::fits) return "yes";
  const auto amount = format_quantity(std::abs(headroom), Quantity::bytes);
  if (fit == models::MemoryFit::tight)
    return fmt::format("{}, {} free", models::to_string(fit), amount);
  return fmt::format("NO, {} over", amount);
}

// "1,024 on dgx-h100", marked " *" where the count differs from the first scenario's.
std::string system_cell(const study::Summary& s, const study::Summary& base) {
  return fmt::format("{} on {}{}", thousands(s.accelerators), s.system,
                     s.accelerators != base.accelerators ? " *" : "");
}

std::vector<Row> table_rows(const std::vector<study::Summary>& summaries) {
  std::vector<Row> rows;
  auto text_row = [&](const std::string& label, auto cell) {
    Row r{label, {}, true};
    for (const auto& s : summaries) r.cells.push_back(cell(s));
    rows.push_back(std::move(r));
  };
  text_row("", [](const auto& s) { return s.name; });
  text_row("system", [&](const auto& s) { return system_cell(s, summaries.front()); });
  text_row("plan", [](const auto& s) { return s.plan; });
  text_row("fits in memory", memory_cell);
  for (const auto& m : metrics()) {
    const Unit unit = table_unit(m, summaries);
    Row r{m.label, {}, false};
    for (const auto& s : summaries)
      r.cells.push_back(m.known(s) ? in_unit(m.value(s) * m.base_per_value, m.quantity, unit)
                                   : "n/a");
    rows.push_back(std::move(r));
  }
  return rows;
}

// A column per scenario, a row per figure.
TextTable scenarios_as_columns(const std::vector<Row>& rows) {
  std::vector<std::string> header = {rows.front().label};
  header.insert(header.end(), rows.front().cells.begin(), rows.front().cells.end());
  TextTable t(header);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> cells = {rows[i].label};
    cells.insert(cells.end(), rows[i].cells.begin(), rows[i].cells.end());
    t.row(std::move(cells));
  }
  return t;
}

// A row per scenario, a column per figure.
TextTable scenarios_as_rows(const std::vector<Row>& rows) {
  std::vector<std::string> header;
  for (const auto& r : rows) header.push_back(r.label);
  TextTable t(header);
  for (std::size_t c = 0; c < rows.size(); ++c)
    if (rows[c].text) t.align_left(c);
  for (std::size_t s = 0; s < rows.front().cells.size(); ++s) {
    std::vector<std::string> cells;
    for (const auto& r : rows) cells.push_back(r.cells[s]);
    t.row(std::move(cells));
  }
  return t;
}

}  // namespace

std::vector<std::vector<std::string>> summary_rows(const std::vector<study::Summary>& summaries) {
  std::vector<std::vector<std::string>> out;
  for (auto& r : table_rows(summaries)) {
    r.cells.insert(r.cells.begin(), r.label);
    out.push_back(std::move(r.cells));
  }
  return out;
}

std::string summary_table(const std::vector<study::Summary>& summaries, TableLayout layout) {
  const auto rows = table_rows(summaries);
  const TextTable columns = scenarios_as_columns(rows);
  const bool as_columns = layout == TableLayout::columns ||
                          (layout == TableLayout::automatic && columns.width() <= kLineColumns);
  return as_columns ? columns.fitted() : scenarios_as_rows(rows).fitted();
}

std::vector<std::string> accelerator_notes(const std::vector<study::Summary>& summaries) {
  std::vector<std::string> notes;
  if (summaries.empty()) return notes;
  const auto& base = summaries.front();
  auto per_accelerator = [](const study::Summary& s) {
    return thousands(s.step.tokens_per_s / s.accelerators);
  };
  for (const auto& s : summaries) {
    if (s.accelerators == base.accelerators) continue;
    notes.push_back(
        fmt::format("* {} runs on {} accelerators and the base, {}, on {}: per-step figures are "
                    "not per-accelerator "
                    "comparable; per accelerator it makes {} tokens/s, the base {}; time to train, "
                    "energy and cost "
                    "compare as totals.",
                    s.name, thousands(s.accelerators), base.name, thousands(base.accelerators),
                    per_accelerator(s), per_accelerator(base)));
  }
  return notes;
}

}  // namespace dtsim::tools
