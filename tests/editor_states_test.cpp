// The states the editor shows a person: a published page whose change is
// saved but not published reads "Changed" on its page and on the start page,
// until it is published.
#include <catch2/catch.hpp>

#include <regex>

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

namespace {

// The editor's check of a form: its JSON answer.
std::string check_form(EditorSite& e, const std::string& path, httplib::Params fields) {
  fields.emplace("path", path);
  fields.emplace("base", blob_id(read_file(e.site / path)));
  fields.emplace("mode", "form");
  const auto r = e.client->Post("/__portal/edit/check", e.own, fields);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return r->body;
}

// Whether the answer has a diagnostic on `field` that says `message`.
bool says_on(const std::string& answer, const std::string& field, const std::string& message) {
  const std::regex one("\\{[^{}]*\"field\" *: *\"" + field + "\"[^{}]*\\}");
  for (std::sregex_iterator it(answer.begin(), answer.end(), one), end; it != end; ++it)
    if (contains(it->str(), "\"message\":\"" + message + "\"") ||
        contains(it->str(), "\"message\" : \"" + message + "\""))
      return true;
  return false;
}

}  // namespace

TEST_CASE("the editor puts a field's problem in plain words on that field", "[editor][serve]") {
  EditorSite e;
  // An emptied title and date: each on its own field, in words, never in the file's syntax.
  std::string answer = check_form(e, "content/bulletins/2024-06.md", {{"f.title", ""}, {"f.date", ""}});
  CHECK(says_on(answer, "title", "Enter a title"));
  CHECK(says_on(answer, "date", "Enter the date"));
  CHECK_FALSE(contains(answer, "front matter"));
  CHECK_FALSE(contains(answer, "date = 20"));

  // An event's end with no time when its start has one: on the end's field.
  answer = check_form(e, "content/events/webinar.md",
                      {{"f.title", "Webinar"}, {"f.start", "2024-09-10T14:00"}, {"f.end", "2024-09-11"}});
  CHECK(says_on(answer, "end", "Give the end a time if the start has one, and none if the start has none"));
  CHECK_FALSE(contains(answer, "end = 20"));

  // A year typed wrong: a warning on the date's field.
  answer =
      check_form(e, "content/bulletins/2024-06.md", {{"f.title", "E-bulletin June 2024"}, {"f.date", "2062-06-14"}});
  CHECK(says_on(answer, "date", "14 June 2062 is more than a year from today"));
  answer =
      check_form(e, "content/bulletins/2024-06.md", {{"f.title", "E-bulletin June 2024"}, {"f.date", "1924-06-14"}});
  CHECK(says_on(answer, "date", "14 June 1924 is before 2000"));

  // The text's checks in words about what a person sees, not about its Markdown.
  answer =
      check_form(e, "content/bulletins/2024-06.md",
                 {{"f.title", "E-bulletin June 2024"},
                  {"body", "![](https://example.org/team.jpg)\n\n# Big news\n\nSee [here](https://example.org/).\n"}});
  CHECK(says_on(answer, "body", "A picture has no description for people who cannot see it"));
  CHECK(says_on(answer, "body", "A heading in the text starts with one #, as only the page's title may"));
  CHECK(says_on(answer, "body", "The words of a link do not say where it leads"));
  CHECK_FALSE(contains(answer, "alt text"));
}

TEST_CASE("the link dialog finds pages by their words, and a pasted address of the site becomes its @/ link",
          "[editor][serve]") {
  EditorSite e;
  auto r = e.client->Get("/__portal/edit/pages?q=agreement%20update%20PAPER");
  REQUIRE(r);
  CHECK(contains(r->body, "\"link\" : \"@/meetings/2020-03-18/b1-csa-update.md\""));
  CHECK(contains(r->body, "\"kind\" : \"Meeting paper\""));
  CHECK_FALSE(contains(r->body, "@/about.md"));
  const std::string port = std::to_string(e.server->port());
  const std::vector<std::pair<std::string, std::string>> addresses = {
      {"http://127.0.0.1:" + port + "/events/webinar/", "@/events/webinar.md"},
      {"https%3A%2F%2Fexample.org%2Ffixture%2Fabout%2F%23governance", "@/about.md#governance"},
      {"/fixture/contact/", "@/contact.md"},
      {"/events/no-such-event/", ""},
      {"https://elsewhere.example/fixture/about/", ""},
      {"/fixture/secret-page/", ""}};  // restricted: no page, and no hint of one
  for (const auto& [address, link] : addresses) {
    INFO(address);
    r = e.client->Get("/__portal/edit/pages?address=" + address);
    REQUIRE(r);
    CHECK(r->status == 200);
    if (link.empty())
      CHECK_FALSE(contains(r->body, "\"link\""));
    else
      CHECK(contains(r->body, "\"link\" : \"" + link + "\""));
  }
}

namespace {

// A form saved against the version it opened with: its fields, what they held then, and any choices.
httplib::Result save_form(EditorSite& e, const std::string& path, const std::string& base,
                          const std::map<std::string, std::pair<std::string, std::string>>& fields,
                          const httplib::Params& choices = {}) {
  httplib::Params p = choices;
  p.emplace("path", path);
  p.emplace("base", base);
  p.emplace("mode", "form");
  for (const auto& [name, values] : fields) {
    p.emplace(name, values.first);
    p.emplace("was." + name, values.second);
  }
  return e.client->Post("/__portal/edit/save", e.own, p);
}

}  // namespace

TEST_CASE("a form saved after its file changed elsewhere merges other fields, and shows a field both changed",
          "[editor][serve]") {
  EditorSite e;
  const std::string path = "content/bulletins/2024-06.md";
  const std::string opened = read_file(e.site / path);
  const std::string base = blob_id(opened);
  const std::string body = opened.substr(opened.find("\n+++\n") + 5);
  // Elsewhere: a paragraph added to the text.
  write_file(e.site / path, opened + "\nAdded elsewhere.\n");
  // Here: the title changed, the text left alone. Merged without asking.
  auto r =
      save_form(e, path, base,
                {{"f.title", {"E-bulletin June 2024: new title", "E-bulletin June 2024"}}, {"body", {body, body}}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(contains(r->body, "\"merged\" : true"));
  std::string now = read_file(e.site / path);
  CHECK(contains(now, "title = \"E-bulletin June 2024: new title\""));
  CHECK(contains(now, "Added elsewhere."));

  // The title changed both here and elsewhere: nothing written, both values shown.
  const std::string second = read_file(e.site / path);
  std::string theirs = second;
  theirs.replace(theirs.find("new title"), 9, "their title");
  write_file(e.site / path, theirs);
  const std::string body2 = second.substr(second.find("\n+++\n") + 5);
  const std::map<std::string, std::pair<std::string, std::string>> mine = {
      {"f.title", {"E-bulletin June 2024: my title", "E-bulletin June 2024: new title"}}, {"body", {body2, body2}}};
  r = save_form(e, path, blob_id(second), mine);
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(contains(r->body, "\"key\" : \"title\""));
  CHECK(contains(r->body, "\"label\" : \"Title\""));
  CHECK(contains(r->body, "\"mine\" : \"E-bulletin June 2024: my title\""));
  CHECK(contains(r->body, "\"theirs\" : \"E-bulletin June 2024: their title\""));
  CHECK(read_file(e.site / path) == theirs);
  // The person's choice settles it.
  r = save_form(e, path, blob_id(second), mine, {{"keep.title", "theirs"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(read_file(e.site / path) == theirs);
  r = save_form(e, path, blob_id(second), mine, {{"keep.title", "mine"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(contains(read_file(e.site / path), "title = \"E-bulletin June 2024: my title\""));
}

TEST_CASE("a time typed wrong never stops a page opening, and a new document refuses a year of two numbers",
          "[editor][serve]") {
  EditorSite e;
  const std::string path = "content/events/webinar.md";
  auto r = e.save(path, {{"mode", "form"}, {"f.title", "Webinar"}, {"f.start", "2024-09-10Tab:00"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  auto page = e.client->Get("/__portal/edit/doc/" + path);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(contains(page->body, "2024-09-10Tab:00"));  // shown as written, for the checker's error beside it
  // A year before 1000 keeps its 4 numbers in the form, so that a save sends it back as it was.
  r = e.save(path, {{"mode", "form"}, {"f.title", "Webinar"}, {"f.start", "0999-09-10T14:00"}});
  REQUIRE(r);
  page = e.client->Get("/__portal/edit/doc/" + path);
  REQUIRE(page);
  CHECK(contains(page->body, "value=\"0999\""));

  const auto made = [&](httplib::Params p) {
    return e.client->Post(("/__portal/edit/new?secret=" + e.secret).c_str(), e.own, p);
  };
  r = made({{"kind", "bulletin"}, {"date-day", "1"}, {"date-month", "3"}, {"date-year", "24"}});
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(contains(r->body, "the year in 4 numbers"));
  CHECK_FALSE(std::filesystem::exists(e.site / "content/bulletins/0024-03.md"));
  r = made({{"kind", "meeting"}, {"date-day", "18"}, {"date-month", "3"}, {"date-year", "2020"}});
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(contains(r->body, "There is already a meeting on that date"));
}
