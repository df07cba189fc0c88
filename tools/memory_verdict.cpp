#include "memory_verdict.hpp"

#include <fmt/format.h>

#include <iostream>

namespace dtsim::tools {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string gib(double bytes) {
  return fmt::format("{:.2f}", bytes / kGiB);
}

}  // namespace

std::string memory_verdict_line(const models::MemoryVerdict& v, std::string_view device) {
  const double peak = v.peak_bytes();
  switch (v.fit()) {
    case models::MemoryFit::fits:
      return fmt::format(
          "fits: the fullest rank, pipeline stage {}, uses {} of {} GiB ({} GiB to spare)",
          v.worst_stage, gib(peak), gib(v.capacity_bytes), gib(v.headroom_bytes()));
    case models::MemoryFit::tight:
      return fmt::format(
          "tight: the fullest rank, pipeline stage {}, uses {} of {} GiB; {} GiB to spare is "
          "under the {} GiB margin for allocator fragmentation and runtime buffers, so it may not "
          "start",
          v.worst_stage, gib(peak), gib(v.capacity_bytes), gib(v.headroom_bytes()),
          gib(v.tight_margin_bytes()));
    case models::MemoryFit::does_not_fit:
      break;
  }
  int over = 0;
  for (const auto& b : v.stages) over += b.total_bytes() > v.capacity_bytes;
  return fmt::format(
      "DOES NOT FIT: pipeline stage {} needs {} GiB, {} GiB more than the {} GiB of an {} ({} of "
      "{} stages over)",
      v.worst_stage, gib(peak), gib(-v.headroom_bytes()), gib(v.capacity_bytes), device, over,
      v.stages.size());
}

nlohmann::ordered_json memory_json(const models::MemoryVerdict& v) {
  return {{"fits", v.fits()},
          {"tight", v.tight()},
          {"verdict", models::to_string(v.fit())},
          {"peak_bytes", v.peak_bytes()},
          {"capacity_bytes", v.capacity_bytes},
          {"headroom_bytes", v.headroom_bytes()},
          {"tight_margin_bytes", v.tight_margin_bytes()},
          {"stage", v.worst_stage}};
}

void warn_memory(const models::MemoryVerdict& v, std::string_view command,
                 std::string_view device) {
  if (v.fit() == models::MemoryFit::fits) return;
  const char* consequence = v.fits() ? "" : "; its times and costs are for a job that cannot start";
  std::cerr << fmt::format("dtsim {}: warning: {}{}\n", command, memory_verdict_line(v, device),
                           consequence);
}

}  // namespace dtsim::tools
