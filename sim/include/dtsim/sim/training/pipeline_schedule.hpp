#pragma once
// The order in which each pipeline stage runs its forward and backward passes.
//
// GPipe: all forwards, then all backwards. 1F1B (PipeDream-Flush, Narayanan et al. 2021, sec.
// 2.2.1): stage s runs min(p-s-1, m) warm-up forwards, then alternates one forward and one
// backward, then drains the backwards. Interleaved 1F1B (ibid., sec. 2.2.2): each stage holds v
// model chunks; micro-batches advance in groups of p through chunk 0, then chunk 1, ...; the
// warm-up is (p-s-1)*2 + (v-1)*p forwards. With free communication the bubble is (p-1)/m of the
// ideal time for GPipe and 1F1B and (p-1)/(v*m) interleaved; the replay, not this file, shows it.
#include <cstdint>
#include <vector>

#include "dtsim/models/parallel_plan.hpp"

namespace dtsim::training {

enum class Pass : std::uint8_t { forward, backward };

struct WorkItem {
  Pass pass;
  int micro_batch;
  int chunk;  // local chunk on this stage, 0..v-1; its global chunk is chunk * p + stage
  friend bool operator==(const WorkItem&, const WorkItem&) = default;
};

// Work items of `stage` (0-based) in execution order: m*v forwards and m*v backwards.
std::vector<WorkItem> stage_schedule(models::Schedule schedule, int stages, int stage,
                                     int micro_batches, int chunks_per_stage);

}  // namespace dtsim::training
