// The team editor: who is signed in (the front's identity header, trusted
// because the gate let through only requests carrying the front's key), what
// their role lets them do, the second pair of eyes, and the audit log.
#include <chrono>
#include <map>

#include <httplib.h>

#include "editor.h"
#include "editor_requests.h"
#include "files.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "team_live.h"
#include "team_mail.h"
#include "text.h"

namespace portal {

namespace {

// What each route that changes anything needs beyond being on the team.
Role needed_for(const std::string& route, bool post) {
  if (!post) return Role::writer;
  if (route == "publish" || route == "restore" || route == "withdraw" || route == "settings" ||
      route == "delete-picture" || route == "go-live" || route == "send-list" || route == "schedule" ||
      route == "unschedule")
    return Role::publisher;
  if (route == "review/approve" || route == "review/return") return Role::reviewer;
  return Role::writer;
}

std::string role_words(Role role) {
  switch (role) {
    case Role::writer: return "a writer";
    case Role::reviewer: return "a reviewer";
    case Role::publisher: return "a publisher";
  }
  return "";
}

std::string now_stamp() { return utc_stamp(std::chrono::system_clock::now()); }

constexpr std::size_t kLongestComment = 2000;

// Why a step of a review was refused, by the code the document's page is sent back with: the page says only
// these, never words from its address.
const std::map<std::string, std::string>& review_problems() {
  static const std::map<std::string, std::string> problems{
      {"waiting", "It is already waiting for review."},
      {"not-waiting", "It is not waiting for review."},
      {"own", "You wrote it or sent it for review: a colleague must look at it, not you."},
      {"changed", "It has changed since you opened it: look at it again before you decide."},
      {"no-comment", "Say what needs to change before you send it back."},
      {"long-comment", "Say what needs to change in at most 2,000 characters."}};
  return problems;
}

}  // namespace

std::optional<std::string> Editor::requested_path(const httplib::Request& req, httplib::Response& res) const {
  std::string path = param(req, "path");
  if (const auto editable = check_content_path(source_, path); !editable) {
    reply_refusal(res, 404, editable.error());
    return std::nullopt;
  }
  return path;
}

const Person* Editor::signed_in(const httplib::Request& req) const {
  if (!team_) return nullptr;
  return team_->config.person(req.get_header_value(kIdentityHeader));
}

std::optional<CommitAuthor> Editor::author_of(const httplib::Request& req) const {
  if (const Person* person = signed_in(req)) return CommitAuthor{person->name, person->email};
  return std::nullopt;
}

bool Editor::team_allows(const httplib::Request& req, httplib::Response& res, const std::string& route, bool post) {
  const std::string user = req.get_header_value(kIdentityHeader);
  const Person* person = team_->config.person(user);
  if (!person) {
    reply_page(res, 403, "not-found", {{"not_on_team", true}, {"user", user}, {"config", team_->config.file.string()}},
               "Not on the team", secret_);
    return false;
  }
  team_->audit.heard_from(person->user, std::chrono::system_clock::now());
  const Role needed = needed_for(route, post);
  if (may(*person, needed)) return true;
  reply_refusal(res, 403,
                "You are " + role_words(person->role) + " of the team: only " + role_words(needed) +
                    (needed == Role::publisher ? "" : " or a publisher") + " may do this. Ask a publisher.");
  return false;
}

void Editor::record_change(const std::string& user, const std::string& path, const std::string& what,
                           const std::string& detail) {
  const Person* person = team_ ? team_->config.person(user) : nullptr;
  if (!person) return;
  const std::string at = now_stamp();
  (void)team_->documents.update(path, [&](DocumentState& s) {
    s.changed_by = person->user;
    s.changed_at = at;
    if (what == "publish") s.review = ReviewStatus::none;  // its review is over
  });
  (void)team_->audit.record(person->user, what, path + (detail.empty() ? "" : ": " + detail));
}

void Editor::review(const httplib::Request& req, httplib::Response& res, const std::string& action) {
  if (!team_ || team_->config.review == ReviewPolicy::off) return reply_refusal(res, 404, "reviews are off");
  const Person& person = *signed_in(req);
  const auto asked = requested_path(req, res);
  if (!asked) return;
  const std::string& path = *asked;
  // The file and its review checked and changed with no save between.
  const std::lock_guard one_at_a_time(writing_);
  const auto file = read_beneath(source_dir_, path);
  if (!file) return reply_refusal(res, 404, file.error());
  const std::string blob = blob_id(file->bytes);
  const DocumentState state = team_->documents.of(path);
  const std::string comment = text::trim(lf(param(req, "comment")));
  std::string refused;
  if (action == "send") {
    if (state.review == ReviewStatus::waiting && state.blob == blob) refused = "waiting";
  } else if (action == "approve" || action == "return") {
    if (state.review != ReviewStatus::waiting)
      refused = "not-waiting";
    else if (state.author == person.user || state.changed_by == person.user)
      refused = "own";
    else if (param(req, "base") != blob || state.blob != blob)
      refused = "changed";
    else if (action == "return" && comment.empty())
      refused = "no-comment";
    else if (comment.size() > kLongestComment)
      refused = "long-comment";
  } else {
    return reply_refusal(res, 404, "there is no such step of a review");
  }
  if (refused.empty()) {
    const std::string at = now_stamp();
    const auto updated = team_->documents.update(path, [&](DocumentState& s) {
      if (action == "send") {
        s.review = ReviewStatus::waiting;
        s.author = person.user;
        s.blob = blob;
        s.reviewer.clear();
        s.comment.clear();
      } else {
        s.review = action == "approve" ? ReviewStatus::approved : ReviewStatus::sent_back;
        s.reviewer = person.user;
        s.comment = comment;
      }
      s.review_at = at;
    });
    if (!updated) return reply_refusal(res, 500, updated.error());
    (void)team_->audit.record(person.user, "review " + action, path + (comment.empty() ? "" : ": " + comment));
    if (action != "send") tell_author(state.author, person, path, action == "approve", comment);
  }
  res.status = 303;
  res.set_header(
      "Location",
      address_of(path) + (refused.empty() ? "" : "?review_problem=" + text::encode_query_value(refused)) + "#review");
}

mstch::node Editor::review_section(const std::string& path, const std::string& raw, const httplib::Request& req) {
  if (!team_ || team_->config.review == ReviewPolicy::off) return false;
  const Person* person = signed_in(req);
  const DocumentState s = team_->documents.of(path);
  const std::string blob = blob_id(raw);
  const bool current = s.blob == blob;
  mstch::map out{
      {"path", path},
      {"secret", secret_},
      {"base", blob},
      {"required", team_->config.review == ReviewPolicy::required},
      {"problem", review_problems().count(param(req, "review_problem"))
                      ? review_problems().at(param(req, "review_problem"))
                      : std::string()},
      {"status", std::string(review_words(s.review))},
      {"none", s.review == ReviewStatus::none},
      {"author", team_->config.name_of(s.author)},
      {"reviewer", team_->config.name_of(s.reviewer)},
      {"comment", s.comment},
      {"when", readable_stamp(s.review_at)},
      {"changed_since", s.review != ReviewStatus::none && !current},
      {"waiting", s.review == ReviewStatus::waiting && current},
      {"approved", s.review == ReviewStatus::approved && current},
      {"sent_back", s.review == ReviewStatus::sent_back},
      {"may_decide", s.review == ReviewStatus::waiting && current && person && may(*person, Role::reviewer) &&
                         s.author != person->user && s.changed_by != person->user},
      {"may_send", !(s.review == ReviewStatus::waiting && current)}};
  return out;
}

void Editor::team_start_page(const httplib::Request& req, mstch::map& context) {
  if (!team_) return;
  const Person* person = signed_in(req);
  context["signed_in"] = mstch::map{{"name", person->name}, {"role", std::string(role_name(person->role))}};
  mstch::array waiting, returned, scheduled;
  for (const auto& [path, s] : team_->documents.all()) {
    std::string title = path;
    host_.with_site([&](Site* site, const Theme*, const History*) {
      if (!site || !site->by_path.count(path)) return;
      if (const auto& t = site->document(site->by_path.at(path)).title.value; !t.empty()) title = t;
    });
    mstch::map row{{"address", address_of(path)},
                   {"title", title},
                   {"when", readable_stamp(s.review_at)},
                   {"author", team_->config.name_of(s.author)},
                   {"reviewer", team_->config.name_of(s.reviewer)},
                   {"comment", s.comment}};
    if (!s.scheduled_at.empty())
      scheduled.emplace_back(mstch::map{{"address", address_of(path)},
                                        {"title", title},
                                        {"at", s.scheduled_at},
                                        {"at_words", readable_stamp(s.scheduled_at)},
                                        {"by", team_->config.name_of(s.scheduled_by)}});
    if (s.review == ReviewStatus::waiting && s.author != person->user)
      waiting.emplace_back(std::move(row));
    else if (s.review == ReviewStatus::sent_back && s.author == person->user)
      returned.emplace_back(std::move(row));
  }
  context["waiting"] = waiting.empty() ? mstch::node(false) : mstch::node(std::move(waiting));
  context["returned"] = returned.empty() ? mstch::node(false) : mstch::node(std::move(returned));
  context["scheduled"] = scheduled.empty() ? mstch::node(false) : mstch::node(std::move(scheduled));
}

void Editor::tell_author(const std::string& author, const Person& reviewer, const std::string& path, bool approved,
                         const std::string& comment) {
  const Person* to = team_->config.person(author);
  if (!to || !team_->config.mail) return;  // they see it on their start page all the same
  // A restricted document's title and comments never leave the server, not even for its author's inbox.
  std::string title = path;
  bool restricted = true;
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (!site || !site->by_path.count(path)) return;
    const Document& d = site->document(site->by_path.at(path));
    title = d.title.value;
    restricted = d.restricted;
  });
  if (restricted) title = "a restricted document";
  const std::string named = restricted ? title : "\u201c" + title + "\u201d";
  const std::string link = team_->config.editor_address + (restricted ? std::string(kEditorBase) : address_of(path));
  const std::string said = approved ? reviewer.name + " approved " + named + ": it may be published as it is."
                                    : reviewer.name + " sent " + named + " back to you" +
                                          (restricted ? ": open it in the editor." : ": " + comment);
  MailMessage m{to->email,
                (approved ? "Approved: " : "Sent back: ") + title,
                "<!DOCTYPE html><html lang=\"en\"><body><p>" + text::html_escape(said) + "</p><p><a href=\"" +
                    text::html_escape(link) + "\">" + text::html_escape(link) + "</a></p></body></html>",
                said + "\n\n" + link + "\n",
                {}};
  if (const auto sent = send_mail(*team_->config.mail, m); !sent)
    (void)team_->audit.record(reviewer.user, "not told", author + ": " + sent.error());
  else
    (void)team_->audit.record(reviewer.user, "told", author + " of " + path);
}

bool Editor::review_allows(const std::string& path, const std::string& raw, const std::string& disk,
                           const std::string& text, httplib::Response& res) const {
  if (!team_ || team_->config.review != ReviewPolicy::required) return true;
  const DocumentState s = team_->documents.of(path);
  std::string why;
  if (s.review != ReviewStatus::approved || s.blob != blob_id(raw))
    why = "It was not published: a colleague must approve it first. Save it, then send it for review.";
  else if (text != disk)
    why =
        "It was not published: it has changes that are not saved, and a colleague approved it as it was saved. "
        "Save them and send it for review again, or reload the page to publish what was approved.";
  if (why.empty()) return true;
  toml::table t;
  t.insert("published", false);
  t.insert("error", why);
  reply_json(res, 409, t);
  return false;
}

void Editor::go_live_now(const std::string& user, const std::string& path, toml::table& out) {
  const std::string address = out["address"].value_or(std::string("/"));
  const std::string url = team_->config.public_address + address;
  out.insert("retry", true);  // unless it went live: a retry puts online what is committed
  if (team_->config.publish_to == PublishTo::push) {
    if (const auto pushed = push_to_remote(source_, team_->config); !pushed) {
      out.insert("live_error", "It is published here, but " + pushed.error() +
                                   ". Nothing is lost: try again once that is put right.");
      (void)team_->audit.record(user, "not pushed", path + ": " + pushed.error());
      return;
    }
    out.insert_or_assign("retry", false);
    out.insert("pushed", "It is sent to the content repository, and live at " + url +
                             " once the site has been built from there.");
    (void)team_->audit.record(user, "pushed", path + " to " + team_->config.remote + " " + team_->config.branch);
    return;
  }
  const auto live = go_live(source_, team_->published_copy(), team_->config.output, jobs_);
  if (!live) {
    out.insert("live_error", "It is published, but the public site could not be made again: " + live.error());
    (void)team_->audit.record(user, "not live", path + ": " + live.error());
    return;
  }
  if (const auto confirmed = confirm_live(url, ""); !confirmed) {
    out.insert("live_error", "The public site was made again, but the page could not be fetched from its address: " +
                                 confirmed.error());
    (void)team_->audit.record(user, "not confirmed", url + ": " + confirmed.error());
    return;
  }
  out.insert_or_assign("retry", false);
  out.insert("live", url);
  out.insert("live_since", utc_stamp(std::chrono::system_clock::now()));
  (void)team_->audit.record(user, "live", url + " (" + live->commit.substr(0, 12) + ")");
}

std::string Editor::recorded_and_live(const httplib::Request& req, const std::string& path, const std::string& what) {
  const Person* person = signed_in(req);
  if (!person) return {};
  record_change(person->user, path, what, "");
  toml::table out;
  out.insert("address", state_and_address(path).second);
  go_live_now(person->user, path, out);
  if (const auto live = out["live"].value<std::string>()) return "It is live at " + *live + ".";
  if (const auto pushed = out["pushed"].value<std::string>()) return *pushed;
  return out["live_error"].value_or(std::string());
}

void Editor::retry_going_live(const httplib::Request& req, httplib::Response& res) {
  const auto asked = requested_path(req, res);
  if (!asked) return;
  const std::string& path = *asked;
  const std::lock_guard one_at_a_time(writing_);
  toml::table out;
  out.insert("published", true);
  out.insert("address", state_and_address(path).second);
  go_live_now(signed_in(req)->user, path, out);
  reply_json(res, 200, out);
}

}  // namespace portal
