// Turns the loaded site into rendered pages: a Mustache context per page, the
// theme's template for its kind, in parallel, in a fixed order.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "git_history.h"
#include "output.h"
#include "page_memo.h"
#include "priority_stories.h"
#include "site.h"
#include "theme.h"

namespace portal {

// Every published page of the site, with its history, rendered with `theme`.
// The one page at `url`, or nullopt when there is none.
std::optional<RenderedFile> render_page(const Site& site, const History& history, const Theme& theme,
                                        const std::string& url);

using PageProgress = std::function<void(std::size_t done, std::size_t total)>;

// Hands each page to `sink` as soon as it is rendered, from up to `jobs`
// threads at once (so `sink` must be safe to call from several), and returns
// the output paths of all pages in order. `progress` (optional) hears how
// many pages are done, from one thread at a time. `stories`: the site's
// priority_stories(), when the caller has them already. With `memo`, a page
// whose key is the one the last build drew it from is handed on by
// memo->reuse, not drawn again (page_memo.h).
std::vector<std::string> render_pages(const Site& site, const History& history, const Theme& theme, int jobs,
                                      const std::function<void(RenderedFile&&)>& sink,
                                      const PageProgress& progress = {}, const PriorityStories* stories = nullptr,
                                      PageMemo* memo = nullptr);

}  // namespace portal
