#include "markdown.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "html_sanitize.h"
#include "markdown_paragraphs.h"
#include "text.h"
#include "urls.h"

namespace portal {

using markdown_detail::for_each_entered;
using markdown_detail::node_pos;
using markdown_detail::plain_text;

namespace {

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;

std::string take_string(char* s) {
  std::string out(s ? s : "");
  cmark_get_default_mem_allocator()->free(s);
  return out;
}

// Raw HTML becomes text, so it is shown escaped rather than interpreted.
void escape_raw_html(cmark_node* n) {
  const char* lit = cmark_node_get_literal(n);
  const std::string literal = lit ? lit : "";
  cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
  cmark_node_set_literal(text, literal.c_str());
  cmark_node* replacement = text;
  if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) {
    replacement = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node_append_child(replacement, text);
  }
  cmark_node_insert_before(n, replacement);
  cmark_node_free(n);
}

// The schemes cmark-gfm drops when raw HTML is not allowed, found as a
// browser finds them (after spaces, tabs and line breaks are removed).
// Kept for Markdown links even though sanitise_html reads the page again:
// a link so dropped keeps its text and an empty address, as without raw HTML.
bool dangerous_url(std::string_view url, bool image) {
  const std::string scheme = effective_scheme(url);
  if (scheme == "javascript" || scheme == "vbscript" || scheme == "file") return true;
  if (scheme != "data") return false;
  std::string cleaned;
  for (const char c : url)
    if (static_cast<unsigned char>(c) > 0x20) cleaned += c;
  const auto lower = text::to_lower_ascii(cleaned.substr(0, 16));
  return !(image && (lower.starts_with("data:image/png") || lower.starts_with("data:image/gif") ||
                     lower.starts_with("data:image/jpeg") || lower.starts_with("data:image/webp")));
}

// cmark-gfm writes a table's header cells as <th> or <th align="…">; each is a
// column header, which assistive technology is told with scope="col".
void add_header_scopes(std::string& html) {
  for (auto at = html.find("<th"); at != std::string::npos; at = html.find("<th", at + 3)) {
    const char next = at + 3 < html.size() ? html[at + 3] : '\0';
    const auto end = html.find('>', at);
    const bool scoped = end != std::string::npos && html.substr(at, end - at).find("scope=") != std::string::npos;
    if ((next == '>' || next == ' ') && !scoped) html.insert(at + 3, " scope=\"col\"");
  }
}

// Parses Markdown with the GFM extensions.
std::pair<ParserPtr, NodePtr> parse(std::string_view markdown, int cmark_options) {
  ParserPtr parser(cmark_parser_new(cmark_options));
  // Allowed raw HTML goes through sanitise_html, which drops a script or a
  // style with what it holds; tagfilter would show it on the page as text.
  const bool raw_html = (cmark_options & CMARK_OPT_UNSAFE) != 0;
  for (const char* name : {"table", "strikethrough", "autolink", "tagfilter"}) {
    if (raw_html && std::string_view(name) == "tagfilter") continue;
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), ext);
  }
  NodePtr doc;
  {
    // cmark-gfm 0.29 keeps the inline parser's special-character tables in
    // globals that each parse edits (tables while their rows are read, every
    // document while its inlines are), so parses must not overlap. Making
    // the parser, our tree edits and rendering run in parallel.
    static std::mutex parse_mutex;
    const std::lock_guard lock(parse_mutex);
    cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
    doc.reset(cmark_parser_finish(parser.get()));
  }

  return {std::move(parser), std::move(doc)};
}

// The nodes the passes after parsing change, gathered in one walk of the
// tree: they are collected first and changed after, since editing under a
// live iterator is unsafe.
struct Nodes {
  std::vector<cmark_node*> raw_html, links, headings;
  markdown_detail::ParagraphNodes paragraphs;
  // For each table, in document order, the heading before it (or null).
  std::vector<cmark_node*> table_headings;
};

Nodes collect_nodes(cmark_node* doc) {
  Nodes nodes;
  cmark_node* last_heading = nullptr;
  for_each_entered(doc, [&](cmark_node* n) {
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_HTML_BLOCK:
      case CMARK_NODE_HTML_INLINE: nodes.raw_html.push_back(n); break;
      case CMARK_NODE_LINK:
      case CMARK_NODE_IMAGE: nodes.links.push_back(n); break;
      case CMARK_NODE_HEADING:
        nodes.headings.push_back(n);
        last_heading = n;
        break;
      case CMARK_NODE_PARAGRAPH:
        nodes.paragraphs.paragraphs.push_back(n);
        nodes.paragraphs.headings.push_back(last_heading);
        break;
      case CMARK_NODE_LIST:
        if (cmark_node_get_list_type(n) == CMARK_ORDERED_LIST) nodes.paragraphs.lists.push_back(n);
        break;
      default:
        if (std::string_view(cmark_node_get_type_string(n)) == "table") nodes.table_headings.push_back(last_heading);
        break;
    }
  });
  return nodes;
}

// Each link and image as the checker needs it. An `@/` link's address becomes
// the URL of the page it names (relative, or absolute from absolute_base).
std::vector<Link> resolve_links(const std::vector<cmark_node*>& links, const MarkdownOptions& options) {
  std::vector<Link> out;
  for (cmark_node* n : links) {
    Link link;
    link.image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
    const char* url = cmark_node_get_url(n);
    link.url = url ? url : "";
    link.text = text::strip_controls(text::trim(plain_text(n)));
    link.pos = node_pos(n, options.first_line);
    if (link.url.starts_with("@/")) {
      link.internal = true;
      auto [target_path, anchor] = split_content_link(link.url);
      link.target_path = std::move(target_path);
      link.anchor = std::move(anchor);
      std::optional<std::string> target_url;
      if (options.resolve) target_url = options.resolve(link.target_path);
      link.resolved = target_url.has_value();
      std::string href = !target_url ? std::string("#")
                         : !options.absolute_base.empty()
                             ? options.absolute_base + text::encode_url_path(target_url->substr(1))
                             : text::relative_url(options.page_url, *target_url);
      if (target_url && !link.anchor.empty()) href += "#" + link.anchor;
      cmark_node_set_url(n, href.c_str());
    } else if (options.allow_raw_html && dangerous_url(link.url, link.image)) {
      // Without raw HTML cmark-gfm drops these itself; with it, we must.
      cmark_node_set_url(n, "");
    }
    out.push_back(std::move(link));
  }
  return out;
}

// Writes a tree, or a part of one, as HTML, with the parser's options and extensions.
struct HtmlWriter {
  int cmark_options;
  cmark_llist* extensions;
  std::string html(cmark_node* n) const { return take_string(cmark_render_html(n, cmark_options, extensions)); }
};

// Headings get GitHub-style ids; the heading is replaced by a custom block
// holding its rendered HTML, since cmark-gfm has no attribute hook. Returns
// each heading node's id.
std::map<cmark_node*, std::string> add_heading_ids(const std::vector<cmark_node*>& headings,
                                                   const MarkdownOptions& options, text::Slugger& slugger,
                                                   const HtmlWriter& writer, std::vector<Heading>& out) {
  std::map<cmark_node*, std::string> heading_ids;
  for (cmark_node* n : headings) {
    Heading h;
    h.level = cmark_node_get_heading_level(n);
    h.text = text::strip_controls(text::trim(plain_text(n)));
    h.pos = node_pos(n, options.first_line);
    h.id = slugger.unique(h.text);
    heading_ids[n] = h.id;
    if (!options.anchors) {
      out.push_back(std::move(h));
      continue;
    }
    // "<h2>inner</h2>\n" → "<h2 id=\"…\">inner</h2>\n"
    std::string html = writer.html(n);
    html.insert(3, " id=\"" + text::html_escape(h.id) + "\"");
    cmark_node* block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    cmark_node_set_on_enter(block, html.c_str());
    cmark_node_set_on_exit(block, "");
    cmark_node_insert_before(n, block);
    cmark_node_free(n);
    out.push_back(std::move(h));
  }
  return heading_ids;
}

// Each table sits in a region of its own, named by the heading of its
// section, which scrolls when the table is wider than the page and which
// the keyboard can reach. `table_headings` holds, for each table, the
// heading before it (or null); `heading_ids`, their ids.
void wrap_tables_in_regions(std::string& html, const std::vector<cmark_node*>& table_headings,
                            const std::map<cmark_node*, std::string>& heading_ids, bool anchors) {
  std::size_t at = 0;
  for (cmark_node* heading : table_headings) {
    at = html.find("<table>", at);
    if (at == std::string::npos) break;
    const auto end = html.find("</table>", at);
    if (end == std::string::npos) break;
    const bool named = heading && anchors;  // by a heading that has its id
    const std::string name = named ? " aria-labelledby=\"" + text::html_escape(heading_ids.at(heading)) + "\""
                                   : std::string(" aria-label=\"Table\"");
    html.insert(end + 8, "\n</div>");
    if (named) html.insert(at + 6, name);
    const std::string region = "<div class=\"table-region\" role=\"region\"" + name + " tabindex=\"0\">\n";
    html.insert(at, region);
    at = html.find("</table>", at) + 8;
  }
}

// Marks each place `words` stand in the text of `html` (never inside a tag)
// as the printed pack's own words; false when they stand nowhere.
bool mark_printed_words(std::string& html, const std::string& words) {
  const std::string escaped = text::html_escape(text::trim(words));
  if (escaped.empty()) return false;
  static const std::string close = "<span class=\"visually-hidden\"> (the printed pack's words)</span></span>";
  bool found = false;
  for (auto at = html.find(escaped); at != std::string::npos; at = html.find(escaped, at)) {
    const auto open_tag = html.rfind('<', at), close_tag = html.rfind('>', at);
    if (open_tag != std::string::npos && (close_tag == std::string::npos || close_tag < open_tag)) {
      at += escaped.size();  // inside a tag: an attribute's value
      continue;
    }
    html.insert(at + escaped.size(), close);
    html.insert(at, "<span class=\"printed-only\">");
    at += escaped.size() + close.size() + 27;
    found = true;
  }
  return found;
}

}  // namespace

void markdown_init() {
  // cmark-gfm's registration is not thread-safe: a race leaves some parsers
  // without extensions, so it runs exactly once.
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

RenderedMarkdown render_markdown(std::string_view markdown, const MarkdownOptions& options) {
  markdown_init();
  // A column's alignment as a style, not the obsolete align attribute.
  int cmark_options = CMARK_OPT_DEFAULT | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES;
  if (options.allow_raw_html) cmark_options |= CMARK_OPT_UNSAFE;
  auto [parser, doc] = parse(markdown, cmark_options);
  const Nodes nodes = collect_nodes(doc.get());

  RenderedMarkdown out;
  out.links = resolve_links(nodes.links, options);
  if (!options.allow_raw_html) {
    for (cmark_node* n : nodes.raw_html) escape_raw_html(n);
  }
  text::Slugger slugger(options.taken_ids);
  if (options.anchors) {
    markdown_detail::anchor_paragraphs(nodes.paragraphs, slugger, options.first_line, out);
  }
  const HtmlWriter writer{cmark_options, cmark_parser_get_syntax_extensions(parser.get())};
  const auto heading_ids = add_heading_ids(nodes.headings, options, slugger, writer, out.headings);

  out.html = writer.html(doc.get());
  // cmark-gfm passes allowed raw HTML through as it was written, an opening
  // tag, its text and its closing tag often in separate nodes: the whole body
  // is parsed and written again through the allowlist. A body without raw
  // HTML is only cmark-gfm's own markup, safe already, and is left as it is.
  if (options.allow_raw_html && !nodes.raw_html.empty()) out.html = sanitise_html(out.html);
  add_header_scopes(out.html);
  // Raw HTML, when allowed, may hold tables of its own, so the count of
  // tables could not be trusted.
  if (!options.allow_raw_html) wrap_tables_in_regions(out.html, nodes.table_headings, heading_ids, options.anchors);
  // Character references such as &#11; become characters no page may hold.
  text::strip_controls_in_place(out.html);
  for (const auto& words : options.printed_only)
    if (!mark_printed_words(out.html, words)) out.printed_missing.push_back(words);
  out.html.shrink_to_fit();  // the insertions above may have doubled its room; it is kept until the build ends
  return out;
}

}  // namespace portal

namespace portal {

std::string render_plain_text(std::string_view markdown, const MarkdownOptions& options, int width) {
  markdown_init();
  auto [parser, doc] = parse(markdown, CMARK_OPT_DEFAULT);
  std::vector<cmark_node*> links;
  for_each_entered(doc.get(), [&](cmark_node* n) {
    if (cmark_node_get_type(n) == CMARK_NODE_LINK || cmark_node_get_type(n) == CMARK_NODE_IMAGE) links.push_back(n);
  });
  for (cmark_node* n : links) {
    std::string url = cmark_node_get_url(n) ? cmark_node_get_url(n) : "";
    if (url.starts_with("@/")) {
      const auto link = split_content_link(url);
      const auto resolved = options.resolve ? options.resolve(link.target_path) : std::nullopt;
      url = resolved ? options.absolute_base + text::encode_url_path(resolved->substr(1)) +
                           (link.anchor.empty() ? "" : "#" + link.anchor)
                     : std::string();
    }
    // A link whose text is its address ("www.kent.gov.uk") needs no repeat.
    const std::string shown = text::trim(plain_text(n));
    if (url.empty() || shown == url || "http://" + shown == url || "mailto:" + shown == url) continue;
    cmark_node* suffix = cmark_node_new(CMARK_NODE_TEXT);
    const std::string literal = " (" + url + ")";
    cmark_node_set_literal(suffix, literal.c_str());
    cmark_node_insert_after(n, suffix);
  }
  return take_string(cmark_render_plaintext(doc.get(), CMARK_OPT_DEFAULT, width));
}

}  // namespace portal
