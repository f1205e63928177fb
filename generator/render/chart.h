// An accessible SVG bar chart: a title and description for assistive
// technology, and every bar labelled in text with its value.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace portal {

struct Bar {
  std::string label;
  std::int64_t value = 0;
};

// `id` must be unique in the page: it prefixes the ids of the title and description.
std::string bar_chart_svg(const std::string& id, const std::string& title, const std::string& description,
                          const std::vector<Bar>& bars);

}  // namespace portal
