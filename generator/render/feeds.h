// The files beside the pages: the Atom feed of bulletins, the sitemap,
// robots.txt and calendars of events (the search index: search_index.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "git_history.h"
#include "pages.h"
#include "site.h"

namespace portal {

// `page_paths` are the output paths of the rendered pages, for the sitemap;
// `history` dates each event in the calendars (DTSTAMP: the last commit of its file).
std::vector<RenderedFile> render_outputs(const Site& site, const History& history,
                                         const std::vector<std::string>& page_paths);

// URL of an event's calendar file, named after the event (/events/webinar/webinar.ics): a download keeps its name.
std::string event_calendar_url(const Document& event);

}  // namespace portal
