// The two pipelines the command line runs: check, and build (check, render, publish).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "diagnostics.h"
#include "site.h"

namespace portal {

struct BuildOptions {
  std::filesystem::path source = ".";
  std::optional<std::filesystem::path> output;  // default: output_dir of site.toml, under the source
  Drafts drafts = Drafts::hide;
  int jobs = 1;
};

enum class Outcome { ok, content_errors, failure };

struct BuildResult {
  Outcome outcome = Outcome::ok;
  Diagnostics diagnostics;
  std::string error;  // for Outcome::failure: what stopped the run (configuration or I/O)
  std::size_t pages = 0;
  std::size_t files = 0;
  std::filesystem::path output;
  std::string history_note;  // why the build has no history, when it has none
};

// Loads and checks the site; writes nothing.
BuildResult run_check(const BuildOptions& options);
// Checks, then renders and publishes unless there are errors.
BuildResult run_build(const BuildOptions& options);

}  // namespace portal
