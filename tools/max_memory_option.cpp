#include "commands.hpp"

namespace dtsim::tools {

void add_max_memory_option(CLI::App& cmd, std::vector<std::string>& overrides) {
  cmd.add_option_function<std::string>(
      "--max-memory",
      [&overrides](const std::string& value) {
        overrides.push_back("simulation.max_memory=" + value);
      },
      "refuse a step whose simulation would need more memory than this, e.g. \"4 GiB\" "
      "(default: half of what the machine has available)");
}

}  // namespace dtsim::tools
