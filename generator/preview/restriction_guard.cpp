#include "restriction_guard.h"

#include <algorithm>

#include "beneath.h"
#include "content_tree.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "git_handles.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

// The front matter as the loader reads it (byte-order mark, line endings, limits and all); nullopt when it cannot be
// read.
std::optional<toml::table> front_matter_of(const std::optional<std::string>& raw, const std::string& path) {
  if (!raw) return std::nullopt;
  Diagnostics ignored;
  auto source = source_from_bytes(*raw, path, ignored);
  if (!source) return std::nullopt;
  return std::move(source->front_matter.table);
}

bool is_true(const toml::node* n) { return n && n->as_boolean() && n->as_boolean()->get(); }

std::string string_of(const toml::node* n) { return n && n->as_string() ? n->as_string()->get() : std::string(); }

// The papers a meeting's agenda withholds: by file name, and by item code.
struct RestrictedItems {
  std::set<std::string> papers, codes;
};

RestrictedItems restricted_items(const toml::table& meeting) {
  RestrictedItems out;
  const auto* items = meeting.get_as<toml::array>("items");
  if (!items) return out;
  for (const auto& node : *items) {
    const auto* item = node.as_table();
    if (!item || !is_true(item->get("restricted"))) continue;
    if (const auto paper = string_of(item->get("paper")); !paper.empty()) out.papers.insert(paper);
    if (const auto code = string_of(item->get("code")); !code.empty()) out.codes.insert(code);
  }
  return out;
}

// The Markdown files of a meeting's folder, the agenda first.
std::vector<std::string> meeting_documents(const SiteFiles& files, const std::string& folder) {
  std::vector<std::string> out = {folder + "/_index.md"};
  for (const auto& name : files.list(folder))
    if (name.ends_with(".md") && name != "_index.md") out.push_back(folder + "/" + name);
  return out;
}

}  // namespace

SiteFiles files_on_disk(const SourceDir& source) {
  SiteFiles files;
  files.read = [&source](const std::string& path) -> std::optional<std::string> {
    auto file = read_beneath(source, path);
    if (!file) return std::nullopt;
    return std::move(file->bytes);
  };
  files.list = [&source](const std::string& folder) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(source.path() / folder, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) names.push_back(it->path().filename().string());
    return names;
  };
  return files;
}

namespace {

// The last commit's tree, and where the source folder is in it.
struct CommittedTree {
  git::Library library;
  git::Repository repo;
  git::Tree tree;
  std::string prefix;  // "" or "sites/portal/"
};

std::shared_ptr<CommittedTree> open_committed_tree(const fs::path& source) {
  auto t = std::make_shared<CommittedTree>();
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(source, ec), ec);
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, absolute.c_str(), 0, nullptr) != 0) return nullptr;
  t->repo.reset(repo);
  const char* workdir = git_repository_workdir(repo);
  git_object* head = nullptr;
  if (!workdir || git_revparse_single(&head, repo, "HEAD^{tree}") != 0) return nullptr;
  t->tree.reset(reinterpret_cast<git_tree*>(head));
  const auto relative = absolute.lexically_relative(fs::weakly_canonical(workdir, ec)).generic_string();
  t->prefix = relative == "." ? "" : relative + "/";
  return t;
}

}  // namespace

std::optional<SiteFiles> files_at_last_commit(const fs::path& source) {
  auto tree = open_committed_tree(source);
  if (!tree) return std::nullopt;
  SiteFiles files;
  files.read = [tree](const std::string& path) -> std::optional<std::string> {
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree->tree.get(), (tree->prefix + path).c_str()) != 0) return std::nullopt;
    git_object* object = nullptr;
    const int found = git_tree_entry_to_object(&object, tree->repo.get(), entry);
    git_tree_entry_free(entry);
    if (found != 0) return std::nullopt;
    std::optional<std::string> bytes;
    if (git_object_type(object) == GIT_OBJECT_BLOB) {
      const auto* blob = reinterpret_cast<const git_blob*>(object);
      bytes.emplace(static_cast<const char*>(git_blob_rawcontent(blob)),
                    static_cast<std::size_t>(git_blob_rawsize(blob)));
    }
    git_object_free(object);
    return bytes;
  };
  files.list = [tree](const std::string& folder) {
    std::vector<std::string> names;
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree->tree.get(), (tree->prefix + folder).c_str()) != 0) return names;
    git_tree* sub = nullptr;
    if (git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
        git_tree_lookup(&sub, tree->repo.get(), git_tree_entry_id(entry)) == 0) {
      for (std::size_t i = 0, n = git_tree_entrycount(sub); i < n; ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(sub, i);
        if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) names.emplace_back(git_tree_entry_name(e));
      }
      git_tree_free(sub);
    }
    git_tree_entry_free(entry);
    return names;
  };
  return files;
}

SiteFiles with_text(SiteFiles files, const std::string& path, const std::string& text) {
  auto read = files.read;
  files.read = [read, path, text](const std::string& p) { return p == path ? std::optional(text) : read(p); };
  auto list = files.list;
  files.list = [list, path](const std::string& folder) {
    auto names = list(folder);
    const auto slash = path.rfind('/');
    if (path.substr(0, slash) == folder && std::find(names.begin(), names.end(), path.substr(slash + 1)) == names.end())
      names.push_back(path.substr(slash + 1));
    return names;
  };
  return files;
}

Restrictions restrictions_around(const SiteFiles& files, const std::string& path) {
  Restrictions out;
  const std::string meeting_name = meeting_folder(path);
  const std::string folder = meeting_name.empty() ? std::string() : "content/meetings/" + meeting_name;
  const std::vector<std::string> paths =
      folder.empty() ? std::vector<std::string>{path} : meeting_documents(files, folder);
  std::optional<toml::table> meeting;
  bool meeting_unreadable = false;
  if (!folder.empty()) {
    meeting = front_matter_of(files.read(folder + "/_index.md"), folder + "/_index.md");
    meeting_unreadable = !meeting;  // missing or broken: whatever is in its folder is treated as restricted
  }
  const RestrictedItems items = meeting ? restricted_items(*meeting) : RestrictedItems{};
  const bool meeting_restricted = meeting && is_true(meeting->get("restricted"));
  for (const auto& p : paths) {
    const auto raw = files.read(p);
    if (!raw) continue;  // not there: nothing to publish
    const auto fm = front_matter_of(raw, p);
    if (!fm) out.unreadable.insert(p);
    const std::string name = p.substr(p.rfind('/') + 1);
    const bool own = fm && is_true(fm->get("restricted"));
    const bool in_folder = !folder.empty() && (meeting_unreadable || meeting_restricted);
    const bool paper_of_item = items.papers.count(name) || (fm && items.codes.count(string_of(fm->get("item"))));
    if (own || in_folder || (name != "_index.md" && paper_of_item)) out.restricted.insert(p);
  }
  return out;
}

std::vector<std::string> restrictions_lifted(const SourceDir& source, const std::string& path,
                                             const std::string& text) {
  const SiteFiles disk = files_on_disk(source);
  std::set<std::string> before = restrictions_around(disk, path).restricted;
  if (const auto committed = files_at_last_commit(source.path()))
    for (const auto& p : restrictions_around(*committed, path).restricted) before.insert(p);
  const Restrictions after = restrictions_around(with_text(disk, path, text), path);
  std::vector<std::string> lifted;
  for (const auto& p : before) {
    const bool unreadable = after.unreadable.count(p) > 0;
    // The saved file must stay readable and restricted; another file unreadable on disk cannot be published.
    if (p == path ? after.restricted.count(p) && !unreadable : after.restricted.count(p) || unreadable || !disk.read(p))
      continue;
    lifted.push_back(p);
  }
  return lifted;
}

std::vector<std::string> lifted_restrictions(const SourceDir& source, const std::string& path, const std::string& disk,
                                             const std::string& text) {
  std::vector<std::string> out = restrictions_lifted(source, path, text);
  const auto marks_now = restricted_marks(text);
  for (const auto& mark : restricted_marks(disk))
    if (!marks_now.count(mark)) out.push_back("the restricted mark of " + mark + " in " + path);
  return out;
}

}  // namespace portal
