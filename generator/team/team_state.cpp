// The audit log and the documents' states, in the team editor's state folder.
#include "team_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <sstream>

#include <toml++/toml.h>

#include "files.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

std::string utc_stamp(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  ::gmtime_r(&t, &parts);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return out;
}

std::string readable_stamp(const std::string& stamp) {
  if (stamp.size() < 16) return stamp;
  return stamp.substr(0, 10) + " " + stamp.substr(11, 5) + " UTC";
}

namespace {

// A value of a log line: no tab, no line break, no other control character.
std::string one_field(const std::string& value) {
  std::string spaced = value;
  for (char& c : spaced)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  std::string out = text::strip_controls(spaced);
  return out.empty() ? "-" : out;
}

}  // namespace

Done AuditLog::record(const std::string& who, const std::string& what, const std::string& detail) {
  const std::string line = utc_stamp(std::chrono::system_clock::now()) + "\t" + one_field(who) + "\t" +
                           one_field(what) + "\t" + one_field(detail) + "\n";
  const std::lock_guard lock(mutex_);
  const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) return fail("cannot open the audit log " + file_.string() + ": " + std::strerror(errno), errno);
  const bool written = write_all(fd, line) && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!written) return fail("cannot write the audit log " + file_.string() + ": " + std::strerror(error), error);
  return {};
}

void AuditLog::heard_from(const std::string& who, std::chrono::system_clock::time_point now,
                          std::chrono::minutes idle) {
  {
    const std::lock_guard lock(mutex_);
    auto& last = last_heard_[who];
    const bool new_session = last.time_since_epoch().count() == 0 || now - last >= idle;
    last = now;
    if (!new_session) return;
  }
  (void)record(who, "session", "first request");
}

const char* review_words(ReviewStatus status) {
  switch (status) {
    case ReviewStatus::none: return "";
    case ReviewStatus::waiting: return "Waiting for review";
    case ReviewStatus::approved: return "Approved";
    case ReviewStatus::sent_back: return "Sent back";
  }
  return "";
}

namespace {

constexpr std::array kStatusKeys{"none", "waiting", "approved", "sent back"};

std::string value_of(const toml::table& t, const char* key) { return t[key].value_or(std::string()); }

}  // namespace

Done DocumentStates::load() {
  const auto bytes = read_file(file_);
  const std::lock_guard lock(mutex_);
  states_.clear();
  if (!bytes) {
    std::error_code ec;
    if (!fs::exists(file_, ec)) return {};
    return fail("cannot read " + file_.string());
  }
  toml::table root;
  try {
    root = toml::parse(*bytes, file_.string());
  } catch (const toml::parse_error& e) {
    return fail(file_.string() + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  for (const auto& [path, node] : root) {
    const toml::table* t = node.as_table();
    if (!t) continue;
    DocumentState s;
    s.changed_by = value_of(*t, "changed_by");
    s.changed_at = value_of(*t, "changed_at");
    const std::string status = value_of(*t, "review");
    for (std::size_t i = 0; i < kStatusKeys.size(); ++i)
      if (status == kStatusKeys[i]) s.review = static_cast<ReviewStatus>(i);
    s.author = value_of(*t, "author");
    s.reviewer = value_of(*t, "reviewer");
    s.comment = value_of(*t, "comment");
    s.blob = value_of(*t, "blob");
    s.review_at = value_of(*t, "review_at");
    s.sent = value_of(*t, "sent");
    s.scheduled_at = value_of(*t, "scheduled_at");
    s.scheduled_by = value_of(*t, "scheduled_by");
    s.scheduled_message = value_of(*t, "scheduled_message");
    s.scheduled_blob = value_of(*t, "scheduled_blob");
    states_.emplace(std::string(path.str()), std::move(s));
  }
  return {};
}

DocumentState DocumentStates::of(const std::string& path) const {
  const std::lock_guard lock(mutex_);
  const auto found = states_.find(path);
  return found == states_.end() ? DocumentState{} : found->second;
}

std::map<std::string, DocumentState> DocumentStates::all() const {
  const std::lock_guard lock(mutex_);
  return states_;
}

Done DocumentStates::update(const std::string& path, const std::function<void(DocumentState&)>& change) {
  const std::lock_guard lock(mutex_);
  auto next = states_;
  change(next[path]);
  if (auto written = write_locked(next); !written) return written;
  states_ = std::move(next);
  return {};
}

Done DocumentStates::write_locked(const std::map<std::string, DocumentState>& states) const {
  toml::table root;
  for (const auto& [path, s] : states) {
    toml::table t;
    t.insert("changed_by", s.changed_by);
    t.insert("changed_at", s.changed_at);
    t.insert("review", kStatusKeys[static_cast<std::size_t>(s.review)]);
    t.insert("author", s.author);
    t.insert("reviewer", s.reviewer);
    t.insert("comment", s.comment);
    t.insert("blob", s.blob);
    t.insert("review_at", s.review_at);
    t.insert("sent", s.sent);
    t.insert("scheduled_at", s.scheduled_at);
    t.insert("scheduled_by", s.scheduled_by);
    t.insert("scheduled_message", s.scheduled_message);
    t.insert("scheduled_blob", s.scheduled_blob);
    root.insert(path, std::move(t));
  }
  std::ostringstream out;
  out << root << '\n';
  const std::string temporary = file_.string() + ".new";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) return fail("cannot write " + temporary + ": " + std::strerror(errno), errno);
  const bool written = write_all(fd, out.str()) && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), file_.c_str()) != 0)
    return fail("cannot write " + file_.string() + ": " + std::strerror(written ? errno : error));
  return {};
}

}  // namespace portal

namespace portal {

Done Team::open() {
  std::error_code ec;
  std::filesystem::create_directories(config.state, ec);
  if (ec) return fail("cannot make the state folder " + config.state.string() + ": " + ec.message());
  std::filesystem::permissions(
      config.state,
      std::filesystem::perms::owner_all | std::filesystem::perms::group_read | std::filesystem::perms::group_exec, ec);
  return documents.load();
}

}  // namespace portal
