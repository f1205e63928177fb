// Walks content/ and decides, from each file's place, what it is (docs/content-format.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"
#include "model.h"

namespace portal {

// plans: content/plans.toml; wording: content/history.toml, the public wording of past changes.
enum class EntryType { document, plans, wording, asset };

struct ContentEntry {
  std::string path;  // relative to the source folder, '/'-separated: "content/dhr/diana-2020.md"
  EntryType type = EntryType::asset;
  Kind kind = Kind::page;
  std::string slug;     // file stem; the folder name for a meeting
  std::string meeting;  // meeting folder name for meetings, notes and papers
};

// Classifies a path relative to content/ ("meetings/2020-03-18/notes.md").
// nullopt with a diagnostic when a Markdown file sits where no kind lives.
std::optional<ContentEntry> classify(const std::string& relative, Diagnostics& diags);

// The meeting folder's name ("2020-03-18") of a path relative to the source
// folder ("content/meetings/2020-03-18/b1.md"); empty when it lies in none.
std::string meeting_folder(std::string_view path);
// The path, relative to the source folder, of `file` in meeting folder
// `folder`: ("2020-03-18", "notes.md") → "content/meetings/2020-03-18/notes.md";
// with no file, the folder's own path ending in "/".
std::string meeting_file(std::string_view folder, std::string_view file = {});

// Every file under source/content, sorted by path. Hidden files are skipped;
// symbolic links are refused, never followed.
std::vector<ContentEntry> walk_content(const std::filesystem::path& source, Diagnostics& diags);

}  // namespace portal
