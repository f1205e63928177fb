// Templates rendered in batches give exactly what rendering each alone gives.
#include <catch2/catch.hpp>

#include "theme.h"

namespace {

portal::Theme small_theme() {
  portal::Theme theme;
  theme.templates["header"] = "<header>\n  {{#menu}}\n  <a href=\"{{url}}\">{{label}}</a>\n  {{/menu}}\n</header>\n";
  theme.templates["page"] =
      "{{> header}}\n<main>\n{{#has_body}}\n{{{body}}}\n{{/has_body}}\n{{^has_body}}\n<p>No text.</p>\n"
      "{{/has_body}}\n  {{> header}}\n<p>{{title}} &amp; {{missing}}</p>\n</main>\n";
  theme.partials_of["page"] = {{"header", theme.templates["header"]}};
  return theme;
}

mstch::map page(const std::string& title, const std::string& body) {
  mstch::array menu{mstch::map{{"url", std::string("../a/")}, {"label", std::string("A & B")}},
                    mstch::map{{"url", std::string("../b/")}, {"label", title}}};
  return mstch::map{{"title", title}, {"body", body}, {"has_body", !body.empty()}, {"menu", menu}};
}

}  // namespace

TEST_CASE("a batch of pages renders as each page alone", "[theme]") {
  const auto theme = small_theme();
  const mstch::array contexts{page("One <b>", "<p>Text</p>\n"), page("Two", ""),
                              page("Three \x1f"
                                   "1-2-3-4-\x1f",
                                   "<p>{{not a tag}}</p>"),
                              mstch::map{{"title", std::string("Bare")}}};
  const auto batch = theme.render_each("page", contexts.size(), [&](std::size_t i) { return contexts[i]; });
  REQUIRE(batch.size() == contexts.size());
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    INFO("page " << i);
    CHECK(batch[i] == theme.render("page", contexts[i]));
  }
  CHECK(batch[0].starts_with("<header>\n  <a href=\"../a/\">A &amp; B</a>\n"));
  CHECK(batch[1].find("<p>No text.</p>") != std::string::npos);
  CHECK(theme.render_each("page", 0, [&](std::size_t i) { return contexts[i]; }).empty());
}
