// The team editor's server configuration (`portal serve --team FILE`, by
// default /etc/portal/team.toml): where the content clone is, the socket the
// signed-in front connects to, the key the front proves itself with, the
// people and what each may do, the review policy, and how publishing goes
// live. It belongs to the server, never to site.toml or content/, which are
// published (docs/team-editor.md).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "result.h"

namespace portal {

// What a person may do. Each role may do what the ones before it may.
enum class Role {
  writer,     // start, save and send for review
  reviewer,   // also approve or send back a colleague's document
  publisher,  // also publish, restore, withdraw, and change the site's settings
};

// Whether a document needs a colleague's approval before it is published.
enum class ReviewPolicy {
  required,  // publishing is refused until a reviewer who is not its author approved the text as it is
  optional,  // "Send for review" is offered; publishing does not wait for it
  off,       // no reviews
};

// How a publish goes live.
enum class PublishTo {
  build,  // the site is built on this server into the served folder
  push,   // the commit is pushed to the content repository's remote, whose CI builds the site
};

// The organisation's SMTP relay and the bulletin's list.
struct MailConfig {
  std::string relay;     // smtp://host:587 (STARTTLS) or smtps://host:465
  bool starttls = true;  // smtp://: refuse to send unless the relay encrypts (false: a relay on this server)
  std::string user;      // when the relay wants a sign-in
  std::filesystem::path password_file;
  std::string from;              // the sender
  std::string list;              // the list's address, which the mail system expands
  long list_count = 0;           // about how many people it reaches, for the confirmation (0: not said)
  std::string list_unsubscribe;  // the List-Unsubscribe header the mail system asks for
};

struct Person {
  std::string user;  // as the front names them (the identity header)
  std::string name;  // for commits and pages
  std::string email;
  Role role = Role::writer;
};

struct TeamConfig {
  std::filesystem::path file;    // where it was read from, for messages
  std::filesystem::path source;  // the content clone the editor writes to
  std::filesystem::path socket;  // the Unix socket the front connects to
  std::string editor_address;    // the editor's origin as browsers see it: https://editor.example.org
  std::string front_secret;      // the front sends it in X-Portal-Front with every request
  std::filesystem::path state;   // the audit log, the reviews and the published copy
  ReviewPolicy review = ReviewPolicy::required;
  PublishTo publish_to = PublishTo::build;
  std::filesystem::path output;   // build: where publishing builds the public site
  std::string public_address;     // where the public site is served: https://www.example.org
  std::string remote = "origin";  // push: the content clone's remote, and its branch
  std::string branch = "main";
  std::filesystem::path token_file;      // push over https: a file holding the token (as the password)
  std::filesystem::path ssh_key;         // push over ssh: the private key (its .pub beside it)
  std::optional<MailConfig> mail;        // [mail]: without it, the editor sends no e-mail
  std::map<std::string, Person> people;  // by user

  // The person `user` names; nullptr when they are not on the team.
  [[nodiscard]] const Person* person(const std::string& user) const;
  // The name of the person `user` names; `user` itself when they are no longer on the team.
  [[nodiscard]] std::string name_of(const std::string& user) const;
  // The Host header browsers send to the editor (editor_address without its scheme).
  [[nodiscard]] std::string editor_host() const;
};

[[nodiscard]] const char* role_name(Role role);
[[nodiscard]] bool may(const Person& person, Role needed);

// Reads and checks the configuration; a problem names the file, line and
// column and says how to put it right.
Result<TeamConfig> load_team_config(const std::filesystem::path& file);

}  // namespace portal
