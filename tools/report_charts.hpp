#pragma once
// The report's charts, each an SVG (svg.hpp) with a title and a description for screen readers.
// Colours are the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), which readers
// with any common colour-vision deficiency tell apart; the bubble and pipeline waits are also
// hatched or dotted, and every chart has labels and a legend, so it reads in grey on paper.
#include <string>
#include <vector>

#include "dtsim/models/memory.hpp"
#include "dtsim/sim/config/scenario.hpp"
#include "dtsim/sim/training/step_recording.hpp"
#include "dtsim/sim/training/step_result.hpp"
#include "svg.hpp"

namespace dtsim::tools {

// A part of the step-time breakdown: its name, its fill and its value.
struct BreakdownPart {
  const char* name;
  const char* fill;
  double seconds;
};
std::vector<BreakdownPart> breakdown_parts(const training::Breakdown& b);

struct NamedBreakdown {
  std::string name;
  training::Breakdown breakdown;
  std::string verdict = {};  // " (tight)", " (does not fit)" or empty: kept when the name is cut
};
// One stacked bar per row, on one time scale.
Svg breakdown_chart(const std::vector<NamedBreakdown>& rows);

// The step per pipeline stage: a lane for each stage's compute stream (forward, backward,
// recompute, optimizer, communication run on it, and its idle time by what it waited for),
// and thinner lanes for the streams its communication runs on.
Svg timeline_chart(const training::StepRecording& recording, const config::Scenario& scenario);

struct MemoryRow {
  std::string name;
  models::MemoryBreakdown memory;
  double capacity_bytes = 0;
  std::string verdict = {};  // as NamedBreakdown's
};
// One stacked bar per row (what the bytes hold) with the row's capacity marked.
Svg memory_chart(const std::vector<MemoryRow>& rows);
std::vector<MemoryRow> stage_rows(const models::MemoryVerdict& verdict);

// Utilization over the step of the links that carried traffic, a line per link class.
Svg links_chart(const training::StepRecording& recording);

// "1.23 s", "45.6 ms", "789 us".
std::string seconds_text(double s);

}  // namespace dtsim::tools
