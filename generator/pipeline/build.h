// The two pipelines the command line runs: check, and build (check, render, publish).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "git_history.h"
#include "output.h"
#include "site.h"
#include "theme.h"

#include "result.h"

namespace portal {

// Told where a build has got to: a phase, and how far through it (total 0:
// no count). Called from one thread at a time.
using Progress = std::function<void(const std::string& phase, std::size_t done, std::size_t total)>;

struct BuildOptions {
  std::filesystem::path source = ".";
  std::optional<std::filesystem::path> output;  // default: output_dir of site.toml, under the source
  Drafts drafts = Drafts::hide;
  int jobs = 1;
  Progress progress;
  SiteCache* cache = nullptr;  // for rebuilds that parse only what changed
  BodyMemo* bodies =
      nullptr;  // the texts the last build rendered (body_store.h), for a build that renders only what changed
  // The history the last build read (history_store.h), for a build that walks only the commits since.
  const History* kept_history = nullptr;
  // What git status said as the build began (its inputs: build_state.h), for
  // its history; nullptr: the history asks git itself.
  const std::set<std::string>* uncommitted = nullptr;
  // Render Markdown in jobs - 1 worker processes besides this one when at
  // least this many bodies need it (0: threads only). The command line sets
  // it to kForkBodiesFrom; the preview, which serves requests on threads of
  // its own, does not.
  std::size_t fork_bodies_from = 0;
  // The path the site is served under, when not base_url's (the preview serves at "/").
  std::optional<std::string> root_path;
  // The site's public address instead of site.toml's base_url (--base-url, PORTAL_BASE_URL).
  std::optional<std::string> base_url;
  // A look on this computer: it may show what is saved but not yet published
  // (changes not committed to git). Without it a build refuses while the
  // published files have such changes (docs/decisions.md, "Publishing").
  bool local = false;
  // Told what a build is waiting for (another build writing the same output).
  std::function<void(const std::string&)> notice;
  // Ignore what the last build into the output recorded (build_state.h): read, check and render everything.
  bool full = false;
};

// From how many Markdown bodies `portal build` and `portal check` render in
// worker processes: below it, starting them costs more than they save.
inline constexpr std::size_t kForkBodiesFrom = 256;

// The files with changes not committed to git that a build of `site` would
// publish (a draft's or a restricted paper's do not count), in order.
std::vector<std::string> unpublished_changes(const Site& site, const std::set<std::string>& uncommitted);

// The work a build did, beside what it wrote: `portal build` says it, and the benchmarks report it.
struct BuildWork {
  std::size_t documents_read = 0;  // documents read and parsed
  std::size_t texts_rendered = 0;  // documents whose Markdown was rendered
  std::size_t pages_rendered = 0;  // pages drawn from the theme's templates
  std::size_t search_pieces = 0;   // pieces of the search index made (not kept from the last build)
  std::size_t commits_read = 0;    // commits of the history walked (not kept from the last build)
  bool nothing_changed = false;    // nothing the last build was made from had changed: nothing was done
};

// `stopped`: a stop signal came (interrupt.h); the previous output is as it was.
enum class Outcome { ok, content_errors, failure, stopped };

struct BuildResult {
  Outcome outcome = Outcome::ok;
  Diagnostics diagnostics;
  Failure failure;       // for Outcome::failure: what stopped the run (configuration or I/O)
  std::string base_url;  // the public address the site was built for
  std::size_t pages = 0;
  std::size_t files = 0;
  OutputCounts written;  // of the files: written, unchanged, removed
  BuildWork work;
  std::filesystem::path output;
  std::string history_note;  // why the build has no history, when it has none
  // Files whose diagnostics may quote restricted text (site.h restricted_files);
  // none for a build that did nothing, whose state names no restricted file.
  std::set<std::string> restricted_files;
  // Whether a diagnostic is about, or names, what is not published (site.h quotes_unpublished): the build
  // state then keeps none of them, and the next build runs whole.
  bool quotes_unpublished = false;
};

// Loads and checks the site; writes nothing.
BuildResult run_check(const BuildOptions& options);
// What a build made, kept by `portal serve` to rebuild a change of text alone.
struct BuiltSite {
  std::optional<Site> site;
  History history;
  std::optional<Theme> theme;
};

// Where a build's files go, from several threads at once.
using FileSink = std::function<void(OutputFile&&)>;

// Checks, then renders every file into `files` (sorted by path) unless there are errors;
// writes nothing (`portal serve` keeps the files in memory). With `keep`, a
// successful build leaves its site, history and theme there; one whose
// content has errors, the site it loaded.
BuildResult render_site(const BuildOptions& options, std::vector<OutputFile>& files, BuiltSite* keep = nullptr);
// Checks, then renders and publishes unless there are errors.
BuildResult run_build(const BuildOptions& options);

}  // namespace portal
