#pragma once
// Internal: the sections of an explanation (dtsim/sim/study/explain.hpp), one file each, and
// the few formatting rules they share, so that every section writes "50.3 MB" and "1.23 s" alike.
#include <string>
#include <vector>

#include "dtsim/sim/study/explain.hpp"

namespace dtsim::study::detail {

// "3.72 G", "50.3 M", "989 T": three significant figures and an SI prefix (decimal).
std::string si(double value);
// "3.72 GFLOP", "989 TFLOP/s", "12 FLOP": si(value) and the unit.
std::string quantity(double value, const std::string& unit);
// "50.3 MB" (decimal, as nccl-tests and link rates count) and "21.9 GiB" (as memory is sold).
std::string bytes_text(double bytes);
std::string gib_text(double bytes);
// "12.3 ms", "1.234 s".
std::string seconds_text(double s);
std::string percent_text(double fraction);  // "7.3 %"
// "11,712" for whole numbers below ten million, "2.82 G" above, "2.75" for fractions.
std::string count_text(double n);

// An item whose result is `value` in `unit`, written the way the unit is read: bytes as
// bytes_text (or gib_text with unit "GiB": the value stays in bytes), seconds as seconds_text,
// "%" as percent_text (value a fraction), "" (a count) as count_text, anything else as quantity.
ExplainItem item(std::string key, std::string what, std::string formula, std::string values, double value,
                 const std::string& unit);

ExplainSection flops_section(const config::Scenario& s, const training::StepResult& step);
std::vector<ExplainSection> memory_sections(const config::Scenario& s, const training::StepResult& step);
std::vector<ExplainSection> comm_sections(const config::Scenario& s, const training::StepResult& step);
ExplainSection bubble_section(const config::Scenario& s, const training::StepResult& step);

// The step replayed with each resource times `factor` (in parallel), and the best other plan
// the search confirms with `confirm` replays.
std::vector<Change> sensitivity(const config::Scenario& s, const training::StepResult& step, double factor);
std::optional<Change> next_plan(const config::Scenario& s, const training::StepResult& step, int confirm);

}  // namespace dtsim::study::detail
