// The search index: every file under search/ but the search page itself
// (docs/search.md). search/meta.json names the pieces; the search page
// fetches only the pieces a query needs.
#pragma once

#include <vector>

#include "pages.h"
#include "site.h"

namespace portal {

// The index of the released pages of `site`, its words read on `jobs` threads.
std::vector<RenderedFile> render_search_index(const Site& site, int jobs = 1);

}  // namespace portal
