#include "suggest.hpp"

#include <algorithm>
#include <cctype>

namespace dtsim::config {
namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::size_t common_prefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && lower(a[n]) == lower(b[n])) ++n;
  return n;
}
}  // namespace

int edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::optional<std::string> closest(std::string_view wrong, const std::vector<std::string>& names) {
  const int limit = std::max<int>(2, static_cast<int>(wrong.size()) / 3);
  const std::string* best = nullptr;
  int best_distance = limit + 1;
  std::size_t best_prefix = 0;
  for (const auto& name : names) {
    const int dist = edit_distance(wrong, name);
    const std::size_t prefix = common_prefix(wrong, name);
    if (dist < best_distance || (dist == best_distance && best && prefix > best_prefix)) {
      best = &name;
      best_distance = dist;
      best_prefix = prefix;
    }
  }
  if (!best || best_distance > limit || best_distance >= static_cast<int>(best->size()))
    return std::nullopt;
  return *best;
}

std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& names) {
  auto near = closest(wrong, names);
  return near ? ", did you mean '" + *near + "'?" : "";
}

}  // namespace dtsim::config
