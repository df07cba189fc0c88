// Placeholder until `dtsim merge` lands (issue 7).
#include "commands.hpp"

namespace dtsim::tools {

void add_merge_command(CLI::App&) {}

}  // namespace dtsim::tools
