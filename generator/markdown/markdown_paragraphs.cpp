#include "markdown_paragraphs.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace portal::markdown_detail {

std::string plain_text(cmark_node* node) {
  std::string out;
  for_each_entered(node, [&](cmark_node* n) {
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
      case CMARK_NODE_HTML_INLINE:
        if (const char* lit = cmark_node_get_literal(n)) out += lit;
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK: out += ' '; break;
      default: break;
    }
  });
  return out;
}

Pos node_pos(cmark_node* n, int first_line) {
  const int line = cmark_node_get_start_line(n);
  if (line <= 0) return {};
  return {first_line + line - 1, cmark_node_get_start_column(n)};
}

namespace {

// The section number a paragraph begins with ("3.5", "1.1."), without its
// last dot, when it has one of two or more parts followed by a space.
std::optional<std::string> paragraph_number(std::string_view t) {
  std::size_t i = 0, parts = 0;
  while (i < t.size()) {
    const std::size_t from = i;
    while (i < t.size() && i - from < 4 && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == from) return std::nullopt;
    ++parts;
    if (i < t.size() && t[i] == '.') {
      ++i;
      if (i < t.size() && t[i] == ' ') break;
      continue;
    }
    break;
  }
  if (parts < 2 || i >= t.size() || t[i] != ' ') return std::nullopt;
  std::string number(t.substr(0, i));
  if (number.ends_with('.')) number.pop_back();
  return number;
}

// Numbered paragraphs get ids of their own: a link to the paragraph at its
// start carries it (cmark-gfm has no attribute hook, and a list may
// hold only items). The first paragraph of a number has it.
class ParagraphAnchors {
 public:
  ParagraphAnchors(text::Slugger& slugger, std::vector<std::string>& ids) : slugger_(slugger), ids_(ids) {}

  void add(cmark_node* paragraph, const std::string& number) {
    std::string id = "para-" + number;
    std::replace(id.begin(), id.end(), '.', '-');
    add_id(paragraph, id, "Link to paragraph " + number);
  }

  // A link to the paragraph itself, which the theme shows on hover and focus:
  // its address is the one to cite. Nothing when the id is already given.
  void add_id(cmark_node* paragraph, const std::string& id, const std::string& label) {
    if (!given_.insert(id).second) return;
    slugger_.take(id);
    cmark_node* span = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
    const std::string html =
        "<a class=\"para-link\" id=\"" + id + "\" href=\"#" + id + "\" aria-label=\"" + label + "\"></a>";
    cmark_node_set_on_enter(span, html.c_str());
    cmark_node_set_on_exit(span, "");
    cmark_node_prepend_child(paragraph, span);
    ids_.push_back(id);
    by_node_[paragraph] = id;
  }

  // The id a paragraph has been given; empty when none.
  [[nodiscard]] std::string id_of(cmark_node* paragraph) const {
    const auto it = by_node_.find(paragraph);
    return it == by_node_.end() ? std::string() : it->second;
  }

 private:
  text::Slugger& slugger_;
  std::vector<std::string>& ids_;
  std::set<std::string> given_;
  std::map<cmark_node*, std::string> by_node_;
};

// The number of the minute whose heading ("## 239. Title (Item B1)") a
// block follows (or the top-level block that holds it); empty when the nearest heading before it is not a minute's.
std::string minute_number_before(cmark_node* block) {
  while (cmark_node_parent(block) && cmark_node_get_type(cmark_node_parent(block)) != CMARK_NODE_DOCUMENT)
    block = cmark_node_parent(block);
  for (cmark_node* n = cmark_node_previous(block); n; n = cmark_node_previous(n)) {
    if (cmark_node_get_type(n) != CMARK_NODE_HEADING) continue;
    const std::string heading = text::trim(plain_text(n));
    const auto dot = heading.find('.');
    if (dot == 0 || dot == std::string::npos || heading.find_first_not_of("0123456789") != dot) return {};
    return heading.substr(0, dot);
  }
  return {};
}

// "8. It was RESOLVED …" under a minute's heading: the minute's point 8, as
// minutes print their points when they are not a Markdown list.
std::optional<std::string> minute_point_number(std::string_view t) {
  std::size_t i = 0;
  while (i < t.size() && i < 3 && t[i] >= '0' && t[i] <= '9') ++i;
  if (i == 0 || i + 1 >= t.size() || t[i] != '.' || t[i + 1] != ' ') return std::nullopt;
  return std::string(t.substr(0, i));
}

// "3.5 The KCST …", "1.1. The agreement …": a paragraph that begins with its
// section's number; "8. It was …" under a minute's heading, that minute's point.
void anchor_numbered_paragraphs(const std::vector<cmark_node*>& paragraphs, ParagraphAnchors& anchors) {
  for (cmark_node* p : paragraphs) {
    cmark_node* first = cmark_node_first_child(p);
    if (!first || cmark_node_get_type(first) != CMARK_NODE_TEXT) continue;
    const std::string_view t = cmark_node_get_literal(first) ? cmark_node_get_literal(first) : "";
    if (const auto number = paragraph_number(t)) {
      anchors.add(p, *number);
    } else if (const auto point = minute_point_number(t)) {
      if (cmark_node_get_type(cmark_node_parent(p)) != CMARK_NODE_DOCUMENT) continue;
      if (const std::string minute = minute_number_before(p); !minute.empty()) anchors.add(p, minute + "." + *point);
    }
  }
}

// The numbered paragraphs of a minute: a numbered list under "## 239. Title (Item B1)".
void anchor_minute_items(const std::vector<cmark_node*>& lists, ParagraphAnchors& anchors) {
  for (cmark_node* list : lists) {
    cmark_node* before = cmark_node_previous(list);
    if (!before || cmark_node_get_type(before) != CMARK_NODE_HEADING) continue;
    const std::string heading = text::trim(plain_text(before));
    const auto dot = heading.find('.');
    if (dot == 0 || dot == std::string::npos || heading.find_first_not_of("0123456789") != dot) continue;
    int k = cmark_node_get_list_start(list);
    for (cmark_node* item = cmark_node_first_child(list); item; item = cmark_node_next(item), ++k) {
      cmark_node* first = cmark_node_first_child(item);
      if (first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH)
        anchors.add(first, heading.substr(0, dot) + "." + std::to_string(k));
    }
  }
}

// Whether a paragraph's words record a resolution: RESOLVED or AGREED, in
// capitals and as a word of its own, as minutes print them.
bool records_resolution(std::string_view t) {
  for (const std::string_view word : {"RESOLVED", "AGREED"})
    for (auto at = t.find(word); at != std::string_view::npos; at = t.find(word, at + 1)) {
      const auto end = at + word.size();
      const bool starts = at == 0 || !std::isalpha(static_cast<unsigned char>(t[at - 1]));
      const bool ends = end == t.size() || !std::isalpha(static_cast<unsigned char>(t[end]));
      if (starts && ends) return true;
    }
  return false;
}

// The paragraphs that record a resolution, each given an id where it follows
// a minute's heading: its point's, or "resolved-239" (then "resolved-239-2").
std::vector<Resolution> find_resolutions(const ParagraphNodes& nodes, ParagraphAnchors& anchors, int first_line) {
  std::vector<Resolution> out;
  std::map<std::string, int> per_minute;
  for (std::size_t i = 0; i < nodes.paragraphs.size(); ++i) {
    cmark_node* p = nodes.paragraphs[i];
    std::string words = text::trim(plain_text(p));
    if (!records_resolution(words)) continue;
    Resolution r;
    r.pos = node_pos(p, first_line);
    if (const auto point = minute_point_number(words)) words = text::trim(words.substr(point->size() + 1));
    r.words = text::strip_controls(words);
    if (cmark_node* heading = nodes.headings[i]) r.heading = text::trim(plain_text(heading));
    const std::string minute = minute_number_before(p);
    if (!minute.empty()) {
      if (anchors.id_of(p).empty()) {
        const int n = ++per_minute[minute];
        const std::string id = "resolved-" + minute + (n > 1 ? "-" + std::to_string(n) : "");
        anchors.add_id(p, id, "Link to the resolution of minute " + minute);
      }
      r.id = anchors.id_of(p);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

void anchor_paragraphs(const ParagraphNodes& nodes, text::Slugger& slugger, int first_line, RenderedMarkdown& out) {
  ParagraphAnchors anchors(slugger, out.paragraph_ids);
  anchor_numbered_paragraphs(nodes.paragraphs, anchors);
  anchor_minute_items(nodes.lists, anchors);
  out.resolutions = find_resolutions(nodes, anchors, first_line);
}

}  // namespace portal::markdown_detail
