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
std::vector<std::vector<std::string>> summary_rows(const std::vector<study::Summary>& summaries);
// The same as an aligned text table.
std::string summary_table(const std::vector<study::Summary>& summaries);

// One CSV record, newline included; a cell is quoted when it holds a comma, quote or newline.
std::string csv_line(const std::vector<std::string>& cells);

}  // namespace dtsim::tools
