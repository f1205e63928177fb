// The e-mail copy (email.html) and plain-text copy (bulletin.txt) of each
// published bulletin: one file each, absolute links, inline styles, no scripts.
#pragma once

#include <vector>

#include "pages.h"
#include "site.h"
#include "theme.h"

namespace portal {

std::vector<RenderedFile> render_bulletin_copies(const Site& site, const Theme& theme);

// Adds the e-mail's inline style to each element the Markdown renderer writes:
// mail clients drop <style> blocks and external stylesheets.
std::string inline_email_styles(std::string html);

}  // namespace portal
