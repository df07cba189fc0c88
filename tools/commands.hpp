#pragma once
// Each `dtsim` subcommand registers itself on the CLI from its own file.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace dtsim::tools {

void add_run_command(CLI::App& app);
void add_topology_command(CLI::App& app);
void add_catalog_command(CLI::App& app);
void add_collective_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_model_command(CLI::App& app);
void add_memory_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_search_command(CLI::App& app);
void add_explain_command(CLI::App& app);
void add_report_command(CLI::App& app);

// --max-memory on every command that simulates a step: appends "simulation.max_memory=VALUE"
// to `overrides` (which must outlive the parse), the budget a step's estimated memory must fit
// in (sim/training/work_estimate.hpp, docs/scenario.md).
void add_max_memory_option(CLI::App& cmd, std::vector<std::string>& overrides);

}  // namespace dtsim::tools
