#include "dtsim/sim/training/pipeline_schedule.hpp"

#include <catch2/catch.hpp>

using namespace dtsim::training;
using dtsim::models::Schedule;

namespace {
std::string show(const std::vector<WorkItem>& items) {
  std::string out;
  for (const auto& w : items) {
    out += (w.pass == Pass::forward ? "F" : "B") + std::to_string(w.micro_batch);
    if (w.chunk > 0) out += "." + std::to_string(w.chunk);
    out += " ";
  }
  return out;
}
}  // namespace

TEST_CASE("1F1B: p-s-1 warm-up forwards, then one forward one backward", "[schedule]") {
  // Narayanan et al. 2021, Fig. 4 (top): 4 stages, 8 micro-batches.
  CHECK(show(stage_schedule(Schedule::one_f_one_b, 4, 0, 8, 1)) ==
        "F0 F1 F2 F3 B0 F4 B1 F5 B2 F6 B3 F7 B4 B5 B6 B7 ");
  CHECK(show(stage_schedule(Schedule::one_f_one_b, 4, 3, 8, 1)) ==
        "F0 B0 F1 B1 F2 B2 F3 B3 F4 B4 F5 B5 F6 B6 F7 B7 ");
}

TEST_CASE("GPipe: every forward, then every backward", "[schedule]") {
  CHECK(show(stage_schedule(Schedule::gpipe, 2, 1, 3, 1)) == "F0 F1 F2 B0 B1 B2 ");
}

TEST_CASE("interleaved 1F1B: groups of p micro-batches visit every chunk", "[schedule]") {
  // p = 2, v = 2, m = 4. Forward order F0.0 F1.0 F0.1 F1.1 F2.0 F3.0 F2.1 F3.1; backwards visit
  // chunks in reverse. Stage 0 warms up with (p-s-1)*2 + (v-1)*p = 4 forwards.
  CHECK(show(stage_schedule(Schedule::interleaved_1f1b, 2, 0, 4, 2)) ==
        "F0 F1 F0.1 F1.1 F2 B0.1 F3 B1.1 F2.1 B0 F3.1 B1 B2.1 B3.1 B2 B3 ");
}

TEST_CASE("every schedule runs each pass of each micro-batch and chunk once", "[schedule]") {
  for (auto sched : {Schedule::gpipe, Schedule::one_f_one_b, Schedule::interleaved_1f1b}) {
    const int v = sched == Schedule::interleaved_1f1b ? 3 : 1;
    for (int stage = 0; stage < 4; ++stage) {
      const auto items = stage_schedule(sched, 4, stage, 10, v);
      CHECK(items.size() == static_cast<std::size_t>(2 * 10 * v));
    }
  }
}
