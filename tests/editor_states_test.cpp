// The states the editor shows a person: a published page whose change is
// saved but not published reads "Changed" on its page and on the start page,
// until it is published.
#include <catch2/catch.hpp>

#include "editor_site.h"
#include "support.h"

using namespace portal;
using namespace portal::test;

namespace {

// The start page's list of what is not yet published.
std::string not_yet_published(EditorSite& e) {
  const auto start = e.client->Get("/__portal/edit/");
  REQUIRE(start);
  const auto from = start->body.find("<h2>Not yet published</h2>");
  REQUIRE(from != std::string::npos);
  return start->body.substr(from, start->body.find("<h2 class=\"new-heading\">") - from);
}

}  // namespace

TEST_CASE("a saved change to a published page reads Changed until it is published", "[editor][serve]") {
  EditorSite e(true);
  const std::string path = "content/contact.md";
  const std::string address = "/__portal/edit/doc/content/contact.md";
  CHECK(contains(e.client->Get(address)->body, ">Published<"));
  CHECK_FALSE(contains(not_yet_published(e), address));
  CHECK(contains(not_yet_published(e), "/__portal/edit/doc/content/draft-page.md"));

  const std::string changed = read_file(e.site / path) + "\nCall us on 01234 567890.\n";
  auto r = e.save(path, {{"mode", "text"}, {"text", changed}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(contains(r->body, "Changed: saved, not yet published"));
  CHECK(contains(e.client->Get(address)->body, "Changed: saved, not yet published"));
  const std::string listed = not_yet_published(e);
  CHECK(contains(listed, address));
  CHECK(contains(listed, "state-changed"));

  r = e.publish(path, {{"mode", "text"}, {"text", changed}}, "A telephone number to call");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(contains(r->body, "\"Published\""));
  CHECK(contains(e.client->Get(address)->body, ">Published<"));
  CHECK_FALSE(contains(not_yet_published(e), address));
}
