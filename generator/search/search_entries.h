// What the search index holds of each page: made from the model of released
// documents alone (published by a build without --drafts), as each page shows
// it, so that nothing withheld can reach the index (docs/search.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "priority_stories.h"
#include "search_kinds.h"
#include "search_text.h"
#include "site.h"

namespace portal::search {

struct Entry {
  std::string url;  // the page's address from the site's root, without "/": "meetings/2020-03-18/"
  std::string title;
  std::size_t kind = 0;                 // into kinds()
  int year = 0;                         // 0: no date
  std::string date;                     // as the page writes it ("18 March 2020"), or empty
  std::vector<std::size_t> priorities;  // stories (the priority filter's values), ascending
  double boost = 1.0;                   // a prior on the page's weight, for pages that answer a name
  std::string text;                     // lines: the facts the page shows, then its body
  std::uint32_t facts_end = 0;
  std::vector<Section> sections;
};

// Every page a reader could want as an answer, in no particular order:
// released documents, comparisons of released agreements, the current page
// of each priority and theme, plans, and the section lists.
std::vector<Entry> entries(const Site& site, const PriorityStories& stories, int jobs = 1);

}  // namespace portal::search
