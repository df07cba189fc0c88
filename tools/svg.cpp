#include "svg.hpp"

#include <fmt/format.h>

#include <string_view>

namespace dtsim::tools {
namespace {

// Shared by standalone charts and the report page; the hatching patterns make the bubble and
// pipeline waits tell apart without colour (print, colour-blind readers).
constexpr const char* kDefs =
    R"s(<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">)s"
    R"s(<rect width="6" height="6" fill="#e8e8e8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="2"/></pattern>)s"
    R"s(<pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#f6d9ee"/>)s"
    R"s(<circle cx="2.5" cy="2.5" r="1.2" fill="#8a4b78"/></pattern></defs>)s";

constexpr const char* kCss =
    "svg.chart text{font-family:'DejaVu Sans',Arial,sans-serif;font-size:12px;fill:#222}"
    "svg.chart .small{font-size:10px;fill:#444}svg.chart .label{font-size:11px;fill:#fff}"
    "svg.chart .dark{font-size:11px;fill:#222}";

std::string attr(const char* name, const std::string& value) {
  return value.empty() ? "" : fmt::format(R"( {}="{}")", name, xml_escaped(value));
}

}  // namespace

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

double font_px(const std::string& css_class) {
  if (css_class == "small") return 10;
  if (css_class == "label" || css_class == "dark") return 11;
  return 12;
}

namespace {

// Advance widths in em of DejaVu Sans (its hmtx table, units of 1/2048 em), by class of
// character, each class at its widest: "i" 569, "r" 842, digits 1303, "a" 1255, "A" 1401,
// "+" 1716, "m" 1995, "W" 2025, "\u2026" 2048.
double advance_em(unsigned char c) {
  if ((c & 0xC0) == 0x80) return 0;  // a UTF-8 continuation byte: counted with its lead byte
  if (c >= 0xC0) return 1.0;         // a character beyond ASCII ("\u00b7", "\u2026"): at most 1 em
  if (std::string_view("ijlI.,:;'!|").find(static_cast<char>(c)) != std::string_view::npos)
    return 0.30;
  if (std::string_view(" ftr()[]/-").find(static_cast<char>(c)) != std::string_view::npos)
    return 0.42;
  if (std::string_view("+=<>~#&").find(static_cast<char>(c)) != std::string_view::npos)
    return 0.84;
  if (std::string_view("mwMW%@").find(static_cast<char>(c)) != std::string_view::npos) return 1.0;
  if (c >= 'A' && c <= 'Z') return 0.79;
  return 0.64;  // digits, lower case and the rest
}

}  // namespace

double text_width_px(const std::string& text, const std::string& css_class) {
  double em = 0;
  for (char c : text) em += advance_em(static_cast<unsigned char>(c));
  return em * font_px(css_class);
}

std::string fitted(const std::string& text, double max_px, const std::string& css_class,
                   const std::string& suffix) {
  if (text_width_px(text + suffix, css_class) <= max_px) return text + suffix;
  const std::string ellipsis = "\u2026";
  const double room = max_px - text_width_px(suffix + ellipsis, css_class);
  std::string cut = text;
  while (!cut.empty() && text_width_px(cut, css_class) > room) {
    // One character: its UTF-8 continuation bytes, then its first byte.
    while (cut.size() > 1 && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80)
      cut.pop_back();
    cut.pop_back();
  }
  return cut + ellipsis + suffix;
}

std::string svg_defs() { return kDefs; }
std::string svg_css() { return kCss; }

std::string svg_point(double x, double y) { return fmt::format("{:.1f},{:.1f} ", x, y); }

Svg::Svg(double width, double height, const std::string& title, const std::string& description)
    : width_(width), height_(height), title_(title), description_(description) {}

void Svg::rect(double x, double y, double w, double h, const std::string& fill, const std::string& tip) {
  const std::string shape = fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}")",
                                        x, y, w, h, fill);
  plain_ += shape + "/>";
  body_ += tip.empty() ? shape + "/>" : shape + "><title>" + xml_escaped(tip) + "</title></rect>";
}

void Svg::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
               const std::string& dash) {
  add(fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="{:.1f}"{}/>)",
                       x1, y1, x2, y2, stroke, width, attr("stroke-dasharray", dash)));
}

void Svg::text(double x, double y, const std::string& content, const std::string& anchor,
               const std::string& css_class) {
  add(fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="{}"{}>{}</text>)", x, y, anchor,
                       attr("class", css_class), xml_escaped(content)));
}

void Svg::polyline(const std::string& points, const std::string& stroke, double width, const std::string& dash) {
  add(fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="{:.1f}"{}/>)", points, stroke,
                       width, attr("stroke-dasharray", dash)));
}

std::string Svg::str(bool standalone) const {
  return fmt::format(R"(<svg class="chart"{} width="{:.0f}" height="{:.0f}" viewBox="0 0 {:.0f} {:.0f}" role="img">)"
                     "<title>{}</title><desc>{}</desc>{}{}{}</svg>\n",
                     standalone ? R"( xmlns="http://www.w3.org/2000/svg")" : "", width_, height_, width_, height_,
                     xml_escaped(title_), xml_escaped(description_), standalone ? kDefs : "",
                     standalone ? std::string("<style>") + kCss + R"(</style><rect width="100%" height="100%" fill="#fff"/>)" : "",
                     standalone ? plain_ : body_);
}

}  // namespace dtsim::tools
