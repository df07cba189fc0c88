#pragma once
// Simulated time is an integer count of picoseconds: exact, and 2^63 ps is 106 days, far more
// than one training step. Durations from models (doubles in seconds) are rounded once here.
#include <cmath>
#include <cstdint>

namespace dtsim::engine {

using Time = std::int64_t;

inline constexpr Time kPicosecondsPerSecond = 1'000'000'000'000;

inline Time from_seconds(double seconds) {
  return static_cast<Time>(std::llround(seconds * static_cast<double>(kPicosecondsPerSecond)));
}

inline double to_seconds(Time t) { return static_cast<double>(t) / kPicosecondsPerSecond; }

}  // namespace dtsim::engine
