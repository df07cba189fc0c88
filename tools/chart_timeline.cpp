#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "chart_axis.hpp"
#include "report_charts.hpp"

namespace dtsim::tools {
namespace {

using training::Category;
using training::StreamKind;
using training::Wait;

constexpr double kLeft = 150, kWidth = 900, kRight = 40;  // right: half a tick label
constexpr int kBins = 900;  // one per pixel: a lane draws at most one shape per pixel

// What a stretch of a stream was doing, as one value: busy in a category (for compute work,
// with its micro-batch and pass) or idle for a reason.
struct Activity {
  int kind = 0;         // a Category, or kCategories + a Wait
  int micro_batch = -1;
  bool backward = false;
  auto operator<=>(const Activity&) const = default;
};

const char* fill_of(const Activity& a) {
  if (a.kind >= training::kCategories) {
    switch (static_cast<Wait>(a.kind - training::kCategories)) {
      case Wait::bubble: return kHatch;
      case Wait::pp_transfer: return kDots;
      case Wait::tp: return kOrange;
      case Wait::cp: return kYellow;
      case Wait::ep: return kPurple;
      case Wait::dp: return kVermillion;
    }
  }
  switch (static_cast<Category>(a.kind)) {
    case Category::compute: return a.backward ? kSky : kBlue;
    case Category::recompute: return kGreen;
    case Category::optimizer: return kBlack;
    case Category::tp_comm: return kOrange;
    case Category::cp_comm: return kYellow;
    case Category::ep_comm: return kPurple;
    case Category::pp_comm: return kDots;
    case Category::dp_comm: return kVermillion;
  }
  return kGrey;
}

std::string name_of(const Activity& a) {
  if (a.kind >= training::kCategories) {
    const auto w = static_cast<Wait>(a.kind - training::kCategories);
    return w == Wait::bubble ? "idle: pipeline bubble" : "idle: waiting for " + training::to_string(w);
  }
  const auto c = static_cast<Category>(a.kind);
  if (c == Category::compute && a.micro_batch >= 0)
    return fmt::format("{} micro-batch {}", a.backward ? "backward" : "forward", a.micro_batch);
  if (c == Category::recompute && a.micro_batch >= 0) return fmt::format("recompute micro-batch {}", a.micro_batch);
  return training::to_string(c) + (c == Category::compute || c == Category::recompute || c == Category::optimizer
                                       ? "" : " communication");
}

// A lane's activities at pixel resolution: each pixel shows what took most of its time, and
// neighbouring pixels showing the same are drawn as one shape.
class Lane {
 public:
  explicit Lane(double span_s) : step_s_(span_s), bins_(kBins) {}

  void add(double from, double to, const Activity& a) {
    if (to <= from) return;
    const double per_bin = step_s_ / kBins;
    const int first = std::clamp(static_cast<int>(from / per_bin), 0, kBins - 1);
    const int last = std::clamp(static_cast<int>(to / per_bin), 0, kBins - 1);
    for (int b = first; b <= last; ++b) {
      const double t = std::min(to, (b + 1) * per_bin) - std::max(from, b * per_bin);
      if (t > 0) bins_[b][a] += t;
    }
    any_ = true;
  }
  bool empty() const { return !any_; }

  void draw(Svg& svg, double y, double height, const std::string& where, bool numbers) const {
    const double px = kWidth / kBins;
    std::optional<Activity> run;
    int run_from = 0;
    auto flush = [&](int to) {
      if (!run) return;
      const double x = kLeft + run_from * px, w = (to - run_from) * px;
      const double per_bin = step_s_ / kBins;
      svg.rect(x, y, w, height, fill_of(*run),
               fmt::format("{}: {}, {} to {}", where, name_of(*run), seconds_text(run_from * per_bin),
                           seconds_text(to * per_bin)));
      if (numbers && run->micro_batch >= 0 && w >= 8.0 * std::to_string(run->micro_batch).size() + 4)
        svg.text(x + w / 2, y + height / 2 + 4, std::to_string(run->micro_batch), "middle", on_fill_class(fill_of(*run)));
    };
    for (int b = 0; b < kBins; ++b) {
      std::optional<Activity> top;
      double most = 0;
      for (const auto& [a, t] : bins_[b])
        if (t > most) most = t, top = a;
      if (top != run) {
        flush(b);
        run = top;
        run_from = b;
      }
    }
    flush(kBins);
  }

 private:
  double step_s_;
  std::vector<std::map<Activity, double>> bins_;
  bool any_ = false;
};

// The compute stream of each stage's first simulated rank, and that rank's other streams.
std::vector<std::vector<training::StreamId>> streams_by_stage(const training::StepGraph& g,
                                                              const models::ParallelPlan& plan) {
  const int per_stage = plan.tp * plan.cp * plan.dp;
  std::vector<int> rank_of_stage(plan.pp, -1);
  for (const auto& st : g.streams()) {
    const int stage = st.rank / per_stage;
    if (st.kind == StreamKind::compute && (rank_of_stage[stage] < 0 || st.rank < rank_of_stage[stage]))
      rank_of_stage[stage] = st.rank;
  }
  std::vector<std::vector<training::StreamId>> out(plan.pp);
  for (int s = 0; s < plan.pp; ++s)
    for (training::StreamId i = 0; i < static_cast<training::StreamId>(g.streams().size()); ++i)
      if (g.streams()[i].rank == rank_of_stage[s]) {
        if (g.streams()[i].kind == StreamKind::compute) out[s].insert(out[s].begin(), i);
        else out[s].push_back(i);
      }
  return out;
}

}  // namespace

Svg timeline_chart(const training::StepRecording& rec, const config::Scenario& s) {
  const auto& g = rec.graph;
  const double step_s = rec.replay.step_time_s;
  const TimeAxis axis(step_s, kWidth);
  const double span_s = axis.max();
  std::map<training::StreamId, Lane> lanes;
  for (std::size_t t = 0; t < g.tasks().size(); ++t) {
    const auto& task = g.tasks()[t];
    const auto& op = g.ops()[task.op];
    auto [it, _] = lanes.try_emplace(task.stream, span_s);
    it->second.add(rec.replay.tasks[t].start_s, rec.replay.tasks[t].end_s,
                   {static_cast<int>(task.category), op.micro_batch, op.backward});
  }
  for (const auto& w : rec.replay.waits)
    if (g.streams()[w.stream].kind == StreamKind::compute) {
      auto [it, _] = lanes.try_emplace(w.stream, span_s);
      it->second.add(w.from_s, w.to_s, {training::kCategories + static_cast<int>(w.reason)});
    }
  const auto stages = streams_by_stage(g, s.plan);
  const double compute_h = s.plan.pp > 16 ? 12 : 20, comm_h = 5, gap = 8;
  double height = 10;
  for (const auto& streams : stages) {
    height += compute_h + gap;
    for (std::size_t i = 1; i < streams.size(); ++i)
      if (auto it = lanes.find(streams[i]); it != lanes.end() && !it->second.empty()) height += comm_h + 1;
  }
  const double legend_y = height + 34;
  const Legend legend({{"forward", kBlue, 0},
                       {"backward", kSky, 0},
                       {"recompute", kGreen, 0},
                       {"optimizer", kBlack, 0},
                       {"TP / waiting for TP", kOrange, 0},
                       {"CP", kYellow, 0},
                       {"EP", kPurple, 0},
                       {"DP", kVermillion, 0},
                       {"pipeline transfer", kDots, 0},
                       {"pipeline bubble", kHatch, 0}},
                      kWidth);
  const double note_y = legend_y + legend.height() + 12;
  Svg svg(
      kLeft + kWidth + kRight, note_y + 8, "Pipeline timeline",
      fmt::format(
          "One step of {}: per pipeline stage, what its compute stream did (forward and backward "
          "micro-batches, recompute, optimizer, communication) and why it sat idle, and below it "
          "the streams its communication ran on.",
          seconds_text(step_s)));
  double y = 10;
  for (std::size_t stage = 0; stage < stages.size(); ++stage) {
    const auto& streams = stages[stage];
    const std::string where = fmt::format("stage {}", stage);
    svg.text(kLeft - 8, y + compute_h / 2 + 4, where, "end");
    if (!streams.empty())
      if (auto it = lanes.find(streams[0]); it != lanes.end()) it->second.draw(svg, y, compute_h, where, compute_h >= 16);
    y += compute_h + 1;
    for (std::size_t i = 1; i < streams.size(); ++i) {
      auto it = lanes.find(streams[i]);
      if (it == lanes.end() || it->second.empty()) continue;
      svg.rect(kLeft, y, kWidth, comm_h, "#f4f4f4");
      it->second.draw(svg, y, comm_h, where + " " + training::to_string(g.streams()[streams[i]].kind), false);
      y += comm_h + 1;
    }
    y += gap - 1;
  }
  axis.draw(svg, kLeft, height, 6);
  legend.draw(svg, kLeft, legend_y);
  svg.text(kLeft, note_y,
           "Thin lanes under a stage: its communication streams (TP/EP, CP, pipeline sends, DP "
           "gathers, DP reductions).",
           "start", "small");
  return svg;
}

}  // namespace dtsim::tools
