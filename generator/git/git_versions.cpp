#include "git_versions.h"

#include "git_handles.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

using Blob = git::Handle<git_blob, git_blob_free>;
using TreeEntry = git::Handle<git_tree_entry, git_tree_entry_free>;

// The repository of `source`, and the source folder's place in it ("" or "sites/portal/").
struct Opened {
  git::Repository repo;
  std::string prefix;
};

Result<Opened> open(const fs::path& source) {
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(source, ec), ec);
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, absolute.c_str(), 0, nullptr) != 0)
    return fail("the portal's folder is not a git repository, so it has no earlier versions");
  Opened o{git::Repository(raw), {}};
  const char* workdir = git_repository_workdir(o.repo.get());
  if (!workdir) return fail("the repository has no working folder");
  const std::string relative = absolute.lexically_relative(fs::weakly_canonical(workdir, ec)).generic_string();
  o.prefix = relative == "." ? "" : relative + "/";
  return o;
}

Result<git::CommitHandle> commit_of(git_repository* repo, const std::string& id) {
  git_oid oid;
  git_commit* raw = nullptr;
  if (id.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, id.c_str()) != 0 || git_commit_lookup(&raw, repo, &oid) != 0)
    return fail("there is no version " + id.substr(0, 12) + " in the site's history");
  return git::CommitHandle(raw);
}

// The last commit, the one HEAD names.
Result<git::CommitHandle> head_commit(git_repository* repo) {
  git_oid oid;
  git_commit* raw = nullptr;
  if (git_reference_name_to_id(&oid, repo, "HEAD") != 0 || git_commit_lookup(&raw, repo, &oid) != 0)
    return fail("the site's history has no last version yet");
  return git::CommitHandle(raw);
}

// The blob of `repo_path` in `commit`'s tree, or null when it holds no such file.
Blob blob_in(git_repository* repo, const git_commit* commit, const std::string& repo_path) {
  git_tree* tree_raw = nullptr;
  if (!commit || git_commit_tree(&tree_raw, commit) != 0) return Blob();
  const git::Tree tree(tree_raw);
  git_tree_entry* entry_raw = nullptr;
  if (git_tree_entry_bypath(&entry_raw, tree.get(), repo_path.c_str()) != 0) return Blob();
  const TreeEntry entry(entry_raw);
  git_blob* blob = nullptr;
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB ||
      git_blob_lookup(&blob, repo, git_tree_entry_id(entry.get())) != 0)
    return Blob();
  return Blob(blob);
}

int on_line(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line, void* payload) {
  auto& out = *static_cast<std::vector<ChangedLine>*>(payload);
  ChangedLine l;
  l.kind = line->origin == GIT_DIFF_LINE_ADDITION   ? ChangedLine::Kind::added
           : line->origin == GIT_DIFF_LINE_DELETION ? ChangedLine::Kind::removed
                                                    : ChangedLine::Kind::context;
  if (line->origin != GIT_DIFF_LINE_ADDITION && line->origin != GIT_DIFF_LINE_DELETION &&
      line->origin != GIT_DIFF_LINE_CONTEXT)
    return 0;  // "no newline at end of file" and the like
  l.text.assign(line->content, line->content_len);
  while (!l.text.empty() && (l.text.back() == '\n' || l.text.back() == '\r')) l.text.pop_back();
  out.push_back(std::move(l));
  return 0;
}

}  // namespace

Result<std::string> file_at(const fs::path& source, const std::string& commit, const std::string& path) {
  git::Library library;
  auto opened = open(source);
  if (!opened) return opened.failure();
  auto c = commit == "HEAD" ? head_commit(opened->repo.get()) : commit_of(opened->repo.get(), commit);
  if (!c) return c.failure();
  const Blob blob = blob_in(opened->repo.get(), c->get(), opened->prefix + path);
  if (!blob) return fail("that version of the site holds no " + path + " (it may have had another name then)");
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

Result<std::vector<ChangedLine>> changes_in(const fs::path& source, const std::string& commit,
                                            const std::string& path) {
  git::Library library;
  auto opened = open(source);
  if (!opened) return opened.failure();
  auto c = commit_of(opened->repo.get(), commit);
  if (!c) return c.failure();
  git_commit* parent_raw = nullptr;
  if (git_commit_parentcount(c->get()) > 0) git_commit_parent(&parent_raw, c->get(), 0);
  const git::CommitHandle parent(parent_raw);
  const std::string repo_path = opened->prefix + path;
  const Blob now = blob_in(opened->repo.get(), c->get(), repo_path);
  const Blob before = blob_in(opened->repo.get(), parent.get(), repo_path);
  std::vector<ChangedLine> lines;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.context_lines = 3;
  if (git_diff_blobs(before.get(), nullptr, now.get(), nullptr, &options, nullptr, nullptr, nullptr, on_line, &lines) !=
      0)
    return fail("the changes of that version cannot be read");
  return lines;
}

}  // namespace portal
