#pragma once
// Aligned plain-text tables and paragraphs for the human output of every command, measured in
// display columns (UTF-8 code points, not bytes: labels hold "×", "µ", "—"), and able to fit a
// terminal's width by wrapping cells and, when that is not enough, by splitting columns into
// bands printed one below the other.
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "units.hpp"  // the figures tables hold: thousands(), format_row(), ...

namespace dtsim::tools {

// The width every human output fits: a terminal's 100 columns.
inline constexpr std::size_t kLineColumns = 100;

// Display columns of UTF-8 text: one per code point (dtsim prints no double-width characters).
std::size_t display_width(std::string_view text);

// `text` broken at spaces into lines of at most `width` display columns (`later_width` after the
// first, when given); a word longer than its line is cut.
std::vector<std::string> wrap_words(std::string_view text, std::size_t width,
                                    std::size_t later_width = 0);

// A paragraph: its first line after `indent` spaces, the rest after `hanging` spaces, every line
// at most `width` columns, newline included.
std::string paragraph(std::string_view text, std::size_t width, std::size_t indent,
                      std::size_t hanging);

class TextTable {
 public:
  // Columns after the first are right-aligned (numbers) unless `left_aligned`; the first is
  // always left-aligned.
  explicit TextTable(std::vector<std::string> header = {}, bool left_aligned = false)
      : header_(std::move(header)), left_aligned_(left_aligned) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // Column `column` (0 is the first) is text: aligned left.
  void align_left(std::size_t column) { left_columns_.insert(column); }

  // Every column as wide as its widest cell.
  std::string str(int indent = 2) const;
  // The display width of str()'s widest line.
  std::size_t width(int indent = 2) const;
  // At most `max_width` columns wide. Columns are packed into a band while they fit with their
  // cells wrapped to 20 columns (headers to 12); the columns that do not go to another band
  // below, which repeats the first column (and the header's first cell). Within a band, cells
  // wrap at spaces, the widest columns first, down to 12 columns or the cell's longest word.
  std::string fitted(std::size_t max_width = kLineColumns, int indent = 2) const;

 private:
  struct Band {
    std::vector<std::size_t> columns;  // the first column, then the band's own
    std::vector<std::size_t> widths;   // of each, in display columns
  };
  std::size_t columns() const;
  std::vector<std::size_t> natural_widths() const;
  std::vector<Band> bands(std::size_t max_width, int indent) const;
  std::string render(const Band& band, int indent) const;
  std::string render_row(const std::vector<std::string>& cells, const Band& band, int indent) const;

  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  bool left_aligned_;
  std::set<std::size_t> left_columns_;
};

}  // namespace dtsim::tools
