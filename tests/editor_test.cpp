// The editor's handling of a file's text (a form's values written back with
// the file's comments, order and layout kept), its paths, and what the
// editor in a running preview refuses.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include <httplib.h>

#include "editor_site.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "scaffold.h"
#include "serve.h"
#include "support.h"

using namespace portal;
using namespace portal::test;
namespace fs = std::filesystem;

namespace {

const char* kBulletin =
    "+++\n"
    "# The July bulletin: written by the comms team\n"
    "title = 'E-bulletin: July 2024'   # as printed\n"
    "date = 2024-07-12\n"
    "priorities = [\n"
    "  \"domestic-abuse\",\n"
    "]\n"
    "summary = \"\"\n"
    "draft = true\n"
    "+++\n"
    "The text.\n";

std::string edited(const FormValues& values, const std::optional<std::string>& body = std::nullopt) {
  const auto out = edit_front_matter(kBulletin, form_edits(Kind::bulletin, kBulletin, values), body);
  REQUIRE(out);
  return *out;
}

}  // namespace

TEST_CASE("the editor's forms are made from the fields the loader reads", "[editor]") {
  const auto fields = fields_of(Kind::event);
  auto has = [&](const std::string& key, FieldType type) {
    return std::any_of(fields.begin(), fields.end(),
                       [&](const FieldSpec& f) { return f.key == key && f.type == type; });
  };
  CHECK(has("title", FieldType::string));
  CHECK(has("start", FieldType::date_time));
  CHECK(has("end", FieldType::date_time));
  CHECK(has("location", FieldType::string));
  CHECK(has("priorities", FieldType::strings));
  CHECK(has("draft", FieldType::boolean));
  CHECK(has("summary_pdf", FieldType::url) == false);
  const auto dhr = fields_of(Kind::dhr);
  CHECK(std::any_of(dhr.begin(), dhr.end(),
                    [](const FieldSpec& f) { return f.key == "summary_pdf" && f.type == FieldType::url; }));
  CHECK(has("online", FieldType::boolean));
  // Lists of tables cannot be a form: agreements and agendas open as text.
  CHECK_FALSE(form_accepts(Kind::agreement, "+++\ntitle = \"x\"\n+++\n").ok());
  CHECK_FALSE(form_accepts(Kind::meeting, "+++\ntitle = \"x\"\n+++\n").ok());
  CHECK_FALSE(form_accepts(Kind::page, "+++\ntitle = \"x\"\n[extra]\na = 1\n+++\n").ok());
  CHECK_FALSE(form_accepts(Kind::page, "+++\ntitle = \"x\n+++\n").ok());
  CHECK(form_accepts(Kind::bulletin, kBulletin));
}

TEST_CASE("a form's values are read from the file as it is", "[editor]") {
  const FormValues v = form_values(Kind::bulletin, kBulletin);
  CHECK(v.at("title") == "E-bulletin: July 2024");
  CHECK(v.at("date") == "2024-07-12");
  CHECK(v.at("priorities") == "domestic-abuse");
  CHECK(v.at("draft") == "true");
  CHECK(v.count("source") == 0);
}

TEST_CASE("saving a form changes only what was changed", "[editor]") {
  SECTION("values unchanged: the file is unchanged, byte for byte") {
    CHECK(edited(form_values(Kind::bulletin, kBulletin)) == kBulletin);
  }
  SECTION("a changed title keeps its comment, the other lines stay") {
    FormValues v = form_values(Kind::bulletin, kBulletin);
    v["title"] = "E-bulletin: \"July\" 2024 – safer summer";
    const std::string out = edited(v);
    CHECK(contains(out, "title = \"E-bulletin: \\\"July\\\" 2024 – safer summer\"   # as printed\n"));
    CHECK(contains(out, "# The July bulletin: written by the comms team\n"));
    CHECK(contains(out, "priorities = [\n  \"domestic-abuse\",\n]\n"));
    CHECK(out.substr(out.find("date =")) == std::string(kBulletin).substr(std::string(kBulletin).find("date =")));
  }
  SECTION("a list over several lines is rewritten on one, the rest as it was") {
    FormValues v = form_values(Kind::bulletin, kBulletin);
    v["priorities"] = "domestic-abuse\nroad-safety";
    const std::string out = edited(v);
    CHECK(contains(out, "date = 2024-07-12\npriorities = [\"domestic-abuse\", \"road-safety\"]\nsummary = \"\"\n"));
  }
  SECTION("a new field goes at the end of the front matter; the body is replaced") {
    FormValues v = form_values(Kind::bulletin, kBulletin);
    v["source"] = "Kent CSP e-bulletin, July 2024";
    const std::string out = edited(v, std::string("New text.\n"));
    CHECK(contains(out, "draft = true\nsource = \"Kent CSP e-bulletin, July 2024\"\n+++\nNew text.\n"));
  }
  SECTION("what a field cannot hold is written as a string, for the checks to point at") {
    FormValues v = form_values(Kind::bulletin, kBulletin);
    v["date"] = "12 July";
    CHECK(contains(edited(v), "date = \"12 July\"\n"));
  }
  SECTION("a control character typed into a field stays an escape on one line") {
    FormValues v = form_values(Kind::bulletin, kBulletin);
    v["summary"] = "One\nTwo\x07";
    CHECK(contains(edited(v), "summary = \"One\\nTwo\\u0007\"\n"));
  }
  SECTION("publishing removes the draft line, and only it") {
    const std::string out = edit_front_matter(kBulletin, {{"draft", std::nullopt}}).value();
    std::string expected = kBulletin;
    expected.erase(expected.find("draft = true\n"), 13);
    CHECK(out == expected);
  }
  SECTION("an event's time of day is kept or added") {
    const std::string event = "+++\ntitle = \"Webinar\"\nstart = 2024-06-27\n+++\n";
    FormValues v = form_values(Kind::event, event);
    v["start"] = "2024-06-27T10:00";
    CHECK(
        contains(edit_front_matter(event, form_edits(Kind::event, event, v)).value(), "start = 2024-06-27T10:00:00\n"));
  }
}

TEST_CASE("the editor edits Markdown files under content/ and nothing else", "[editor]") {
  TempDir dir;
  write_file(dir.path() / "site.toml", "title = \"x\"\n");
  write_file(dir.path() / "content/bulletins/2024-07.md", kBulletin);
  write_file(dir.path() / "outside.md", kBulletin);
  fs::create_symlink(dir.path() / "outside.md", dir.path() / "content/linked.md");
  fs::create_directory_symlink(dir.path(), dir.path() / "content/loop");
  CHECK(check_content_path(dir.path(), "content/bulletins/2024-07.md"));
  for (const char* bad : {"site.toml", "content/../outside.md", "content/./bulletins/2024-07.md", "/etc/passwd",
                          "content/linked.md", "content/loop/outside.md", "content/bulletins/.2024-07.md",
                          "content/bulletins", "content//bulletins/2024-07.md", "content/bulletins/2024-08.md",
                          "content/bulletins\\2024-07.md", "content/bulletins/2024-07.md\n", "outside.md"})
    CHECK_FALSE(check_content_path(dir.path(), bad).ok());
}

TEST_CASE("a file's id is the one git gives it", "[editor]") {
  CHECK(blob_id("") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  CHECK(blob_id("hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST_CASE("portal new makes an event", "[editor]") {
  TempDir dir;
  ScaffoldRequest r;
  r.kind = "event";
  r.options = {{"--title", "DHR learning webinar"}, {"--date", "2024-06-27"}, {"--time", "10:00"}};
  const auto made = scaffold(dir.path(), r);
  REQUIRE(failure_text(made) == "");
  CHECK(*made == fs::path("content/events/2024-06-27-dhr-learning-webinar.md"));
  const std::string text = read_file(dir.path() / *made);
  CHECK(contains(text, "start = 2024-06-27T10:00:00\n"));
  CHECK(contains(text, "draft = true\n"));
  r.options.erase("--title");
  CHECK_FALSE(scaffold(dir.path(), r).ok());
}

TEST_CASE("the editor refuses what could change files from elsewhere", "[editor][serve]") {
  EditorSite e;
  REQUIRE(e.server->editing());
  const fs::path& site = e.site;
  PreviewServer& server = *e.server;
  httplib::Client& client = *e.client;
  const std::string port = std::to_string(server.port());
  // Every page of the preview links to the editor, and to its own document there.
  const auto page = client.Get("/bulletins/2024-06/");
  REQUIRE(page);
  CHECK(contains(page->body, "href=\"/__portal/edit/doc/content/bulletins/2024-06.md\""));
  CHECK(contains(page->body, "href=\"/__portal/edit/\""));
  const std::string& secret = e.secret;
  REQUIRE(secret.size() == 64);

  const fs::path file = site / "content/bulletins/2024-06.md";
  const std::string before = read_file(file);
  auto save = [&](const httplib::Headers& headers, const std::string& path, const std::string& base) {
    httplib::Params params = {
        {"path", path}, {"base", base}, {"mode", "text"}, {"text", "+++\ntitle = \"Gone\"\n+++\n"}};
    return client.Post("/__portal/edit/save", headers, params);
  };
  const std::string base = blob_id(before);
  const httplib::Headers own = {{"Origin", "http://127.0.0.1:" + port}, {"X-Portal-Secret", secret}};
  const std::string path = "content/bulletins/2024-06.md";

  CHECK(save({{"Origin", "http://127.0.0.1:" + port}}, path, base)->status == 403);
  CHECK(save({{"Origin", "http://evil.example"}, {"X-Portal-Secret", secret}}, path, base)->status == 403);
  CHECK(save({{"X-Portal-Secret", secret}}, path, base)->status == 403);
  CHECK(save({{"Origin", "http://evil.example:" + port}, {"X-Portal-Secret", secret}, {"Host", "evil.example:" + port}},
             path, base)
            ->status == 403);
  CHECK(save(own, "content/../site.toml", base)->status == 404);
  CHECK(save(own, path, blob_id("an older version\n"))->status == 409);
  CHECK(read_file(file) == before);
  // With everything right, the save is made.
  const auto ok = save(own, path, base);
  CHECK(ok->status == 200);
  CHECK(read_file(file) == "+++\ntitle = \"Gone\"\n+++\n");

  // Listening beyond this computer, the preview has no editor.
  ServeOptions open;
  open.source = site;
  open.port = 0;
  open.host = "0.0.0.0";
  PreviewServer exposed(open);
  REQUIRE(failure_text(exposed.start()) == "");
  CHECK_FALSE(exposed.editing());
  httplib::Client other("127.0.0.1", exposed.port());
  const auto none = other.Get("/__portal/edit/");
  REQUIRE(none);
  CHECK(none->status == 404);
  const auto page_there = other.Get("/bulletins/2024-06/");
  REQUIRE(page_there);
  CHECK_FALSE(contains(page_there->body, "/__portal/edit/"));
  exposed.stop();
}

TEST_CASE("a list saved in another order is the same list, and a number is written as TOML writes one", "[editor]") {
  FormValues v = form_values(Kind::bulletin, kBulletin);
  v["priorities"] = "domestic-abuse";
  CHECK(edited(v) == kBulletin);
  const std::string two = "+++\ntitle = \"x\"\ndate = 2024-07-12\npriorities = [\"b\", \"a\"] # kept\n+++\n";
  FormValues w = form_values(Kind::bulletin, two);
  w["priorities"] = "a\nb";
  CHECK(edit_front_matter(two, form_edits(Kind::bulletin, two, w)).value() == two);
  w["priorities"] = "c\na\nb";
  CHECK(contains(edit_front_matter(two, form_edits(Kind::bulletin, two, w)).value(),
                 "priorities = [\"b\", \"a\", \"c\"] # kept\n"));
  const std::string page = "+++\ntitle = \"x\"\nweight = 1\n+++\n";
  FormValues p = form_values(Kind::page, page);
  p["weight"] = "007";
  CHECK(contains(edit_front_matter(page, form_edits(Kind::page, page, p)).value(), "weight = 7\n"));
}

TEST_CASE("restricted marks are read from the document and its agenda items", "[editor]") {
  CHECK(restricted_marks("+++\ntitle = \"x\"\nrestricted = true\n+++\n") == std::set<std::string>{"the document"});
  CHECK(restricted_marks("+++\ntitle = \"m\"\n[[items]]\ncode = \"E1\"\ntitle = \"t\"\nrestricted = "
                         "true\n[[items]]\ncode = \"A1\"\ntitle = \"a\"\n+++\n") ==
        std::set<std::string>{"agenda item E1"});
  CHECK(restricted_marks("+++\ntitle = \"x\"\nrestricted = false\n+++\n").empty());
}

TEST_CASE("the editor never takes a restricted mark away, and never writes what did not change", "[editor][serve]") {
  EditorSite e;
  const std::string secret_page = read_file(e.site / "content/secret-page.md");
  std::string unmarked = secret_page;
  unmarked.replace(unmarked.find("restricted = true\n"), 18, "");
  auto r = e.save("content/secret-page.md", {{"mode", "text"}, {"text", unmarked}});
  REQUIRE(r);
  CHECK(r->status == 422);
  CHECK(contains(r->body, "withheld as restricted (content/secret-page.md"));
  CHECK(read_file(e.site / "content/secret-page.md") == secret_page);
  // An agenda item's mark, through the meeting's text.
  const std::string meeting = read_file(e.site / "content/meetings/2020-03-18/_index.md");
  std::string open_item = meeting;
  open_item.replace(open_item.find("restricted = true\n"), 18, "");
  r = e.save("content/meetings/2020-03-18/_index.md", {{"mode", "text"}, {"text", open_item}});
  CHECK(r->status == 422);
  CHECK(read_file(e.site / "content/meetings/2020-03-18/_index.md") == meeting);
  // A save of the text as it is writes nothing: the file keeps its bytes and its time.
  const fs::path bulletin = e.site / "content/bulletins/2024-06.md";
  const auto time = fs::last_write_time(bulletin);
  r = e.save("content/bulletins/2024-06.md", {{"mode", "text"}, {"text", read_file(bulletin)}});
  CHECK(r->status == 200);
  CHECK(fs::last_write_time(bulletin) == time);
  // A form without its text keeps the file's text.
  const std::string before = read_file(bulletin);
  r = e.save("content/bulletins/2024-06.md", {{"mode", "form"}, {"f.title", "E-bulletin June 2024 (new title)"}});
  CHECK(r->status == 200);
  const std::string after = read_file(bulletin);
  CHECK(contains(after, "title = \"E-bulletin June 2024 (new title)\""));
  CHECK(after.substr(after.find("\n+++\n")) == before.substr(before.find("\n+++\n")));
}

TEST_CASE("saves of one file at once: one is written, the others see it changed", "[editor][serve]") {
  EditorSite e;
  const std::string path = "content/bulletins/2024-06.md";
  const std::string base = blob_id(read_file(e.site / path));
  std::vector<std::thread> threads;
  std::atomic<int> saved{0}, refused{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", e.server->port());
      httplib::Params params = {{"path", path},
                                {"base", base},
                                {"mode", "text"},
                                {"text", "+++\ntitle = \"Save " + std::to_string(i) + "\"\ndate = 2024-06-14\n+++\n"}};
      const auto r = c.Post("/__portal/edit/save", e.own, params);
      if (r && r->status == 200) ++saved;
      if (r && r->status == 409) ++refused;
    });
  for (auto& t : threads) t.join();
  CHECK(saved == 1);
  CHECK(refused == 7);
}

TEST_CASE("a file whose front matter breaks stays open to the editor, to be put right", "[editor][serve]") {
  EditorSite e;
  const std::string path = "content/bulletins/2024-06.md";
  const std::string good = read_file(e.site / path);
  auto r = e.save(path, {{"mode", "text"}, {"text", "+++\ntitle = \"unclosed\ndate = 2024-06-14\n+++\n"}});
  REQUIRE(r->status == 200);
  e.server->rebuild();
  const auto page = e.client->Get(("/__portal/edit/doc/" + path).c_str());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(contains(page->body, "data-mode=\"text\""));
  httplib::Params check = {{"path", path}, {"mode", "text"}, {"text", "+++\ntitle = \"unclosed\n+++\n"}};
  const auto checked = e.client->Post("/__portal/edit/check", e.own, check);
  CHECK(checked->status == 200);
  CHECK(contains(checked->body, "TOML syntax error"));
  r = e.save(path, {{"mode", "text"}, {"text", good}});
  CHECK(r->status == 200);
  CHECK(read_file(e.site / path) == good);
}

TEST_CASE("the preview serves content files without script, and only at its own address", "[editor][serve]") {
  EditorSite e;
  const auto pdf = e.client->Get("/meetings/2020-03-18/agenda-pack.pdf");
  REQUIRE(pdf);
  CHECK(pdf->status == 200);
  CHECK(pdf->get_header_value("Content-Security-Policy") == "sandbox");
  CHECK(pdf->get_header_value("X-Content-Type-Options") == "nosniff");
  const auto page = e.client->Get("/bulletins/2024-06/");
  CHECK(contains(page->get_header_value("Content-Security-Policy"), "script-src 'self'"));
  // Another name for this address (DNS rebinding) reads no page, drafts included.
  const auto rebound =
      e.client->Get("/bulletins/2024-06/", {{"Host", "evil.example:" + std::to_string(e.server->port())}});
  REQUIRE(rebound);
  CHECK(rebound->status == 403);
  CHECK_FALSE(contains(rebound->body, "E-bulletin"));
  CHECK(Editor::is_own_host("127.0.0.1:" + std::to_string(e.server->port()), e.server->port()));
  CHECK(Editor::is_own_host("localhost", e.server->port()));
  CHECK_FALSE(Editor::is_own_host("127.0.0.1.evil.example", e.server->port()));
  CHECK_FALSE(is_loopback("127.evil.example"));
}

// ---- Issue 25: the editor and the preview under attack ----

namespace {

// The site's folder as a git repository of its own, every file committed, with an author for publishing.
void commit_everything(const fs::path& site) {
  const std::string git = "git -C '" + site.string() + "' ";
  REQUIRE(std::system((git + "init -q && " + git + "config user.name 'Comms Officer' && " + git +
                       "config user.email comms@example.org && " + git + "add -A && " + git + "commit -qm 'The site'")
                          .c_str()) == 0);
}

std::string head_message(const fs::path& site) {
  const fs::path out = site / ".git/portal-test-message";
  REQUIRE(std::system(("git -C '" + site.string() + "' log -1 --format=%s > '" + out.string() + "'").c_str()) == 0);
  return read_file(out);
}

}  // namespace

TEST_CASE("a byte-order mark and a control character never take a restricted mark away", "[editor][serve][attack]") {
  EditorSite e;
  commit_everything(e.site);
  const fs::path file = e.site / "content/secret-page.md";
  const std::string before = read_file(file);
  // The first step of the attack: the file made unreadable, its mark still written in it.
  std::string broken = "\xEF\xBB\xBF" + before;
  broken.insert(broken.find("restricted"), "\x01");
  auto r = e.save("content/secret-page.md", {{"mode", "text"}, {"text", broken}});
  REQUIRE(r);
  CHECK(r->status == 422);
  CHECK(contains(r->body, "content/secret-page.md"));
  CHECK(read_file(file) == before);
  // Were it made unreadable some other way, the last commit still says it is restricted.
  write_file(file, broken);
  std::string open = before;
  open.replace(open.find("restricted = true\n"), 18, "");
  r = e.save("content/secret-page.md", {{"mode", "text"}, {"text", "\xEF\xBB\xBF" + open}});
  CHECK(r->status == 422);
  r = e.save("content/secret-page.md", {{"mode", "text"}, {"text", open}});
  CHECK(r->status == 422);
  CHECK(read_file(file) == broken);
}

TEST_CASE("a restricted paper is never made public by moving it to another item, and lifting is a confirmed step",
          "[editor][serve][attack]") {
  EditorSite e;
  commit_everything(e.site);
  const std::string meeting_path = "content/meetings/2020-03-18/_index.md";
  const std::string paper_path = "content/meetings/2020-03-18/e1-dhr-update.md";
  // The item's `paper` line removed: the paper is still filed under E1, which is still restricted.
  std::string meeting = read_file(e.site / meeting_path);
  meeting.replace(meeting.find("paper = \"e1-dhr-update.md\"\n"), 27, "");
  auto r = e.save(meeting_path, {{"mode", "text"}, {"text", meeting}});
  REQUIRE(r);
  CHECK(r->status == 200);
  // The paper moved to an open item: refused, and what would become public is named.
  const std::string paper = read_file(e.site / paper_path);
  std::string moved = paper;
  moved.replace(moved.find("item = \"E1\""), 11, "item = \"A1\"");
  r = e.save(paper_path, {{"mode", "text"}, {"text", moved}});
  CHECK(r->status == 422);
  CHECK(contains(r->body, "\"lift\""));
  CHECK(contains(r->body, paper_path));
  CHECK(read_file(e.site / paper_path) == paper);
  // Publishing without the confirmation, or confirming another list, changes nothing.
  r = e.save(paper_path, {{"mode", "text"}, {"text", moved}, {"message", "Paper E1 moved"}});
  httplib::Params publish = {{"path", paper_path},
                             {"base", blob_id(paper)},
                             {"mode", "text"},
                             {"text", moved},
                             {"message", "Paper moved to item A1"}};
  r = e.client->Post("/__portal/edit/publish", e.own, publish);
  CHECK(r->status == 422);
  publish.emplace("lift", "content/meetings/2020-03-18/notes.md");
  r = e.client->Post("/__portal/edit/publish", e.own, publish);
  CHECK(r->status == 422);
  CHECK(read_file(e.site / paper_path) == paper);
  // Confirmed for exactly what it lifts: published, and the commit says so.
  publish.erase("lift");
  publish.emplace("lift", paper_path);
  r = e.client->Post("/__portal/edit/publish", e.own, publish);
  INFO(r->body);
  CHECK(r->status == 200);
  CHECK(read_file(e.site / paper_path) == moved);
  CHECK(contains(head_message(e.site), "Restriction lifted, publishing " + paper_path));
}

TEST_CASE("the editor's check keeps the build's Markdown limits", "[editor][serve][attack]") {
  EditorSite e;
  std::string row = "|", rule = "|";
  for (int i = 0; i < 5000; ++i) {
    row += " a |";
    rule += " - |";
  }
  const std::string path = "content/bulletins/2024-06.md";
  std::string text = read_file(e.site / path);
  text += "\n" + row + "\n" + rule + "\n" + row + "\n";
  // Sent as the editor's page sends it: a multipart form.
  const httplib::MultipartFormDataItems check = {
      {"path", path, "", ""}, {"mode", "text", "", ""}, {"text", text, "", ""}};
  const auto r = e.client->Post("/__portal/edit/check", e.own, check);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(contains(r->body, "\"limit\""));
  CHECK(contains(r->body, "5,000 columns"));
}

TEST_CASE("a save of unchanged text writes nothing, whatever the file's bytes", "[editor][serve][attack]") {
  EditorSite e;
  const std::string path = "content/bulletins/2024-06.md";
  const fs::path file = e.site / path;
  SECTION("a file that ends at its +++, saved from its form") {
    std::string text = read_file(file);
    text = text.substr(0, text.find("\n+++\n") + 4);  // no text, no final line break
    write_file(file, text);
    e.server->rebuild();
    const auto r = e.save(path, {{"mode", "form"}, {"body", ""}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(read_file(file) == text);
  }
  SECTION("a CR alone in the text is a line break, never dropped") {
    const std::string text = read_file(file) + "one\rtwo\n";
    write_file(file, text);
    e.server->rebuild();
    // As a browser sends it: every line break as CRLF.
    std::string sent;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
        sent += "\r\n";
      else if (text[i] == '\r')
        sent += "\r\n";
      else
        sent += text[i];
    }
    auto r = e.save(path, {{"mode", "text"}, {"text", sent}});
    CHECK(r->status == 200);
    CHECK(read_file(file) == text);
    r = e.save(path, {{"mode", "text"}, {"text", text + "three\n"}});
    CHECK(r->status == 200);
    CHECK(contains(read_file(file), "one\ntwo\nthree\n"));
  }
}

TEST_CASE("no preview page runs a script written into it, and none can read the editor's key",
          "[editor][serve][attack]") {
  EditorSite e;
  replace_in(e.site / "site.toml", "allow_raw_html = false", "allow_raw_html = true");
  write_file(e.site / "content/about.md",
             "+++\ntitle = \"About\"\n+++\n\n<img src=x onerror=\"fetch('/__portal/edit/')\">\n\n"
             "<a href=\"javascript:alert(1)\">x</a><script>alert(2)</script>\n");
  e.server->rebuild();
  const auto page = e.client->Get("/about/");
  REQUIRE(page);
  REQUIRE(page->status == 200);
  CHECK_FALSE(contains(page->body, "onerror"));
  CHECK_FALSE(contains(page->body, "javascript:"));
  CHECK_FALSE(contains(page->body, "alert(2)"));
  CHECK_FALSE(contains(page->body, e.secret));
  // Only the preview's own script files run on its pages: no script written inline, none from elsewhere.
  const std::string policy = page->get_header_value("Content-Security-Policy");
  CHECK(contains(policy, "script-src 'self'"));
  CHECK(contains(policy, "object-src 'none'"));
  for (std::size_t at = page->body.find("<script"); at != std::string::npos; at = page->body.find("<script", at + 1))
    CHECK(page->body.substr(at, 12) == "<script src=");
  const auto missing = e.client->Get("/no-such-page/");
  CHECK(contains(missing->get_header_value("Content-Security-Policy"), "script-src 'self'"));
  const auto reload = e.client->Get("/__portal/reload.js");
  REQUIRE(reload);
  CHECK(reload->status == 200);
  CHECK(contains(reload->body, "/__portal/wait"));
}

TEST_CASE("New and saves never follow a symbolic link out of the site", "[editor][serve][attack]") {
  EditorSite e;
  TempDir outside;
  fs::remove_all(e.site / "content/events");
  fs::create_directory_symlink(outside.path(), e.site / "content/events");
  httplib::Params made = {
      {"kind", "event"}, {"title", "Linked"}, {"date-day", "1"}, {"date-month", "1"}, {"date-year", "2030"}};
  const auto r = e.client->Post(("/__portal/edit/new?secret=" + e.secret).c_str(), e.own, made);
  REQUIRE(r);
  CHECK(contains(r->body, "symbolic link"));
  CHECK(fs::is_empty(outside.path()));
}
