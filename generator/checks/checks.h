// The cross-reference rules that run over a loaded site (docs/checks.md lists
// each). Each adds diagnostics; none stops the others, so one run reports
// every problem.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"
#include "site.h"

namespace portal {

// URLs the generator writes itself; no content file may take them.
std::vector<std::string> generated_urls();

void check_site(const Site& site, Diagnostics& diags);

// The rules that read one document's text: links, images, headings, weekdays,
// and the item references of minutes. For rebuilding after a change of text only.
void check_document_body(const Site& site, std::size_t index, Diagnostics& diags);
// Every rule's diagnostics about one document (the editor checks one as it is
// typed): those of check_site() whose file is the document's, but for
// duplicate addresses, which its path alone decides.
void check_document(const Site& site, std::size_t index, Diagnostics& diags);
// The `@/` link for an address copied from a browser: a path from the site's
// root, the site's public address, or this computer's (the preview's), when
// it names a published page or file ("@/events/webinar.md#where"); nullopt
// when it is none of them or names nothing published.
std::optional<std::string> content_link_for(const Site& site, std::string_view url);

// Whether a diagnostic of `rule` on a document of `kind` comes from its text.
bool is_body_rule(const std::string& rule, Kind kind);

}  // namespace portal
