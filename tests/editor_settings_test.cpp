// Site settings in the editor: the contact details of site.toml, changed with
// the checks `portal check` makes, saved or published, never over a change
// made elsewhere; and the edit of a TOML table that keeps the file's layout.
#include <catch2/catch.hpp>

#include "editor_site.h"
#include "front_matter_edit.h"
#include "git_history.h"
#include "support.h"

using namespace portal;
using namespace portal::test;

TEST_CASE("a TOML table's keys are changed, removed and added, the rest of the file as it was", "[editor]") {
  const std::string text =
      "title = \"T\"\n\n[contact]\n# the team's\nemail = \"a@example.org\"  # kept\nphone = \"01234 567890\"\n\n"
      "[history]\nmode = \"full\"\n";
  auto edited = edit_toml_table(text, "contact", {{"phone", "\"03000 410234\""}});
  REQUIRE(edited);
  CHECK(*edited ==
        "title = \"T\"\n\n[contact]\n# the team's\nemail = \"a@example.org\"  # kept\n"
        "phone = \"03000 410234\"\n\n[history]\nmode = \"full\"\n");
  edited = edit_toml_table(text, "contact", {{"email", std::nullopt}});
  REQUIRE(edited);
  CHECK(*edited ==
        "title = \"T\"\n\n[contact]\n# the team's\nphone = \"01234 567890\"\n\n[history]\nmode = \"full\"\n");
  // A key the table lacks goes after its last; a table the file lacks at its end.
  edited = edit_toml_table("[contact]\nemail = \"a@example.org\"\n[history]\nmode = \"full\"", "contact",
                           {{"phone", "\"0123 456789\""}});
  REQUIRE(edited);
  CHECK(*edited == "[contact]\nemail = \"a@example.org\"\nphone = \"0123 456789\"\n[history]\nmode = \"full\"");
  edited = edit_toml_table("title = \"T\"", "contact", {{"phone", "\"0123 456789\""}});
  REQUIRE(edited);
  CHECK(*edited == "title = \"T\"\n\n[contact]\nphone = \"0123 456789\"\n");
  edited = edit_toml_table("[contact]\nphone = \"1\"", "contact", {{"email", "\"a@example.org\""}});
  REQUIRE(edited);
  CHECK(*edited == "[contact]\nphone = \"1\"\nemail = \"a@example.org\"\n");
  // Written some other way, or not TOML: refused, never guessed at.
  CHECK_FALSE(edit_toml_table("contact = { phone = \"1\" }\n", "contact", {{"phone", "\"2\""}}));
  CHECK_FALSE(edit_toml_table("[contact\n", "contact", {{"phone", "\"2\""}}));
}

namespace {

httplib::Result post_settings(EditorSite& e, const std::string& step, const std::string& email,
                              const std::string& phone, const std::string& message = {}, const std::string& base = {}) {
  return e.client->Post("/__portal/edit/settings", e.own,
                        httplib::Params{{"step", step},
                                        {"email", email},
                                        {"phone", phone},
                                        {"message", message},
                                        {"base", base.empty() ? blob_id(read_file(e.site / "site.toml")) : base}});
}

}  // namespace

TEST_CASE("the contact details are changed in the editor, checked, saved and published", "[editor][serve]") {
  EditorSite e(true);
  const std::string before = read_file(e.site / "site.toml");
  auto page = e.client->Get("/__portal/edit/settings");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(contains(page->body, "value=\"01234 567890\""));
  CHECK(contains(page->body, "value=\"team@example.org\""));
  CHECK(contains(page->body, ">Published<"));

  // Wrong values: nothing written, each problem on its field in words, what was typed kept.
  auto r = post_settings(e, "publish", "team at example.org", "call us", "");
  REQUIRE(r);
  CHECK(r->status == 422);
  CHECK(contains(r->body, "href=\"#settings-email\">Enter only the e-mail address"));
  CHECK(contains(r->body, "href=\"#settings-phone\">Enter a telephone number"));
  CHECK(contains(r->body, "href=\"#settings-message\">Write what changed"));
  CHECK(contains(r->body, "value=\"call us\""));
  CHECK(read_file(e.site / "site.toml") == before);

  // Saved: the file changed in that line alone, the state "Changed", the preview's footer the new number.
  r = post_settings(e, "save", "team@example.org", "03000 410234");
  REQUIRE(r);
  CHECK(r->status == 303);
  std::string expected = before;
  expected.replace(expected.find("01234 567890"), 12, "03000 410234");
  CHECK(read_file(e.site / "site.toml") == expected);
  page = e.client->Get("/__portal/edit/settings?done=saved");
  CHECK(contains(page->body, "Changed: saved, not yet published"));
  CHECK(contains(e.client->Get("/about/")->body, "03000 410234"));

  // Changed elsewhere since the page opened: refused, what it now says shown, what was typed kept.
  const std::string opened = blob_id(read_file(e.site / "site.toml"));
  write_file(e.site / "site.toml", read_file(e.site / "site.toml") + "\n# a comment added elsewhere\n");
  r = post_settings(e, "save", "team@example.org", "03000 999999", "", opened);
  REQUIRE(r);
  CHECK(r->status == 422);
  CHECK(contains(r->body, "changed somewhere else"));
  CHECK(contains(r->body, "value=\"03000 999999\""));
  CHECK(contains(read_file(e.site / "site.toml"), "03000 410234"));

  // Published: one commit of site.toml with the line for the public; the state "Published".
  r = post_settings(e, "publish", "team@example.org", "03000 410234", "A new telephone number for the team");
  REQUIRE(r);
  CHECK(r->status == 303);
  page = e.client->Get("/__portal/edit/settings?done=published");
  CHECK(contains(page->body, ">Published<"));
  CHECK(contains(page->body, "role=\"alert\""));
  CHECK(uncommitted_now(e.site, "site.toml") == false);
}

TEST_CASE("the settings refuse a request without the editor's key", "[editor][serve]") {
  EditorSite e(true);
  const std::string before = read_file(e.site / "site.toml");
  const auto r = e.client->Post("/__portal/edit/settings", httplib::Headers{{"Origin", e.own.find("Origin")->second}},
                                httplib::Params{{"step", "save"}, {"phone", "0000 000000"}, {"base", blob_id(before)}});
  REQUIRE(r);
  CHECK(r->status == 403);
  CHECK(read_file(e.site / "site.toml") == before);
}
