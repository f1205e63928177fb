// The accessible bar chart (bar_chart_svg), read as its markup: named for
// assistive technology, each bar as long as its value says and labelled in text.
#include <catch2/catch.hpp>

#include "chart.h"
#include "support.h"

using namespace portal::test;

TEST_CASE("bar_chart_svg names the chart by its title and description", "[chart]") {
  const std::string svg = portal::bar_chart_svg("issues", "Issues <named>", "Counts & more", {{"One", 1}});
  CHECK(
      svg.starts_with("<svg class=\"chart\" viewBox=\"0 0 340 54\" role=\"img\" "
                      "aria-labelledby=\"issues-title issues-desc\">\n"));
  CHECK(contains(svg, "<title id=\"issues-title\">Issues &lt;named&gt;</title>\n"));
  CHECK(contains(svg, "<desc id=\"issues-desc\">Counts &amp; more</desc>\n"));
  CHECK(svg.ends_with("</svg>"));
}

TEST_CASE("bar_chart_svg draws each bar in proportion to the largest, with its value in text", "[chart]") {
  const std::string svg =
      portal::bar_chart_svg("c", "t", "d", {{"Domestic Abuse", 6}, {"Anti-Social Behaviour", 3}, {"None", 0}});
  // 300 units (340, less room for the value) for the largest; a bar of nothing is still a sliver.
  CHECK(contains(svg,
                 "<text class=\"chart-label\"><tspan x=\"0\" y=\"17\">Domestic Abuse</tspan></text>\n"
                 "<rect x=\"0\" y=\"24\" width=\"300\" height=\"18\" class=\"chart-bar\"/>\n"
                 "<text x=\"306\" y=\"38\" class=\"chart-value\">6</text>\n"));
  CHECK(contains(svg,
                 "<rect x=\"0\" y=\"74\" width=\"150\" height=\"18\" class=\"chart-bar\"/>\n"
                 "<text x=\"156\" y=\"88\" class=\"chart-value\">3</text>\n"));
  CHECK(contains(svg,
                 "<rect x=\"0\" y=\"124\" width=\"1\" height=\"18\" class=\"chart-bar\"/>\n"
                 "<text x=\"6\" y=\"138\" class=\"chart-value\">0</text>\n"));
  CHECK(contains(svg, "viewBox=\"0 0 340 154\""));
}

TEST_CASE("bar_chart_svg wraps a long label at spaces and escapes it", "[chart]") {
  const std::string long_label =
      "Violence against women and girls, including domestic abuse, stalking & harassment, and sexual violence";
  const std::string svg = portal::bar_chart_svg("c", "t", "d", {{long_label, 2}});
  CHECK(contains(svg,
                 "<text class=\"chart-label\">"
                 "<tspan x=\"0\" y=\"17\">Violence against women and girls,</tspan>"
                 "<tspan x=\"0\" y=\"34\">including domestic abuse, stalking &amp;</tspan>"
                 "<tspan x=\"0\" y=\"51\">harassment, and sexual violence</tspan></text>\n"));
  // The bar sits below the three lines, and the chart is as tall as they make it.
  CHECK(contains(svg, "<rect x=\"0\" y=\"58\" width=\"300\""));
  CHECK(contains(svg, "viewBox=\"0 0 340 88\""));
}

TEST_CASE("bar_chart_svg with no bars is an empty named chart", "[chart]") {
  const std::string svg = portal::bar_chart_svg("c", "t", "d", {});
  CHECK(contains(svg, "viewBox=\"0 0 340 4\""));
  CHECK_FALSE(contains(svg, "<rect"));
  CHECK(contains(svg, "<title id=\"c-title\">t</title>"));
}
