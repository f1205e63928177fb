#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <stdexcept>

#include <unistd.h>

#include "markdown.h"
#include "markdown_wire.h"
#include "markdown_workers.h"
#include "support.h"
#include "text.h"
#include "urls.h"

using namespace portal;
using portal::test::contains;
using portal::test::TempDir;

namespace {

RenderedMarkdown md(const std::string& text, bool raw = false, int first_line = 1) {
  MarkdownOptions o;
  o.allow_raw_html = raw;
  o.page_url = "/meetings/2020-03-18/";
  o.first_line = first_line;
  o.resolve = [](const std::string& path) -> std::optional<std::string> {
    if (path == "content/agreements/2020-04.md") return "/agreements/2020-04/";
    if (path == "content/meetings/2020-03-18/pack.pdf") return "/meetings/2020-03-18/pack.pdf";
    return std::nullopt;
  };
  return render_markdown(text, o);
}

}  // namespace

TEST_CASE("headings get GitHub ids, repeated ones numbered", "[markdown]") {
  const auto r =
      md("## 239. Kent Community Safety Agreement Update (Item B1)\n\n## Leads\n\n### Leads\n\n# `Code` *em*\n");
  CHECK(r.html ==
        "<h2 id=\"239-kent-community-safety-agreement-update-item-b1\">239. Kent Community Safety Agreement Update "
        "(Item B1)</h2>\n<h2 id=\"leads\">Leads</h2>\n<h3 id=\"leads-1\">Leads</h3>\n"
        "<h1 id=\"code-em\"><code>Code</code> <em>em</em></h1>\n");
  REQUIRE(r.headings.size() == 4);
  CHECK(r.headings[1].id == "leads");
  CHECK(r.headings[2].level == 3);
  CHECK(r.headings[0].pos.line == 1);
}

TEST_CASE("raw HTML is escaped unless allowed, and tagfilter applies when it is", "[markdown]") {
  CHECK(md("<script>alert(1)</script>\n\nText <b>bold</b>\n").html ==
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n<p>Text &lt;b&gt;bold&lt;/b&gt;</p>\n");
  // Allowed raw HTML is sanitised: a script goes with its content.
  CHECK(md("Text <b>bold</b> <script>x</script>\n", true).html == "<p>Text <b>bold</b> </p>\n");
  CHECK(md("[x](javascript:alert(1))\n", true).html == "<p><a href=\"\">x</a></p>\n");
  CHECK(md("[x](javascript:alert(1))\n").html == "<p><a href=\"\">x</a></p>\n");
}

TEST_CASE("@/ links resolve to relative URLs and are recorded with their lines", "[markdown]") {
  const auto r =
      md("Intro\n\nSee [the agreement](@/agreements/2020-04.md#leads), the [pack](@/meetings/2020-03-18/pack.pdf)\n"
         "and [a missing one](@/nowhere.md).\n",
         false, 10);
  CHECK(r.html ==
        "<p>Intro</p>\n<p>See <a href=\"../../agreements/2020-04/#leads\">the agreement</a>, the <a "
        "href=\"pack.pdf\">pack</a>\n"
        "and <a href=\"#\">a missing one</a>.</p>\n");
  REQUIRE(r.links.size() == 3);
  CHECK(r.links[0].target_path == "content/agreements/2020-04.md");
  CHECK(r.links[0].anchor == "leads");
  CHECK(r.links[0].resolved);
  CHECK(r.links[0].pos.line == 12);
  CHECK(r.links[0].pos.column == 5);
  CHECK(r.links[0].text == "the agreement");
  CHECK_FALSE(r.links[2].resolved);
  CHECK(r.links[2].pos.line == 13);
}

TEST_CASE("GFM tables, strikethrough and autolinks", "[markdown]") {
  CHECK(md("| a | b |\n|---|---|\n| 1 | 2 |\n").html ==
        "<div class=\"table-region\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">\n<table>\n<thead>\n<tr>\n"
        "<th scope=\"col\">a</th>\n<th scope=\"col\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n"
        "</tr>\n</tbody>\n</table>\n</div>\n");
  // Regression: alignment was written as the obsolete align attribute (HTML_CodeSniffer: 20 errors on one paper).
  const auto aligned = md("| a | b |\n|:-:|--:|\n| 1 | 2 |\n").html;
  CHECK(contains(aligned, "<th scope=\"col\" style=\"text-align: center\">a</th>"));
  CHECK(contains(aligned, "<td style=\"text-align: right\">2</td>"));
  CHECK_FALSE(contains(aligned, "align="));
  CHECK(md("~~old~~ www.kent.gov.uk\n").html ==
        "<p><del>old</del> <a href=\"http://www.kent.gov.uk\">www.kent.gov.uk</a></p>\n");
}

TEST_CASE("a table is named by the heading of its section", "[markdown]") {
  const auto r = md("## 7. Leads\n\n| Priority | Lead |\n|---|---|\n| A | B |\n");
  // In a region of its own that scrolls and that the keyboard reaches, both named by the heading.
  CHECK(contains(r.html,
                 "<div class=\"table-region\" role=\"region\" aria-labelledby=\"7-leads\" tabindex=\"0\">\n"
                 "<table aria-labelledby=\"7-leads\">"));
  CHECK(md("| a |\n|---|\n| 1 |\n")
            .html.starts_with("<div class=\"table-region\" role=\"region\" aria-label=\"Table\" "
                              "tabindex=\"0\">\n<table>\n"));  // no heading
}

TEST_CASE("images are recorded with their alt text", "[markdown]") {
  const auto r = md("![Bar chart of priorities](chart.png) ![](blank.png)\n");
  REQUIRE(r.links.size() == 2);
  CHECK(r.links[0].image);
  CHECK(r.links[0].text == "Bar chart of priorities");
  CHECK(r.links[1].text.empty());
}

namespace {

// Everything a rendering holds, as text, to compare two renderings whole.
std::string dump(const RenderedMarkdown& r) {
  std::string s = r.html + "\n--\n";
  for (const auto& h : r.headings)
    s += std::to_string(h.level) + "|" + h.text + "|" + h.id + "|" + std::to_string(h.pos.line) + ":" +
         std::to_string(h.pos.column) + "\n";
  for (const auto& l : r.links)
    s += l.url + "|" + l.target_path + "|" + l.anchor + "|" + l.text + "|" + std::to_string(l.image) +
         std::to_string(l.internal) + std::to_string(l.resolved) + "|" + std::to_string(l.pos.line) + ":" +
         std::to_string(l.pos.column) + "\n";
  for (const auto& id : r.paragraph_ids) s += "paragraph " + id + "\n";
  for (const auto& x : r.resolutions)
    s += "resolution " + x.words + "|" + x.id + "|" + x.heading + "|" + std::to_string(x.pos.line) + ":" +
         std::to_string(x.pos.column) + "\n";
  for (const auto& words : r.printed_missing) s += "printed, missing: " + words + "\n";
  return s;
}

std::vector<std::string> many_bodies() {
  std::vector<std::string> bodies;
  for (int i = 0; i < 60; ++i) {
    bodies.push_back("## Part " + std::to_string(i) +
                     "\n\nSee [the leads](@/agreements/2020-04.md#leads) and [nothing](@/none.md), " +
                     "~~struck~~ <b>raw</b> www.kent.gov.uk.\n\n| A | B |\n|---|---|\n| " + std::to_string(i) +
                     " | ![chart](@/meetings/2020-03-18/pack.pdf) |\n\n### Part " + std::to_string(i) + "\n\n" +
                     std::string(static_cast<std::size_t>(i) * 40, 'x') + "\n\n## " + std::to_string(200 + i) +
                     ". Minutes of part " + std::to_string(i) + "\n\n3. It was RESOLVED that part " +
                     std::to_string(i) + " be agreed.\n\n4. Printed in the pack.\n");
  }
  return bodies;
}

}  // namespace

TEST_CASE("Markdown rendered in worker processes is what this process renders", "[markdown]") {
  const auto bodies = many_bodies();
  auto render = [&](std::size_t i) {
    MarkdownOptions o;
    o.allow_raw_html = i % 7 == 0;
    o.page_url = "/meetings/2020-03-18/";
    o.printed_only = {"Printed in the pack", "Printed nowhere"};
    return render_markdown(bodies[i], o);
  };
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < bodies.size(); i += 1 + i % 2) which.push_back(i);  // not every body
  std::vector<RenderedMarkdown> here(bodies.size()), forked(bodies.size());
  render_bodies(which, {2, 0}, render, here);
  render_bodies(which, {3, 1}, render, forked);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    INFO("body " << i);
    CHECK(dump(forked[i]) == dump(here[i]));
  }
  CHECK(here[which.back()].headings.size() == 3);
  // What a worker sends back holds everything: the minute's resolution and the printed words not found.
  CHECK(here[which.back()].resolutions.size() == 1);
  CHECK(here[which.back()].printed_missing == std::vector<std::string>{"Printed nowhere"});
  CHECK(here[2].html.empty());  // not asked for
  CHECK(forked[2].html.empty());
}

TEST_CASE("what a failing worker process leaves is rendered in this process", "[markdown]") {
  const auto bodies = many_bodies();
  const pid_t parent = getpid();
  auto render = [&](std::size_t i) {
    if (getpid() != parent && i > 20) throw std::runtime_error("a worker fails part-way");
    return md(bodies[i]);
  };
  std::vector<std::size_t> which(bodies.size());
  for (std::size_t i = 0; i < which.size(); ++i) which[i] = i;
  std::vector<RenderedMarkdown> out(bodies.size());
  render_bodies(which, {2, 1}, render, out);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    INFO("body " << i);
    CHECK(dump(out[i]) == dump(md(bodies[i])));
  }
}

namespace {

// A tag as a browser reads it: its name and its attributes, values decoded.
struct Tag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
};

std::string decode_entities(const std::string& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto semi = v.find(';', i);
    if (v[i] != '&' || semi == std::string::npos) {
      out += v[i];
      continue;
    }
    const std::string name = v.substr(i + 1, semi - i - 1);
    std::uint32_t cp = 0;
    if (name == "amp")
      cp = '&';
    else if (name == "lt")
      cp = '<';
    else if (name == "gt")
      cp = '>';
    else if (name == "quot")
      cp = '"';
    else if (name.starts_with("#x") || name.starts_with("#X"))
      cp = static_cast<std::uint32_t>(std::stoul(name.substr(2), nullptr, 16));
    else if (name.starts_with("#"))
      cp = static_cast<std::uint32_t>(std::stoul(name.substr(1)));
    if (cp == 0) {
      out += v[i];
      continue;
    }
    portal::text::append_utf8(out, cp);
    i = semi;
  }
  return out;
}

// Every tag of `html`: each '<' that is not escaped opens one (comments and
// doctypes count too, named "!…").
std::vector<Tag> tags_of(const std::string& html) {
  std::vector<Tag> tags;
  for (std::size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    std::size_t i = at + 1;
    if (i < html.size() && html[i] == '/') ++i;
    Tag tag;
    while (i < html.size() && !std::isspace(static_cast<unsigned char>(html[i])) && html[i] != '>' && html[i] != '/')
      tag.name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[i++])));
    while (i < html.size() && html[i] != '>') {
      while (i < html.size() && (std::isspace(static_cast<unsigned char>(html[i])) || html[i] == '/')) ++i;
      std::string name, value;
      while (i < html.size() && !std::isspace(static_cast<unsigned char>(html[i])) && html[i] != '=' && html[i] != '>')
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[i++])));
      if (i < html.size() && html[i] == '=') {
        const char quote = html[++i];
        const auto end = quote == '"' || quote == '\'' ? html.find(quote, i + 1) : html.find_first_of(" \t\n>", i);
        value =
            html.substr(quote == '"' || quote == '\'' ? i + 1 : i, end - (quote == '"' || quote == '\'' ? i + 1 : i));
        i = quote == '"' || quote == '\'' ? end + 1 : end;
      }
      if (!name.empty()) tag.attributes.emplace_back(name, decode_entities(value));
    }
    tags.push_back(std::move(tag));
  }
  return tags;
}

// What in `html` could run a script, or load a page that does, or "" when nothing could.
std::string scripting_in(const std::string& html) {
  static const std::set<std::string> allowed = {
      "p",          "br",      "hr",   "h1",   "h2",      "h3",       "h4",   "h5",    "h6",     "a",
      "em",         "strong",  "b",    "i",    "u",       "s",        "del",  "ins",   "sub",    "sup",
      "small",      "mark",    "abbr", "cite", "q",       "code",     "pre",  "kbd",   "samp",   "var",
      "blockquote", "ul",      "ol",   "li",   "dl",      "dt",       "dd",   "table", "thead",  "tbody",
      "tfoot",      "tr",      "th",   "td",   "caption", "colgroup", "col",  "img",   "figure", "figcaption",
      "details",    "summary", "span", "div",  "section", "aside",    "time", "data",  "input"};
  for (const auto& tag : tags_of(html)) {
    if (!allowed.contains(tag.name)) return "the element <" + tag.name + ">";
    for (const auto& [name, value] : tag.attributes) {
      if (name.starts_with("on")) return "the event handler " + name + " on <" + tag.name + ">";
      if (name == "style" && !value.starts_with("text-align: ")) return "style=\"" + value + "\"";
      if (name == "srcdoc" || name == "srcset" || name == "formaction" || name == "action" ||
          name.find(':') != std::string::npos)
        return "the attribute " + name;
      if (name == "href" || name == "src") {
        const std::string scheme = portal::effective_scheme(value);
        if (!scheme.empty() && scheme != "http" && scheme != "https" && scheme != "mailto" && scheme != "tel" &&
            !(scheme == "data" && value.starts_with("data:image/png")))
          return name + "=\"" + value + "\" (scheme " + scheme + ")";
      }
    }
    if (tag.name == "input") {
      const bool checkbox = std::any_of(tag.attributes.begin(), tag.attributes.end(),
                                        [](const auto& a) { return a.first == "type" && a.second == "checkbox"; });
      if (!checkbox) return "an input that is not a checkbox";
    }
  }
  return {};
}

}  // namespace

TEST_CASE("allowed raw HTML is sanitised: no element, attribute or address written in content can run a script",
          "[markdown][sanitise]") {
  const std::vector<std::string> hostile = {
      "<img src=x onerror=\"fetch('/__portal/edit/').then(r => r.text())\">",
      "Text <img src=x onerror=alert(1)> more\n",
      "<a href=\"javascript:alert(1)\">x</a>",
      "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
      "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
      "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
      "<a href=\"   javascript:alert(1)\">x</a>",
      "<a href=\"&#1;javascript:alert(1)\">x</a>",
      "<a href=\"java&#1;script:alert(1)\">x</a>",
      "<a href=\"&#106;&#97;vascript:alert(1)\">x</a>",
      "<a href=\"vbscript:msgbox(1)\">x</a> <a href=\"data:text/html,<script>alert(1)</script>\">y</a>",
      "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
      "<script>alert(1)</script>",
      "<SCRIPT>alert(1)</SCRIPT>",
      "<div>\n<script>alert(1)</script>\n</div>",
      "<style>body { background: url(javascript:alert(1)) }</style>",
      "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
      "<svg onload=\"alert(1)\"><circle r=\"1\"/></svg>",
      "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
      "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
      "<form action=\"https://evil.example/\"><button formaction=\"javascript:alert(1)\">Go</button></form>",
      "<input type=\"image\" src=\"x\" onerror=\"alert(1)\"> <input autofocus onfocus=\"alert(1)\">",
      "<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
      "<p onclick=\"alert(1)\" onmouseover=alert(1)>x</p>",
      "<b style=\"background:url(javascript:alert(1))\">x</b>",
      "<DIV ONCLICK=\"alert(1)\">x</DIV>",
      "<A HREF=\"javascript:alert(1)\">x</A>",
      "<a\nhref=\"javascript:alert(1)\"\nonclick=alert(1)>split over lines</a>",
      "<div onclick=\"alert(1)\">\n\n*Markdown* between\n\n</div>",
      "<details open ontoggle=\"alert(1)\">\n\n<summary>x</summary>\n\n</details>",
      "<b onclick=alert(1)>unclosed",
      "<img src=x onerror=alert(1)",
      "<!-- a comment --> <!-- x --> <img src=x onerror=alert(1)> -->",
      "<!--> <img src=x onerror=alert(1)> -->",
      "<!-- <img src=x onerror=alert(1)> -->",
      "<base href=\"javascript:alert(1)//\">",
      "<meta http-equiv=\"refresh\" content=\"0; url=javascript:alert(1)\">",
      "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
      "<template><img src=x onerror=alert(1)></template>",
      "<textarea><img src=x onerror=alert(1)></textarea>",
      "<title><img src=x onerror=alert(1)></title>",
      "<table><tr><td background=\"javascript:alert(1)\" onclick=alert(1)>x</td></tr></table>",
      "</div></body></html><img src=x onerror=alert(1)>",
      "<video><source onerror=\"alert(1)\"></video><audio src=x onerror=alert(1)></audio>",
      "<marquee onstart=alert(1)>x</marquee>",
  };
  for (const auto& markdown : hostile) {
    INFO(markdown);
    const std::string html = md(markdown + "\n", true).html;
    INFO(html);
    CHECK(scripting_in(html).empty());
  }
}

TEST_CASE("sanitised raw HTML keeps its allowed markup and the page's own", "[markdown][sanitise]") {
  CHECK(md("<img src=x onerror=\"fetch('/__portal/edit/')\">\n", true).html == "<img src=\"x\" />\n");
  CHECK(md("A <a href=\"JaVaScRiPt:alert(1)\" title=\"t\">link</a>.\n", true).html ==
        "<p>A <a title=\"t\">link</a>.</p>\n");
  CHECK(md("<p><svg><text>drawn</text></svg>After</p>\n", true).html == "<p>After</p>\n");
  // Script, style and foreign markup go with what they hold; an unknown element leaves its text.
  CHECK(md("<div><script>alert(1)</script><style>p{}</style><template><b>t</b></template><noscript>n</noscript>"
           "<object>o</object><math><mi>m</mi></math>shown</div>\n",
           true)
            .html == "<div>shown</div>\n");
  CHECK(md("<b>unclosed\n", true).html == "<p><b>unclosed</b></p>\n");
  // Regression: libxml2 reads <embed> as a container, and the text after it went with it.
  const auto after_embed = md("Before\n\n<embed src=\"x\">\n\nAfter it\n", true).html;
  CHECK(contains(after_embed, "After it"));
  CHECK_FALSE(contains(after_embed, "embed"));
  CHECK(md("<p>A <blink>blinking</blink> word</p>\n", true).html == "<p>A blinking word</p>\n");
  const std::string kept =
      "<table>\n<tr><th colspan=\"2\" scope=\"col\">Both</th></tr>\n<tr><td "
      "rowspan=\"1\">1</td><td>2</td></tr>\n</table>\n"
      "<details open=\"\"><summary>More</summary>Text</details>\n"
      "<p>The <abbr title=\"Kent Community Safety Team\">KCST</abbr> met <time datetime=\"2020-03-18\">in "
      "March</time>.</p>\n"
      "<p><a href=\"https://www.kent.gov.uk/\">Kent</a> <a href=\"mailto:a@b.org\">mail</a> <a href=\"#top\">top</a> "
      "<img src=\"../chart.png\" alt=\"A chart\" width=\"10\" /> <img src=\"data:image/png;base64,AAAA\" alt=\"\" "
      "/></p>\n";
  CHECK(md(kept, true).html == kept);
  // cmark-gfm's own markup in a page with raw HTML: heading ids, paragraph anchors, aligned cells, code.
  const auto page =
      md("## 1. Leads\n\n1.1 The <b>agreement</b>.\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n```cpp\nx<y\n```\n", true);
  CHECK(contains(page.html,
                 "<h2 id=\"1-leads\">1. Leads</h2>\n<p><a class=\"para-link\" id=\"para-1-1\" href=\"#para-1-1\" "
                 "aria-label=\"Link to paragraph 1.1\"></a>1.1 The <b>agreement</b>.</p>\n"));
  CHECK(contains(page.html, "<th scope=\"col\" style=\"text-align: center\">a</th>"));
  CHECK(contains(page.html, "<td style=\"text-align: right\">2</td>"));
  CHECK(contains(page.html, "<pre><code class=\"language-cpp\">x&lt;y\n</code></pre>\n"));
  CHECK(scripting_in(page.html).empty());
}

TEST_CASE("a site with allow_raw_html publishes no script written in its content", "[markdown][sanitise]") {
  TempDir tmp;
  const auto site = portal::test::copy_fixture("every-kind", tmp.path());
  portal::test::replace_in(site / "site.toml", "allow_raw_html = false", "allow_raw_html = true");
  const std::string payload =
      "\n<img src=x onerror=\"fetch('/__portal/edit/').then(pwned)\">\n\n"
      "A <a href=\" jav&#x09;ascript:pwned()\">link</a> and <svg onload=\"pwned()\"></svg>.\n\n"
      "<script>pwned()</script>\n\n<div onclick=\"pwned()\">\n\n*x*\n\n</div>\n";
  for (const char* page : {"content/about.md", "content/bulletins/2024-06.md"})
    portal::test::write_file(site / page, portal::test::read_file(site / page) + payload);
  const auto r =
      portal::test::run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto tree = portal::test::read_tree(tmp.path() / "out");
  CHECK(contains(tree.at("about/index.html"), "<img src=\"x\" />"));  // the page was built, its image kept
  for (const auto& [path, bytes] : tree) {
    INFO(path);
    CHECK_FALSE(contains(bytes, "pwned"));
    CHECK_FALSE(contains(bytes, "onerror"));
    CHECK_FALSE(contains(bytes, "onclick"));
    CHECK_FALSE(contains(text::to_lower_ascii(bytes), "javascript:"));
  }
}

TEST_CASE("words of the printed pack are marked where the text holds them, never inside a tag", "[markdown]") {
  portal::MarkdownOptions options;
  options.printed_only = {"please click here", "Tea/Coffee will be available", "not in the text"};
  const auto out = portal::render_markdown(
      "See [the site](https://example.org/ \"please click here\") (please click here).\n\n"
      "Tea/Coffee will be available.\n",
      options);
  CHECK(contains(out.html, "title=\"please click here\""));  // the attribute is left as it is
  CHECK(contains(out.html,
                 "(<span class=\"printed-only\">please click here<span class=\"visually-hidden\"> (the printed "
                 "pack's words)</span></span>).</p>"));
  CHECK(contains(out.html, "<p><span class=\"printed-only\">Tea/Coffee will be available<span"));
  CHECK(out.printed_missing == std::vector<std::string>{"not in the text"});
}

TEST_CASE("a rendering read back from bytes never takes a heading level Markdown has not", "[markdown]") {
  for (const int level : {0, 7, -5}) {
    INFO(level);
    RenderedMarkdown made = md("## A heading\n\nText.\n");
    REQUIRE(made.headings.size() == 1);
    made.headings[0].level = level;
    portal::wire::Writer w;
    w.rendering(made);
    portal::wire::Reader reader(w.bytes());
    RenderedMarkdown r;
    CHECK_FALSE(reader.rendering(r));
  }
  portal::wire::Writer w;
  w.rendering(md("###### The sixth level\n"));
  portal::wire::Reader reader(w.bytes());
  RenderedMarkdown r;
  REQUIRE(reader.rendering(r));
  CHECK(r.headings.at(0).level == 6);
}

TEST_CASE("a rendering read back from bytes never believes a count its bytes cannot hold", "[markdown]") {
  portal::wire::Writer w;
  w.body(7, md("## A heading\n\nSee [the leads](@/agreements/2020-04.md#leads).\n"));
  {
    portal::wire::Reader reader(w.bytes());
    std::size_t index = 0;
    RenderedMarkdown r;
    REQUIRE(reader.body(index, r, 8));
    CHECK(index == 7);
    CHECK(r.headings.size() == 1);
    CHECK(r.links.size() == 1);
    CHECK(reader.position() == w.bytes().size());
  }
  // An empty text, then a list of headings said to be 1,000 long in 4,096 bytes, which hold at most 102
  // (40 bytes the least a heading takes): refused at once, nothing allocated for it. So a count in a
  // store of a gigabyte never asks for a hundred times that.
  portal::wire::Writer hostile;
  hostile.text("");
  hostile.number(1000);
  hostile.bytes() += std::string(4096, '\0');
  portal::wire::Reader reader(hostile.bytes());
  RenderedMarkdown r;
  CHECK_FALSE(reader.rendering(r));
  CHECK(r.headings.empty());
}
