#include "progress_bar.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace dtsim::tools {
namespace {

std::string duration_text(double s) {
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

std::string bar_line(std::size_t done, std::size_t total, const std::string& unit,
                     double elapsed_s) {
  constexpr std::size_t width = 30;
  const std::size_t filled = total == 0 ? width : done * width / total;
  std::string text = fmt::format("{}/{} {} [{}{}]", done, total, unit, std::string(filled, '#'),
                                 std::string(width - filled, '.'));
  const double rate = elapsed_s > 0 ? done / elapsed_s : 0;
  if (rate > 0)
    text += fmt::format(" {:.3g} {}/s, ETA {}", rate, unit, duration_text((total - done) / rate));
  return text;
}

}  // namespace

ProgressBar::ProgressBar(std::size_t total, std::string unit, ResultsPrinted results)
    : total_(total),
      unit_(std::move(unit)),
      results_(results),
      enabled_(isatty(STDERR_FILENO) != 0 &&
               (results == ResultsPrinted::after_the_work || isatty(STDOUT_FILENO) == 0)) {}

void ProgressBar::update(std::size_t done) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  done_ = std::max(done_, done);  // threads may report out of order: the count only grows
  draw(done_);
}

void ProgressBar::advance() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  draw(++done_);
}

void ProgressBar::draw(std::size_t done) {
  done = std::min(done, total_);
  const auto now = Clock::now();
  if (drew_ && done < total_ && now - drawn_ < std::chrono::milliseconds(100)) return;
  const double elapsed_s = std::chrono::duration<double>(now - start_).count();
  // \r and "erase to end of line": each redraw replaces the last one.
  std::fprintf(stderr, "\r%s\x1b[K", bar_line(done, total_, unit_, elapsed_s).c_str());
  std::fflush(stderr);
  drawn_ = now;
  drew_ = true;
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (drew_) std::fputs(results_ == ResultsPrinted::after_the_work ? "\r\x1b[K" : "\n", stderr);
  drew_ = false;
}

}  // namespace dtsim::tools
