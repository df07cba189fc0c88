// Placeholder until `dtsim compare` lands (issue 7).
#include "commands.hpp"

namespace dtsim::tools {

void add_compare_command(CLI::App&) {}

}  // namespace dtsim::tools
