// "Publish at": a saved (and, where required, approved) document is
// scheduled with its line for the public; the team editor's timer publishes
// it when its time comes, as the person who scheduled it, through the very
// steps of their own publish. A document changed since it was scheduled is
// not published: its schedule is cancelled, and the log says why.
#include <regex>

#include <httplib.h>

#include "editor.h"
#include "editor_requests.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "text.h"

namespace portal {

namespace {

// "2026-12-05T14:30:00.000Z" as the browser's toISOString() gives it, to the minute: "2026-12-05T14:30:00Z".
std::optional<std::string> utc_minute(const std::string& at) {
  static const std::regex iso(R"((\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?Z)");
  std::smatch m;
  if (!std::regex_match(at, m, iso)) return std::nullopt;
  return m[1].str() + ":00Z";
}

void reply_schedule_error(httplib::Response& res, const std::string& why, const std::string& field = {}) {
  toml::table t;
  t.insert("scheduled", false);
  t.insert("error", why);
  if (!field.empty()) t.insert("field", field);
  reply_json(res, 422, t);
}

}  // namespace

void Editor::schedule(const httplib::Request& req, httplib::Response& res) {
  const Person& person = *signed_in(req);
  const auto asked = requested_path(req, res);
  if (!asked) return;
  const std::string& path = *asked;
  const std::lock_guard one_at_a_time(writing_);
  const auto file = read_beneath(source_dir_, path);
  const std::optional<Kind> kind = kind_of(path);
  if (!file || !kind) return reply_refusal(res, 404, path + " is not a document the editor can publish");
  Diagnostics ignored;
  const std::string disk = normalise_source(file->bytes, path, "front-matter", ignored).value_or(file->bytes);
  const auto typed = requested_text(req, *kind, disk);
  if (param(req, "base") != blob_id(file->bytes) || !typed || *typed != disk)
    return reply_schedule_error(res, "Save it first: what is published at that time is the document as saved.");
  const std::string message = text::trim(lf(param(req, "message")));
  if (const char* wrong = message_problem(message)) return reply_schedule_error(res, wrong, "message");
  const auto at = utc_minute(param(req, "at"));
  if (!at || *at <= utc_stamp(std::chrono::system_clock::now()))
    return reply_schedule_error(res, "Give a date and time in the future, e.g. 14 1 2027 at 09:30.", "publish-at");
  if (!review_allows(path, file->bytes, disk, *typed, res)) return;
  const auto updated = team_->documents.update(path, [&](DocumentState& s) {
    s.scheduled_at = *at;
    s.scheduled_by = person.user;
    s.scheduled_message = message;
    s.scheduled_blob = blob_id(file->bytes);
  });
  if (!updated) return reply_refusal(res, 500, updated.error());
  (void)team_->audit.record(person.user, "schedule", path + " at " + *at + ": " + message);
  toml::table t;
  t.insert("scheduled", true);
  t.insert("at", *at);
  reply_json(res, 200, t);
}

void Editor::unschedule(const httplib::Request& req, httplib::Response& res) {
  const Person& person = *signed_in(req);
  const auto asked = requested_path(req, res);
  if (!asked) return;
  const std::string& path = *asked;
  const auto updated = team_->documents.update(path, [](DocumentState& s) { s.scheduled_at.clear(); });
  if (!updated) return reply_refusal(res, 500, updated.error());
  (void)team_->audit.record(person.user, "schedule cancelled", path);
  res.status = 303;
  res.set_header("Location", address_of(path) + "#publish-title");
}

void Editor::publish_due(std::chrono::system_clock::time_point now) {
  if (!team_) return;
  const std::string stamp = utc_stamp(now);
  for (const auto& [path, s] : team_->documents.all()) {
    if (s.scheduled_at.empty() || s.scheduled_at > stamp) continue;
    (void)team_->documents.update(path, [](DocumentState& d) { d.scheduled_at.clear(); });
    const auto file = read_beneath(source_dir_, path);
    std::string why;
    if (const Person* by = team_->config.person(s.scheduled_by); !by || !may(*by, Role::publisher))
      why = s.scheduled_by + " who scheduled it is no longer a publisher of the team";
    else if (!file || blob_id(file->bytes) != s.scheduled_blob)
      why = "it was changed since it was scheduled: schedule it again";
    if (!why.empty()) {
      (void)team_->audit.record(s.scheduled_by, "schedule cancelled", path + ": " + why);
      continue;
    }
    // The publish the person asked for, made now, as them.
    httplib::Request req;
    req.method = "POST";
    req.params.emplace("path", path);
    req.params.emplace("base", s.scheduled_blob);
    req.params.emplace("message", s.scheduled_message);
    req.set_header(kIdentityHeader, s.scheduled_by);
    httplib::Response res;
    save(req, res, true);
    if (res.status != 200)
      (void)team_->audit.record(s.scheduled_by, "scheduled publish failed", path + ": " + res.body);
  }
}

mstch::node Editor::schedule_section(const std::string& path, const httplib::Request& req) {
  const Person* person = signed_in(req);
  if (!person || !may(*person, Role::publisher)) return false;
  const DocumentState s = team_->documents.of(path);
  const std::string at = s.scheduled_at;
  return mstch::map{{"path", path},
                    {"secret", secret_},
                    {"scheduled", !at.empty()},
                    {"at", at},
                    {"at_words", readable_stamp(at)},
                    {"by", team_->config.name_of(s.scheduled_by)},
                    {"message", s.scheduled_message}};
}

}  // namespace portal
