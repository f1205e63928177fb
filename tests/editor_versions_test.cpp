// The way back in the editor: recent changes, a version's changes, a version
// restored as a new commit, a page withdrawn; never a restriction lifted.
#include <catch2/catch.hpp>

#include <regex>

#include "editor_site.h"
#include "support.h"

using namespace portal;
using namespace portal::test;

namespace {

// The id of the commit a publish made, from its answer.
std::string commit_of(const httplib::Result& r) {
  REQUIRE(r);
  REQUIRE(r->status == 200);
  std::smatch m;
  const std::regex id("\"commit\" *: *\"([0-9a-f]{40})\"");
  REQUIRE(std::regex_search(r->body, m, id));
  return m[1];
}

httplib::Result form_post(EditorSite& e, const std::string& route, const httplib::Params& params) {
  return e.client->Post("/__portal/edit/" + route + "?secret=" + e.secret,
                        {{"Origin", "http://127.0.0.1:" + std::to_string(e.server->port())}}, params);
}

}  // namespace

TEST_CASE("recent changes list what was published, and a version comes back as a new change", "[editor][serve]") {
  EditorSite e(true);
  const std::string path = "content/contact.md";
  const std::string first = read_file(e.site / path) + "\nCall us on 01234 567890.\n";
  const std::string one = commit_of(e.publish(path, {{"mode", "text"}, {"text", first}}, "A telephone number"));
  const std::string second = first + "\nOr write to the team.\n";
  commit_of(e.publish(path, {{"mode", "text"}, {"text", second}}, "A second way to reach us"));

  const auto changes = e.client->Get("/__portal/edit/changes");
  REQUIRE(changes);
  CHECK(changes->status == 200);
  CHECK(contains(changes->body, "A telephone number"));
  CHECK(contains(changes->body, "A second way to reach us"));
  CHECK(contains(changes->body, "Comms Officer"));
  CHECK(contains(changes->body, "/__portal/edit/version?path=content/contact.md&amp;commit=" + one));

  const auto version = e.client->Get("/__portal/edit/version?path=content/contact.md&commit=" + one);
  REQUIRE(version);
  CHECK(version->status == 200);
  CHECK(contains(version->body,
                 "<p class=\"line line-added\"><strong class=\"line-mark\">Added: </strong><span>Call us on "
                 "01234 567890.</span></p>"));
  CHECK(contains(version->body, "Restore this version"));
  CHECK(contains(version->body, "<input type=\"hidden\" name=\"commit\" value=\"" + one + "\">"));

  auto r = form_post(e, "restore", {{"path", path}, {"commit", one}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(contains(r->body, "The document is back as it was"));
  CHECK(read_file(e.site / path) == first);
  CHECK(contains(e.client->Get("/__portal/edit/changes")->body, "Restored to the version of"));

  // Withdrawn: a draft again, by a change that says so.
  r = form_post(e, "withdraw", {{"path", path}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(contains(read_file(e.site / path), "draft = true"));
  CHECK(contains(e.client->Get("/__portal/edit/changes")->body, "Withdrawn from the site: Contact"));

  // Without the editor's key: refused, nothing changed.
  const std::string before = read_file(e.site / path);
  r = e.client->Post("/__portal/edit/restore", {{"Origin", "http://127.0.0.1:" + std::to_string(e.server->port())}},
                     httplib::Params{{"path", path}, {"commit", one}});
  REQUIRE(r);
  CHECK(r->status == 403);
  CHECK(read_file(e.site / path) == before);
}

TEST_CASE("a version that would lift a restriction is not restored", "[editor][serve][attack]") {
  EditorSite e(true);
  const std::string path = "content/about.md";
  const std::string open_text = read_file(e.site / path);
  // Published open; then restricted (a change the editor takes: it withholds more).
  const std::string open_version =
      commit_of(e.publish(path, {{"mode", "text"}, {"text", open_text + "\nMore.\n"}}, "More"));
  std::string restricted = read_file(e.site / path);
  restricted.insert(restricted.find("\n+++", 3), "\nrestricted = true");
  auto r = e.save(path, {{"mode", "text"}, {"text", restricted}});
  REQUIRE(r);
  REQUIRE(r->status == 200);
  REQUIRE(contains(read_file(e.site / path), "restricted = true"));
  r = form_post(e, "restore", {{"path", path}, {"commit", open_version}});
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(contains(r->body, "withheld as restricted"));
  CHECK(contains(read_file(e.site / path), "restricted = true"));
}
