#pragma once
// `dtsim report`'s HTML page: one self-contained file (inline SVG and CSS, no script, no
// font or image to fetch) that opens from disk and prints. For each side of the report (the
// scenario, or each variant of a comparison): what the step costs and where its time goes,
// the pipeline timeline, memory per rank against capacity and link utilization by link type;
// for a comparison, the variants side by side first.
#include <string>
#include <vector>

#include "dtsim/sim/training/step_recording.hpp"
#include "report_charts.hpp"
#include "variant_sides.hpp"

namespace dtsim::tools {

struct ReportSide {
  Side side;
  training::StepRecording recording;
};

// What a side's row in a chart adds to its name: " (tight)" or " (does not fit)" where its plan
// is, else nothing.
std::string row_verdict(const study::Summary& summary);
// One row per side, for the side-by-side charts: its step-time breakdown; the memory of its
// fullest pipeline stage against its capacity.
std::vector<NamedBreakdown> breakdown_rows(const std::vector<ReportSide>& sides);
std::vector<MemoryRow> fullest_stage_rows(const std::vector<ReportSide>& sides);

// `title`: the scenario's name; `comparison`: how each variant compares with its baseline
// (empty for a single scenario).
std::string report_page(const std::string& title, const std::vector<ReportSide>& sides,
                        const std::vector<std::string>& comparison);

}  // namespace dtsim::tools
