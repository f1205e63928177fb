// The team editor's parts on their own: its configuration read and every
// mistake named with its line and column, the audit log's lines, and the
// documents' states kept across a restart.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <string>

#include "files.h"
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
