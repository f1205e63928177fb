#include "build.h"
#include "body_store.h"
#include "build_state.h"
#include "history_store.h"

#include <malloc.h>
#include <algorithm>
#include <atomic>
#include <mutex>

#include "checks.h"
#include "config.h"
#include "email.h"
#include "feeds.h"
#include "files.h"
#include "git_handles.h"
#include "git_history.h"
#include "interrupt.h"
#include "output.h"
#include "pages.h"
#include "search_index.h"
#include "theme.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

// Loads and checks; on success `site` holds the loaded site.
BuildResult load_and_check(const BuildOptions& options, std::optional<Site>& site) {
  BuildResult result;
  LoadOptions load;
  load.drafts = options.drafts;
  load.today = today();
  load.cache = options.cache;
  load.bodies = options.bodies;
  load.fork_bodies_from = options.fork_bodies_from;
  load.root_path = options.root_path;
  load.base_url = options.base_url;
  if (options.progress) options.progress("Reading content", 0, 0);
  auto loaded = load_site(options.source, load, options.jobs, result.diagnostics);
  if (loaded.failure == LoadFailure::config || !loaded.site) {
    result.outcome = Outcome::failure;
    result.diagnostics.sort();
    return result;
  }
  result.base_url = loaded.site->config.base_url;
  result.work.documents_read = options.cache ? options.cache->parsed : loaded.site->size();
  result.work.texts_rendered = options.bodies  ? options.bodies->rendered
                               : options.cache ? options.cache->rendered
                                               : loaded.site->size();
  if (options.progress) options.progress("Checking", 0, 0);
  check_site(*loaded.site, result.diagnostics);
  result.diagnostics.sort();
  result.restricted_files = restricted_files(*loaded.site, result.diagnostics);
  result.quotes_unpublished = quotes_unpublished(*loaded.site, result.diagnostics);
  if (result.diagnostics.has_errors()) result.outcome = Outcome::content_errors;
  site = std::move(loaded.site);
  return result;
}

}  // namespace

BuildResult run_check(const BuildOptions& options) {
  std::optional<Site> site;
  return load_and_check(options, site);
}

namespace {

// Loads and checks the site, reads its history (beside loading) and its
// theme: everything a build renders from, kept in `built`.
BuildResult prepare(const BuildOptions& options, BuiltSite& built) {
  // The history walk needs nothing from the content: it runs beside loading and checking.
  git::Beside history_walk([&] { return read_history(options.source, options.kept_history, options.uncommitted); });
  BuildResult result = load_and_check(options, built.site);
  if (result.outcome != Outcome::ok) return result;
  result.output = options.output ? *options.output : options.source / built.site->config.output_dir;
  auto theme = load_theme(options.source, built.site->config.theme);
  if (!theme) {
    result.outcome = Outcome::failure;
    result.failure = theme.failure();
    return result;
  }
  built.theme = std::move(*theme);
  if (options.progress) options.progress("Reading history", 0, 0);
  built.history = history_walk.get();
  if (!history_covers(*built.site, built.history)) {  // it publishes a file the kept history was not kept for
    const std::size_t walked = built.history.commits_read;
    built.history = read_history(options.source, nullptr, options.uncommitted);
    built.history.commits_read += walked;
  }
  result.work.commits_read = built.history.commits_read;
  reword_commits(built.history, built.site->change_wording);
  if (!built.history.available) result.history_note = built.history.unavailable_because;
  return result;
}

// Renders every file of a prepared site into `sink`, pages as they are made.
// `previous`: the live output of the build being replaced (under its lock), or empty.
// With `memo`, a page drawn from what the last build drew it from is that
// build's file, handed on by the memo's `reuse` when it can be.
void render_files(const BuildOptions& options, const BuiltSite& built, const FileSink& sink, BuildResult& result,
                  const fs::path& previous = {}, PageMemo* memo = nullptr) {
  const Site& site = *built.site;
  const Theme& theme = *built.theme;
  if (options.progress) options.progress("Rendering pages", 0, 0);
  // Read from every text once, for the pages and the search index alike.
  const PriorityStories stories = priority_stories(site, options.jobs);
  std::atomic<std::size_t> files{0};
  if (memo)
    memo->reuse = [&, hand_on = std::move(memo->reuse)](const std::string& path) {
      if (!hand_on || !hand_on(path)) return false;
      ++files;
      return true;
    };
  const auto page_paths = render_pages(
      site, built.history, theme, options.jobs,
      [&](RenderedFile&& page) {
        sink({std::move(page.path), std::move(page.content), {}});
        ++files;
      },
      [&](std::size_t done, std::size_t total) {
        if (options.progress) options.progress("Rendering pages", done, total);
      },
      &stories, memo);
  result.pages = page_paths.size();
  result.work.pages_rendered = memo ? memo->drawn : page_paths.size();
  auto emit = [&](OutputFile&& file) {
    sink(std::move(file));
    ++files;
  };
  if (options.progress) options.progress("Indexing for search", 0, 0);
  std::atomic<std::size_t> pieces{0};  // made, from several threads
  // A rebuild whose pages give the index the last build made keeps that index (copied, so linked when unchanged).
  bool reused = false;
  render_search_index(
      site, options.jobs,
      [&](RenderedFile&& piece) {
        emit({piece.path, std::move(piece.content), {}});
        ++pieces;
      },
      previous, &reused, &stories);
  if (reused) {
    // The pieces the live generation's record lists, each still as it was written: handed on; else made again.
    const auto kept = memo && memo->live_under ? memo->live_under("search/") : std::nullopt;
    if (kept) {
      for (const auto& path : *kept)
        if (path != "search/index.html" && !memo->reuse(path)) emit({path, {}, previous / path});
    } else {
      render_search_index(
          site, options.jobs,
          [&](RenderedFile&& piece) {
            emit({piece.path, std::move(piece.content), {}});
            ++pieces;
          },
          {}, nullptr, &stories);
    }
  }
  result.work.search_pieces = pieces;
  // What the index freed goes back to the system before the writing, where a build's memory peaks.
  malloc_trim(0);
  if (options.progress) options.progress("Writing files", 0, 0);  // the pages are written; the rest follows
  for (auto& extra : render_outputs(site, built.history, page_paths)) emit({extra.path, std::move(extra.content), {}});
  for (auto& copy : render_bulletin_copies(site, theme)) emit({copy.path, std::move(copy.content), {}});
  for (const auto& asset : site.assets) {
    if (asset.published) emit({asset.url.substr(1), {}, options.source / asset.path});
  }
  for (const auto& name : theme.static_files) emit({"assets/" + name, {}, theme.static_dir / name});
  for (const auto& name : theme.root_files) emit({name, {}, theme.root_dir / name});
  result.files = files;
}

}  // namespace

BuildResult render_site(const BuildOptions& options, std::vector<OutputFile>& files, BuiltSite* keep) {
  BuiltSite built;
  BuildResult result = prepare(options, built);
  if (result.outcome != Outcome::ok) {
    if (keep && result.outcome == Outcome::content_errors) keep->site = std::move(built.site);
    return result;
  }
  files.clear();
  std::mutex mutex;
  render_files(
      options, built,
      [&](OutputFile&& file) {
        const std::lock_guard lock(mutex);
        files.push_back(std::move(file));
      },
      result);
  std::sort(files.begin(), files.end(), [](const OutputFile& a, const OutputFile& b) { return a.path < b.path; });
  if (keep) *keep = std::move(built);
  return result;
}

std::vector<std::string> unpublished_changes(const Site& site, const std::set<std::string>& uncommitted) {
  std::vector<std::string> changed;
  for (const auto& path : uncommitted) {
    // What this build does not publish cannot show: a draft, a restricted paper, a file it does not copy.
    if (const auto doc = site.by_path.find(path); doc != site.by_path.end() && !site.published(doc->second)) continue;
    if (const auto asset = site.asset_by_path.find(path);
        asset != site.asset_by_path.end() && !site.assets[asset->second].published)
      continue;
    changed.push_back(path);
  }
  return changed;
}

namespace {

// The folder a build of `options` writes, by its site.toml as read; nullopt when that cannot be read.
std::optional<fs::path> output_folder(const BuildOptions& options, const Settings& settings) {
  if (!settings.config) return std::nullopt;
  return options.output ? *options.output : options.source / settings.config->output_dir;
}

// Why a build that would publish saved but unpublished changes does not.
Failure unpublished_failure(const std::vector<std::string>& changed) {
  std::string list;
  for (const auto& path : changed) list += "\n  " + path;
  return fail(
      "nothing was built: these files have changes that are saved but not published (not committed to git):" + list +
      "\nPublish them in the editor, or commit them (git commit), or put them back (git restore); to look at them on "
      "this computer only, build with --local.");
}

// Notes in `inputs` what a build of `options` is made from (build_state.h),
// under the output's lock when there is one to take: what another build did
// while this one waited for it is seen. Gives the last build's result when
// nothing it was made from has changed; else nullopt.
std::optional<BuildResult> unchanged_since_last_build(const BuildOptions& options, const Settings& settings,
                                                      BuildInputs& inputs) {
  const auto folder = output_folder(options, settings);
  std::error_code ec;
  const bool comparable =
      !options.full && folder && validate_output_folder(options.source, *folder) && fs::is_directory(*folder, ec);
  auto lock = comparable ? OutputLock::acquire(*folder, options.notice) : fail("no output to compare with");
  const bool locked = lock && recover_output(*folder);
  std::optional<std::string> live;
  inputs = read_inputs(options, settings, options.full ? std::nullopt : folder, [&](bool as_recorded) {
    // While git says what is not committed: the output's files, when all else says nothing changed.
    if (locked && as_recorded) live = live_output_fingerprint(*folder);
  });
  auto unchanged = locked ? unchanged_build(*folder, inputs, live ? &*live : nullptr) : std::nullopt;
  inputs.recorded.reset();  // compared under this lock alone: not held through the build
  return unchanged;
}

// What the last build into the output kept for the next: the texts it
// rendered, rendered again only where they changed, and the history it read,
// walked again only from the last commit it saw.
struct Kept {
  BodyMemo texts{program_identity(), {}, {}, {}, 0, {}, {}};
  std::optional<History> history;
};

Kept read_kept(const BuildOptions& options, const Settings& settings, const std::optional<fs::path>& folder) {
  Kept kept;
  if (!folder || options.full) return kept;
  kept.texts = read_body_store(*folder);
  if (settings.config) kept.history = read_history_store(*folder, history_store_key(options.source, *settings.config));
  return kept;
}

void save_kept(const BuildOptions& options, const fs::path& output, const BuiltSite& built, const Kept& kept) {
  save_body_store(output, *built.site, kept.texts);
  // Under the settings the site was built with: site.toml may have changed since it was read before.
  save_history_store(output, history_store_key(options.source, built.site->config), *built.site, built.history);
}

// Renders the prepared site into a new generation of the output (under its
// lock) and puts it in place, unless git's status read once the content was
// (`status_after`) says it would publish a change not committed: then the
// live output is left as it was. Then keeps what the next build may take.
void write_generation(const BuildOptions& options, BuiltSite& built, const BuildInputs& inputs, Kept& kept,
                      PageMemo& memo, git::Beside<HistoryKey>& status_after, BuildResult& result) {
  // Checked and about to render: only the pages that compare agreements and
  // the copies of bulletins still read a document's Markdown.
  built.site->drop_markdown_except({Kind::agreement, Kind::bulletin});
  StagedOutput staged(result.output);
  // A page drawn from what the last build drew it from: its file, if still as that build left it.
  memo.reuse = [&](const std::string& path) { return staged.hand_on(path); };
  memo.live_under = [&](std::string_view under) { return staged.live_files_as_recorded(under); };
  render_files(
      options, built,
      [&](OutputFile&& file) {
        if (file.copy_from.empty())
          staged.write(file.path, file.content);
        else
          staged.copy(file.path, file.copy_from);
      },
      // The live index is kept only while the last build's state, this program's, vouches for the live output
      // (memo.previous): never by --full, nor after the program changed.
      result, memo.previous.empty() ? fs::path() : result.output, &memo);
  const HistoryKey after = status_after.get();
  if (const auto changed = unpublished_changes(*built.site, after.uncommitted); !options.local && !changed.empty()) {
    result.outcome = Outcome::failure;
    result.failure = unpublished_failure(changed);
    return;
  }
  if (auto committed = staged.commit(); !committed) {
    result.outcome = stop_requested() ? Outcome::stopped : Outcome::failure;
    result.failure = committed.failure();
  }
  result.written = staged.counts();
  if (result.outcome != Outcome::ok) return;
  // Git's status as the inputs noted it, else what the build read is not what they say.
  if (noted_history(inputs, after))
    save_build_state(options, result.output, inputs, result, built.history.head, memo.now);
  // A build with drafts keeps none: what it publishes (a draft meeting's files) is not what is released.
  if (options.drafts == Drafts::hide) save_kept(options, result.output, built, kept);
}

}  // namespace

BuildResult run_build(const BuildOptions& given) {
  // libgit2 set up once for the whole build, not again for each of its uses (each thread of git's holds it too).
  const git::Library library;
  // site.toml as the build starts: the loading that follows reads it again, and reports what is wrong with it.
  const auto settings = read_settings(given.source);
  const auto folder = output_folder(given, settings);
  // What the build is made from, read before the build reads it.
  BuildInputs inputs;
  if (auto same = unchanged_since_last_build(given, settings, inputs)) return std::move(*same);
  Kept kept = read_kept(given, settings, folder);
  BuildOptions options = given;
  options.bodies = &kept.texts;
  options.kept_history = kept.history ? &*kept.history : nullptr;
  options.uncommitted = &inputs.uncommitted;
  BuiltSite built;
  BuildResult result = prepare(options, built);
  if (result.outcome == Outcome::failure || !built.site) return result;
  result.output = options.output ? *options.output : options.source / built.site->config.output_dir;
  auto failed = [&](Failure failure) {
    result.outcome = Outcome::failure;
    result.failure = std::move(failure);
    return result;
  };
  if (const auto changed = unpublished_changes(*built.site, built.history.uncommitted);
      !options.local && !changed.empty())
    return failed(unpublished_failure(changed));
  // What git says is not committed once the content is read: an edit saved while the build read it shows there.
  // Its memory goes back to the system at once, long before the search index's peak.
  git::Beside status_after([&] {
    HistoryKey key = history_key(options.source);
    malloc_trim(0);
    return key;
  });
  if (auto valid = validate_output_folder(options.source, result.output); !valid) {
    if (result.outcome == Outcome::content_errors) return result;  // nothing is touched
    return failed(valid.failure());
  }
  // Even a build that will publish nothing puts right what an interrupted
  // one left, so that the last good output is never lost.
  const auto lock = OutputLock::acquire(result.output, options.notice);
  if (!lock) {
    if (stop_requested())
      result.outcome = Outcome::stopped;
    else
      return failed(lock.failure());
    return result;
  }
  if (auto recovered = recover_output(result.output); !recovered) return failed(recovered.failure());
  // What the last build drew its pages from, while its state still vouches for the live output.
  PageMemo memo;
  if (!options.full) memo.previous = last_page_keys(result.output);
  // From here the output may change: a state of the last build no longer vouches for it.
  forget_build_state(result.output);
  if (result.outcome != Outcome::ok) return result;
  if (stop_requested()) {
    result.outcome = Outcome::stopped;
    return result;
  }
  write_generation(options, built, inputs, kept, memo, status_after, result);
  return result;
}

}  // namespace portal
