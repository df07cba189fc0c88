// The points of a sweep: --set arguments split into axes, axes combined with the file's, the
// cartesian product numbered, and shards of it. Running the points is sweep_run.cpp.
#include "dtsim/sim/study/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"

namespace dtsim::study {
namespace {

using config::ConfigError;

// Large enough for any sweep a cluster runs in days, small enough that the index list fits.
constexpr std::size_t max_points = 100'000'000;

ConfigError bad_argument(const std::string& argument, std::size_t offset, const std::string& key,
                         const std::string& message) {
  return ConfigError({"--set '" + argument + "'", 1, static_cast<int>(offset) + 1}, key, message);
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string trimmed(const std::string& text, std::size_t begin, std::size_t end) {
  while (begin < end && is_blank(text[begin])) ++begin;
  while (end > begin && is_blank(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

// Whether a quote at `at` opens a quoted scalar: in YAML it does only where a value starts (the
// argument's value, or after a flow indicator), so `name=Bob's run` is one plain value.
bool opens_quote(const std::string& argument, std::size_t value_begin, std::size_t at) {
  std::size_t i = at;
  while (i > value_begin && is_blank(argument[i - 1])) --i;
  return i == value_begin ||
         std::string_view("[{,:").find(argument[i - 1]) != std::string_view::npos;
}

// Offsets of the commas that separate values: those outside brackets, braces and quotes.
std::vector<std::size_t> separating_commas(const std::string& argument, std::size_t value_begin,
                                           const std::string& key) {
  std::vector<std::size_t> commas;
  // The closer each open bracket expects, and where it opened.
  std::vector<std::pair<char, std::size_t>> open;
  std::optional<std::pair<char, std::size_t>> quote;
  for (std::size_t i = value_begin; i < argument.size(); ++i) {
    const char c = argument[i];
    if (quote) {
      const bool doubled =
          c == '\'' && quote->first == '\'' && i + 1 < argument.size() && argument[i + 1] == '\'';
      // \" in double quotes and '' in single ones are quotes inside, not the closing one.
      if ((c == '\\' && quote->first == '"') || doubled) {
        ++i;
      } else if (c == quote->first) {
        quote.reset();
      }
      continue;
    }
    if ((c == '"' || c == '\'') && opens_quote(argument, value_begin, i)) {
      quote = {c, i};
    } else if (c == '[' || c == '{') {
      open.emplace_back(c == '[' ? ']' : '}', i);
    } else if (c == ']' || c == '}') {
      if (open.empty() || open.back().first != c)
        throw bad_argument(argument, i, key,
                           fmt::format("expected balanced brackets, found an unmatched '{}'", c));
      open.pop_back();
    } else if (c == ',' && open.empty()) {
      commas.push_back(i);
    }
  }
  if (quote)
    throw bad_argument(argument, quote->second, key,
                       fmt::format("expected a closing {}, found none", quote->first));
  if (!open.empty())
    throw bad_argument(argument, open.back().second, key,
                       fmt::format("expected a closing '{}', found none", open.back().first));
  return commas;
}

std::size_t product_of_lengths(const std::vector<config::SweepAxis>& axes) {
  std::size_t points = 1;
  for (const auto& a : axes) {
    if (a.values.empty()) return 0;
    if (points > std::numeric_limits<std::size_t>::max() / a.values.size())
      return std::numeric_limits<std::size_t>::max();
    points *= a.values.size();
  }
  return points;
}

std::string axis_lengths(const std::vector<config::SweepAxis>& axes) {
  std::string text;
  for (const auto& a : axes) text += (text.empty() ? "" : " x ") + std::to_string(a.values.size());
  return text;
}

}  // namespace

config::SweepAxis parse_set_argument(const std::string& argument) {
  const auto eq = argument.find('=');
  if (eq == std::string::npos || eq == 0)
    throw bad_argument(argument, 0, "",
                       "expected KEY.PATH=VALUE or KEY.PATH=V1,V2,..., found no key or no '='");
  config::SweepAxis axis{argument.substr(0, eq), {}};
  std::size_t begin = eq + 1;
  const auto commas = separating_commas(argument, begin, axis.key);
  for (std::size_t i = 0; i <= commas.size(); ++i) {
    const std::size_t end = i < commas.size() ? commas[i] : argument.size();
    axis.values.push_back(trimmed(argument, begin, end));
    if (!commas.empty() && axis.values.back().empty())
      throw bad_argument(argument, begin, axis.key,
                         "expected a value between the commas, found none");
    begin = end + 1;
  }
  return axis;
}

std::size_t Sweep::size() const {
  return product_of_lengths(axes);
}

SweepPoint Sweep::point(std::size_t index) const {
  SweepPoint p{index, std::vector<std::string>(axes.size()), overrides};
  std::size_t rest = index;
  for (std::size_t i = axes.size(); i-- > 0;) {  // the last axis varies fastest
    const auto& values = axes[i].values;
    p.values[i] = values[rest % values.size()];
    rest /= values.size();
  }
  for (std::size_t i = 0; i < axes.size(); ++i)
    p.overrides.push_back(axes[i].key + "=" + p.values[i]);
  return p;
}

Sweep combine_axes(std::string scenario_path, const std::vector<config::SweepAxis>& file_axes,
                   const std::vector<config::SweepAxis>& set_axes) {
  Sweep sweep{std::move(scenario_path), {}, file_axes};
  for (const auto& axis : set_axes) {
    const auto same = std::find_if(sweep.axes.begin(), sweep.axes.end(),
                                   [&](const auto& a) { return a.key == axis.key; });
    if (axis.values.size() == 1) {
      if (same != sweep.axes.end()) sweep.axes.erase(same);
      sweep.overrides.push_back(axis.key + "=" + axis.values.front());
    } else if (same != sweep.axes.end()) {
      same->values = axis.values;
    } else {
      sweep.axes.push_back(axis);
    }
  }
  return sweep;
}

Sweep load_sweep(const std::string& scenario_path, const std::vector<std::string>& set_arguments) {
  std::vector<config::SweepAxis> set_axes;
  std::vector<std::string> plain;
  for (const auto& argument : set_arguments) {
    set_axes.push_back(parse_set_argument(argument));
    if (set_axes.back().values.size() == 1)
      plain.push_back(set_axes.back().key + "=" + set_axes.back().values.front());
  }
  const auto base = config::load_scenario(scenario_path, plain);
  Sweep sweep = combine_axes(scenario_path, base.sweep, set_axes);
  if (sweep.axes.empty())
    throw ConfigError(
        {scenario_path, 1, 1}, "sweep",
        "expected a `sweep:` block or a --set KEY=V1,V2,... with several values, found neither");
  if (sweep.size() > max_points)
    throw ConfigError({scenario_path, 1, 1}, "sweep",
                      fmt::format("expected at most {} points, found axes of {}", max_points,
                                  axis_lengths(sweep.axes)));
  return sweep;
}

Shard parse_shard(const std::string& text) {
  const auto fail = [&] {
    return ConfigError({"command line", 1, 1}, "--shard",
                       "expected K/N with 1 <= K <= N, such as 3/16, found '" + text + "'");
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw fail();
  const auto whole_number = [&](std::size_t begin, std::size_t end) {
    std::size_t value = 0;
    const auto [stop, ec] = std::from_chars(text.data() + begin, text.data() + end, value);
    if (ec != std::errc() || stop != text.data() + end || begin == end) throw fail();
    return value;
  };
  const Shard shard{whole_number(0, slash), whole_number(slash + 1, text.size())};
  if (shard.number < 1 || shard.number > shard.count) throw fail();
  return shard;
}

std::vector<std::size_t> shard_indices(std::size_t points, Shard shard) {
  std::vector<std::size_t> indices;
  for (std::size_t i = shard.number - 1; i < points; i += shard.count) indices.push_back(i);
  return indices;
}

}  // namespace dtsim::study
