#include "svg.hpp"

#include <fmt/format.h>

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
