// dtsim: a discrete-event simulator of distributed training clusters.
// Exit status: 0 success, 2 bad input (with FILE:LINE:COL: error: ... on stderr), 1 internal error,
// 3 a --strict answer of no (exit_status.hpp).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <new>

#include "commands.hpp"
#include "exit_status.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/suggest.hpp"

namespace {

// CLI11 answers a misspelt command with "The following arguments were not expected"; name the
// command the user likely meant instead. Returns false (after printing) for an unknown one.
bool known_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return true;
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == argv[1]) return true;
    names.push_back(sub->get_name());
  }
  std::cerr << fmt::format("dtsim: error: unknown command {}{} (commands: {})\n",
                           dtsim::config::quoted_input(argv[1]),
                           dtsim::config::did_you_mean(argv[1], names), fmt::join(names, ", "));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dtsim: predicts how fast a large model trains on a cluster, and why"};
  app.set_version_flag("--version", std::string("dtsim ") + DTSIM_VERSION);
  app.require_subcommand(1);
  dtsim::tools::add_run_command(app);
  dtsim::tools::add_topology_command(app);
  dtsim::tools::add_catalog_command(app);
  dtsim::tools::add_collective_command(app);
  dtsim::tools::add_validate_command(app);
  dtsim::tools::add_model_command(app);
  dtsim::tools::add_memory_command(app);
  dtsim::tools::add_compare_command(app);
  dtsim::tools::add_sweep_command(app);
  dtsim::tools::add_merge_command(app);
  dtsim::tools::add_search_command(app);
  dtsim::tools::add_explain_command(app);
  dtsim::tools::add_report_command(app);
  if (!known_command(app, argc, argv)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const dtsim::tools::AnswerNo& e) {
    std::cerr << "dtsim: " << e.what() << '\n';
    return dtsim::tools::kExitAnswerNo;
  } catch (const dtsim::config::ConfigError& e) {
    std::cerr << e.what() << '\n';
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "dtsim: error: " << e.what() << '\n';
    return 2;
  } catch (const std::bad_alloc&) {  // past the work estimate's budget (work_estimate.hpp)
    std::cerr << "dtsim: error: out of memory: the scenario needs more than this machine gives; "
                 "shrink it (fewer micro-batches, simulation.fold: true, a smaller cluster)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "dtsim: internal error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
