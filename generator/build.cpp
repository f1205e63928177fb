#include "build.h"

#include <future>

#include "checks.h"
#include "email.h"
#include "git_history.h"
#include "output.h"
#include "outputs.h"
#include "pages.h"
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
  if (options.progress) options.progress("Reading content", 0, 0);
  auto loaded = load_site(options.source, load, options.jobs, result.diagnostics);
  if (loaded.failure == LoadFailure::config || !loaded.site) {
    result.outcome = Outcome::failure;
    result.diagnostics.sort();
    return result;
  }
  if (options.progress) options.progress("Checking", 0, 0);
  check_site(*loaded.site, result.diagnostics);
  result.diagnostics.sort();
  if (result.diagnostics.has_errors()) result.outcome = Outcome::content_errors;
  site = std::move(loaded.site);
  return result;
}

}  // namespace

BuildResult run_check(const BuildOptions& options) {
  std::optional<Site> site;
  return load_and_check(options, site);
}

BuildResult render_site(const BuildOptions& options, std::vector<OutputFile>& files, BuiltSite* keep) {
  // The history walk needs nothing from the content: it runs beside loading and checking.
  auto history_walk = std::async(std::launch::async, [&] { return read_history(options.source); });
  std::optional<Site> site;
  BuildResult result = load_and_check(options, site);
  if (result.outcome != Outcome::ok) return result;
  result.output = options.output ? *options.output : options.source / site->config.output_dir;
  std::string theme_error;
  const auto theme = load_theme(options.source, site->config.theme, theme_error);
  if (!theme) {
    result.outcome = Outcome::failure;
    result.error = theme_error;
    return result;
  }
  if (options.progress) options.progress("Reading history", 0, 0);
  const History history = history_walk.get();
  if (!history.available) result.history_note = history.unavailable_because;
  if (options.progress) options.progress("Rendering pages", 0, 0);
  auto pages = render_pages(*site, history, *theme, options.jobs, [&](std::size_t done, std::size_t total) {
    if (options.progress) options.progress("Rendering pages", done, total);
  });
  result.pages = pages.size();
  files.clear();
  for (auto& extra : render_outputs(*site, pages)) files.push_back({extra.path, std::move(extra.content), {}});
  for (auto& copy : render_bulletin_copies(*site, *theme)) files.push_back({copy.path, std::move(copy.content), {}});
  for (auto& page : pages) files.push_back({page.path, std::move(page.content), {}});
  for (const auto& asset : site->assets) {
    if (asset.published) files.push_back({asset.url.substr(1), {}, options.source / asset.path});
  }
  for (const auto& name : theme->static_files) files.push_back({"assets/" + name, {}, theme->static_dir / name});
  result.files = files.size();
  if (keep) {
    keep->site = std::move(site);
    keep->history = history;
    keep->theme = theme;
  }
  return result;
}

BuildResult run_build(const BuildOptions& options) {
  std::vector<OutputFile> files;
  BuildResult result = render_site(options, files);
  if (result.outcome != Outcome::ok) return result;
  if (auto problem = validate_output_folder(options.source, result.output); !problem.empty()) {
    result.outcome = Outcome::failure;
    result.error = problem;
    return result;
  }
  if (auto err = publish(result.output, std::move(files), options.jobs, [&](std::size_t done, std::size_t total) {
        if (options.progress) options.progress("Writing files", done, total);
      });
      !err.empty()) {
    result.outcome = Outcome::failure;
    result.error = err;
  }
  return result;
}

}  // namespace portal
