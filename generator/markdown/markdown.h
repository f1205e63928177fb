// Markdown to HTML with cmark-gfm: GFM extensions, heading ids, `@/` links
// resolved to relative URLs, and what the checker needs (headings, links, images).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"

namespace portal {

struct Heading {
  int level = 0;
  std::string text;
  std::string id;
  Pos pos;
};

struct Link {
  std::string url;          // as written
  std::string target_path;  // for `@/` links: "content/agreements/2020-04.md"
  std::string anchor;       // without '#'
  std::string text;         // the link's text (for images: the alt text)
  bool image = false;
  bool internal = false;  // an `@/` link
  bool resolved = false;  // the `@/` target exists
  Pos pos;
};

// A paragraph that records a resolution, as minutes write one ("It was
// RESOLVED that …", "AGREED"): its words, its id, and the heading it follows.
struct Resolution {
  std::string words;    // as written, without the point's number ("3. ")
  std::string id;       // the paragraph's id; empty when it follows no minute's heading
  std::string heading;  // the text of the heading it follows ("239. Title (Item B1)"), or empty
  Pos pos;
};

struct MarkdownOptions {
  bool allow_raw_html = false;
  std::string page_url;  // the URL of the page being rendered, for relative links
  int first_line = 1;    // file line of the Markdown's first line
  // Maps an `@/` target path ("content/…") to its site URL ("/…/"), or nullopt if unknown.
  std::function<std::optional<std::string>(const std::string&)> resolve;
  // When set (the site's base_url), `@/` links become absolute: for e-mail and plain text.
  std::string absolute_base;
  // Ids the page already uses: a heading whose id would be one of them gets a suffix.
  std::vector<std::string> taken_ids;
  // Words of the text that are the printed pack's own: each place they stand
  // in the text is marked as such (RenderedMarkdown::printed_missing: those found nowhere).
  std::vector<std::string> printed_only;
  // Whether headings and numbered paragraphs get ids: not where pieces of
  // several texts share a page (an agreement's comparison), which would repeat them.
  bool anchors = true;
};

struct RenderedMarkdown {
  std::string html;
  std::vector<Heading> headings;
  std::vector<Link> links;
  // Ids of numbered paragraphs ("3.5 The KCST …" is #para-3-5; the items of a
  // numbered list under minute 239 are #para-239-1, #para-239-2 …), so that a
  // reader can link to the paragraph they cite.
  std::vector<std::string> paragraph_ids;
  // Every paragraph recording a resolution, in order; one under a minute's
  // heading has an id (its point's, "para-239-3", else "resolved-239").
  std::vector<Resolution> resolutions;
  // Of MarkdownOptions::printed_only, the words the text holds nowhere (as one run of text).
  std::vector<std::string> printed_missing;
};

// Registers cmark-gfm's extensions, once; render_markdown calls it itself.
void markdown_init();

RenderedMarkdown render_markdown(std::string_view markdown, const MarkdownOptions& options);

// Plain text, wrapped at `width` columns, with each link's address after its
// text in brackets: the plain-text copy of a bulletin.
std::string render_plain_text(std::string_view markdown, const MarkdownOptions& options, int width);

}  // namespace portal
