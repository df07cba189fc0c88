#pragma once
// The figures every what-if command reports for a simulated scenario (compare, sweep, search),
// in one order and with one set of names: a table with a column per scenario, CSV rows and
// JSON objects. Keys are snake_case with their unit as suffix.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dtsim/sim/study/summary.hpp"

namespace dtsim::tools {

// The metric names (CSV header and JSON keys), in order.
std::vector<std::string> summary_keys();
std::vector<std::string> summary_values(const study::Summary& s);  // as CSV cells
nlohmann::ordered_json summary_json(const study::Summary& s);
// Rows are metrics, columns the scenarios; the first row is the header (the scenarios' names).
// Each figure is in one unit across the scenarios (units.hpp); a scenario whose accelerator
// count differs from the first's is marked " *" on the system row (see accelerator_notes).
std::vector<std::vector<std::string>> summary_rows(const std::vector<study::Summary>& summaries);

// How the text table is turned: a column per scenario, a row per scenario, or columns when that
// fits in 100 columns and rows otherwise. Either way it fits (text_table.hpp: cells wrap,
// columns that still do not fit go to a band below).
enum class TableLayout { automatic, columns, rows };
std::string summary_table(const std::vector<study::Summary>& summaries,
                          TableLayout layout = TableLayout::automatic);

// For each scenario whose accelerator count differs from the first's, why its per-step figures
// do not compare with the first's, and what does: "* H800 runs on 512 accelerators and the
// base, H100, on 1,024: ..."
std::vector<std::string> accelerator_notes(const std::vector<study::Summary>& summaries);

// One CSV record, newline included; a cell is quoted when it holds a comma, quote or newline.
std::string csv_line(const std::vector<std::string>& cells);

}  // namespace dtsim::tools
