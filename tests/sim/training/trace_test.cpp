// The Chrome trace of a step: times in whole nanoseconds, and on each track (process, thread)
// the slices in order without overlap, as the replay ran them one after another on a stream.
#include "dtsim/sim/training/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <utility>
#include <vector>

#include "dtsim/sim/config/loader.hpp"
#include "dtsim/sim/training/step_recording.hpp"
#include "temp_file.hpp"

using namespace dtsim;

namespace {

struct Slice {
  std::int64_t begin_ns, dur_ns;
};

// "12.345" (microseconds with three decimals, as the test requires of every time) as 12345 ns.
std::int64_t ns_of(const std::string& us) {
  const auto dot = us.find('.');
  return std::stoll(us.substr(0, dot)) * 1000 + std::stoll(us.substr(dot + 1));
}

// The trace's complete ("X") slices by track. The writer puts one event on a line.
std::map<std::pair<int, int>, std::vector<Slice>> slices_by_track(const std::string& trace) {
  static const std::regex slice(
      R"re("ph":"X","ts":([^,]+),"dur":([^,]+),"pid":([0-9]+),"tid":([0-9]+)\})re");
  std::map<std::pair<int, int>, std::vector<Slice>> out;
  std::istringstream lines(trace);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, slice)) continue;
    out[{std::stoi(m[3]), std::stoi(m[4])}].push_back({ns_of(m[1]), ns_of(m[2])});
  }
  return out;
}

std::string trace_of(const config::Scenario& s) {
  std::ostringstream out;
  training::write_trace(s, out);
  return out.str();
}

// Slices with no length, and slices that start before the one before them on their track
// ends (the first of them named); and the latest end.
struct TrackCheck {
  int empty = 0, overlapping = 0;
  std::string first_overlap;
  std::int64_t last_end_ns = 0;
};

TrackCheck check_tracks(std::map<std::pair<int, int>, std::vector<Slice>> tracks) {
  TrackCheck c;
  for (auto& [track, slices] : tracks) {
    std::stable_sort(slices.begin(), slices.end(),
                     [](const Slice& a, const Slice& b) { return a.begin_ns < b.begin_ns; });
    for (std::size_t i = 0; i < slices.size(); ++i) {
      c.empty += slices[i].dur_ns <= 0;
      const std::int64_t end = slices[i].begin_ns + slices[i].dur_ns;
      if (i > 0 && slices[i - 1].begin_ns + slices[i - 1].dur_ns > slices[i].begin_ns &&
          c.overlapping++ == 0)
        c.first_overlap = fmt::format(
            "pid {} tid {}: a slice to {} ns, the next from {} ns", track.first, track.second,
            slices[i - 1].begin_ns + slices[i - 1].dur_ns, slices[i].begin_ns);
      c.last_end_ns = std::max(c.last_end_ns, end);
    }
  }
  return c;
}

}  // namespace

TEST_CASE("trace: integer nanoseconds, slices on a track in order and not overlapping", "[trace]") {
  // GPT-3 XL with TP8 PP4 on 4 DGX A100 (tutorial 5's plan, scaled down), folded and not:
  // compute, TP, pipeline and DP streams all have work. Before times were rounded as ends, the
  // quickstart's trace had 26,234 slices starting 1 ns before the previous one ended.
  const std::string path =
      std::string(DTSIM_SOURCE_DIR) + "/scenarios/tutorial/05-3d-parallel.yaml";
  for (const bool fold : {true, false}) {
    INFO("fold " << fold);
    const auto s =
        config::load_scenario(path, {"model=gpt3-1.3b", "cluster.nodes=4", "parallelism.pp=4",
                                     "parallelism.dp=1", "training.global_batch=8",
                                     std::string("simulation.fold=") + (fold ? "true" : "false")});
    const std::string trace = trace_of(s);
    REQUIRE(nlohmann::json::accept(trace));
    // Every time in the file has exactly three decimals (whole nanoseconds).
    static const std::regex time(R"re("(ts|dur)":([^,}]+))re"), whole_ns(R"([0-9]+\.[0-9]{3})");
    int times = 0, malformed = 0;
    for (std::sregex_iterator it(trace.begin(), trace.end(), time), end; it != end; ++it, ++times)
      malformed += !std::regex_match((*it)[2].str(), whole_ns);
    CHECK(malformed == 0);
    CHECK(times > 1000);
    const auto tracks = slices_by_track(trace);
    // Folded: the 4 stages' representatives; unfolded: all 32 ranks (TP8 x PP4), each with at
    // least its compute, TP and pipeline-send streams.
    CHECK(tracks.size() >= (fold ? 4u : 32u) * 3);
    const TrackCheck c = check_tracks(tracks);
    INFO(c.first_overlap);
    CHECK(c.empty == 0);
    CHECK(c.overlapping == 0);
    // The trace spans the step: its last slice ends where the replay says the step ends.
    const auto rec = training::record_step(s, 10);
    CHECK(c.last_end_ns == std::llround(rec.replay.step_time_s * 1e9));
  }
}
