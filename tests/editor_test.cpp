// The editor's handling of a file's text (a form's values written back with
// the file's comments, order and layout kept), its paths, and what the
// editor in a running preview refuses.
#include <catch2/catch.hpp>

#include <httplib.h>

#include "editor_text.h"
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
  std::string error;
  const std::string out = edit_front_matter(kBulletin, form_edits(Kind::bulletin, kBulletin, values), error, body);
  REQUIRE(error.empty());
  return out;
}

}  // namespace

TEST_CASE("the editor's forms are made from the fields the loader reads", "[editor]") {
  const auto fields = fields_of(Kind::event);
  auto has = [&](const std::string& key, FieldType type) {
    return std::any_of(fields.begin(), fields.end(), [&](const FieldSpec& f) { return f.key == key && f.type == type; });
  };
  CHECK(has("title", FieldType::string));
  CHECK(has("start", FieldType::date_time));
  CHECK(has("end", FieldType::date_time));
  CHECK(has("location", FieldType::string));
  CHECK(has("priorities", FieldType::strings));
  CHECK(has("draft", FieldType::boolean));
  CHECK(has("summary_pdf", FieldType::url) == false);
  const auto dhr = fields_of(Kind::dhr);
  CHECK(std::any_of(dhr.begin(), dhr.end(), [](const FieldSpec& f) { return f.key == "summary_pdf" && f.type == FieldType::url; }));
  CHECK(has("online", FieldType::boolean));
  // Lists of tables cannot be a form: agreements and agendas open as text.
  CHECK_FALSE(form_refusal(Kind::agreement, "+++\ntitle = \"x\"\n+++\n").empty());
  CHECK_FALSE(form_refusal(Kind::meeting, "+++\ntitle = \"x\"\n+++\n").empty());
  CHECK_FALSE(form_refusal(Kind::page, "+++\ntitle = \"x\"\n[extra]\na = 1\n+++\n").empty());
  CHECK_FALSE(form_refusal(Kind::page, "+++\ntitle = \"x\n+++\n").empty());
  CHECK(form_refusal(Kind::bulletin, kBulletin).empty());
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
    std::string error;
    const std::string out = edit_front_matter(kBulletin, {{"draft", std::nullopt}}, error);
    std::string expected = kBulletin;
    expected.erase(expected.find("draft = true\n"), 13);
    CHECK(out == expected);
  }
  SECTION("an event's time of day is kept or added") {
    const std::string event = "+++\ntitle = \"Webinar\"\nstart = 2024-06-27\n+++\n";
    FormValues v = form_values(Kind::event, event);
    v["start"] = "2024-06-27T10:00";
    std::string error;
    CHECK(contains(edit_front_matter(event, form_edits(Kind::event, event, v), error), "start = 2024-06-27T10:00:00\n"));
  }
}

TEST_CASE("the editor edits Markdown files under content/ and nothing else", "[editor]") {
  TempDir dir;
  write_file(dir.path() / "site.toml", "title = \"x\"\n");
  write_file(dir.path() / "content/bulletins/2024-07.md", kBulletin);
  write_file(dir.path() / "outside.md", kBulletin);
  fs::create_symlink(dir.path() / "outside.md", dir.path() / "content/linked.md");
  fs::create_directory_symlink(dir.path(), dir.path() / "content/loop");
  CHECK(content_path_problem(dir.path(), "content/bulletins/2024-07.md").empty());
  for (const char* bad : {"site.toml", "content/../outside.md", "content/./bulletins/2024-07.md", "/etc/passwd",
                          "content/linked.md", "content/loop/outside.md", "content/bulletins/.2024-07.md",
                          "content/bulletins", "content//bulletins/2024-07.md", "content/bulletins/2024-08.md",
                          "content/bulletins\\2024-07.md", "content/bulletins/2024-07.md\n", "outside.md"})
    CHECK_FALSE(content_path_problem(dir.path(), bad).empty());
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
  REQUIRE(made.error.empty());
  CHECK(made.written == fs::path("content/events/2024-06-27-dhr-learning-webinar.md"));
  const std::string text = read_file(dir.path() / made.written);
  CHECK(contains(text, "start = 2024-06-27T10:00:00\n"));
  CHECK(contains(text, "draft = true\n"));
  r.options.erase("--title");
  CHECK_FALSE(scaffold(dir.path(), r).error.empty());
}

TEST_CASE("the editor refuses what could change files from elsewhere", "[editor][serve]") {
  TempDir dir;
  const fs::path site = copy_fixture("every-kind", dir.path());
  ServeOptions options;
  options.source = site;
  options.port = 0;
  PreviewServer server(options);
  std::string error;
  REQUIRE(server.start(error));
  REQUIRE(server.editing());
  const std::string port = std::to_string(server.port());
  httplib::Client client("127.0.0.1", server.port());
  const auto start = client.Get("/__portal/edit/");
  REQUIRE(start);
  REQUIRE(start->status == 200);
  // Every page of the preview links to the editor, and to its own document there.
  const auto page = client.Get("/bulletins/2024-06/");
  REQUIRE(page);
  CHECK(contains(page->body, "href=\"/__portal/edit/doc/content/bulletins/2024-06.md\""));
  CHECK(contains(page->body, "href=\"/__portal/edit/\""));
  const auto at = start->body.find("data-secret=\"") + 13;
  const std::string secret = start->body.substr(at, start->body.find('"', at) - at);
  REQUIRE(secret.size() == 64);

  const fs::path file = site / "content/bulletins/2024-06.md";
  const std::string before = read_file(file);
  auto save = [&](const httplib::Headers& headers, const std::string& path, const std::string& base) {
    httplib::Params params = {{"path", path}, {"base", base}, {"mode", "text"}, {"text", "+++\ntitle = \"Gone\"\n+++\n"}};
    return client.Post("/__portal/edit/save", headers, params);
  };
  const std::string base = blob_id(before);
  const httplib::Headers own = {{"Origin", "http://127.0.0.1:" + port}, {"X-Portal-Secret", secret}};
  const std::string path = "content/bulletins/2024-06.md";

  CHECK(save({{"Origin", "http://127.0.0.1:" + port}}, path, base)->status == 403);
  CHECK(save({{"Origin", "http://evil.example"}, {"X-Portal-Secret", secret}}, path, base)->status == 403);
  CHECK(save({{"X-Portal-Secret", secret}}, path, base)->status == 403);
  CHECK(save({{"Origin", "http://evil.example:" + port}, {"X-Portal-Secret", secret}, {"Host", "evil.example:" + port}}, path, base)->status == 403);
  CHECK(save(own, "content/../site.toml", base)->status == 404);
  CHECK(save(own, path, blob_id("an older version\n"))->status == 409);
  CHECK(read_file(file) == before);
  // With everything right, the save is made.
  const auto ok = save(own, path, base);
  CHECK(ok->status == 200);
  CHECK(read_file(file) == "+++\ntitle = \"Gone\"\n+++\n");
  server.stop();

  // Listening beyond this computer, the preview has no editor.
  ServeOptions open = options;
  open.host = "0.0.0.0";
  PreviewServer exposed(open);
  REQUIRE(exposed.start(error));
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
