// The files beside the pages: the Atom feed of bulletins, the sitemap,
// robots.txt, calendars of events, and the search index.
#pragma once

#include <vector>

#include "pages.h"
#include "site.h"

namespace portal {

// `pages` are the rendered pages, for the sitemap.
std::vector<RenderedFile> render_outputs(const Site& site, const std::vector<RenderedFile>& pages);

// The search index alone (search/index.json).
RenderedFile render_search_index(const Site& site);

// URL of an event's calendar file.
std::string event_calendar_url(const Document& event);

}  // namespace portal
