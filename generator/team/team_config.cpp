// Reading /etc/portal/team.toml: every value checked, every problem named
// with its file, line and column.
#include "team_config.h"

#include <algorithm>
#include <array>
#include <sstream>

#include <toml++/toml.h>

#include "text.h"
#include "urls.h"

namespace portal {

namespace fs = std::filesystem;

const Person* TeamConfig::person(const std::string& user) const {
  const auto found = people.find(user);
  return found == people.end() ? nullptr : &found->second;
}

std::string TeamConfig::name_of(const std::string& user) const {
  const Person* p = person(user);
  return p ? p->name : user;
}

std::string TeamConfig::editor_host() const { return editor_address.substr(editor_address.find("://") + 3); }

const char* role_name(Role role) {
  switch (role) {
    case Role::writer: return "writer";
    case Role::reviewer: return "reviewer";
    case Role::publisher: return "publisher";
  }
  return "writer";
}

bool may(const Person& person, Role needed) { return static_cast<int>(person.role) >= static_cast<int>(needed); }

namespace {

// Thrown inside the reader, caught once: a problem with where it is.
struct Problem {
  std::string message;
};

class Reader {
 public:
  explicit Reader(const fs::path& file) : file_(file.string()) {}

  [[noreturn]] void problem(const toml::source_region& where, const std::string& what) const {
    std::ostringstream out;
    out << file_;
    if (where.begin.line) out << ':' << where.begin.line << ':' << where.begin.column;
    out << ": " << what;
    throw Problem{out.str()};
  }

  // Every key of `table` must be one of `known`.
  void only(const toml::table& table, std::initializer_list<const char*> known, const std::string& in) const {
    for (const auto& [key, node] : table) {
      const std::string name(key.str());
      if (std::any_of(known.begin(), known.end(), [&](const char* k) { return name == k; })) continue;
      const std::string guess = text::closest(name, std::vector<std::string>(known.begin(), known.end()));
      problem(key.source(), "unknown key \"" + text::escape_controls(name) + "\"" + in +
                                (guess.empty() ? "" : ": did you mean \"" + guess + "\"?"));
    }
  }

  std::string text(const toml::table& table, const char* key, const toml::source_region& table_at) const {
    const toml::node* node = table.get(key);
    if (!node) problem(table_at, std::string("\"") + key + "\" is missing: add it (docs/team-editor.md)");
    const auto value = node->value<std::string>();
    if (!value) problem(node->source(), std::string("\"") + key + "\" must be text in quotes");
    if (text::first_control(*value) != std::string::npos)
      problem(node->source(), std::string("\"") + key + "\" holds a control character: remove it");
    return *value;
  }

  fs::path folder(const toml::table& table, const char* key, const toml::source_region& table_at) const {
    const std::string value = text(table, key, table_at);
    if (value.empty() || value[0] != '/')
      problem(table.get(key)->source(),
              std::string("\"") + key + "\" must be an absolute path, starting with /, e.g. /var/lib/portal");
    return fs::path(value).lexically_normal();
  }

  // An http:// or https:// origin: scheme and host (and port), no path.
  std::string origin(const toml::table& table, const char* key, const toml::source_region& table_at) const {
    std::string value = text(table, key, table_at);
    while (value.ends_with('/')) value.pop_back();
    const auto scheme_end = value.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : value.substr(0, scheme_end);
    const std::string rest = scheme_end == std::string::npos ? "" : value.substr(scheme_end + 3);
    if ((scheme != "https" && scheme != "http") || rest.empty() || rest.find_first_of("/?#@ \\") != std::string::npos)
      problem(table.get(key)->source(),
              std::string("\"") + key + "\" must be an address with no path, e.g. https://editor.example.org");
    return value;
  }

  template <class Enum, std::size_t N>
  Enum choice(const toml::table& table, const char* key, const std::array<const char*, N>& names, Enum fallback) const {
    const toml::node* node = table.get(key);
    if (!node) return fallback;
    const std::string value = text(table, key, {});
    for (std::size_t i = 0; i < N; ++i)
      if (value == names[i]) return static_cast<Enum>(i);
    std::vector<std::string> listed(names.begin(), names.end());
    problem(node->source(), std::string("\"") + key + "\" must be one of: " + text::joined(listed, ", "));
  }

  std::string email(const toml::table& table, const char* key, const toml::source_region& at) const {
    std::string value = text(table, key, at);
    if (email_problem(value, key) || value.empty())
      problem(table.get(key)->source(),
              std::string("\"") + key + "\" is not an e-mail address: write e.g. name@example.org");
    return value;
  }

  MailConfig mail(const toml::table& table) const {
    only(table, {"relay", "starttls", "user", "password_file", "from", "list", "list_count", "list_unsubscribe"},
         " in [mail]");
    MailConfig m;
    m.relay = text(table, "relay", table.source());
    if (!m.relay.starts_with("smtp://") && !m.relay.starts_with("smtps://"))
      problem(table.get("relay")->source(),
              "\"relay\" must start smtp:// or smtps://, e.g. smtp://mail.example.org:587");
    m.starttls = table["starttls"].value_or(true);
    if (table.contains("user")) m.user = text(table, "user", table.source());
    if (table.contains("password_file")) m.password_file = folder(table, "password_file", table.source());
    m.from = email(table, "from", table.source());
    m.list = email(table, "list", table.source());
    m.list_count = table["list_count"].value_or(0L);
    if (table.contains("list_unsubscribe")) m.list_unsubscribe = text(table, "list_unsubscribe", table.source());
    return m;
  }

  Person person(const std::string& user, const toml::node& node) const {
    const toml::table* table = node.as_table();
    if (!table) problem(node.source(), "people." + user + " must be a table: [people." + user + "]");
    only(*table, {"name", "email", "role"}, " in [people." + user + "]");
    Person p;
    p.user = user;
    p.name = text(*table, "name", node.source());
    if (text::is_blank(p.name)) problem(table->get("name")->source(), "the name is empty: write the person's name");
    p.email = email(*table, "email", node.source());
    p.role = choice(*table, "role", std::array<const char*, 3>{"writer", "reviewer", "publisher"}, Role::writer);
    return p;
  }

 private:
  std::string file_;
};

TeamConfig read_config(const toml::table& root, const fs::path& file) {
  const Reader r(file);
  const toml::source_region top{};
  r.only(root, {"source", "socket", "editor_address", "front_secret", "state", "review", "publish", "mail", "people"},
         "");
  TeamConfig c;
  c.file = file;
  c.source = r.folder(root, "source", top);
  c.socket = r.folder(root, "socket", top);
  c.editor_address = r.origin(root, "editor_address", top);
  c.front_secret = r.text(root, "front_secret", top);
  if (c.front_secret.size() < 32 || c.front_secret.find_first_of(" \t\"\\") != std::string::npos)
    r.problem(root.get("front_secret")->source(),
              "\"front_secret\" must be at least 32 characters with no spaces: make one with `openssl rand -hex 32` "
              "and give the front the same");
  if (c.front_secret.starts_with("REPLACE"))
    r.problem(
        root.get("front_secret")->source(),
        "\"front_secret\" is still the example's: make one with `openssl rand -hex 32` and give the front the same");
  c.state = r.folder(root, "state", top);
  c.review =
      r.choice(root, "review", std::array<const char*, 3>{"required", "optional", "off"}, ReviewPolicy::required);
  const toml::table* publish = root["publish"].as_table();
  if (!publish) r.problem(top, "[publish] is missing: say where the public site is built (docs/team-editor.md)");
  r.only(*publish, {"to", "output", "public_address", "remote", "branch", "token_file", "ssh_key"}, " in [publish]");
  c.publish_to = r.choice(*publish, "to", std::array<const char*, 2>{"build", "push"}, PublishTo::build);
  if (c.publish_to == PublishTo::build) c.output = r.folder(*publish, "output", publish->source());
  c.public_address = r.origin(*publish, "public_address", publish->source());
  if (publish->contains("remote")) c.remote = r.text(*publish, "remote", publish->source());
  if (publish->contains("branch")) c.branch = r.text(*publish, "branch", publish->source());
  if (publish->contains("token_file")) c.token_file = r.folder(*publish, "token_file", publish->source());
  if (publish->contains("ssh_key")) c.ssh_key = r.folder(*publish, "ssh_key", publish->source());
  if (c.public_address == c.editor_address)
    r.problem(publish->get("public_address")->source(), "the public site and the editor must have different addresses");
  if (const toml::table* mail = root["mail"].as_table()) c.mail = r.mail(*mail);
  const toml::table* people = root["people"].as_table();
  if (!people || people->empty())
    r.problem(top, "nobody is on the team: add a [people.USER] table for each person (docs/team-editor.md)");
  for (const auto& [user, node] : *people)
    c.people.emplace(std::string(user.str()), r.person(std::string(user.str()), node));
  return c;
}

}  // namespace

Result<TeamConfig> load_team_config(const fs::path& file) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    if (!where.line) return fail(file.string() + ": cannot be read: " + std::string(e.description()));
    return fail(file.string() + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                std::string(e.description()));
  }
  try {
    return read_config(root, file);
  } catch (const Problem& p) {
    return fail(p.message);
  }
}

}  // namespace portal
