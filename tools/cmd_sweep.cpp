// dtsim sweep SCENARIO [--set KEY=V1,V2,...]... [--threads N] [--shard K/N] [--jsonl] [--strict]
// Exit status 3 when every point failed (or, with --strict, when none both ran and fits).
// Every point of the sweep as a CSV row (or a JSON line) on stdout, in index order.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "exit_status.hpp"
#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/study/sweep.hpp"
#include "progress_bar.hpp"
#include "summary_format.hpp"

namespace dtsim::tools {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> leading_columns(const study::Sweep& sweep) {
  std::vector<std::string> columns = {"index"};
  for (const auto& axis : sweep.axes) columns.push_back(axis.key);
  return columns;
}

// A swept key named like a result column would make two columns of one name.
void check_column_names(const study::Sweep& sweep) {
  auto taken = summary_keys();
  taken.insert(taken.end(), {"index", "error"});
  for (const auto& axis : sweep.axes)
    if (std::find(taken.begin(), taken.end(), axis.key) != taken.end())
      throw config::ConfigError(
          {sweep.scenario_path, 1, 1}, axis.key,
          "expected a swept key other than the output's columns (index, error, " +
              fmt::format("{}", fmt::join(summary_keys(), ", ")) + ")");
}

std::string csv_header(const study::Sweep& sweep) {
  auto cells = leading_columns(sweep);
  for (auto& key : summary_keys()) cells.push_back(std::move(key));
  cells.emplace_back("error");
  return csv_line(cells);
}

std::string csv_row(const study::PointOutcome& o) {
  std::vector<std::string> cells = {std::to_string(o.point.index)};
  cells.insert(cells.end(), o.point.values.begin(), o.point.values.end());
  auto figures =
      o.summary ? summary_values(*o.summary) : std::vector<std::string>(summary_keys().size());
  cells.insert(cells.end(), figures.begin(), figures.end());
  cells.push_back(o.error);
  return csv_line(cells);
}

// A value that is JSON as written (a number, true, a list of numbers) stays that value; any
// other YAML text (selective, 1f1b, {tp: 4}) is a string.
Json value_json(const std::string& yaml_text) {
  Json parsed = Json::parse(yaml_text, nullptr, false);
  return parsed.is_discarded() ? Json(yaml_text) : parsed;
}

std::string jsonl_row(const study::Sweep& sweep, const study::PointOutcome& o) {
  Json j = {{"index", o.point.index}};
  for (std::size_t i = 0; i < sweep.axes.size(); ++i)
    j[sweep.axes[i].key] = value_json(o.point.values[i]);
  if (o.summary) {
    j.update(summary_json(*o.summary));
  } else {
    for (const auto& key : summary_keys()) j[key] = nullptr;
  }
  j["error"] = o.error.empty() ? Json(nullptr) : Json(o.error);
  return j.dump() + "\n";
}

struct Options {
  std::string scenario;
  std::vector<std::string> sets;
  int threads = 0;
  std::string shard = "1/1";
  bool jsonl = false;
  bool strict = false;
};

void run(const Options& o) {
  const auto shard = study::parse_shard(o.shard);
  const auto sweep = study::load_sweep(o.scenario, o.sets);
  check_column_names(sweep);
  const auto indices = study::shard_indices(sweep.size(), shard);
  // The count goes to the log of every shard: `dtsim merge --points` checks it. One write, so
  // that shards sharing a terminal do not interleave their lines.
  const auto shard_part = shard.count > 1 ? fmt::format(", {} of them in shard {}/{}",
                                                        indices.size(), shard.number, shard.count)
                                          : "";
  std::cerr << fmt::format("dtsim sweep: {} points{}\n", sweep.size(), shard_part);
  if (!o.jsonl) std::cout << csv_header(sweep) << std::flush;
  ProgressBar progress(indices.size(), "points");
  std::size_t failed = 0, unfit = 0;
  study::SweepRun run;
  run.threads = o.threads;
  run.on_progress = [&](std::size_t done, std::size_t) { progress.update(done); };
  run.on_outcome = [&](const study::PointOutcome& outcome) {
    failed += outcome.summary ? 0 : 1;
    unfit += outcome.summary && !outcome.summary->step.memory.fits();
    std::cout << (o.jsonl ? jsonl_row(sweep, outcome) : csv_row(outcome)) << std::flush;
  };
  study::run_sweep(sweep, indices, run);
  progress.finish();
  if (failed > 0)
    std::cerr << fmt::format(
        "dtsim sweep: {} of {} points failed; the error column of their rows says why\n", failed,
        indices.size());
  if (unfit > 0)
    std::cerr << fmt::format(
        "dtsim sweep: {} of {} points do not fit in memory; their rows are marked in the memory "
        "column, and their times are for jobs that cannot start\n",
        unfit, indices.size());
  if (!indices.empty() && failed == indices.size())
    throw AnswerNo(fmt::format("sweep: every one of the {} points failed", failed));
  if (o.strict && !indices.empty() && failed + unfit == indices.size())
    throw AnswerNo(fmt::format("sweep --strict: none of the {} points both ran and fit in memory",
                               indices.size()));
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "sweep", "simulate every combination of some scenario keys' values; one row per point");
  cmd->add_option("scenario", o->scenario, "scenario YAML file (its `sweep:` block gives axes too)")
      ->required();
  add_max_memory_option(*cmd, o->sets);
  cmd->add_option(
         "--set", o->sets,
         "an axis, KEY=V1,V2,... (commas inside [], {} or quotes do not split), or with one value "
         "an override on every point")
      ->take_all();
  cmd->add_option("--threads", o->threads, "points simulated at once (default: every core)")
      ->check(CLI::PositiveNumber);
  cmd->add_option(
      "--shard", o->shard,
      "run only shard K of N: the points whose index % N == K-1 (join with dtsim merge)");
  cmd->add_flag("--jsonl", o->jsonl, "one JSON object per line instead of CSV");
  cmd->add_flag("--strict", o->strict,
                "exit with status 3 when no point both ran and fits in memory (without it, only "
                "when every point failed)");
  cmd->callback([o] { run(*o); });
}

}  // namespace dtsim::tools
