// The search index: every file under search/ but the search page itself
// (docs/search.md). search/meta.json names the pieces; the search page
// fetches only the pieces a query needs.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "output.h"
#include "priority_stories.h"
#include "site.h"

namespace portal {

// The index of the released pages of `site`, its words read on `jobs`
// threads, each file given to `emit` (from the calling thread) as soon as it
// is made. With `previous` (the output folder of an earlier build) and
// `reused`: when the index there was made of the same pages by the same
// format (meta.json's fingerprint), nothing is made, `*reused` is set, and
// the files under previous/search/ are this build's index as they are.
// `stories`: the site's priority_stories(), when the caller has them already.
void render_search_index(const Site& site, int jobs, const std::function<void(RenderedFile&&)>& emit,
                         const std::filesystem::path& previous = {}, bool* reused = nullptr,
                         const PriorityStories* stories = nullptr);
// The same, every file at once.
std::vector<RenderedFile> render_search_index(const Site& site, int jobs = 1);

}  // namespace portal
