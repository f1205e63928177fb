#include "chart.h"

#include <algorithm>

#include "text.h"

namespace portal {

namespace {

// Splits a label into lines of at most `width` characters at spaces, so that
// long labels wrap instead of running off the chart.
std::vector<std::string> wrap(const std::string& label, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start < label.size()) {
    auto end = label.find(' ', start);
    if (end == std::string::npos) end = label.size();
    const std::string word = label.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  if (lines.empty()) lines.emplace_back();
  return lines;
}

}  // namespace

std::string bar_chart_svg(const std::string& id, const std::string& title, const std::string& description,
                          const std::vector<Bar>& bars) {
  // Horizontal bars: label above each bar (wrapped), value at its end, so long
  // labels never collide. 340 units wide, so that on a phone (a column of
  // about 340 px at 375) a unit is a pixel and the labels keep their 14 px;
  // the theme stops it growing much wider on a large screen.
  const int width = 340, bar_height = 18, line_height = 17, gap = 12, top = 4, value_room = 40;
  const std::size_t label_width = 38;  // characters of 14px Arial in 340 units, with room to spare
  std::int64_t max = 1;
  for (const auto& b : bars) max = std::max(max, b.value);
  std::string body;
  int y = top;
  for (const auto& b : bars) {
    const auto lines = wrap(b.label, label_width);
    body += "<text class=\"chart-label\">";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      body += "<tspan x=\"0\" y=\"" + std::to_string(y + 13 + static_cast<int>(i) * line_height) + "\">" +
              text::html_escape(lines[i]) + "</tspan>";
    }
    body += "</text>\n";
    y += static_cast<int>(lines.size()) * line_height + 3;
    const int length = static_cast<int>((width - value_room) * b.value / max);
    body += "<rect x=\"0\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(std::max(length, 1)) +
            "\" height=\"" + std::to_string(bar_height) + "\" class=\"chart-bar\"/>\n";
    body += "<text x=\"" + std::to_string(length + 6) + "\" y=\"" + std::to_string(y + 14) +
            "\" class=\"chart-value\">" + std::to_string(b.value) + "</text>\n";
    y += bar_height + gap;
  }
  const std::string e_id = text::html_escape(id);
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(y) +
                    "\" role=\"img\" aria-labelledby=\"" + e_id + "-title " + e_id + "-desc\">\n";
  svg += "<title id=\"" + e_id + "-title\">" + text::html_escape(title) + "</title>\n";
  svg += "<desc id=\"" + e_id + "-desc\">" + text::html_escape(description) + "</desc>\n";
  return svg + body + "</svg>";
}

}  // namespace portal
