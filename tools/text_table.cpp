#include "text_table.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace dtsim::tools {
namespace {

constexpr std::size_t kGap = 2;        // spaces between columns
constexpr std::size_t kReadable = 12;  // narrower than this, a wrapped cell is hard to read
constexpr std::size_t kPacked = 20;    // cells up to this wide are not wrapped to make room

bool continues_code_point(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The bytes of `text` that hold its first `columns` code points.
std::size_t prefix_bytes(std::string_view text, std::size_t columns) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < text.size(); ++i) {
    if (continues_code_point(text[i])) continue;
    if (seen++ == columns) break;
  }
  return i;
}

std::size_t longest_word(std::string_view text) {
  std::size_t longest = 0;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find(' ', start), text.size());
    longest = std::max(longest, display_width(text.substr(start, end - start)));
    start = end + 1;
  }
  return longest;
}

std::string padded(const std::string& text, std::size_t width, bool left) {
  const std::string pad(width - std::min(width, display_width(text)), ' ');
  return left ? text + pad : pad + text;
}

// Columns of these widths side by side, with their gaps.
std::size_t band_width(const std::vector<std::size_t>& widths) {
  const std::size_t cells = std::accumulate(widths.begin(), widths.end(), std::size_t{0});
  return widths.empty() ? 0 : cells + kGap * (widths.size() - 1);
}

// Shrinks the widest of `widths` (none below its `floor`) until they and their gaps fit in
// `room`; stops when all are at their floor.
void shrink_to(std::vector<std::size_t>& widths, const std::vector<std::size_t>& floor,
               std::size_t room) {
  while (band_width(widths) > room) {
    std::size_t widest = widths.size();
    for (std::size_t i = 0; i < widths.size(); ++i)
      if (widths[i] > floor[i] && (widest == widths.size() || widths[i] > widths[widest]))
        widest = i;
    if (widest == widths.size()) return;
    --widths[widest];
  }
}

}  // namespace

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !continues_code_point(c); }));
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width,
                                    std::size_t later_width) {
  if (later_width == 0) later_width = width;
  // A cell's own indent ("  job MTBF", a sub-row) holds for each of its lines.
  const std::size_t indent = std::min(text.find_first_not_of(' '), text.size());
  if (indent > 0 && indent < std::min(width, later_width)) {
    auto lines = wrap_words(text.substr(indent), width - indent, later_width - indent);
    for (auto& l : lines) l.insert(0, indent, ' ');
    return lines;
  }
  std::vector<std::string> lines;
  std::string line;
  auto limit = [&] { return std::max<std::size_t>(lines.empty() ? width : later_width, 1); };
  auto add_word = [&](std::string_view word) {
    while (display_width(word) > limit()) {  // a word wider than the line: cut it
      if (!line.empty()) lines.push_back(std::exchange(line, {}));
      const auto cut = prefix_bytes(word, limit());
      lines.emplace_back(word.substr(0, cut));
      word.remove_prefix(cut);
    }
    if (word.empty()) return;
    if (!line.empty() && display_width(line) + 1 + display_width(word) > limit())
      lines.push_back(std::exchange(line, {}));
    line += (line.empty() ? "" : " ") + std::string(word);
  };
  for (std::size_t start = 0; start < text.size();) {
    const auto end = std::min(text.find(' ', start), text.size());
    add_word(text.substr(start, end - start));
    start = end + 1;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::string paragraph(std::string_view text, std::size_t width, std::size_t indent,
                      std::size_t hanging) {
  const auto lines =
      wrap_words(text, width - std::min(width, indent), width - std::min(width, hanging));
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i)
    out += std::string(i == 0 ? indent : hanging, ' ') + lines[i] + "\n";
  return out;
}

std::size_t TextTable::columns() const {
  std::size_t n = header_.size();
  for (const auto& r : rows_) n = std::max(n, r.size());
  return n;
}

std::vector<std::size_t> TextTable::natural_widths() const {
  std::vector<std::size_t> width(columns(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      width[i] = std::max(width[i], display_width(cells[i]));
  };
  measure(header_);
  for (const auto& r : rows_) measure(r);
  return width;
}

std::vector<TextTable::Band> TextTable::bands(std::size_t max_width, int indent) const {
  const auto natural = natural_widths();
  if (natural.empty()) return {};
  // How narrow a column may wrap (readable), and how wide it is packed into a band: its cells
  // whole up to 20 columns (a header may wrap to the readable width), so that short cells such
  // as "1,024 on dgx-h100" stay on one line and only long ones wrap.
  std::vector<std::size_t> readable(natural.size()), packed(natural.size());
  for (std::size_t c = 0; c < natural.size(); ++c) {
    std::size_t word = longest_word(c < header_.size() ? header_[c] : ""), body = 0;
    for (const auto& r : rows_)
      if (c < r.size()) {
        word = std::max(word, longest_word(r[c]));
        body = std::max(body, display_width(r[c]));
      }
    readable[c] = std::min(natural[c], std::max(word, kReadable));
    packed[c] = std::min(natural[c], std::max(readable[c], std::min(body, kPacked)));
  }
  // The first column repeats in every band: at most two fifths of the line.
  const std::size_t line = max_width - std::min<std::size_t>(max_width, indent);
  const std::size_t first = std::min(natural[0], std::max(kReadable, line * 2 / 5));
  std::vector<Band> out;
  std::size_t used = 0;  // by the last band's columns at their packed widths, with gaps
  for (std::size_t c = 1; c < natural.size(); ++c) {
    if (out.empty() || (out.back().columns.size() > 1 && used + kGap + packed[c] > line)) {
      out.push_back({{0}, {first}});
      used = first;
    }
    out.back().columns.push_back(c);
    out.back().widths.push_back(natural[c]);
    used += kGap + packed[c];
  }
  if (out.empty()) out.push_back({{0}, {first}});
  for (auto& band : out) {
    std::vector<std::size_t> floor;
    for (std::size_t c : band.columns) floor.push_back(c == 0 ? first : readable[c]);
    band.widths.front() = first;
    shrink_to(band.widths, floor, line);
    // A lone column wider than the line even at its floor: cut to the line.
    const std::size_t total = band_width(band.widths);
    if (total > line && band.widths.size() == 2)
      band.widths[1] -= std::min(band.widths[1] - 1, total - line);
  }
  return out;
}

std::string TextTable::render_row(const std::vector<std::string>& cells, const Band& band,
                                  int indent) const {
  std::vector<std::vector<std::string>> lines;
  std::size_t height = 1;
  for (std::size_t i = 0; i < band.columns.size(); ++i) {
    const std::size_t c = band.columns[i];
    lines.push_back(c < cells.size() ? wrap_words(cells[c], band.widths[i])
                                     : std::vector<std::string>{""});
    height = std::max(height, lines.back().size());
  }
  std::string out;
  for (std::size_t l = 0; l < height; ++l) {
    std::string text(indent, ' ');
    for (std::size_t i = 0; i < band.columns.size(); ++i) {
      const std::size_t c = band.columns[i];
      const bool left = c == 0 || left_aligned_ || left_columns_.count(c) > 0;
      if (i > 0) text += std::string(kGap, ' ');
      text += padded(l < lines[i].size() ? lines[i][l] : "", band.widths[i], left);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

std::string TextTable::render(const Band& band, int indent) const {
  std::string out;
  if (!header_.empty()) out += render_row(header_, band, indent);
  for (const auto& r : rows_) out += render_row(r, band, indent);
  return out;
}

std::string TextTable::str(int indent) const {
  Band all;
  const auto natural = natural_widths();
  for (std::size_t c = 0; c < natural.size(); ++c) {
    all.columns.push_back(c);
    all.widths.push_back(natural[c]);
  }
  return render(all, indent);
}

std::size_t TextTable::width(int indent) const {
  const auto natural = natural_widths();
  return natural.empty() ? 0 : indent + band_width(natural);
}

std::string TextTable::fitted(std::size_t max_width, int indent) const {
  if (width(indent) <= max_width) return str(indent);
  std::string out;
  for (const auto& band : bands(max_width, indent))
    out += (out.empty() ? "" : "\n") + render(band, indent);
  return out;
}

}  // namespace dtsim::tools
