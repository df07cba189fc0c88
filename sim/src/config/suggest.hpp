#pragma once
// "Did you mean": the closest valid name to a misspelt one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtsim::config {

// Edit distance with adjacent transpositions (optimal string alignment), case-insensitive.
int edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `wrong`, if it is close enough to be a plausible typo. Ties go to
// the candidate sharing the longer prefix ("tpp" suggests "tp", not "pp").
std::optional<std::string> closest(std::string_view wrong, const std::vector<std::string>& names);

// ", did you mean 'tp'?" or "" when nothing is close; for appending to a message.
std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& names);

}  // namespace dtsim::config
