// The preview's rebuilds: in full through the pipeline, or, when one
// document's text alone changed, only its page and what shows its text.
#include "serve.h"

#include <algorithm>

#include "checks.h"
#include "email.h"
#include "front_matter.h"
#include "git_history.h"
#include "markdown.h"
#include "pages.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

std::uint64_t PreviewServer::rebuild(const std::vector<std::string>& changed) {
  const std::lock_guard one_at_a_time(rebuild_mutex_);
  if (changed.size() == 1 && rebuild_text_of(changed.front())) {
    const std::lock_guard lock(mutex_);
    return version_;
  }
  BuildOptions build;
  build.source = options_.source;
  build.drafts = Drafts::show;
  build.jobs = options_.jobs;
  build.cache = &cache_;
  build.root_path = "/";  // the preview serves the site at its root
  std::vector<OutputFile> files;
  BuiltSite kept;
  const BuildResult r = render_site(build, files, &kept);
  std::string error;
  if (!r.failure.message.empty()) error = "portal: error: " + r.failure.message + "\n";
  if (r.outcome != Outcome::ok && error.empty() && r.diagnostics.items().empty())
    error = "portal: the site could not be built\n";
  const std::lock_guard lock(mutex_);
  if (started_) parsed_ += cache_.parsed;
  if (r.outcome == Outcome::ok) {
    built_ = std::move(kept);
    built_ok_ = true;
    diagnostics_ = r.diagnostics;
    search_stale_ = false;
    files_.clear();
    for (auto& f : files) files_[f.path] = {std::move(f.content), std::move(f.copy_from)};
    have_site_ = true;
    // Warnings alone do not stop a build; they are not shown as an error.
    problems_ = {};
    problem_error_.clear();
  } else {
    // The next change rebuilds in full; the editor checks against the site as loaded.
    built_ok_ = false;
    search_stale_ = false;
    if (kept.site) {
      if (!built_) built_.emplace();
      built_->site = std::move(kept.site);
    } else {
      built_.reset();
    }
    problems_ = r.diagnostics;
    problem_error_ = error;
    restricted_files_ = r.restricted_files;
  }
  changed_locked();
  return version_;
}

bool PreviewServer::rebuild_text_of(const std::string& path) {
  std::unique_lock lock(mutex_);
  if (!built_ok_ || !built_ || !built_->site || !built_->theme) return false;
  Site& site = *built_->site;
  const auto found = site.by_path.find(path);
  const auto cached = cache_.files.find(path);
  if (found == site.by_path.end() || cached == cache_.files.end()) return false;
  const std::size_t i = found->second;
  // An agreement's text also shows in the comparisons of versions: rebuild in full.
  if (site.document(i).kind == Kind::agreement) return false;

  std::error_code ec;
  const fs::path file = options_.source / path;
  const auto mtime = fs::last_write_time(file, ec);
  const auto size = fs::file_size(file, ec);
  if (ec) return false;
  Diagnostics ignored;
  auto source = read_source(file, path, ignored);
  if (!source || source->head() != cached->second.front_matter) return false;
  FrontMatter& fm = source->front_matter;

  // A text that becomes empty, or stops being empty, adds or drops the page's #content.
  Document d = site.document(i);
  if (text::is_blank(fm.body) != text::is_blank(d.body)) return false;
  MarkdownOptions mo = site.markdown_options(d);
  mo.first_line = fm.body_first_line;
  RenderedMarkdown body = render_markdown(fm.body, mo);
  // Other documents may link to its headings and paragraphs: new ids mean a full check.
  const auto& old_headings = site.body(i).headings;
  if (body.headings.size() != old_headings.size() || body.paragraph_ids != site.body(i).paragraph_ids ||
      !std::equal(body.headings.begin(), body.headings.end(), old_headings.begin(),
                  [](const Heading& a, const Heading& b) { return a.id == b.id; }))
    return false;

  d.body = std::move(fm.body);
  d.body_first_line = fm.body_first_line;
  ++text_rebuilds_;
  auto& entry = cache_.files[path];
  entry.mtime = mtime;
  entry.size = size;
  entry.document = d;
  entry.body = body;
  site.replace(i, std::move(d), std::move(body));
  const Document& now = site.document(i);
  if (started_) ++parsed_;

  // The text's own rules again; every other diagnostic stands.
  Diagnostics diags;
  for (const auto& diag : diagnostics_.items())
    if (diag.file != path || !is_body_rule(diag.rule, now.kind)) diags.add(diag);
  check_document_body(site, i, diags);
  diags.sort();
  diagnostics_ = diags;
  if (site.why_withheld(i).find("restricted") != std::string::npos) restricted_files_.insert(path);
  if (diags.has_errors()) {
    problems_ = diags;
    problem_error_.clear();
  } else {
    problems_ = {};
    problem_error_.clear();
    // As git says now: a save is not committed, a publish (whose commit may come first) is.
    if (uncommitted_now(options_.source, path).value_or(true))
      built_->history.uncommitted.insert(path);
    else
      built_->history.uncommitted.erase(path);
    if (site.published(i)) {
      if (auto page = render_page(site, built_->history, *built_->theme, now.url))
        files_[page->path] = {page->content, {}};
      if (now.kind == Kind::bulletin)
        for (auto& copy : render_bulletin_copies(site, *built_->theme))
          if (copy.path.starts_with(now.url.substr(1))) files_[copy.path] = {std::move(copy.content), {}};
      search_stale_ = true;
    }
  }
  changed_locked();
  return true;
}

}  // namespace portal
