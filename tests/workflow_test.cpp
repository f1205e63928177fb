// The comms workflow: scaffolding, the live preview, and the bulletin's copies.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>

#include <httplib.h>

#include "build.h"
#include "serve.h"
#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

// Fetches `path`, and again after each new version of the preview, until
// `predicate` holds on the body: at most 20 versions (one edit may cause more
// than one rebuild). The wait for a version has a bound only so that a
// preview that never rebuilds ends the test instead of hanging it.
std::string fetch_until(httplib::Client& client, portal::PreviewServer& server, const std::string& path,
                        const std::function<bool(const std::string&)>& predicate) {
  std::uint64_t seen =
      server.wait_for_change(0, std::chrono::milliseconds(0));  // before the fetch: no change is missed
  std::string body;
  for (int versions = 0; versions < 20; ++versions) {
    if (auto res = client.Get(path.c_str())) {
      body = res->body;
      if (predicate(body)) return body;
    }
    const std::uint64_t now = server.wait_for_change(seen, std::chrono::minutes(5));
    if (now == seen) break;
    seen = now;
  }
  return body;
}

}  // namespace

TEST_CASE("new bulletin writes a draft that checks clean, and never overwrites it", "[workflow]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const auto first = run({"new", "bulletin", "--date", "2020-07-10", "--source", site.string()});
  REQUIRE(first.status == 0);
  CHECK(first.out == (site / "content/bulletins/2020-07.md").string() + "\n");
  const auto file = site / "content/bulletins/2020-07.md";
  const std::string written = read_file(file);
  CHECK(contains(written, "title = \"E-bulletin: July 2020\"\ndate = 2020-07-10\n"));
  CHECK(contains(written, "draft = true\n"));
  const auto check = run({"check", "--source", site.string()});
  CHECK(check.status == 0);
  CHECK(check.out.empty());
  CHECK(run({"check", "--source", site.string(), "--drafts"}).out.empty());

  write_file(file, written + "\nThe editor's own words.\n");
  const auto second = run({"new", "bulletin", "--date", "2020-07-10", "--source", site.string()});
  CHECK(second.status == 2);
  CHECK(contains(second.err, "content/bulletins/2020-07.md already exists; it was left as it is"));
  CHECK(read_file(file) == written + "\nThe editor's own words.\n");

  // A second bulletin in the month, told apart by its name; a name that is not one, refused.
  const auto named =
      run({"new", "bulletin", "--date", "2020-07-20", "--name", "special-edition", "--source", site.string()});
  REQUIRE(named.status == 0);
  CHECK(contains(read_file(site / "content/bulletins/2020-07-special-edition.md"),
                 "title = \"E-bulletin: July 2020, Special edition\"\ndate = 2020-07-20\n"));
  CHECK(run({"check", "--source", site.string(), "--drafts"}).status == 0);
  const auto odd = run({"new", "bulletin", "--name", "../x", "--source", site.string()});
  CHECK(odd.status == 2);
  CHECK(contains(odd.err, "--name must be the bulletin's name in lower case with hyphens"));
  CHECK(run({"new", "bulletin", "--name", "01", "--source", site.string()}).status == 2);
}

TEST_CASE("new meeting, paper, dhr and page scaffold drafts that check clean", "[workflow]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const std::string source = site.string();
  CHECK(run({"new", "meeting", "--date", "2021-05-05", "--time", "14:30", "--source", source}).status == 0);
  CHECK(contains(read_file(site / "content/meetings/2021-05-05/_index.md"), "date = 2021-05-05T14:30:00\n"));
  CHECK(run({"new", "paper", "--meeting", "2021-05-05", "--name", "b1-update", "--source", source}).status == 0);
  CHECK(
      run({"new", "dhr", "--pseudonym", "Ann", "--year", "2021", "--date", "2022-01-01", "--source", source}).status ==
      0);
  CHECK(contains(read_file(site / "content/dhr/ann-2021.md"),
                 "pseudonym = \"Ann\"\nyear = 2021\npublished = 2022-01-01\n"));
  CHECK(run({"new", "page", "--name", "privacy", "--title", "Privacy notice", "--source", source}).status == 0);
  const auto check = run({"check", "--source", source, "--drafts"});
  INFO(check.out);
  CHECK(check.status == 0);
  CHECK(check.out.empty());
  // Refusals say why.
  CHECK(contains(run({"new", "paper", "--meeting", "2030-01-01", "--name", "x", "--source", source}).err,
                 "there is no meeting 2030-01-01; create it first with: portal new meeting --date 2030-01-01"));
  CHECK(
      contains(run({"new", "paper", "--meeting", "2021-05-05", "--name", "b2", "--item", "B9", "--source", source}).err,
               "item B9 is not on the agenda of 2021-05-05"));
  CHECK(run({"new", "leaflet", "--source", source}).status == 2);
  CHECK(run({"new", "bulletin", "--date", "2020-02-30", "--source", source}).status == 2);
}

TEST_CASE("serve shows an edit once it is rebuilt, and a broken edit's problems while the site stays up",
          "[workflow][serve]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  portal::ServeOptions options;
  options.source = site;
  options.port = 0;
  portal::PreviewServer server(options);
  REQUIRE(failure_text(server.start()) == "");
  httplib::Client client("127.0.0.1", server.port());

  auto page = client.Get("/bulletins/2024-06/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(contains(page->body, "<h1>E-bulletin June 2024</h1>"));
  CHECK(contains(page->body, "<script src=\"/__portal/reload.js\" data-version=\""));  // pages reload themselves
  auto draft = client.Get("/draft-page/");
  REQUIRE(draft);
  CHECK(contains(draft->body, "<strong>DRAFT</strong>"));  // drafts show, marked, in the preview only
  auto secret = client.Get("/secret-page/");
  REQUIRE(secret);
  CHECK(secret->status == 404);

  const auto bulletin = site / "content/bulletins/2024-06.md";
  replace_in(bulletin, "title = \"E-bulletin June 2024\"", "title = \"E-bulletin June 2024 (corrected)\"");
  const auto updated = fetch_until(client, server, "/bulletins/2024-06/", [](const std::string& b) {
    return contains(b, "<h1>E-bulletin June 2024 (corrected)</h1>");
  });
  CHECK(contains(updated, "<h1>E-bulletin June 2024 (corrected)</h1>"));
  CHECK(server.files_parsed() == 1);  // only the edited file was read again

  // A change of text alone: only that page is made again.
  replace_in(bulletin, "An information session is planned.", "An information session is planned for Midsummer.");
  const auto text_edit = fetch_until(client, server, "/bulletins/2024-06/", [](const std::string& b) {
    return contains(b, "An information session is planned for Midsummer.");
  });
  CHECK(contains(text_edit, "<p>An information session is planned for Midsummer.</p>"));
  CHECK(server.text_rebuilds() >= 1);
  // The index follows: a word the bulletin had not used is in the vocabulary meta.json now names.
  auto meta = client.Get("/search/meta.json");
  REQUIRE(meta);
  std::smatch dir, piece;
  REQUIRE(std::regex_search(meta->body, dir, std::regex("\"words\":\\[\\[\"\",\"(words-0-[0-9a-f]{8})\"\\]")));
  auto listed = client.Get("/search/dirs/" + dir[1].str() + ".json");
  REQUIRE(listed);
  REQUIRE(std::regex_search(listed->body, piece, std::regex("\\[\"\",\"([0-9]+-[0-9a-f]{8})\"\\]")));
  auto words = client.Get("/search/words/" + piece[1].str() + ".json");
  REQUIRE(words);
  CHECK(words->status == 200);
  CHECK(contains(words->body, "\"midsummer\""));
  replace_in(bulletin, "planned for Midsummer.",
             "planned for Midsummer, see [the notes](@/meetings/2020-03-18/nowhere.md).");
  const auto bad_link = fetch_until(client, server, "/bulletins/2024-06/",
                                    [](const std::string& b) { return contains(b, "The site was not rebuilt"); });
  CHECK(contains(bad_link, "error[broken-link]"));
  replace_in(bulletin, ", see [the notes](@/meetings/2020-03-18/nowhere.md).", ".");
  const auto repaired = fetch_until(client, server, "/bulletins/2024-06/",
                                    [](const std::string& b) { return !contains(b, "The site was not rebuilt"); });
  CHECK_FALSE(contains(repaired, "The site was not rebuilt"));

  replace_in(bulletin, "priorities = [\"domestic-abuse\"]", "priorities = [\"domestic-abus\"]");
  const auto broken = fetch_until(client, server, "/bulletins/2024-06/",
                                  [](const std::string& b) { return contains(b, "The site was not rebuilt"); });
  CHECK(contains(broken, "error[unknown-priority]: &quot;domestic-abus&quot;"));
  CHECK(contains(broken, "<h1>E-bulletin June 2024 (corrected)</h1>"));  // the last good page, still served
  auto about = client.Get("/about/");
  REQUIRE(about);
  CHECK(about->status == 200);

  replace_in(bulletin, "priorities = [\"domestic-abus\"]", "priorities = [\"domestic-abuse\"]");
  const auto fixed = fetch_until(client, server, "/bulletins/2024-06/",
                                 [](const std::string& b) { return !contains(b, "The site was not rebuilt"); });
  CHECK_FALSE(contains(fixed, "The site was not rebuilt"));
  server.stop();
}

TEST_CASE("a bulletin's e-mail copy is one self-contained file with absolute links, and so is its text copy",
          "[workflow]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  write_file(site / "content/bulletins/2024-06.md",
             "+++\ntitle = \"E-bulletin June 2024\"\ndate = 2024-06-14\nsummary = \"News for partners.\"\n+++\n\n"
             "## News\n\nRead [the April 2020 agreement](@/agreements/2020-04.md#leads) or "
             "[the pack](@/meetings/2020-03-18/agenda-pack.pdf).\n\n- one\n- two\n\n"
             "![The team](https://example.org/team.jpg)\n");
  REQUIRE(run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"}).status == 0);
  const auto email = read_file(tmp.path() / "out/bulletins/2024-06/email.html");
  CHECK_FALSE(contains(email, "<script"));
  CHECK_FALSE(contains(email, "<link"));
  CHECK_FALSE(contains(email, "<style"));
  CHECK(contains(email,
                 "<a style=\"color:#1d70b8;text-decoration:underline;overflow-wrap:anywhere;word-break:break-word\" "
                 "href=\"https://example.org/fixture/agreements/2020-04/#leads\">the April 2020 agreement</a>"));
  CHECK(contains(email, "href=\"https://example.org/fixture/meetings/2020-03-18/agenda-pack.pdf\""));
  CHECK(contains(email, "<h2 style=\""));
  // A picture fills the 560 px between the margins; Outlook for Windows reads its width attribute alone.
  CHECK(contains(email,
                 "<img style=\"display:block;width:100%;max-width:560px;height:auto;border:0\" width=\"560\" "
                 "src=\"https://example.org/team.jpg\""));
  CHECK(contains(email,
                 "<a href=\"https://example.org/fixture/bulletins/2024-06/\" style=\"color:#1d70b8\">Read this "
                 "bulletin on the Fixture Portal</a>"));
  // Every link is absolute: the copy is read away from the site.
  static const std::regex href(R"re(href="([^"]*)")re");
  for (std::sregex_iterator it(email.begin(), email.end(), href), end; it != end; ++it) {
    const std::string link = (*it)[1];
    INFO(link);
    CHECK((link.starts_with("https://") || link.starts_with("mailto:")));
  }
  // Outlook for Windows ignores max-width: a table of fixed width only it reads holds the copy to 600 px.
  CHECK(contains(email, "<!--[if mso]><table role=\"presentation\" width=\"600\""));
  CHECK(contains(email, "max-width:600px"));
  CHECK_FALSE(contains(email, "640"));
  CHECK(contains(email, "<meta name=\"color-scheme\" content=\"light\">"));
  const auto text = read_file(tmp.path() / "out/bulletins/2024-06/bulletin.txt");
  CHECK(text.starts_with("E-bulletin June 2024\n====================\n\n14 June 2024\n\nNews for partners.\n\n"));
  CHECK(contains(
      text, "Read the April 2020 agreement\n(https://example.org/fixture/agreements/2020-04/#leads) or the pack\n"));
  CHECK(contains(text, "Read this bulletin online: https://example.org/fixture/bulletins/2024-06/\n"));

  // Regression: the summary was one line of 116 characters while every other line wrapped at 72.
  replace_in(site / "content/bulletins/2024-06.md", "summary = \"News for partners.\"",
             "summary = \"The Kent Community Safety Team's monthly e-bulletin of community safety updates, news, "
             "publications and legislation.\"");
  REQUIRE(run({"build", "--source", site.string(), "--output", (tmp.path() / "out").string(), "--quiet"}).status == 0);
  const auto wrapped = read_file(tmp.path() / "out/bulletins/2024-06/bulletin.txt");
  CHECK(contains(wrapped,
                 "The Kent Community Safety Team's monthly e-bulletin of community safety\nupdates, news, "
                 "publications and legislation.\n"));
  std::size_t longest = 0;
  for (std::size_t start = 0; start < wrapped.size();) {
    const auto end = wrapped.find('\n', start);
    const std::string line = wrapped.substr(start, end - start);
    // Addresses are not broken: a line longer than 72 characters is one address alone.
    if (line.find(' ') != std::string::npos && !contains(line, "https://")) longest = std::max(longest, line.size());
    start = end + 1;
  }
  CHECK(longest <= 72);
}

TEST_CASE("a build reports its phases and counts to whoever asks, and the command line stays quiet off a terminal",
          "[workflow]") {
  TempDir tmp;
  portal::BuildOptions options;
  options.source = fixture("every-kind");
  options.output = tmp.path() / "out";
  std::vector<std::string> phases;
  std::size_t most = 0;
  options.progress = [&](const std::string& phase, std::size_t done, std::size_t) {
    if (phases.empty() || phases.back() != phase) phases.push_back(phase);
    most = std::max(most, done);
  };
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  CHECK(phases == std::vector<std::string>{"Reading content", "Checking", "Reading history", "Rendering pages",
                                           "Indexing for search", "Writing files"});
  CHECK(most > 0);
  const auto quiet =
      run({"build", "--source", fixture("every-kind").string(), "--output", (tmp.path() / "again").string()});
  CHECK(quiet.status == 0);
  CHECK(quiet.err == kFixtureAddressWarning);  // not a terminal: no progress line
}
