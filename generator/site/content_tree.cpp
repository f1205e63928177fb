#include "content_tree.h"

#include <algorithm>

#include "date.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = s.find('/', start);
    parts.push_back(s.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

std::string stem(const std::string& name) { return name.substr(0, name.rfind('.')); }

// Why a file or folder name cannot be part of an address, or "" when it can.
// Spaces and letters of any script are fine (they are percent-encoded);
// control and invisible characters, backslashes and broken UTF-8 are not.
std::string name_problem(const std::string& name) {
  if (text::invalid_utf8_offset(name) != std::string::npos) return "is not valid UTF-8";
  const auto bad = text::find_code_point(name, [](std::uint32_t cp) {
    return text::is_control(cp) || text::is_invisible(cp) || cp == 0x2028 || cp == 0x2029;
  });
  if (bad) return "holds " + text::describe_code_point(bad->code_point);
  if (name.find('\\') != std::string::npos) return "holds a backslash, which browsers read as a slash";
  return {};
}

}  // namespace

std::optional<ContentEntry> classify(const std::string& relative, Diagnostics& diags) {
  ContentEntry e;
  e.path = "content/" + relative;
  if (!relative.ends_with(".md")) {
    e.type = relative == "plans.toml"     ? EntryType::plans
             : relative == "history.toml" ? EntryType::wording
                                          : EntryType::asset;
    return e;
  }
  e.type = EntryType::document;
  const auto parts = split(relative);
  const std::string& name = parts.back();
  e.slug = stem(name);
  auto unknown = [&](const std::string& why) -> std::optional<ContentEntry> {
    diags.error(e.path, {1, 1}, "front-matter", "unknown kind of document: " + why,
                "pages go in content/, and agreements, meetings, dhr, bulletins and events in their folders "
                "(see docs/content-format.md)");
    return std::nullopt;
  };
  if (parts.size() == 1) {
    e.kind = name == "_index.md" ? Kind::home : Kind::page;
    return e;
  }
  const std::string& section = parts[0];
  if (parts.size() == 2 && name != "_index.md") {
    if (section == "agreements")
      e.kind = Kind::agreement;
    else if (section == "dhr")
      e.kind = Kind::dhr;
    else if (section == "bulletins")
      e.kind = Kind::bulletin;
    else if (section == "events")
      e.kind = Kind::event;
    else
      return unknown("no kind of document lives in content/" + section + "/");
    return e;
  }
  if (section == "meetings" && parts.size() == 3) {
    e.meeting = parts[1];
    if (!parse_iso_date(e.meeting)) {
      diags.error(e.path, {1, 1}, "front-matter",
                  "a meeting folder must be named by the meeting's date, not \"" + e.meeting + "\"",
                  "rename the folder to the date as YYYY-MM-DD, e.g. content/meetings/2020-03-18/");
      return std::nullopt;
    }
    if (name == "_index.md") {
      e.kind = Kind::meeting;
      e.slug = e.meeting;
    } else if (name == "notes.md") {
      e.kind = Kind::notes;
    } else {
      e.kind = Kind::paper;
    }
    return e;
  }
  return unknown("content/" + relative + " is not a place for a document");
}

std::vector<ContentEntry> walk_content(const fs::path& source, Diagnostics& diags) {
  std::vector<ContentEntry> out;
  const fs::path content = source / "content";
  std::error_code ec;
  if (!fs::is_directory(content, ec)) {
    diags.error("content", {}, "config", "there is no content/ folder in the source folder",
                "create content/ with an _index.md for the home page");
    return out;
  }
  fs::recursive_directory_iterator it(content, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const auto& entry = *it;
    const std::string name = entry.path().filename().string();
    // Lexically: fs::relative would follow a symbolic link to where it leads.
    const std::string relative = entry.path().lexically_relative(content).generic_string();
    if (name.starts_with('.') || name.ends_with('~')) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (const auto problem = name_problem(name); !problem.empty()) {
      const bool folder = entry.is_directory(ec);
      if (folder) it.disable_recursion_pending();
      diags.error("content/" + relative, {}, "file-name",
                  std::string(folder ? "this folder's" : "this file's") + " name " + problem +
                      ", so it cannot be part of a web address" + (folder ? "; nothing in it is read" : ""),
                  "rename it with letters, digits, spaces and hyphens only");
      continue;
    }
    if (entry.is_symlink(ec)) {
      // Never followed: a link could publish any file of the machine.
      const auto target = fs::read_symlink(entry.path(), ec);
      const auto resolved = fs::weakly_canonical(entry.path().parent_path() / target, ec);
      const auto within = fs::weakly_canonical(source, ec);
      const auto rel = resolved.lexically_relative(within);
      const bool outside = rel.empty() || rel.begin()->string() == "..";
      diags.error("content/" + relative, {}, "front-matter",
                  std::string("this is a symbolic link") + (outside ? " that leads out of the source folder" : "") +
                      " (to " + target.string() + "); links are never followed",
                  "put the file itself in content/ instead of a link to it");
      continue;
    }
    if (!entry.is_regular_file(ec)) continue;
    if (auto e = classify(relative, diags)) out.push_back(std::move(*e));
  }
  if (ec) diags.error("content", {}, "config", "cannot read the content folder: " + ec.message());
  std::sort(out.begin(), out.end(), [](const ContentEntry& a, const ContentEntry& b) { return a.path < b.path; });
  return out;
}

namespace {
constexpr std::string_view kMeetings = "content/meetings/";
}  // namespace

std::string meeting_file(std::string_view folder, std::string_view file) {
  std::string path(kMeetings);
  path.append(folder).append("/").append(file);
  return path;
}

std::string meeting_folder(std::string_view path) {
  constexpr std::string_view prefix = kMeetings;
  if (!path.starts_with(prefix)) return {};
  const auto slash = path.find('/', prefix.size());
  return slash == std::string_view::npos ? std::string()
                                         : std::string(path.substr(prefix.size(), slash - prefix.size()));
}

}  // namespace portal
