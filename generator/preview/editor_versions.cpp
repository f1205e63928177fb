// A way back: the editor's "Recent changes" (the latest commits of the site's
// history, each document a link to that version), a document's versions with
// what one of them changed, "Restore this version" (a new commit that says so)
// and "Withdraw" (a commit that marks the page a draft; its history is kept).
// Neither lifts a restriction: a version that would make public what is now
// withheld is refused, as a save is.
#include <httplib.h>

#include "beneath.h"
#include "editor.h"
#include "editor_requests.h"
#include "editor_templates.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "git_versions.h"
#include "restriction_guard.h"
#include "text.h"

namespace portal {

namespace {

constexpr std::size_t kRecentChanges = 50;

// A commit as the pages list it.
mstch::map commit_row(const Commit& c) {
  return {{"date", c.date.long_form()}, {"author", c.author}, {"message", c.summary}, {"hash", c.hash}};
}

// The title of the document at `path`, or its path.
std::string title_in(const Site* site, const std::string& path) {
  if (!site || !site->by_path.count(path)) return path;
  const Document& d = site->document(site->by_path.at(path));
  return d.title.value.empty() ? path : d.title.value;
}

}  // namespace

std::string Editor::version_address(const std::string& path, const std::string& commit) {
  return std::string(kEditorBase) + "version?path=" + text::encode_query_value(path) +
         (commit.empty() ? "" : "&commit=" + commit);
}

void Editor::changes_page(httplib::Response& res) {
  mstch::array rows;
  std::string none = "The site's history cannot be read: the terminal says why.";
  host_.with_site([&](Site* site, const Theme*, const History* history) {
    if (!history) return;
    if (!history->available) none = "The site has no recorded history: " + history->unavailable_because + ".";
    for (const Commit& c : history->commits) {
      if (rows.size() == kRecentChanges) break;
      mstch::array documents;
      for (const auto& path : c.paths) {
        const bool document = site && site->by_path.count(path);
        documents.emplace_back(mstch::map{{"title", title_in(site, path)},
                                          {"address", document ? version_address(path, c.hash) : std::string()}});
      }
      mstch::map row = commit_row(c);
      row["documents"] = std::move(documents);
      rows.emplace_back(std::move(row));
    }
  });
  const auto count = std::to_string(rows.size());
  const bool any = !rows.empty();
  reply_page(res, 200, "changes", {{"rows", std::move(rows)}, {"any", any}, {"count", count}, {"none", none}},
             "Recent changes", secret_);
}

void Editor::version_page(const std::string& path, const std::string& commit, httplib::Response& res,
                          const std::string& done, const std::string& problem) {
  mstch::map context{{"path", path},          {"secret", secret_},         {"edit_address", address_of(path)},
                     {"done", done},          {"problem", problem},        {"chosen", false},
                     {"can_withdraw", false}, {"versions", mstch::array()}};
  bool known = false;
  std::optional<mstch::map> chosen;
  host_.with_site([&](Site* site, const Theme*, const History* history) {
    if (!site || !site->by_path.count(path)) return;
    known = true;
    context["title"] = title_in(site, path);
    const std::size_t i = site->by_path.at(path);
    context["can_withdraw"] = site->published(i) && !site->document(i).draft;
    if (!history || !history->of(path)) return;
    mstch::array versions;
    for (const auto index : *history->of(path)) {
      const Commit& c = history->commits[index];
      mstch::map row = commit_row(c);
      row["address"] = version_address(path, c.hash);
      versions.emplace_back(row);
      if (c.hash != commit) continue;
      row["can_restore"] = true;
      chosen = std::move(row);
    }
    context["versions"] = std::move(versions);
  });
  if (!known) return reply_page(res, 404, "not-found", {{"no_page", true}}, "Not found", secret_);
  if (chosen) {
    mstch::array lines;
    if (const auto changed = changes_in(source_, commit, path)) {
      for (const auto& l : *changed) {
        const bool added = l.kind == ChangedLine::Kind::added, removed = l.kind == ChangedLine::Kind::removed;
        lines.emplace_back(mstch::map{{"kind", std::string(added     ? "added"
                                                           : removed ? "removed"
                                                                     : "context")},
                                      {"mark", std::string(added     ? "Added"
                                                           : removed ? "Removed"
                                                                     : "")},
                                      {"text", l.text}});
      }
    }
    (*chosen)["lines"] = std::move(lines);
    context["chosen"] = std::move(*chosen);
  }
  reply_page(res, problem.empty() ? 200 : 409, "version", std::move(context), "Versions", secret_);
}

void Editor::restore(const httplib::Request& req, httplib::Response& res) {
  const std::string path = param(req, "path"), commit = param(req, "commit");
  if (const auto editable = check_content_path(source_, path); !editable)
    return reply_page(res, 404, "not-found", {{"not_editable", true}, {"why", editable.error()}}, "Not found", secret_);
  const std::lock_guard one_at_a_time(writing_);
  const auto old = file_at(source_, commit, path);
  if (!old) return version_page(path, commit, res, {}, text::capitalised(old.error()) + ".");
  const auto disk = read_beneath(source_dir_, path);
  if (!disk) return version_page(path, commit, res, {}, text::capitalised(disk.error()) + ".");
  if (const auto lifting = lifted_restrictions(source_dir_, path, disk->bytes, *old); !lifting.empty())
    return version_page(path, commit, res, {},
                        "That version would make public what is now withheld as restricted (" +
                            text::joined(lifting, "; ") + "), so it was not restored.");
  std::string date;
  host_.with_site([&](Site*, const Theme*, const History* history) {
    if (!history) return;
    for (const Commit& c : history->commits)
      if (c.hash == commit) date = c.date.long_form();
  });
  if (auto written = write_beneath_atomically(source_dir_, path, *old); !written)
    return version_page(path, commit, res, {}, text::capitalised(written.error()) + ".");
  const auto made = commit_files(
      source_, {path}, "Restored to the version of " + (date.empty() ? commit.substr(0, 7) : date), author_of(req));
  host_.rebuild_now();
  if (!made)
    return version_page(path, commit, res, {},
                        "The version is back in the file, but it could not be recorded: " + made.error());
  const std::string live = recorded_and_live(req, path, "restore");
  version_page(path, *made, res,
               "The document is back as it was on " + date + ". This is recorded as a change of its own" +
                   (team_ ? ". " + live : ": it goes live when the site is next built."),
               {});
}

void Editor::withdraw(const httplib::Request& req, httplib::Response& res) {
  const std::string path = param(req, "path");
  if (const auto editable = check_content_path(source_, path); !editable)
    return reply_page(res, 404, "not-found", {{"not_editable", true}, {"why", editable.error()}}, "Not found", secret_);
  const std::lock_guard one_at_a_time(writing_);
  const auto disk = read_beneath(source_dir_, path);
  if (!disk) return version_page(path, {}, res, {}, text::capitalised(disk.error()) + ".");
  const auto marked = edit_front_matter(disk->bytes, {{"draft", "true"}});
  if (!marked)
    return version_page(path, {}, res, {},
                        "The page's details (between its +++ lines) cannot be read: " + marked.error());
  std::string title;
  host_.with_site([&](Site* site, const Theme*, const History*) { title = title_in(site, path); });
  if (auto written = write_beneath_atomically(source_dir_, path, *marked); !written)
    return version_page(path, {}, res, {}, text::capitalised(written.error()) + ".");
  const auto made = commit_files(source_, {path}, "Withdrawn from the site: " + title, author_of(req));
  host_.rebuild_now();
  if (!made)
    return version_page(path, {}, res, {},
                        "The page is marked a draft, but this could not be recorded: " + made.error());
  const std::string live = recorded_and_live(req, path, "withdraw");
  version_page(path, {}, res,
               team_ ? "The page is withdrawn: it is a draft again. Its versions are kept. " + live
                     : "The page is withdrawn: it is a draft again, and leaves the site when the site is next built. "
                       "Its versions are kept.",
               {});
}

}  // namespace portal
