// dtsim merge FILE... [--points N]
// Joins the outputs of `dtsim sweep --shard K/N` runs (CSV or JSON lines, told apart per file)
// into the output of the unsharded sweep, byte for byte: the header once, then every row in
// index order. Nothing is written unless the files agree: one format, one header, each index
// once and none missing.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "dtsim/sim/config/error.hpp"

namespace dtsim::tools {
namespace {

enum class Format { csv, jsonl };

const char* format_name(Format f) {
  return f == Format::csv ? "CSV" : "JSON lines";
}

// A row of output: its text without the newline, and where it was read.
struct Row {
  std::size_t index = 0;
  std::string text;
  std::string file;
  int line = 1;
};

struct ShardOutput {
  std::string file;
  std::optional<Format> format;  // none for an empty file: a JSON-lines shard with no points
  std::string header;            // CSV: the header row; JSON lines: the rows' keys
  std::vector<Row> rows;
};

using Problems = std::vector<std::string>;

void add_problem(Problems& problems, const std::string& file, int line, const std::string& key,
                 const std::string& message) {
  problems.emplace_back(config::ConfigError({file, line, 1}, key, message).what());
}

// Records end at a newline; in CSV not at one inside a quoted cell (an error message may hold one).
std::vector<std::pair<std::string, int>> split_records(const std::string& content, Format format,
                                                       const std::string& file,
                                                       Problems& problems) {
  std::vector<std::pair<std::string, int>> records;  // text and first line
  bool quoted = false;
  std::size_t begin = 0;
  int line = 1;
  int begin_line = 1;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '"' && format == Format::csv) quoted = !quoted;
    if (content[i] != '\n') continue;
    ++line;
    if (quoted) continue;
    records.emplace_back(content.substr(begin, i - begin), begin_line);
    begin = i + 1;
    begin_line = line;
  }
  if (begin < content.size())
    add_problem(problems, file, begin_line, "row",
                "expected a row ending in a newline, found the file cut short there");
  return records;
}

std::optional<std::size_t> whole_number(std::string_view text) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

void read_csv(ShardOutput& shard, const std::vector<std::pair<std::string, int>>& records,
              Problems& problems) {
  shard.header = records.front().first;
  if (shard.header.rfind("index,", 0) != 0)
    add_problem(problems, shard.file, 1, "index",
                "expected a header starting 'index,', as dtsim sweep writes");
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& [text, line] = records[r];
    const std::string cell = text.substr(0, text.find(','));
    if (const auto index = whole_number(cell))
      shard.rows.push_back({*index, text, shard.file, line});
    else
      add_problem(problems, shard.file, line, "index",
                  "expected a point's index, found '" + cell + "'");
  }
}

void read_jsonl(ShardOutput& shard, const std::vector<std::pair<std::string, int>>& records,
                Problems& problems) {
  for (const auto& [text, line] : records) {
    const auto j = nlohmann::ordered_json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("index") || !j["index"].is_number_unsigned()) {
      add_problem(problems, shard.file, line, "index",
                  "expected a JSON object with the point's index");
      continue;
    }
    std::string keys;
    for (const auto& item : j.items()) keys += item.key() + ",";
    if (shard.header.empty()) shard.header = keys;
    if (keys != shard.header)
      add_problem(problems, shard.file, line, "keys",
                  "expected the keys of the file's first row, found others");
    shard.rows.push_back({j["index"].get<std::size_t>(), text, shard.file, line});
  }
}

ShardOutput read_shard(const std::string& file, Problems& problems) {
  ShardOutput shard{file, std::nullopt, {}, {}};
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    add_problem(problems, file, 1, "file", "expected a readable file, found none");
    return shard;
  }
  std::ostringstream content;
  content << in.rdbuf();
  const std::string text = content.str();
  if (text.empty()) return shard;
  shard.format = text.front() == '{' ? Format::jsonl : Format::csv;
  const auto records = split_records(text, *shard.format, file, problems);
  if (records.empty()) return shard;
  if (*shard.format == Format::csv)
    read_csv(shard, records, problems);
  else
    read_jsonl(shard, records, problems);
  return shard;
}

// "4, 9-12": the indices below `end` that no row has.
std::string missing_indices(const std::vector<Row>& sorted, std::size_t end) {
  std::vector<std::string> ranges;
  std::size_t expected = 0;
  auto gap_until = [&](std::size_t next) {
    if (next > expected)
      ranges.push_back(next - expected == 1 ? std::to_string(expected)
                                            : fmt::format("{}-{}", expected, next - 1));
  };
  for (const auto& row : sorted) {
    if (row.index >= end) break;
    gap_until(row.index);
    expected = std::max(expected, row.index + 1);
  }
  gap_until(end);
  return fmt::format("{}", fmt::join(ranges, ", "));
}

// Every row of every shard, in index order; each index once and none missing below `points`
// (or below the largest index found).
std::vector<Row> rows_in_order(const std::vector<ShardOutput>& shards,
                               std::optional<std::size_t> points, Problems& problems) {
  std::vector<Row> rows;
  for (const auto& s : shards) rows.insert(rows.end(), s.rows.begin(), s.rows.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.index < b.index; });
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i].index == rows[i - 1].index)
      add_problem(problems, rows[i].file, rows[i].line, "index",
                  fmt::format("expected each point once, found point {} also at {}:{}",
                              rows[i].index, rows[i - 1].file, rows[i - 1].line));
  for (const auto& row : rows)
    if (points && row.index >= *points)
      add_problem(problems, row.file, row.line, "index",
                  fmt::format("expected an index below --points {}, found {}", *points, row.index));
  const std::size_t end = points ? *points : rows.empty() ? 0 : rows.back().index + 1;
  if (const auto missing = missing_indices(rows, end); !missing.empty())
    problems.push_back(fmt::format(
        "dtsim merge: error: expected a row for every point from 0 to {}, found none for {}",
        end - 1, missing));
  return rows;
}

// The shards that have rows or a header must agree with the first of them.
void check_alike(const std::vector<ShardOutput>& shards, Problems& problems) {
  const ShardOutput* first = nullptr;
  for (const auto& s : shards) {
    if (!s.format) continue;
    if (!first) {
      first = &s;
    } else if (s.format != first->format) {
      add_problem(problems, s.file, 1, "format",
                  fmt::format("expected {} like {}, found {}", format_name(*first->format),
                              first->file, format_name(*s.format)));
    } else if (s.header != first->header) {
      add_problem(problems, s.file, 1, "header",
                  "expected the header (columns) of " + first->file +
                      ", found another: were the shards run with one sweep?");
    }
  }
}

void merge(const std::vector<std::string>& files, std::optional<std::size_t> points) {
  Problems problems;
  std::vector<ShardOutput> shards;
  for (const auto& file : files) shards.push_back(read_shard(file, problems));
  check_alike(shards, problems);
  const auto rows = rows_in_order(shards, points, problems);
  if (!problems.empty()) {
    constexpr std::size_t shown = 20;
    for (std::size_t i = 0; i < std::min(shown, problems.size()); ++i)
      std::cerr << problems[i] << "\n";
    if (problems.size() > shown)
      std::cerr << fmt::format("... and {} more\n", problems.size() - shown);
    throw std::invalid_argument(
        fmt::format("merge: {} problem(s) in the shard outputs; nothing written", problems.size()));
  }
  const auto header = std::find_if(shards.begin(), shards.end(),
                                   [](const auto& s) { return s.format == Format::csv; });
  if (header != shards.end()) std::cout << header->header << "\n";
  for (const auto& row : rows) std::cout << row.text << "\n";
}

}  // namespace

void add_merge_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::optional<std::size_t> points;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "merge", "join the outputs of dtsim sweep --shard runs into the whole sweep's output");
  cmd->add_option("files", o->files, "shard outputs, CSV or JSON lines, in any order")->required();
  cmd->add_option(
      "--points", o->points,
      "the sweep's number of points: also report points missing after the last index found");
  cmd->callback([o] { merge(o->files, o->points); });
}

}  // namespace dtsim::tools
