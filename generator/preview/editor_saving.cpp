// Saving and publishing: the request validated, a change made elsewhere
// detected, the file written, and for a publish the whole site checked
// (the file put back as typed when it fails) and the files committed.
#include <algorithm>

#include <httplib.h>

#include "beneath.h"
#include "build.h"
#include "editor.h"
#include "editor_merge.h"
#include "editor_requests.h"
#include "editor_words.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "restriction_guard.h"
#include "text.h"

namespace portal {

// A save or publish as asked, once nothing refuses it.
struct Editor::Change {
  std::string path;
  bool publish = false;
  std::string raw;                     // the file's bytes when the request came
  std::string disk;                    // their text, normalised
  std::string text;                    // the text asked for, as typed: draft mark and all
  std::string written;                 // the text written: for a publish, without the draft mark
  std::string message;                 // the commit's message
  bool merged = false;                 // with changes made to the file elsewhere since the form opened
  std::optional<CommitAuthor> author;  // who the commit is recorded as (the team editor's signed-in person)
  std::string user;                    // the team editor's signed-in user
};

namespace {

std::nullopt_t refused(httplib::Response& res, int status, const std::string& why) {
  reply_refusal(res, status, why);
  return std::nullopt;
}

// A save or an unconfirmed publish that would lift a restriction: nothing is written; what it would lift is named.
void refuse_lifting(httplib::Response& res, const std::vector<std::string>& lifting, bool publish) {
  toml::table t;
  t.insert("error",
           std::string("Nothing was saved: this would make public what is now withheld as restricted (") +
               text::joined(lifting, "; ") + "). " +
               (publish ? "To lift the restriction, confirm that each of these may be public."
                        : "Lifting a restriction is a step of its own: publish, and confirm what becomes public."));
  toml::array names;
  for (const auto& l : lifting) names.push_back(l);
  t.insert("lift", std::move(names));
  reply_json(res, 422, t);
}

// Why the site never publishes the document at `path`, draft or not: empty
// when it does, or will (dated in the future, it is scheduled).
std::string never_published(EditorHost& host, const std::string& path) {
  std::string never;
  host.with_site([&](Site* site, const Theme*, const History*) {
    if (!site || !site->by_path.count(path)) return;
    Document ready = site->document(site->by_path.at(path));
    ready.draft = false;
    never = withheld_because(*site, ready, Drafts::hide);
    if (never.starts_with("dated in the future")) never.clear();  // scheduled: it will be
  });
  return never;
}

// Whether a publish is refused before anything is written, answered: a
// document the site never publishes, or no plain line for what changed.
bool publish_refused(httplib::Response& res, const std::string& never, const std::string& message) {
  if (!never.empty()) {
    reply_refusal(res, 422, "This document is " + never + ", so the site never publishes it.");
    return true;
  }
  const char* wrong = message_problem(message);
  if (!wrong) return false;
  toml::table t;
  t.insert("error", wrong);
  t.insert("field", "message");
  reply_json(res, 422, t);
  return true;
}

// Saved: the file now has `bytes`, the form's new base.
void reply_saved(httplib::Response& res, const std::string& bytes, const std::string& state, bool merged = false) {
  toml::table t;
  t.insert("saved", true);
  if (merged) t.insert("merged", true);
  t.insert("base", blob_id(bytes));
  if (!state.empty()) t.insert("state", state);
  reply_json(res, 200, t);
}

// A publish the whole site's check refused: the file, put back as typed, has
// `bytes`; `text` is what was checked. Its errors are listed, but those of
// restricted files, whose messages may quote them: those are named, not quoted.
void reply_not_published(httplib::Response& res, const BuildResult& result, const std::string& path,
                         const std::string& text, const std::string& bytes) {
  Diagnostics shown;
  for (auto d : result.diagnostics.items()) {
    if (d.severity != Severity::error) continue;
    if (d.file != path && result.restricted_files.count(d.file)) {
      d.message = "a problem in a restricted file (the terminal running portal check says what)";
      d.hint.clear();
    }
    shown.add(d);
  }
  toml::table t;
  t.insert("published", false);
  t.insert("base", blob_id(bytes));
  t.insert("error", result.failure.message.empty()
                        ? "It was not published: the site as it would be published has problems. "
                          "The document is saved, still a draft."
                        : result.failure.message);
  t.insert("diagnostics", diagnostics_json(shown, text, 0, true));
  reply_json(res, 422, t);
}

}  // namespace

void Editor::save(const httplib::Request& req, httplib::Response& res, bool publish) {
  const std::string path = param(req, "path");
  if (const auto editable = check_content_path(source_, path); !editable)
    return reply_refusal(res, 404, editable.error());
  // One at a time: the file is compared with the form's base, then written, with no other save between.
  const std::lock_guard one_at_a_time(writing_);
  std::optional<Change> change = read_change(req, res, path, publish);
  if (!change || conflicted(req, *change, res)) return;
  const std::optional<std::string> bytes = write(*change, res);
  if (!bytes) return;
  if (!publish) {
    record_change(change->user, path, "save", "");
    host_.rebuild_now();
    return reply_saved(res, *bytes, state_and_address(path).first, change->merged);
  }
  if (checked(*change, res)) commit(*change, *bytes, res);
}

std::pair<std::string, std::string> Editor::state_and_address(const std::string& path) {
  std::pair<std::string, std::string> out;
  host_.with_site([&](Site* site, const Theme*, const History* history) {
    if (!site || !site->by_path.count(path)) return;
    const Document& d = site->document(site->by_path.at(path));
    out = {state_of(*site, d, history), d.url};
  });
  return out;
}

std::optional<Editor::Change> Editor::read_change(const httplib::Request& req, httplib::Response& res,
                                                  const std::string& path, bool publish) {
  const auto file = read_beneath(source_dir_, path);
  if (!file && !file.failure().missing()) return refused(res, 404, file.error());
  Change change;
  change.path = path;
  change.publish = publish;
  change.raw = file ? file->bytes : "";
  Diagnostics ignored;
  change.disk = normalise_source(change.raw, path, "front-matter", ignored).value_or(change.raw);
  const std::optional<Kind> kind = kind_of(path);
  std::string never = never_published(host_, path);
  if (!kind) return refused(res, 404, path + " is not where any kind of document lives");
  const auto requested = requested_text(req, *kind, change.disk);
  if (!requested)
    return refused(
        res, 422,
        "its details (between the +++ lines) cannot be read (" + requested.error() + "): correct them in the text");
  change.text = *requested;
  // Nothing restricted becomes public by a save: only a publish that names, and was confirmed for, what it lifts.
  const std::vector<std::string> lifting = lifted_restrictions(source_dir_, path, change.disk, change.text);
  const bool lift_confirmed = !lifting.empty() && publish && lf(param(req, "lift")) == text::joined(lifting, "\n");
  if (!lifting.empty() && !lift_confirmed) {
    refuse_lifting(res, lifting, publish);
    return std::nullopt;
  }
  if (lift_confirmed && std::find(lifting.begin(), lifting.end(), path) != lifting.end()) never.clear();
  change.message = text::trim(lf(param(req, "message")));
  if (publish && publish_refused(res, never, change.message)) return std::nullopt;
  change.author = author_of(req);
  if (const Person* person = signed_in(req)) change.user = person->user;
  if (publish && !review_allows(path, change.raw, change.disk, change.text, res)) return std::nullopt;
  if (lift_confirmed)
    change.message = "Restriction lifted, publishing " + text::joined(lifting, ", ") + ": " + change.message;
  if (publish)
    if (const auto can = check_can_commit(source_); !can)
      return refused(res, 422, "Nothing was published or changed: " + can.error() + ".");
  return change;
}

bool Editor::conflicted(const httplib::Request& req, Change& change, httplib::Response& res) {
  if (param(req, "base") == blob_id(change.raw)) return false;
  // Changed on disk since the form opened: a form is merged field by field, without asking when the
  // person and the other change touched different fields; never lifting a restriction either way.
  toml::table t;
  if (const auto kind = kind_of(change.path); kind && mergeable(req)) {
    const auto merged = merge_form(req, *kind, change.disk);
    if (merged && merged->conflicts.empty()) {
      const auto lifting = lifted_restrictions(source_dir_, change.path, change.disk, merged->text);
      if (!lifting.empty()) {
        refuse_lifting(res, lifting, change.publish);
        return true;
      }
      change.text = merged->text;
      change.merged = true;
      return false;
    }
    if (merged) {
      toml::array fields;
      for (const auto& c : merged->conflicts)
        fields.push_back(toml::table{{"key", c.key},
                                     {"label", c.key == "body" ? "Text" : label_of(c.key)},
                                     {"mine", c.mine},
                                     {"theirs", c.theirs}});
      t.insert("fields", std::move(fields));
    }
  }
  // Nothing is written: both are shown, the fields that differ side by side.
  t.insert("conflict", true);
  t.insert("disk", change.disk);
  t.insert("disk_base", blob_id(change.raw));
  t.insert("mine", change.text);
  reply_json(res, 409, t);
  return true;
}

std::optional<std::string> Editor::write(Change& change, httplib::Response& res) {
  // Nothing changed: nothing is written (the file keeps its bytes, line endings and all).
  if (!change.publish && lf(change.text) == lf(change.disk)) {
    reply_saved(res, change.raw, state_and_address(change.path).first, change.merged);
    return std::nullopt;
  }
  change.written = change.text;
  if (change.publish) {
    const auto published = edit_front_matter(change.text, {{"draft", std::nullopt}});
    if (!published)
      return refused(res, 422, "its details (between the +++ lines) cannot be read (" + published.error() + ")");
    change.written = *published;
  }
  const std::string bytes = as_file_had(change.written, change.raw);
  if (const auto written = write_beneath_atomically(source_dir_, change.path, bytes); !written)
    return refused(res, 500, written.error());
  return bytes;
}

bool Editor::checked(const Change& change, httplib::Response& res) {
  // The whole site, as a build without drafts will publish it.
  BuildOptions check;
  check.source = source_;
  check.drafts = Drafts::hide;
  check.jobs = jobs_;
  const BuildResult result = run_check(check);
  if (result.outcome == Outcome::ok) return true;
  // Not published: the file keeps what was typed, still a draft.
  const std::string bytes = as_file_had(change.text, change.raw);
  if (const auto written = write_beneath_atomically(source_dir_, change.path, bytes); !written) {
    reply_refusal(res, 500, written.error());
    return false;
  }
  host_.rebuild_now();
  reply_not_published(res, result, change.path, change.written, bytes);
  return false;
}

void Editor::commit(const Change& change, const std::string& bytes, httplib::Response& res) {
  // The files under content/ that the text as published shows (an image, a PDF), read by the site from the file now
  // written.
  host_.rebuild_now();
  std::vector<std::string> files = {change.path};
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (!site || !site->by_path.count(change.path)) return;
    for (const auto& link : site->links_of(site->by_path.at(change.path))) {
      const auto asset = site->asset_by_path.find(link.target_path);
      if (!link.internal || asset == site->asset_by_path.end() || !site->assets[asset->second].published) continue;
      if (std::find(files.begin(), files.end(), link.target_path) == files.end()) files.push_back(link.target_path);
    }
  });
  const auto commit = commit_files(source_, files, change.message, change.author);
  host_.rebuild_now();
  if (!commit) {
    toml::table t;
    t.insert("published", false);
    t.insert("base", blob_id(bytes));
    t.insert("error", "The document is saved without its draft mark, but it could not be recorded: " + commit.error());
    return reply_json(res, 500, t);
  }
  const auto [state, address] = state_and_address(change.path);
  toml::table out;
  out.insert("saved", true);
  out.insert("base", blob_id(bytes));
  out.insert("published", true);
  out.insert("commit", *commit);
  out.insert("state", state);
  out.insert("address", address);
  toml::array listed;
  for (const auto& f : files) listed.push_back(f);
  out.insert("files", std::move(listed));
  if (team_) {
    record_change(change.user, change.path, "publish", change.message);
    go_live_now(change.user, change.path, out);
  }
  reply_json(res, 200, out);
}

}  // namespace portal
