// The explanation's pipeline bubble: the closed form pipeline_schedule.hpp states for the ideal
// case ((p-1)/m of the ideal time for GPipe and 1F1B, (p-1)/(v m) interleaved; the same share of
// the whole step is (p-1)/(m+p-1)) beside the bubble the replay measured.
#include <fmt/format.h>

#include "explain_parts.hpp"

namespace dtsim::study::detail {

ExplainSection bubble_section(const config::Scenario& s, const training::StepResult& r) {
  const auto& p = s.plan;
  const auto& b = r.breakdown;
  ExplainSection sec{"bubble", "pipeline bubble", "", {}};
  auto& items = sec.items;
  if (p.pp == 1) {
    items.push_back(item("bubble.simulated_s", "simulated bubble (mean over ranks)", "", "", b.bubble_s, "s"));
    sec.summary = "One pipeline stage: no fill and no drain, so no bubble.";
    return sec;
  }
  const double m = static_cast<double>(r.micro_batches);
  const bool interleaved = p.schedule == models::Schedule::interleaved_1f1b;
  const double slots = interleaved ? p.vpp * m : m;  // stage-times of work per step, in chunk units
  const double fraction = (p.pp - 1) / slots;
  const char* schedule = p.schedule == models::Schedule::gpipe ? "GPipe" : interleaved ? "interleaved 1F1B" : "1F1B";
  items.push_back(item("bubble.fraction", fmt::format("{}: bubble / ideal time", schedule),
                       interleaved ? "(p - 1) / (v x m)" : "(p - 1) / m",
                       interleaved ? fmt::format("({} - 1) / ({} x {:g})", p.pp, p.vpp, m)
                                   : fmt::format("({} - 1) / {:g}", p.pp, m),
                       fraction, "%"));
  items.push_back(item("bubble.share_of_step", "the same as a share of the step",
                       interleaved ? "(p - 1) / (v x m + p - 1)" : "(p - 1) / (m + p - 1)",
                       fmt::format("({} - 1) / ({:g} + {} - 1)", p.pp, slots, p.pp), (p.pp - 1) / (slots + p.pp - 1),
                       "%"));
  // The ideal time: the micro-batches' own work on a rank, what the bubble is a fraction of.
  const double ideal = b.compute_s + b.recompute_s + b.exposed_tp_s + b.exposed_cp_s + b.exposed_ep_s;
  items.push_back(item("bubble.ideal_s", "ideal time: the micro-batches' own work (mean over ranks)",
                       "compute + recompute + exposed TP/CP/EP",
                       fmt::format("{:.3f} + {:.3f} + {:.3f} s", b.compute_s, b.recompute_s,
                                   b.exposed_tp_s + b.exposed_cp_s + b.exposed_ep_s),
                       ideal, "s"));
  const double closed = fraction * ideal;
  items.push_back(item("bubble.closed_form_s", "closed-form bubble", "fraction x ideal time",
                       fmt::format("{} x {}", percent_text(fraction), seconds_text(ideal)), closed, "s"));
  items.push_back(item("bubble.simulated_s", "simulated bubble (mean over ranks)", "",
                       closed > 0 ? fmt::format("{:+.1f} % against the closed form", 100 * (b.bubble_s / closed - 1)) : "",
                       b.bubble_s, "s"));
  items.push_back(item("bubble.pp_wait_s", "waiting for pipeline transfers besides", "", "", b.pp_wait_s, "s"));
  sec.summary = fmt::format(
      "{} stages fill and drain once per step around {:g} micro-batches{}: the closed form gives {} "
      "of idle time per rank, the replay {} ({} of the step). The replay differs where stages are unequal "
      "(the first also runs the embedding, the last the output layer and loss) and where transfers and "
      "data-parallel traffic delay the pipeline.",
      p.pp, m, interleaved ? fmt::format(" in {} chunks per stage", p.vpp) : "", seconds_text(closed),
      seconds_text(b.bubble_s), percent_text(b.bubble_s / r.step_time_s));
  return sec;
}

}  // namespace dtsim::study::detail
