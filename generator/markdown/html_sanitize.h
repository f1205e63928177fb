// Raw HTML written in content, made safe to publish: parsed by libxml2's HTML
// parser and written again with only an allowlist of elements, attributes and
// addresses, so that nothing in it can run a script on the public site or in
// the preview's origin (where a script could drive the editor).
#pragma once

#include <string>
#include <string_view>

namespace portal {

// `html`, a fragment of a page's body, with only allowed markup kept:
//  - elements of text, lists, tables, images, quotes, code and details;
//    script, style, template, iframe, object, embed, noscript, svg and math are
//    dropped with what they hold, any other element is dropped but its text kept;
//  - attributes allowed element by element (no event handler, no style but a
//    table cell's text-align, no srcset, formaction, xlink or the like);
//  - href and src only with http:, https:, mailto:, tel: or no scheme (and
//    data: PNG, GIF, JPEG or WebP images for src), the scheme read as a browser
//    reads it;
//  - no comments; text and attribute values escaped, control characters dropped.
// Markup that was already allowed is written as it came (cmark-gfm's own
// output, including `<br />`), so a page changes only where it had to.
std::string sanitise_html(std::string_view html);

}  // namespace portal
