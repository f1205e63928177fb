#include "git_history.h"

#include <algorithm>
#include <memory>

#include "files.h"
#include "git_handles.h"
#include "result.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

using git::CommitHandle;
using git::Diff;
using git::Repository;
using git::Revwalk;
using git::StatusList;
using git::Tree;

// Keeps libgit2 initialised while a history is read, set to read as git does.
struct Library {
  git::Library initialised;
  Library() {
    // Read objects as git itself does: without hashing each again to verify
    // it (git leaves that to fsck), and keeping trees of any size in the
    // cache, since each tree is met twice (as a commit's, then as its
    // child's parent's). A content folder of a thousand meetings is a tree
    // of some 60 KB, above libgit2's default limit of 4 KB. The cache is
    // kept to 4 MB: only the trees of the last commits are met again, and
    // libgit2's default of 256 MB would hold every tree of the history.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<std::size_t>(1) << 20);
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(4) << 20);
  }
};

Date local_date(git_time_t seconds, int offset_minutes) {
  const auto local = static_cast<std::int64_t>(seconds) + static_cast<std::int64_t>(offset_minutes) * 60;
  auto days = local / 86400;
  if (local % 86400 < 0) --days;
  return from_day_number(static_cast<int>(days));
}

History unavailable(std::string why) {
  History h;
  h.unavailable_because = std::move(why);
  return h;
}

// Paths in the repository are relative to its work tree; the portal's are
// relative to the source folder. `prefix` is the source folder inside the work tree.
struct PathMap {
  std::string prefix;  // "" or "sites/portal/"
  std::string content() const { return prefix + "content/"; }
  bool covers(const char* repo_path) const { return std::string_view(repo_path).starts_with(content()); }
  std::string to_site(const std::string& repo_path) const { return repo_path.substr(prefix.size()); }
};

// Follows renames backwards: a path as it was in an older commit → its path at HEAD.
class Renames {
 public:
  std::string resolve(const std::string& path) const {
    const auto it = alias_.find(path);
    return it == alias_.end() ? path : it->second;
  }
  void renamed(const std::string& old_path, const std::string& head_path) { alias_[old_path] = head_path; }
  [[nodiscard]] bool any() const { return !alias_.empty(); }

 private:
  std::unordered_map<std::string, std::string> alias_;
};

using TreeEntry = git::Handle<git_tree_entry, git_tree_entry_free>;

// A change between two trees: a file path (relative to the work tree) and how.
struct Change {
  std::string path;
  std::string old_path;  // for renames
  git_delta_t status = GIT_DELTA_MODIFIED;
};

void all_files(git_repository* repo, const git_tree* tree, const std::string& base, git_delta_t status,
               std::vector<Change>& out) {
  for (std::size_t i = 0, n = git_tree_entrycount(tree); i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    const std::string path = base + git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      git_tree* raw = nullptr;
      if (git_tree_lookup(&raw, repo, git_tree_entry_id(e)) != 0) continue;
      Tree sub(raw);
      all_files(repo, sub.get(), path + "/", status, out);
    } else {
      out.push_back({path, {}, status});
    }
  }
}

// Git orders a tree's entries by name, a folder's name compared as if it
// ended in '/'. Returns <0, 0, >0 as `a` sorts before, with, after `b`.
int tree_order(const git_tree_entry* a, const git_tree_entry* b) {
  const char* x = git_tree_entry_name(a);
  const char* y = git_tree_entry_name(b);
  while (*x != '\0' && *x == *y) {
    ++x;
    ++y;
  }
  auto next = [](const char* rest, const git_tree_entry* e) -> int {
    if (*rest != '\0') return static_cast<unsigned char>(*rest);
    return git_tree_entry_type(e) == GIT_OBJECT_TREE ? '/' : 0;
  };
  return next(x, a) - next(y, b);
}

// Compares two trees as git does: both entry lists in one ordered pass,
// skipping every entry (a whole subtree included) whose id is the same on both
// sides. libgit2's own tree diff visits every file of both trees, which costs
// a whole walk of the content for each commit.
void diff_trees(git_repository* repo, const git_tree* old_tree, const git_tree* new_tree, const std::string& base,
                std::vector<Change>& out) {
  auto subtree = [&](const git_tree_entry* e) {
    git_tree* raw = nullptr;
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE || git_tree_lookup(&raw, repo, git_tree_entry_id(e)) != 0)
      return Tree();
    return Tree(raw);
  };
  // A file, or every file of a folder, added or deleted whole.
  auto whole = [&](const git_tree_entry* e, const std::string& path, git_delta_t status) {
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      if (Tree t = subtree(e)) all_files(repo, t.get(), path + "/", status, out);
    } else {
      out.push_back({path, {}, status});
    }
  };
  const std::size_t old_count = old_tree ? git_tree_entrycount(old_tree) : 0;
  const std::size_t new_count = new_tree ? git_tree_entrycount(new_tree) : 0;
  std::size_t i = 0, j = 0;
  while (i < old_count || j < new_count) {
    const git_tree_entry* oe = i < old_count ? git_tree_entry_byindex(old_tree, i) : nullptr;
    const git_tree_entry* ne = j < new_count ? git_tree_entry_byindex(new_tree, j) : nullptr;
    const int order = !oe ? 1 : !ne ? -1 : tree_order(oe, ne);
    if (order < 0) {
      whole(oe, base + git_tree_entry_name(oe), GIT_DELTA_DELETED);
      ++i;
      continue;
    }
    if (order > 0) {
      whole(ne, base + git_tree_entry_name(ne), GIT_DELTA_ADDED);
      ++j;
      continue;
    }
    ++i;
    ++j;
    if (git_oid_equal(git_tree_entry_id(oe), git_tree_entry_id(ne))) continue;
    // The same place in git's order: the same name, and both folders or neither.
    const std::string path = base + git_tree_entry_name(ne);
    if (git_tree_entry_type(ne) == GIT_OBJECT_TREE) {
      Tree os = subtree(oe), ns = subtree(ne);
      diff_trees(repo, os.get(), ns.get(), path + "/", out);
    } else {
      out.push_back({path, {}, GIT_DELTA_MODIFIED});
    }
  }
}

// The content folder's tree within a commit's tree, or null when absent.
Tree content_tree(git_repository* repo, const git_tree* root, const std::string& content_dir) {
  if (!root) return Tree();
  git_tree_entry* raw_entry = nullptr;
  const std::string path = content_dir.substr(0, content_dir.size() - 1);  // without the final '/'
  if (git_tree_entry_bypath(&raw_entry, root, path.c_str()) != 0) return Tree();
  TreeEntry entry(raw_entry);
  git_tree* raw = nullptr;
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE ||
      git_tree_lookup(&raw, repo, git_tree_entry_id(entry.get())) != 0)
    return Tree();
  return Tree(raw);
}

// Pairs added and deleted files as renames with libgit2's similarity detection,
// run only on the files that came and went.
void find_renames(git_repository* repo, git_tree* old_root, git_tree* new_root, std::vector<Change>& changes) {
  std::vector<std::string> candidates;
  for (const auto& c : changes)
    if (c.status == GIT_DELTA_ADDED || c.status == GIT_DELTA_DELETED) candidates.push_back(c.path);
  std::vector<char*> spec;
  for (auto& p : candidates) spec.push_back(p.data());
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH | GIT_DIFF_SKIP_BINARY_CHECK;
  opts.pathspec = {spec.data(), spec.size()};
  git_diff* raw = nullptr;
  if (git_diff_tree_to_tree(&raw, repo, old_root, new_root, &opts) != 0) return;
  Diff diff(raw);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(diff.get(), &find) != 0) return;
  for (std::size_t i = 0, n = git_diff_num_deltas(diff.get()); i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    if (d->status != GIT_DELTA_RENAMED) continue;
    const std::string from = d->old_file.path, to = d->new_file.path;
    std::erase_if(changes, [&](const Change& c) {
      return (c.path == from && c.status == GIT_DELTA_DELETED) || (c.path == to && c.status == GIT_DELTA_ADDED);
    });
    changes.push_back({to, from, GIT_DELTA_RENAMED});
  }
}

// The source folder's repository, open; a failure says what makes its history
// unavailable (no repository, or a bare one).
Result<Repository> open_repository(const fs::path& absolute) {
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, absolute.c_str(), 0, nullptr) != 0)
    return fail("the source folder is not inside a git repository");
  Repository repo(raw);
  if (!git_repository_workdir(repo.get())) return fail("the repository has no working folder (it is bare)");
  return repo;
}

// What is changed or new in the working folder and index.
void read_uncommitted(git_repository* repo, const PathMap& paths, History& history) {
  git_status_options status_opts = GIT_STATUS_OPTIONS_INIT;
  status_opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  status_opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  // site.toml too: its footer and settings are published like the content.
  std::string content_spec = paths.content(), settings_spec = paths.prefix + "site.toml";
  char* spec[] = {content_spec.data(), settings_spec.data()};
  status_opts.pathspec = {spec, 2};
  git_status_list* raw_status = nullptr;
  if (git_status_list_new(&raw_status, repo, &status_opts) != 0) return;
  StatusList status(raw_status);
  for (std::size_t i = 0, n = git_status_list_entrycount(status.get()); i < n; ++i) {
    const git_status_entry* e = git_status_byindex(status.get(), i);
    const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    if (d && d->new_file.path && (paths.covers(d->new_file.path) || d->new_file.path == settings_spec))
      history.uncommitted.insert(paths.to_site(d->new_file.path));
  }
}

// The tree of a commit's first parent, or null for a root commit.
Tree first_parent_tree(git_commit* commit) {
  Tree parent_tree;
  if (git_commit_parentcount(commit) == 0) return parent_tree;
  git_commit* raw_parent = nullptr;
  if (git_commit_parent(&raw_parent, commit, 0) == 0) {
    CommitHandle parent(raw_parent);
    git_tree* raw_parent_tree = nullptr;
    if (git_commit_tree(&raw_parent_tree, parent.get()) == 0) parent_tree.reset(raw_parent_tree);
  }
  return parent_tree;
}

// The content files a commit changed against its first parent, renames
// found; empty when it changed none.
std::vector<Change> content_changes(git_repository* repo, git_tree* tree, git_tree* parent_tree, const PathMap& paths) {
  std::vector<Change> changes;
  const Tree now = content_tree(repo, tree, paths.content());
  const Tree before = content_tree(repo, parent_tree, paths.content());
  if (!now && !before) return changes;
  if (now && before && git_oid_equal(git_tree_id(now.get()), git_tree_id(before.get()))) return changes;
  diff_trees(repo, before.get(), now.get(), paths.content(), changes);
  if (changes.empty()) return changes;
  const bool added =
      std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.status == GIT_DELTA_ADDED; });
  const bool deleted =
      std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.status == GIT_DELTA_DELETED; });
  if (added && deleted) find_renames(repo, parent_tree, tree, changes);
  return changes;
}

// A commit's id, summary, author and time, without its paths.
Commit describe_commit(const git_oid& oid, git_commit* commit) {
  Commit c;
  c.hash = git_oid_tostr_s(&oid);
  const char* summary = git_commit_summary(commit);
  c.summary = summary ? summary : "";
  if (const git_signature* author = git_commit_author(commit)) c.author = author->name ? author->name : "";
  c.date = local_date(git_commit_time(commit), git_commit_time_offset(commit));
  c.time = static_cast<std::int64_t>(git_commit_time(commit));
  return c;
}

// Adds a commit to the history with the paths, as at HEAD, of what it changed.
void add_commit(Commit c, std::vector<Change>& changes, const PathMap& paths, Renames& renames, History& history) {
  std::sort(changes.begin(), changes.end(), [](const Change& x, const Change& y) { return x.path < y.path; });
  for (const auto& change : changes) {
    const std::string head_path = renames.resolve(paths.to_site(change.path));
    if (change.status == GIT_DELTA_RENAMED) renames.renamed(paths.to_site(change.old_path), head_path);
    c.paths.push_back(head_path);
  }
  const auto index = static_cast<std::uint32_t>(history.commits.size());
  for (const auto& p : c.paths) history.by_path[p].push_back(index);
  history.commits.push_back(std::move(c));
}

// Diffs the commit `oid` against its first parent, and adds it to `history`
// when it changed content. Its number of parents and, in `parent`, the first
// one's id; -1 when it cannot be read.
int read_commit(git_repository* repo, const git_oid& oid, const PathMap& paths, Renames& renames, History& history,
                git_oid& parent) {
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repo, &oid) != 0) return -1;
  CommitHandle commit(raw_commit);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit.get()) != 0) return -1;
  Tree tree(raw_tree);
  const Tree parent_tree = first_parent_tree(commit.get());
  std::vector<Change> changes = content_changes(repo, tree.get(), parent_tree.get(), paths);
  ++history.commits_read;
  if (!changes.empty()) add_commit(describe_commit(oid, commit.get()), changes, paths, renames, history);
  const unsigned parents = git_commit_parentcount(commit.get());
  if (parents > 0) git_oid_cpy(&parent, git_commit_parent_id(commit.get(), 0));
  return static_cast<int>(parents);
}

// Walks the commits from `head`, newest first, each diffed against its first parent.
void read_commits(git_repository* repo, const git_oid& head, const PathMap& paths, History& history) {
  git_revwalk* raw_walk = nullptr;
  if (git_revwalk_new(&raw_walk, repo) != 0) return;
  Revwalk walk(raw_walk);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  if (git_revwalk_push(walk.get(), &head) != 0) return;
  Renames renames;
  git_oid oid, parent;
  while (git_revwalk_next(&oid, walk.get()) == 0) read_commit(repo, oid, paths, renames, history, parent);
}

// A commit as History::head names it.
std::string head_token(const git_oid& oid) { return content_hash_hex(git_oid_tostr_s(&oid)); }

// Reads the commits from `head` down to `kept`'s head, when they are a chain of
// one parent each that ends on it and renames nothing, then takes the kept
// commits: what a walk of the whole history gives. False, with `history`
// part read, otherwise.
bool read_since(git_repository* repo, const git_oid& head, const PathMap& paths, const History& kept,
                History& history) {
  // Beyond this many commits, the whole history is read as soon as the chain is walked.
  constexpr std::size_t kLongestChain = 1000;
  git_oid oid = head;
  Renames renames;
  for (std::size_t walked = 0; head_token(oid) != kept.head; ++walked) {
    git_oid parent{};
    if (walked == kLongestChain || read_commit(repo, oid, paths, renames, history, parent) != 1) return false;
    oid = parent;
  }
  // A file renamed takes, in a whole walk, the commits of its old name and also those of any file its new name
  // had before (one deleted long ago): the kept history, which holds only the files it was kept for, knows
  // neither for certain.
  if (renames.any()) return false;
  const std::vector<std::string>& kept_for = kept.kept_for;  // sorted
  // A new commit that changed a file it was not kept for, a file added most
  // often, is read whole here, beside the content, rather than after it when
  // the build finds that file published (history_covers).
  for (const auto& c : history.commits)
    for (const auto& path : c.paths)
      if (!std::binary_search(kept_for.begin(), kept_for.end(), path)) return false;
  for (const auto& c : kept.commits) {
    const auto index = static_cast<std::uint32_t>(history.commits.size());
    for (const auto& path : c.paths) history.by_path[path].push_back(index);
    history.commits.push_back(c);
  }
  history.kept_for = kept_for;
  history.kept_without_words = kept.kept_without_words;
  return true;
}

// The history from `kept` and the commits since, when it can be; false, with
// `history` as it was but for the commits walked, when it must be read whole.
bool read_from_kept(git_repository* repo, const git_oid& head, const PathMap& paths, const History& kept,
                    History& history) {
  if (!kept.available || kept.head.empty()) return false;
  if (kept.head == history.head) {
    history.commits = kept.commits;
    history.by_path = kept.by_path;
    history.kept_for = kept.kept_for;
    history.kept_without_words = kept.kept_without_words;
    history.kept_under = kept.kept_under;
    return true;
  }
  History since = history;  // taken only when whole: a chain read in part changes nothing
  since.kept_under = kept.kept_under;
  const bool whole = read_since(repo, head, paths, kept, since);
  if (whole)
    history = std::move(since);
  else
    history.commits_read = since.commits_read;  // walked, whole or not
  return whole;
}

// Where the source folder `absolute` is in the working folder of `repo`.
PathMap path_map(const Repository& repo, const fs::path& absolute) {
  std::error_code ec;
  PathMap paths;
  const char* workdir = git_repository_workdir(repo.get());
  const auto relative = fs::weakly_canonical(absolute, ec).lexically_relative(fs::weakly_canonical(workdir, ec));
  paths.prefix = relative.generic_string() == "." ? "" : relative.generic_string() + "/";
  return paths;
}

}  // namespace

History read_history(const fs::path& source, const History* kept, const std::set<std::string>* uncommitted) {
  Library library;
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(source, ec), ec);
  const auto opened = open_repository(absolute);
  if (!opened) return unavailable(opened.error());
  const Repository& repo = *opened;
  const PathMap paths = path_map(repo, absolute);

  History history;
  // A shallow clone's working folder still says what is not committed; its commits are incomplete.
  if (uncommitted)
    history.uncommitted = *uncommitted;
  else
    read_uncommitted(repo.get(), paths, history);
  if (git_repository_is_shallow(repo.get()) == 1) {
    history.unavailable_because = "the repository is a shallow clone, so its history is incomplete";
    return history;
  }
  history.available = true;
  // HEAD once: a commit made while the history is read waits for the next build.
  git_oid head{};
  if (git_reference_name_to_id(&head, repo.get(), "HEAD") != 0) return history;  // no commits yet
  history.head = head_token(head);
  if (!kept || !read_from_kept(repo.get(), head, paths, *kept, history)) read_commits(repo.get(), head, paths, history);
  return history;
}

HistoryKey history_key(const fs::path& source) {
  Library library;
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(source, ec), ec);
  const auto opened = open_repository(absolute);
  if (!opened) return {"none: " + opened.error(), {}, {}};
  History history;
  read_uncommitted(opened->get(), path_map(*opened, absolute), history);
  HistoryKey key;
  git_oid head{};
  const bool any = git_reference_name_to_id(&head, opened->get(), "HEAD") == 0;
  key.key = any ? git_oid_tostr_s(&head) : "no commit";
  // As read_history: a shallow clone's History has no head.
  if (git_repository_is_shallow(opened->get()) == 1)
    key.key += " shallow";
  else if (any)
    key.head = head_token(head);
  for (const auto& path : history.uncommitted) key.key += "\n" + path;
  key.uncommitted = std::move(history.uncommitted);
  return key;
}

std::optional<bool> uncommitted_now(const fs::path& source, const std::string& path) {
  Library library;
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(source, ec), ec);
  const auto opened = open_repository(absolute);
  if (!opened) return std::nullopt;
  const char* workdir = git_repository_workdir(opened->get());
  const auto relative = absolute.lexically_relative(fs::weakly_canonical(workdir, ec)).generic_string();
  const std::string repo_path = (relative == "." ? "" : relative + "/") + path;
  unsigned int flags = 0;
  if (git_status_file(&flags, opened->get(), repo_path.c_str()) != 0) return true;  // unknown to git: not committed
  return flags != GIT_STATUS_CURRENT && flags != GIT_STATUS_IGNORED;
}

void reword_commits(History& history, const std::map<std::string, std::string>& wording) {
  if (wording.empty()) return;
  constexpr std::size_t kWholeId = 40;
  for (auto& c : history.commits) {
    // Kept without its whole id (history_store.h), a commit was worded when it was kept.
    if (c.hash.size() < kWholeId) continue;
    for (const auto& [id, words] : wording)  // a handful of lines: no index is needed
      if (c.hash.starts_with(id)) c.summary = words;
  }
}

}  // namespace portal
