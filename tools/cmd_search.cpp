// Placeholder until `dtsim search` lands (issue 7).
#include "commands.hpp"

namespace dtsim::tools {

void add_search_command(CLI::App&) {}

}  // namespace dtsim::tools
