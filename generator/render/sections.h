// The lists the portal makes of each section: their addresses, titles and
// introductions, shared by the pages and the search index.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "url_scheme.h"

namespace portal {

struct SectionList {
  std::string_view url;
  std::string_view title;
  std::string_view intro;  // empty when the theme writes its own
};

inline constexpr std::array<SectionList, 8> kSectionLists = {{
    {urls::agreements, "Community Safety Agreements", ""},
    {urls::meetings, "Meetings", ""},
    {urls::events, "Events", ""},
    {urls::dhrs, "Domestic Homicide Reviews", "Published executive summaries of Domestic Homicide Reviews."},
    {urls::bulletins, "E-bulletins", "The partnership's monthly e-bulletins."},
    {urls::priorities, "Priorities and themes", ""},
    {urls::plans, "Plans", ""},
    {urls::decisions, "Decisions", "Every resolution the notes of the partnership's meetings record, in their words."},
}};

// The title of the list at `url` (one of kSectionLists).
inline std::string section_title(std::string_view url) {
  for (const auto& s : kSectionLists)
    if (s.url == url) return std::string(s.title);
  return {};
}
inline std::string section_intro(std::string_view url) {
  for (const auto& s : kSectionLists)
    if (s.url == url) return std::string(s.intro);
  return {};
}

}  // namespace portal
