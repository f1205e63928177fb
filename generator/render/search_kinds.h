// The kinds of page a reader of the search page can filter by: the search
// page lists them (page_lists.cpp) and the index numbers each page's kind by
// them (search_entries.cpp).
#pragma once

#include <cstddef>
#include <vector>

#include "model.h"

namespace portal::search {

// Positions in kinds(), in the order the filter lists them.
enum KindIndex : std::size_t {
  agreement,
  changes,
  meeting,
  paper,
  notes,
  decision,
  dhr,
  bulletin,
  event,
  priority,
  plan,
  other
};

struct KindInfo {
  const char* id;
  const char* label;
};
const std::vector<KindInfo>& kinds();

// The filter a document of kind `k` is found under.
std::size_t kind_index(Kind k);

}  // namespace portal::search
