// The history a build read, kept beside its output so that the next build
// walks only the commits made since (read_history's `kept`; docs/incremental.md).
// It names only what the public site shows of it: the files a build without
// drafts released, and of each commit the words its pages could show. The
// file is readable by its owner alone.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "git_history.h"
#include "site.h"

namespace portal {

// What a kept history must have been kept for to be taken: this program, the
// source folder, and the settings that decide what of a commit pages show.
std::string history_store_key(const std::filesystem::path& source, const SiteConfig& config);

// The history kept beside `output` under `key`; none when there is none, or
// it is unreadable, cut short, changed, or kept under another key.
std::optional<History> read_history_store(const std::filesystem::path& output, const std::string& key);

// Keeps beside `output`, under `key`, what of `history` the released files of
// `site` (a build without drafts) show. A store that cannot be written is removed.
void save_history_store(const std::filesystem::path& output, const std::string& key, const Site& site,
                        const History& history);

// Whether `history` can stand for a whole read in a build of `site`: read
// whole, or kept for every file the build publishes. Else the build reads it whole.
bool history_covers(const Site& site, const History& history);

}  // namespace portal
