// The passes over a text's paragraphs: numbered paragraphs, minutes' points
// and resolutions get ids of their own (and a link to themselves), and the
// paragraphs recording a resolution are found. Shared by markdown.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <cmark-gfm.h>

#include "markdown.h"
#include "text.h"

namespace portal::markdown_detail {

struct IterDeleter {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};
using IterPtr = std::unique_ptr<cmark_iter, IterDeleter>;

// Calls f on root and on each node under it, in document order, as the walk
// enters it. f must not change the tree: the walk is still under way.
template <typename F>
inline void for_each_entered(cmark_node* root, F&& f) {
  IterPtr it(cmark_iter_new(root));
  for (cmark_event_type ev; (ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE;) {
    if (ev == CMARK_EVENT_ENTER) f(cmark_iter_get_node(it.get()));
  }
}

// The plain text of a node's inline content (text, code, and line breaks as spaces).
std::string plain_text(cmark_node* node);
// Where a node starts in the file, whose Markdown begins on `first_line`.
Pos node_pos(cmark_node* n, int first_line);

// A text's paragraphs, each with the heading before it (or null), in
// document order, and its ordered lists.
struct ParagraphNodes {
  std::vector<cmark_node*> paragraphs, headings, lists;
};

// Gives each numbered paragraph ("3.5 …"), each point of a minute (a numbered
// list under "## 239. Title (Item B1)", or a paragraph "8. …" there) and each
// paragraph recording a resolution its id (out.paragraph_ids), taken from
// `slugger`; fills out.resolutions.
void anchor_paragraphs(const ParagraphNodes& nodes, text::Slugger& slugger, int first_line, RenderedMarkdown& out);

}  // namespace portal::markdown_detail
