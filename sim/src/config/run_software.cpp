#include "run_software.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace dtsim::config {
namespace {

bool digits_at(const std::string& s, std::size_t at, std::size_t n) {
  return at + n <= s.size() &&
         std::all_of(s.begin() + at, s.begin() + at + n, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

int number(const std::string& s, std::size_t at, std::size_t n) { return std::stoi(s.substr(at, n)); }

bool digit_before(const std::string& s, std::size_t at) {
  return at > 0 && std::isdigit(static_cast<unsigned char>(s[at - 1]));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::optional<int> arxiv_date(const std::string& s) {
  const auto at = s.find("arXiv:");
  if (at != std::string::npos && digits_at(s, at + 6, 4)) return 200000 + number(s, at + 6, 4);
  return std::nullopt;
}

// yyyy-mm-dd with a plausible year and month.
std::optional<int> iso_date(const std::string& s) {
  for (std::size_t at = 0; at + 10 <= s.size(); ++at) {
    if (digit_before(s, at) || !digits_at(s, at, 4) || s[at + 4] != '-' || !digits_at(s, at + 5, 2) ||
        s[at + 7] != '-' || !digits_at(s, at + 8, 2))
      continue;
    const int year = number(s, at, 4), month = number(s, at + 5, 2);
    if (year >= 2015 && year <= 2099 && month >= 1 && month <= 12) return year * 100 + month;
  }
  return std::nullopt;
}

// A version yy.mm (NVIDIA's containers and recipe releases are numbered by year and month)
// after "NeMo ", "container ", "release v", "v" or "ngc".
std::optional<int> version_date(const std::string& s) {
  const std::string l = lower(s);
  for (const std::string prefix : {"nemo ", "container ", "release v", "ngc", " v"}) {
    for (auto at = l.find(prefix); at != std::string::npos; at = l.find(prefix, at + 1)) {
      const std::size_t v = at + prefix.size();
      if (!digits_at(l, v, 2) || v + 5 > l.size() || l[v + 2] != '.' || !digits_at(l, v + 3, 2)) continue;
      if (digits_at(l, v + 5, 1)) continue;  // yy.mmm...: not a year and month
      const int year = number(l, v, 2), month = number(l, v + 3, 2);
      if (year >= 18 && month >= 1 && month <= 12) return 200000 + year * 100 + month;
    }
  }
  return std::nullopt;
}

// A conference year: SC'21, MLSys'23.
std::optional<int> conference_year(const std::string& s) {
  for (auto at = s.find('\''); at != std::string::npos; at = s.find('\'', at + 1))
    if (at > 0 && std::isalpha(static_cast<unsigned char>(s[at - 1])) && digits_at(s, at + 1, 2) &&
        !digits_at(s, at + 3, 1))
      return 200000 + number(s, at + 1, 2) * 100 + 1;
  return std::nullopt;
}

Framework framework_of(const std::string& source) {
  const std::string l = lower(source);
  struct Name {
    const char* text;
    Framework framework;
  };
  static constexpr Name names[] = {{"nemo", Framework::nemo},
                                   {"dgx cloud benchmarking recipes", Framework::nemo},
                                   {"dgxc-benchmarking", Framework::nemo},
                                   {"maxtext", Framework::maxtext},
                                   {"megatron", Framework::megatron_lm}};
  std::size_t first = std::string::npos;
  Framework out = Framework::unknown;
  for (const auto& n : names)
    if (const auto at = l.find(n.text); at < first) {
      first = at;
      out = n.framework;
    }
  return out;
}

}  // namespace

RunSoftware software_of(const std::string& source) {
  RunSoftware out;
  out.framework = framework_of(source);
  for (auto date : {arxiv_date(source), iso_date(source), version_date(source), conference_year(source)})
    if (date) {
      out.date = *date;
      break;
    }
  return out;
}

std::string to_string(Framework f) {
  switch (f) {
    case Framework::megatron_lm: return "Megatron-LM";
    case Framework::nemo: return "NeMo";
    case Framework::maxtext: return "MaxText";
    case Framework::unknown: break;
  }
  return "unknown";
}

}  // namespace dtsim::config
