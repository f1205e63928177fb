// The files beside the pages: the Atom feed of bulletins, the sitemap,
// robots.txt, calendars of events, and the search index.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "git_history.h"
#include "pages.h"
#include "site.h"

namespace portal {

// `page_paths` are the output paths of the rendered pages, for the sitemap;
// `jobs` threads gather the words of the search index; `history` dates each
// event in the calendars (DTSTAMP: the last commit of its file).
std::vector<RenderedFile> render_outputs(const Site& site, const History& history,
                                         const std::vector<std::string>& page_paths, int jobs);

// The words of a rendered body for the search index: each distinct word once,
// in the order first met, lower-cased (ASCII letters), separated by spaces.
// The search page looks for each typed word inside these words, as it would
// in the whole text, at a fraction of the size.
std::string search_words(std::string_view html);

// The search index alone (search/index.json).
RenderedFile render_search_index(const Site& site, int jobs = 1);

// URL of an event's calendar file.
std::string event_calendar_url(const Document& event);

}  // namespace portal
