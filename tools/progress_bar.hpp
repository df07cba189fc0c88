#pragma once
// A one-line progress bar on stderr for long commands: done/total, rate and time left. Only
// drawn when stderr is a terminal, so logs, pipes and tests never see it. A command that prints
// its results as they come (sweep) draws it only when stdout is not that terminal: the results
// would break the line and are progress enough. One that prints them after the work (compare,
// validate, search, report) draws it in any case and erases it when done.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace dtsim::tools {

enum class ResultsPrinted { as_they_come, after_the_work };

class ProgressBar {
 public:
  // `unit` names what is counted, in the plural ("points").
  ProgressBar(std::size_t total, std::string unit,
              ResultsPrinted results = ResultsPrinted::as_they_come);
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  // Draws "12/64 points [#####.....] 3.1 points/s, ETA 17 s"; redraws at most ten times a
  // second, and always for the last item. Safe to call from many threads at once; a count
  // below one already drawn is ignored.
  void update(std::size_t done);
  // One more item done; safe to call from many threads at once.
  void advance();
  // Ends the line (after_the_work: erases it), if one was drawn.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  void draw(std::size_t done);
  std::size_t total_;
  std::string unit_;
  ResultsPrinted results_;
  bool enabled_;
  std::mutex mutex_;
  std::size_t done_ = 0;
  Clock::time_point start_ = Clock::now();
  Clock::time_point drawn_{};
  bool drew_ = false;
};

}  // namespace dtsim::tools
