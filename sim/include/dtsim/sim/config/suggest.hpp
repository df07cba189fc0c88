#pragma once
// "Did you mean": the closest valid name to a misspelt one. The cost is bounded whatever the
// input: a name longer than kMaxSuggestedLength gets no suggestion (no valid name is that
// long, and a megabyte of input must not cost seconds), candidates whose length differs by more
// than the allowed distance are skipped unread, and the distance uses O(length) memory.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtsim::config {

// Longest misspelt name a suggestion is looked for: catalog and zoo ids and keys are under 40
// characters, so a typo of one is too.
inline constexpr std::size_t kMaxSuggestedLength = 128;

// Edit distance with adjacent transpositions (optimal string alignment), case-insensitive.
// Three rows of the dynamic programme: O(|a| * |b|) time, O(|b|) memory.
int edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `wrong`, if it is close enough to be a plausible typo. Ties go to
// the candidate sharing the longer prefix ("tpp" suggests "tp", not "pp").
std::optional<std::string> closest(std::string_view wrong, const std::vector<std::string>& names);

// ", did you mean 'tp'?" or "" when nothing is close; for appending to a message.
std::string did_you_mean(std::string_view wrong, const std::vector<std::string>& names);

}  // namespace dtsim::config
