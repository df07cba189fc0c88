// dtsim: a discrete-event simulator of distributed training clusters.
// Exit status: 0 success, 2 bad input (with FILE:LINE:COL: error: ... on stderr), 1 internal error.
#include <fmt/format.h>

#include <iostream>
#include <new>

#include "commands.hpp"
#include "dtsim/sim/config/error.hpp"

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
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
