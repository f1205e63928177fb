// Site settings in the editor: the contact details of site.toml, changed with
// the checks `portal check` makes, saved or published, never over a change
// made elsewhere; and the edit of a TOML table that keeps the file's layout.
#include <catch2/catch.hpp>

#include <regex>

#include "config.h"
#include "editor_site.h"
#include "front_matter_edit.h"
#include "git_history.h"
#include "support.h"
#include "urls.h"

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
  // Dotted keys: a value changed in place; a key added refused, as there is no table to add it to.
  edited = edit_toml_table("contact.email = \"a@example.org\"\n", "contact", {{"email", "\"b@example.org\""}});
  REQUIRE(edited);
  CHECK(*edited == "contact.email = \"b@example.org\"\n");
  CHECK_FALSE(edit_toml_table("contact.email = \"a@example.org\"\n", "contact", {{"phone", "\"0123 456789\""}}));
}

TEST_CASE("a telephone number that is not one is a warning of site.toml, and the number still shows",
          "[editor][config]") {
  Diagnostics diags;
  const auto config = parse_config(
      "title = \"T\"\npartnership = \"P\"\nbase_url = \"https://example.org/\"\n[contact]\nphone = \"999\"\n",
      "site.toml", diags);
  REQUIRE(config);
  CHECK(config->contact_phone == "999");
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items().front().severity == Severity::warning);
  CHECK(contains(diags.items().front().message, "`phone` is not a telephone number"));
  CHECK_FALSE(phone_problem("01234 567890", "phone"));
  CHECK_FALSE(phone_problem("+44 (0)3000 410234", "phone"));
  CHECK(phone_problem("<b>0800 123456</b>", "phone"));
  CHECK(email_problem(std::string(250, 'a') + "@example.org", "email"));
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
  const std::string saved = read_file(e.site / "site.toml");
  const std::string opened = blob_id(saved);
  write_file(e.site / "site.toml", saved + "\n# a comment added elsewhere\n");
  r = post_settings(e, "save", "team@example.org", "03000 999999", "", opened);
  REQUIRE(r);
  CHECK(r->status == 422);
  CHECK(contains(r->body, "changed somewhere else"));
  CHECK(contains(r->body, "value=\"03000 999999\""));
  CHECK(contains(read_file(e.site / "site.toml"), "03000 410234"));
  write_file(e.site / "site.toml", saved);  // the comment taken out again elsewhere

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

TEST_CASE("the settings keep site.toml's line endings, and never publish its other changes", "[editor][serve]") {
  EditorSite e(true);
  // Written on Windows, with a byte-order mark: kept so.
  std::string crlf = "\xEF\xBB\xBF";
  for (const char c : read_file(e.site / "site.toml")) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  write_file(e.site / "site.toml", crlf);
  e.repo->commit_all("Line endings of Windows", at_noon(2024, 2, 1));
  auto r = post_settings(e, "publish", "team@example.org", "03000 410234", "A new telephone number");
  REQUIRE(r);
  CHECK(r->status == 303);
  std::string expected = crlf;
  expected.replace(expected.find("01234 567890"), 12, "03000 410234");
  CHECK(read_file(e.site / "site.toml") == expected);

  // Its line endings changed and not published: not published under the contact details' line either.
  std::string unix_endings;
  for (const char c : expected.substr(3))
    if (c != '\r') unix_endings += c;
  write_file(e.site / "site.toml", unix_endings);
  r = post_settings(e, "publish", "team@example.org", "03000 999999", "Another number");
  REQUIRE(r);
  CHECK(r->status == 422);
  CHECK(read_file(e.site / "site.toml") == unix_endings);
  write_file(e.site / "site.toml", expected);

  // Another line of site.toml changed and not published: the contact details are not published with it.
  const std::string renamed = std::regex_replace(expected, std::regex("Fixture Portal"), "Half-finished rename");
  write_file(e.site / "site.toml", renamed);
  r = post_settings(e, "publish", "team@example.org", "03000 999999", "Another number");
  REQUIRE(r);
  CHECK(r->status == 422);
  CHECK(contains(r->body, "other changes that are saved but not published"));
  CHECK(read_file(e.site / "site.toml") == renamed);
  // Saving them alone is still the person's to do.
  r = post_settings(e, "save", "team@example.org", "03000 999999");
  REQUIRE(r);
  CHECK(r->status == 303);
  CHECK(contains(read_file(e.site / "site.toml"), "Half-finished rename"));
  CHECK(contains(read_file(e.site / "site.toml"), "03000 999999"));
}

TEST_CASE("the settings show a number in the file that the checks refuse, to be put right", "[editor][serve]") {
  EditorSite e(true);
  replace_in(e.site / "site.toml", "phone = \"01234 567890\"", "phone = \"01234 567890 ext. 12\"");
  const auto page = e.client->Get("/__portal/edit/settings");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(contains(page->body, "value=\"01234 567890 ext. 12\""));
  CHECK(contains(page->body, "Enter a telephone number"));
  const auto r = post_settings(e, "save", "team@example.org", "01234 567890");
  REQUIRE(r);
  CHECK(r->status == 303);
  // A number written as a number, not text: shown as the file writes it, with its problem, never dropped unseen.
  replace_in(e.site / "site.toml", "phone = \"01234 567890\"", "phone = 123");
  const auto again = e.client->Get("/__portal/edit/settings");
  REQUIRE(again);
  CHECK(contains(again->body, "value=\"123\""));
  CHECK(contains(again->body, "Enter a telephone number"));
}
