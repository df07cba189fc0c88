#include "dtsim/sim/engine/engine.hpp"

#include <catch2/catch.hpp>
#include <vector>

using dtsim::engine::Engine;
using dtsim::engine::Time;

namespace {
struct Log {
  Engine* engine;
  std::vector<std::pair<Time, std::uint64_t>> fired;
  void record(std::uint64_t tag) { fired.emplace_back(engine->now(), tag); }
};
}  // namespace

TEST_CASE("events run in time order, ties in insertion order", "[engine]") {
  Engine e;
  Log log{&e, {}};
  e.call_at<&Log::record>(30, &log, 1);
  e.call_at<&Log::record>(10, &log, 2);
  e.call_at<&Log::record>(30, &log, 3);  // same time as tag 1, inserted later: runs after it
  e.call_at<&Log::record>(20, &log, 4);
  e.run();
  const std::vector<std::pair<Time, std::uint64_t>> expected{{10, 2}, {20, 4}, {30, 1}, {30, 3}};
  CHECK(log.fired == expected);
  CHECK(e.events_processed() == 4);
  CHECK(e.now() == 30);
}

TEST_CASE("an event may schedule further events, including at the current time", "[engine]") {
  struct Chain {
    Engine* engine;
    int remaining;
    void step(std::uint64_t) {
      if (--remaining > 0) engine->call_in<&Chain::step>(remaining % 2 ? 0 : 5, this);
    }
  };
  Engine e;
  Chain c{&e, 10};
  e.call_at<&Chain::step>(0, &c);
  e.run();
  // 9 follow-up events; the ones scheduled at even remaining counts (8,6,4,2) wait 5 ps.
  CHECK(c.remaining == 0);
  CHECK(e.events_processed() == 10);
  CHECK(e.now() == 4 * 5);
}

TEST_CASE("run_until stops at the horizon and advances the clock", "[engine]") {
  Engine e;
  Log log{&e, {}};
  e.call_at<&Log::record>(5, &log, 1);
  e.call_at<&Log::record>(15, &log, 2);
  e.run_until(10);
  CHECK(log.fired.size() == 1);
  CHECK(e.now() == 10);
  CHECK(e.pending() == 1);
}

TEST_CASE("scheduling in the past is a logic error", "[engine]") {
  Engine e;
  Log log{&e, {}};
  e.call_at<&Log::record>(10, &log, 1);
  e.run();
  CHECK_THROWS_AS(e.call_at<&Log::record>(5, &log, 2), std::logic_error);
}

TEST_CASE("time converts between seconds and picoseconds exactly enough", "[engine]") {
  CHECK(dtsim::engine::from_seconds(1.5e-6) == 1'500'000);
  CHECK(dtsim::engine::to_seconds(2'500'000'000'000) == Approx(2.5));
}
