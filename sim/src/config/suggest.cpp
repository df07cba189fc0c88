#include "dtsim/sim/config/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace dtsim::config {
namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::size_t common_prefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && lower(a[n]) == lower(b[n])) ++n;
  return n;
}

// How far a name may be from a candidate and still be taken for a typo of it.
int typo_limit(std::string_view wrong) {
  return std::max<int>(2, static_cast<int>(wrong.size()) / 3);
}
}  // namespace

int edit_distance(std::string_view a, std::string_view b) {
  const std::size_t m = b.size();
  // Rows i-2, i-1 and i of the table d[i][j] = distance(a[0, i), b[0, j)).
  std::vector<int> before(m + 1), above(m + 1), row(m + 1);
  for (std::size_t j = 0; j <= m; ++j) above[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({above[j] + 1, row[j - 1] + 1, above[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1]))
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, above);
    std::swap(above, row);
  }
  return above[m];
}

std::optional<std::string> closest(std::string_view wrong, const std::vector<std::string>& names) {
  if (wrong.size() > kMaxSuggestedLength) return std::nullopt;
  const int limit = typo_limit(wrong);
  const std::string* best = nullptr;
  int best_distance = limit + 1;
  std::size_t best_prefix = 0;
  for (const auto& name : names) {
    // The distance is at least the difference in length: no need to compute it.
    const auto length_gap =
        std::abs(static_cast<long>(name.size()) - static_cast<long>(wrong.size()));
    if (length_gap > limit) continue;
    const int dist = edit_distance(wrong, name);
    const std::size_t prefix = common_prefix(wrong, name);
    if (dist < best_distance || (dist == best_distance && best && prefix > best_prefix)) {
      best = &name;
      best_distance = dist;
      best_prefix = prefix;
    }
  }
  if (!best || best_distance >= static_cast<int>(best->size())) return std::nullopt;
  return *best;
}

std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& names) {
  auto near = closest(wrong, names);
  return near ? ", did you mean '" + *near + "'?" : "";
}

}  // namespace dtsim::config
