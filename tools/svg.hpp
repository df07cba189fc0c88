#pragma once
// A small writer of SVG documents for the report's charts. Coordinates are printed with one
// decimal, so the same chart gives the same bytes on every machine.
#include <string>

namespace dtsim::tools {

// Escapes text for XML content and attribute values.
std::string xml_escaped(const std::string& text);

// The font size (px) of a text style of svg_css(): "" 12, "small" 10, "label" and "dark" 11.
double font_px(const std::string& css_class);
// An estimate of the width (px) `text` takes in that style, from per-character advance widths
// of DejaVu Sans (the charts' first font; Arial, the fallback, is narrower), rounded up, so
// that a layout made with it keeps its labels inside the chart and apart.
double text_width_px(const std::string& text, const std::string& css_class = "");
// `text` + `suffix`, with `text` cut short by an ellipsis where the two are wider than `max_px`
// in that style (the suffix, a verdict such as " (does not fit)", is always kept whole).
std::string fitted(const std::string& text, double max_px, const std::string& css_class = "",
                   const std::string& suffix = "");

class Svg {
 public:
  // `title` and `description` are what a screen reader announces (role="img").
  Svg(double width, double height, const std::string& title, const std::string& description);

  // `tip`, when given, becomes the shape's <title>: a tooltip on hover, in a page only (an
  // .svg file is mostly seen as an image, where nothing hovers, and it stays small).
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& tip = "");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
            const std::string& dash = "");
  // `anchor`: start, middle or end; `css_class` picks a style (small, label, title).
  void text(double x, double y, const std::string& content, const std::string& anchor = "start",
            const std::string& css_class = "");
  void polyline(const std::string& points, const std::string& stroke, double width = 1.5,
                const std::string& dash = "");
  void raw(const std::string& markup) { add(markup); }

  // The document. `standalone` adds the XML namespace, the patterns and the styles, for an .svg
  // file; inside a page, the page gives them once.
  std::string str(bool standalone = false) const;

 private:
  double width_, height_;
  void add(const std::string& markup) {
    body_ += markup;
    plain_ += markup;
  }
  std::string title_, description_;
  std::string body_, plain_;  // with and without tooltips
};

// The patterns charts fill with (url(#hatch), url(#dots)): inside every standalone SVG, once
// per HTML page (in a zero-size <svg>, since Chromium draws no pattern from a hidden one).
std::string svg_defs();
// The charts' text styles, as CSS: inside every standalone SVG, once per HTML page.
std::string svg_css();

// "x,y " with one decimal.
std::string svg_point(double x, double y);

}  // namespace dtsim::tools
