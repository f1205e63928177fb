// Links by picking: the editor's link dialog asks for the documents whose
// title, kind, date or file hold what was typed, and gets each with the `@/`
// form to write; an address pasted into the text (this site's, from its root,
// or the preview's own) is turned into that checked form.
#include <algorithm>

#include <httplib.h>

#include "checks.h"
#include "editor.h"
#include "editor_requests.h"
#include "editor_words.h"
#include "text.h"

namespace portal {

namespace {

constexpr std::size_t kFoundPages = 20;

// The words of `query`, lower-cased.
std::vector<std::string> words_of(const std::string& query) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text::to_lower_ascii(query) + " ") {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  return words;
}

toml::table page_json(const Site& site, std::size_t i, const History* history) {
  const Document& d = site.document(i);
  toml::table t;
  t.insert("title", d.title.value.empty() ? d.path : d.title.value);
  t.insert("kind", singular_kind(d.kind));
  t.insert("date", d.date ? d.date->long_form() : "");
  t.insert("link", "@/" + d.path.substr(8));
  t.insert("state", state_of(site, d, history));
  return t;
}

}  // namespace

void Editor::find_pages(const httplib::Request& req, httplib::Response& res) {
  toml::table out;
  const std::string address = param(req, "address");
  const auto words = words_of(param(req, "q"));
  host_.with_site([&](Site* site, const Theme*, const History* history) {
    if (!site) return;
    if (!address.empty()) {
      if (const auto link = content_link_for(*site, address)) out.insert("link", *link);
      return;
    }
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < site->size(); ++i) {
      const Document& d = site->document(i);
      const std::string haystack = text::to_lower_ascii(d.title.value + " " + singular_kind(d.kind) + " " +
                                                        (d.date ? d.date->long_form() : "") + " " + d.path);
      if (std::all_of(words.begin(), words.end(), [&](const auto& w) { return haystack.find(w) != std::string::npos; }))
        found.push_back(i);
    }
    // Newest first: a paper of the last meeting before one of 2016.
    std::stable_sort(found.begin(), found.end(), [&](std::size_t a, std::size_t b) {
      return site->document(a).date.value_or(Date{}) > site->document(b).date.value_or(Date{});
    });
    toml::array pages;
    for (std::size_t k = 0; k < found.size() && k < kFoundPages; ++k)
      pages.push_back(page_json(*site, found[k], history));
    out.insert("pages", std::move(pages));
    out.insert("found", static_cast<std::int64_t>(found.size()));
  });
  reply_json(res, 200, out);
}

}  // namespace portal
