// The ids the theme declares in its sections.toml are the ids its pages carry:
// every id on a document's page is the theme's, or one of its text's headings
// and paragraphs, and every section the site says a page shows is on it.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "diagnostics.h"
#include "pages.h"
#include "support.h"
#include "theme.h"

using namespace portal::test;

namespace {

std::set<std::string> ids_in(const std::string& html) {
  std::set<std::string> ids;
  static const std::regex id(R"( id="([^"]+)\")");
  for (std::sregex_iterator it(html.begin(), html.end(), id), end; it != end; ++it) ids.insert((*it)[1]);
  return ids;
}

}  // namespace

TEST_CASE("every id on a document's page is declared by the theme or made from its text", "[theme]") {
  const portal::Site site = load_fixture("every-kind", portal::Date{2026, 12, 1, std::nullopt});
  const auto theme = portal::load_theme(fixture("every-kind"), site.config.theme);
  REQUIRE(theme);
  std::size_t pages = 0, sections = 0;
  for (std::size_t i = 0; i < site.size(); ++i) {
    const portal::Document& d = site.document(i);
    if (!site.published(i)) continue;
    const auto page = portal::render_page(site, portal::History{}, *theme, d.url);
    REQUIRE(page);
    INFO(d.path);
    const std::set<std::string> on_page = ids_in(page->content);
    std::set<std::string> allowed;
    for (const auto& id : site.page_ids(d)) allowed.insert(id);
    for (const auto& h : site.body(i).headings) allowed.insert(h.id);
    for (const auto& id : site.body(i).paragraph_ids) allowed.insert(id);
    for (const auto& id : on_page) {
      INFO(id);
      CHECK(allowed.count(id) == 1);
    }
    for (const auto& anchor : site.theme_anchors(d)) {
      INFO(anchor);
      CHECK(on_page.count(anchor) == 1);
      CHECK(on_page.count(anchor + "-heading") == (anchor == "content" ? 0 : 1));
      ++sections;
    }
    ++pages;
  }
  CHECK(pages > 10);
  CHECK(sections > 10);
}

TEST_CASE("a theme without a readable sections.toml is named in a config error", "[theme]") {
  TempDir dir;
  const auto root = copy_fixture("every-kind", dir.path());
  const auto theme = root / "themes" / "mine";
  std::filesystem::create_directories(theme);
  std::filesystem::copy(repo_root() / "themes" / "default" / "templates", theme / "templates");
  replace_in(root / "site.toml", "theme = \"default\"", "theme = \"mine\"");
  portal::LoadOptions options;
  options.today = portal::Date{2026, 12, 1, std::nullopt};
  {
    portal::Diagnostics diags;
    const auto loaded = portal::load_site(root, options, 1, diags);
    CHECK(loaded.failure == portal::LoadFailure::config);
    REQUIRE(diags.items().size() == 1);
    CHECK(diags.items()[0].file == "themes/mine/sections.toml");
    CHECK(contains(diags.items()[0].message, "no sections.toml"));
  }
  write_file(theme / "sections.toml", "[sections]\nleads = 3\n");
  {
    portal::Diagnostics diags;
    const auto loaded = portal::load_site(root, options, 1, diags);
    CHECK(loaded.failure == portal::LoadFailure::config);
    REQUIRE(diags.items().size() == 1);
    CHECK(diags.items()[0].file == "themes/mine/sections.toml");
    CHECK(diags.items()[0].pos.line == 2);
  }
  // A theme's own ids: a link may point at its section by the id it gives.
  write_file(theme / "sections.toml", "[sections]\nleads = \"who-leads\"\n[page]\nids = []\n");
  portal::Diagnostics diags;
  const auto loaded = portal::load_site(root, options, 1, diags);
  REQUIRE(loaded.site);
  const auto& agreement = loaded.site->document(loaded.site->by_path.at("content/agreements/2020-04.md"));
  CHECK(loaded.site->theme_anchors(agreement) == std::vector<std::string>{"who-leads"});
}

TEST_CASE("a theme that does not exist is a config error", "[theme]") {
  TempDir dir;
  const auto root = copy_fixture("every-kind", dir.path());
  replace_in(root / "site.toml", "theme = \"default\"", "theme = \"nowhere\"");
  portal::LoadOptions options;
  portal::Diagnostics diags;
  const auto loaded = portal::load_site(root, options, 1, diags);
  CHECK(loaded.failure == portal::LoadFailure::config);
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].file == "site.toml");
  CHECK(contains(diags.items()[0].message, "no theme \"nowhere\""));
}
