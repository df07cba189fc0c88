// Placeholder until `dtsim sweep` lands (issue 7).
#include "commands.hpp"

namespace dtsim::tools {

void add_sweep_command(CLI::App&) {}

}  // namespace dtsim::tools
