#pragma once
// The memory verdict every answer carries (run, memory, compare, sweep, search, explain,
// report): the fullest rank's peak against its accelerator's capacity, and fits / tight / does
// not fit (models/memory.hpp says where the tight margin comes from). One wording for all.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "dtsim/models/memory.hpp"

namespace dtsim::tools {

// "fits: the fullest rank, pipeline stage 0, uses 61.20 of 80.00 GiB (18.80 GiB to spare)",
// "tight: ...", "DOES NOT FIT: pipeline stage 3 needs ...".
std::string memory_verdict_line(const models::MemoryVerdict& v, std::string_view device);

// {fits, tight, verdict, peak_bytes, capacity_bytes, headroom_bytes, tight_margin_bytes, stage}
nlohmann::ordered_json memory_json(const models::MemoryVerdict& v);

// One line on stderr when the plan does not fit or is tight ("dtsim run: warning: ..."),
// so that a script reading only stdout's numbers is still told. Nothing when it fits.
void warn_memory(const models::MemoryVerdict& v, std::string_view command, std::string_view device);

}  // namespace dtsim::tools
