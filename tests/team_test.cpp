// The team editor's parts on their own: its configuration read and every
// mistake named with its line and column, the audit log's lines, and the
// documents' states kept across a restart.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <string>

#include "files.h"
#include "git_commit.h"
#include "git_repo.h"
#include "serve.h"
#include "support.h"
#include "team_config.h"
#include "team_state.h"

using portal::load_team_config;
using portal::Role;

namespace {

const char* const kGood = R"(source = "/srv/content"
socket = "/run/portal/team.sock"
editor_address = "https://editor.example.org/"
front_secret = "0123456789abcdef0123456789abcdef"
state = "/var/lib/portal/state"
review = "optional"

[publish]
output = "/var/www/portal"
public_address = "https://portal.example.org"

[people.alice]
name = "Alice Example"
email = "alice@example.org"
role = "publisher"

[people."bob@example.org"]
name = "Bob Example"
email = "bob@example.org"
)";

// The configuration with `from` replaced by `to`, read; its failure's message, or "" when it is read.
std::string problem_with(const std::string& from, const std::string& to) {
  portal::test::TempDir dir;
  std::string text = kGood;
  if (!from.empty()) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  portal::test::write_file(dir.path() / "team.toml", text);
  const auto config = load_team_config(dir.path() / "team.toml");
  return config ? "" : config.error();
}

}  // namespace

TEST_CASE("the team editor's configuration is read, with its people and their roles", "[team]") {
  portal::test::TempDir dir;
  portal::test::write_file(dir.path() / "team.toml", kGood);
  const auto config = load_team_config(dir.path() / "team.toml");
  REQUIRE(portal::test::failure_text(config) == "");
  CHECK(config->editor_address == "https://editor.example.org");
  CHECK(config->editor_host() == "editor.example.org");
  CHECK(config->review == portal::ReviewPolicy::optional);
  CHECK(config->person("alice")->role == Role::publisher);
  CHECK(config->person("bob@example.org")->role == Role::writer);  // the role left out: the least
  CHECK(config->person("Alice") == nullptr);                       // users are matched exactly
  CHECK(config->name_of("carol") == "carol");
  CHECK(portal::may(*config->person("alice"), Role::reviewer));
  CHECK_FALSE(portal::may(*config->person("bob@example.org"), Role::reviewer));
}

TEST_CASE("a mistake in the team editor's configuration is named with its line and column", "[team]") {
  CHECK(problem_with("", "") == "");
  CHECK_THAT(problem_with("review = \"optional\"", "reveiw = \"optional\""),
             Catch::Contains("team.toml:6:1: unknown key \"reveiw\": did you mean \"review\"?"));
  CHECK_THAT(problem_with("review = \"optional\"", "review = \"sometimes\""),
             Catch::Contains(":6:10: \"review\" must be one of: required, optional, off"));
  CHECK_THAT(problem_with("\"/srv/content\"", "\"srv/content\""),
             Catch::Contains(":1:10: \"source\" must be an absolute"));
  CHECK_THAT(problem_with("https://editor.example.org/", "https://editor.example.org/edit"),
             Catch::Contains(":3:18: \"editor_address\" must be an address with no path"));
  CHECK_THAT(problem_with("https://editor.example.org/", "javascript:alert(1)"),
             Catch::Contains("\"editor_address\" must be an address"));
  CHECK_THAT(problem_with("https://portal.example.org", "https://editor.example.org"),
             Catch::Contains("different addresses"));
  CHECK_THAT(problem_with("0123456789abcdef0123456789abcdef", "short"), Catch::Contains("openssl rand -hex 32"));
  CHECK_THAT(problem_with("0123456789abcdef0123456789abcdef", "REPLACE-WITH-THE-OUTPUT-OF-openssl-rand-hex-32"),
             Catch::Contains("still the example's"));
  CHECK_THAT(problem_with("role = \"publisher\"", "role = \"admin\""),
             Catch::Contains(":15:8: \"role\" must be one of: writer, reviewer, publisher"));
  CHECK_THAT(problem_with("email = \"alice@example.org\"", "email = \"alice\""),
             Catch::Contains(":14:9: \"email\" is not an e-mail address"));
  CHECK_THAT(problem_with("name = \"Alice Example\"", "name = \"Alice\\u0007\""), Catch::Contains("control character"));
  CHECK_THAT(problem_with("[publish]", "[publsh]"), Catch::Contains("did you mean \"publish\""));
  CHECK_THAT(problem_with("source = \"/srv/content\"", "source = \"/srv/content"), Catch::Contains("team.toml:1:"));
  CHECK_THAT(problem_with("[people.alice]", "[others.alice]"), Catch::Contains("unknown key \"others\""));
  portal::test::TempDir dir;
  CHECK_THAT(load_team_config(dir.path() / "missing.toml").error(), Catch::Contains("missing.toml"));
}

TEST_CASE("the audit log has one line a thing done, whatever a value holds", "[team]") {
  portal::test::TempDir dir;
  portal::AuditLog log(dir.path() / "audit.log");
  REQUIRE(portal::test::failure_text(log.record("alice", "save", "content/a.md: two\nlines\tand a tab")) == "");
  const auto now = std::chrono::system_clock::now();
  log.heard_from("bob", now);
  log.heard_from("bob", now + std::chrono::minutes(10));  // the same session
  log.heard_from("bob", now + std::chrono::minutes(50));  // a new one
  const std::string text = *portal::read_file(dir.path() / "audit.log");
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK(text.find("\talice\tsave\tcontent/a.md: two lines and a tab\n") != std::string::npos);
  CHECK(text.find("\tbob\tsession\tfirst request\n") != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\t') == 9);
}

TEST_CASE("the documents' reviews are kept across a restart of the server", "[team]") {
  portal::test::TempDir dir;
  const auto file = dir.path() / "documents.toml";
  {
    portal::DocumentStates states(file);
    REQUIRE(portal::test::failure_text(states.load()) == "");  // none yet
    REQUIRE(portal::test::failure_text(states.update("content/bulletins/2023-03.md", [](portal::DocumentState& s) {
              s.review = portal::ReviewStatus::sent_back;
              s.author = "alice";
              s.reviewer = "bob";
              s.comment = "Say \"which\" partners.\nThen send it again.";
            })) == "");
  }
  portal::DocumentStates again(file);
  REQUIRE(portal::test::failure_text(again.load()) == "");
  const auto s = again.of("content/bulletins/2023-03.md");
  CHECK(s.review == portal::ReviewStatus::sent_back);
  CHECK(s.reviewer == "bob");
  CHECK(s.comment == "Say \"which\" partners.\nThen send it again.");
  CHECK(again.of("content/other.md").review == portal::ReviewStatus::none);
  portal::test::write_file(file, "[broken");
  CHECK_THAT(portal::test::failure_text(again.load()), Catch::Contains("documents.toml"));
}

TEST_CASE("a document scheduled to be published is live after the timer's run at its time, and not before",
          "[team][schedule]") {
  portal::test::TempDir dir;
  const auto site = portal::test::copy_fixture("every-kind", dir.path());
  portal::test::GitRepo repo(site);
  const std::string draft =
      "+++\ntitle = \"March 2023 e-bulletin\"\ndate = 2023-03-15\ndraft = true\n+++\n\n"
      "Partners met in Maidstone to plan the spring campaign.\n";
  portal::test::write_file(site / "content/bulletins/2023-03.md", draft);
  repo.commit_all("The fixture site", portal::test::at_noon(2024, 1, 1));
  portal::test::write_file(dir.path() / "team.toml",
                           "source = \"" + site.string() + "\"\nsocket = \"" + (dir.path() / "team.sock").string() +
                               "\"\neditor_address = \"https://editor.example.org\"\n"
                               "front_secret = \"0123456789abcdef0123456789abcdef\"\nstate = \"" +
                               (dir.path() / "state").string() + "\"\nreview = \"off\"\n[publish]\noutput = \"" +
                               (dir.path() / "public").string() +
                               "\"\npublic_address = \"http://127.0.0.1:9\"\n"
                               "[people.alice]\nname = \"Alice Example\"\nemail = \"alice@example.org\"\n"
                               "role = \"publisher\"\n");
  auto config = load_team_config(dir.path() / "team.toml");
  REQUIRE(portal::test::failure_text(config) == "");
  portal::Team team(*config);
  REQUIRE(portal::test::failure_text(team.open()) == "");
  portal::ServeOptions options;
  options.source = site;
  options.team = &team;
  portal::PreviewServer server(options);
  REQUIRE(portal::test::failure_text(server.start()) == "");
  // Scheduled for 10:05, five minutes ahead of the clock the test gives.
  const auto ten = std::chrono::sys_days{std::chrono::year{2026} / 12 / 5} + std::chrono::hours(10);
  const std::string path = "content/bulletins/2023-03.md";
  REQUIRE(portal::test::failure_text(team.documents.update(path, [&](portal::DocumentState& s) {
            s.scheduled_at = portal::utc_stamp(ten + std::chrono::minutes(5));
            s.scheduled_by = "alice";
            s.scheduled_message = "March 2023 e-bulletin";
            s.scheduled_blob = portal::blob_id(draft);
          })) == "");
  const auto page = dir.path() / "public/bulletins/2023-03/index.html";
  const std::string head_before = repo.head();

  server.publish_due(ten + std::chrono::minutes(4));  // the timer's run before its time
  CHECK_FALSE(std::filesystem::exists(page));
  CHECK(repo.head() == head_before);
  CHECK(*portal::read_file(site / path) == draft);

  server.publish_due(ten + std::chrono::minutes(6));  // the first run after it
  CHECK(std::filesystem::exists(page));
  CHECK(portal::read_file(page)->find("Partners met in Maidstone") != std::string::npos);
  CHECK(repo.head() != head_before);
  CHECK(repo.author_of_head() == "Alice Example <alice@example.org>");
  CHECK(portal::read_file(site / path)->find("draft") == std::string::npos);
  CHECK(team.documents.of(path).scheduled_at.empty());
  const std::string log = *portal::read_file(dir.path() / "state/audit.log");
  CHECK(log.find("\talice\tpublish\tcontent/bulletins/2023-03.md: March 2023 e-bulletin\n") != std::string::npos);

  // One changed since it was scheduled is not published: its schedule is cancelled, and the log says why.
  const std::string other = "content/about.md";
  const std::string about = *portal::read_file(site / other);
  REQUIRE(portal::test::failure_text(team.documents.update(other, [&](portal::DocumentState& s) {
            s.scheduled_at = portal::utc_stamp(ten);
            s.scheduled_by = "alice";
            s.scheduled_message = "About, updated";
            s.scheduled_blob = portal::blob_id(about + "an older text");
          })) == "");
  const std::string head_now = repo.head();
  server.publish_due(ten + std::chrono::minutes(7));
  CHECK(repo.head() == head_now);
  CHECK(portal::read_file(dir.path() / "state/audit.log")->find("changed since it was scheduled") != std::string::npos);
  server.stop();
}
