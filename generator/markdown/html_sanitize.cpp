#include "html_sanitize.h"

#include <cctype>
#include <climits>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>

#include "text.h"
#include "urls.h"

namespace portal {

namespace {

using Names = std::set<std::string, std::less<>>;

// Attributes every allowed element may carry.
const Names kGlobalAttributes = {"title", "id", "class", "lang", "dir"};

const Names kCellAttributes = {"colspan", "rowspan", "scope", "headers", "align", "style"};

// Each allowed element and the attributes it may carry besides the global ones.
const std::map<std::string, Names, std::less<>>& allowed_elements() {
  static const std::map<std::string, Names, std::less<>> elements = {{"p", {}},
                                                                     {"br", {}},
                                                                     {"hr", {}},
                                                                     {"h1", {}},
                                                                     {"h2", {}},
                                                                     {"h3", {}},
                                                                     {"h4", {}},
                                                                     {"h5", {}},
                                                                     {"h6", {}},
                                                                     {"a", {"href", "aria-label"}},
                                                                     {"em", {}},
                                                                     {"strong", {}},
                                                                     {"b", {}},
                                                                     {"i", {}},
                                                                     {"u", {}},
                                                                     {"s", {}},
                                                                     {"del", {}},
                                                                     {"ins", {}},
                                                                     {"sub", {}},
                                                                     {"sup", {}},
                                                                     {"small", {}},
                                                                     {"mark", {}},
                                                                     {"abbr", {}},
                                                                     {"cite", {}},
                                                                     {"q", {}},
                                                                     {"code", {}},
                                                                     {"pre", {}},
                                                                     {"kbd", {}},
                                                                     {"samp", {}},
                                                                     {"var", {}},
                                                                     {"blockquote", {}},
                                                                     {"ul", {}},
                                                                     {"ol", {"start", "reversed", "type"}},
                                                                     {"li", {"value"}},
                                                                     {"dl", {}},
                                                                     {"dt", {}},
                                                                     {"dd", {}},
                                                                     {"table", {}},
                                                                     {"thead", {}},
                                                                     {"tbody", {}},
                                                                     {"tfoot", {}},
                                                                     {"tr", {}},
                                                                     {"th", kCellAttributes},
                                                                     {"td", kCellAttributes},
                                                                     {"caption", {}},
                                                                     {"colgroup", {"span"}},
                                                                     {"col", {"span"}},
                                                                     {"img", {"src", "alt", "width", "height"}},
                                                                     {"figure", {}},
                                                                     {"figcaption", {}},
                                                                     {"details", {"open"}},
                                                                     {"summary", {}},
                                                                     {"span", {}},
                                                                     {"div", {}},
                                                                     {"section", {}},
                                                                     {"aside", {}},
                                                                     {"time", {"datetime"}},
                                                                     {"data", {"value"}},
                                                                     {"input", {"type", "checked", "disabled"}}};
  return elements;
}

// Elements dropped with everything inside them: what they hold is script,
// style, another document or foreign markup, never text for the page.
// (Not <embed>: it is empty in HTML, but libxml2 reads it as a container of
// whatever follows, so it is dropped like any unknown element, its "content" kept.)
const Names kDroppedWithContent = {"script", "style", "template", "iframe",  "object",   "noscript", "svg",      "math",
                                   "applet", "frame", "frameset", "noembed", "noframes", "xmp",      "plaintext"};

const Names kVoidElements = {"br", "hr", "img", "col", "input"};

struct DocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::string_view name_of(const xmlChar* name) { return name ? reinterpret_cast<const char*>(name) : ""; }

// Text as cmark-gfm escapes it, so that sanitised text reads byte for byte as before.
void append_text(std::string& out, std::string_view s) {
  for (const char c : text::strip_controls(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
}

// An address a link or image may have: read as a browser reads it (see
// effective_scheme), and as it will be written, control characters dropped.
bool safe_url(const std::string& url, bool image) {
  const std::string scheme = effective_scheme(url);
  if (scheme.empty() || scheme == "http" || scheme == "https" || scheme == "mailto" || scheme == "tel") return true;
  if (!image || scheme != "data") return false;
  std::string lower;
  for (const char c : url)
    if (static_cast<unsigned char>(c) > 0x20) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string_view type : {"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"}) {
    if (lower.starts_with(type) && lower.size() > type.size() &&
        (lower[type.size()] == ';' || lower[type.size()] == ','))
      return true;
  }
  return false;
}

// Whether attribute `name` with `value` may stay on `element`.
bool allowed_attribute(std::string_view element, const Names& own, std::string_view name, const std::string& value) {
  if (!kGlobalAttributes.contains(name) && !own.contains(name)) return false;
  if (name == "href") return safe_url(value, false);
  if (name == "src") return safe_url(value, true);
  // cmark-gfm aligns a table's columns with a style; no other style is kept.
  if (name == "style")
    return value == "text-align: left" || value == "text-align: center" || value == "text-align: right";
  if (element == "input" && name == "type") return text::to_lower_ascii(value) == "checkbox";
  return true;
}

std::string attribute_value(xmlAttr* a) {
  xmlChar* v = xmlNodeGetContent(reinterpret_cast<xmlNode*>(a));
  std::string value = text::strip_controls(name_of(v));
  xmlFree(v);
  return value;
}

class Writer {
 public:
  void nodes(xmlNode* first) {
    for (xmlNode* n = first; n; n = n->next) node(n);
  }
  std::string take() { return std::move(out_); }

 private:
  // libxml2 nests no deeper than 256 elements, so this recursion stays shallow.
  void node(xmlNode* n) {
    if (n->type == XML_TEXT_NODE) {
      append_text(out_, name_of(n->content));
      return;
    }
    if (n->type != XML_ELEMENT_NODE) return;  // comments, processing instructions, CDATA: dropped
    const std::string_view name = name_of(n->name);
    if (kDroppedWithContent.contains(name)) return;
    const auto& elements = allowed_elements();
    const auto allowed = elements.find(name);
    if (allowed == elements.end()) {
      nodes(n->children);  // an unknown element: its text stays
      return;
    }
    if (name == "input" && !checkbox(n)) return;  // only a task list's checkbox
    out_ += '<';
    out_ += name;
    for (xmlAttr* a = n->properties; a; a = a->next) {
      const std::string value = attribute_value(a);
      if (!allowed_attribute(name, allowed->second, name_of(a->name), value)) continue;
      out_ += ' ';
      out_ += name_of(a->name);
      out_ += "=\"" + text::html_escape(value) + "\"";
    }
    if (kVoidElements.contains(name)) {
      out_ += " />";
      return;
    }
    out_ += '>';
    nodes(n->children);
    out_ += "</";
    out_ += name;
    out_ += '>';
  }

  static bool checkbox(xmlNode* n) {
    for (xmlAttr* a = n->properties; a; a = a->next)
      if (name_of(a->name) == "type") return text::to_lower_ascii(attribute_value(a)) == "checkbox";
    return false;
  }

  std::string out_;
};

}  // namespace

std::string sanitise_html(std::string_view html) {
  // libxml2 sets up its globals once, before threads parse at the same time.
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  // An explicit html and body give text outside any element a parent, so the
  // parser adds no paragraph of its own around it.
  const std::string document = "<html><body>" + std::string(html) + "</body></html>";
  if (document.size() > static_cast<std::size_t>(INT_MAX)) return text::html_escape(html);
  // The body is UTF-8 whatever a <meta charset> in it says; nothing is fetched.
  const int options = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED |
                      HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC;
  const std::unique_ptr<xmlDoc, DocDeleter> doc(
      htmlReadMemory(document.data(), static_cast<int>(document.size()), nullptr, "UTF-8", options));
  // What the parser could not read is shown as text, never passed through.
  if (!doc) return text::html_escape(html);
  Writer writer;
  writer.nodes(doc->children);  // html, head and body are unknown elements: only what they hold is written
  return writer.take();
}

}  // namespace portal
