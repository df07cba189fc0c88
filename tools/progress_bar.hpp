#pragma once
// A one-line progress bar on stderr for long commands (sweep): done/total, rate and time left.
// Only drawn when stderr is a terminal, so logs and pipes never see it, and stdout is not one:
// results written to the screen would break the line and are progress enough.
#include <chrono>
#include <cstddef>
#include <string>

namespace dtsim::tools {

class ProgressBar {
 public:
  // `unit` names what is counted, in the plural ("points").
  ProgressBar(std::size_t total, std::string unit);
  // Draws "12/64 points [#####.....] 3.1 points/s, ETA 17 s"; redraws at most ten times a
  // second, and always for the last item.
  void update(std::size_t done);
  // Ends the line, if one was drawn.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  std::size_t total_;
  std::string unit_;
  bool enabled_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point drawn_{};
  bool drew_ = false;
};

}  // namespace dtsim::tools
