#pragma once
// Aligned plain-text tables for the human output of every command.
#include <string>
#include <vector>

namespace dtsim::tools {

class TextTable {
 public:
  // Columns after the first are right-aligned (numbers) unless `left_aligned`; the first is
  // always left-aligned.
  explicit TextTable(std::vector<std::string> header = {}, bool left_aligned = false)
      : header_(std::move(header)), left_aligned_(left_aligned) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::string str(int indent = 2) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  bool left_aligned_;
};

// "1,234,567"
std::string thousands(double value);

// A terminal's width: every line of human output stays within it.
inline constexpr std::size_t kTextWidth = 100;

// The words of `text` in lines of at most kTextWidth columns, each indented by `indent`.
std::string wrap_words(const std::string& text, std::size_t indent);

// "300 billion", "15.6 trillion": large counts in words.
std::string in_words(double count);

}  // namespace dtsim::tools
