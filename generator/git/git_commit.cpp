#include "git_commit.h"

#include <sys/stat.h>

#include "beneath.h"
#include "git_handles.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

std::string last_error(const std::string& what) {
  const git_error* e = git_error_last();
  return what + (e && e->message ? std::string(": ") + e->message : std::string());
}

std::string hex(const git_oid& oid) {
  char out[GIT_OID_HEXSZ + 1];
  git_oid_tostr(out, sizeof out, &oid);
  return out;
}

}  // namespace

std::string blob_id(std::string_view bytes) {
  git::Library library;
  git_oid oid;
  if (git_odb_hash(&oid, bytes.data(), bytes.size(), GIT_OBJECT_BLOB) != 0) return {};
  return hex(oid);
}

namespace {

// The repository holding `source`, where the source folder is in it, and the author.
struct Opened {
  git::Repository repo;
  std::string prefix;  // "." or "sites/portal"
  git::Signature signature;
};

Result<Opened> open_for_commit(const fs::path& source, const std::optional<CommitAuthor>& author) {
  Opened o;
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(source, ec), ec);
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, absolute.c_str(), 0, nullptr) != 0)
    return fail("the portal's folder is not a git repository, so nothing can be recorded in its history");
  o.repo.reset(raw);
  const char* workdir = git_repository_workdir(o.repo.get());
  if (!workdir) return fail("the repository has no working folder");
  o.prefix = absolute.lexically_relative(fs::weakly_canonical(workdir, ec)).generic_string();
  // A commit goes on the branch the portal's history is read from.
  if (git_repository_head_unborn(o.repo.get()) == 1)
    return fail("the repository has no commit yet: commit the site once with git first");
  if (git_repository_head_detached(o.repo.get()) == 1)
    return fail(
        "the repository is not on a branch (its HEAD is detached): check out the branch the site is published from");
  git_signature* sig_raw = nullptr;
  if (author) {
    if (git_signature_now(&sig_raw, author->name.c_str(), author->email.c_str()) != 0)
      return fail("the person's name or e-mail address cannot be recorded in git: " + author->name);
  } else if (git_signature_default(&sig_raw, o.repo.get()) != 0)
    return fail(
        "git does not know who you are: run git config --global user.name \"Your Name\" and "
        "git config --global user.email \"you@example.org\" in a terminal once, then publish again");
  o.signature.reset(sig_raw);
  return o;
}

// A file to commit, read once through the held source folder (never through
// a link): its blob, mode and the stat of the descriptor it was read from, so
// the commit and the repository's index both record these very bytes.
struct Staged {
  std::string path;       // relative to the source folder
  std::string repo_path;  // relative to the repository's working folder
  git_index_entry entry{};
  bool removed = false;  // no longer in the work tree: the commit removes it
};

Done stage(git_repository* repo, const SourceDir& source, Staged& staged) {
  const auto file = read_beneath(source, staged.path);
  if (!file && file.failure().missing()) {
    staged.removed = true;
    return {};
  }
  if (!file) return file.failure();
  git_index_entry& e = staged.entry;
  if (git_blob_create_from_buffer(&e.id, repo, file->bytes.data(), file->bytes.size()) != 0)
    return fail(last_error("cannot record " + staged.path));
  const struct stat& info = file->info;
  e.mode = (info.st_mode & S_IXUSR) != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
  // As git itself records them, so `git status` sees the file unchanged.
  e.ctime = {static_cast<std::int32_t>(info.st_ctim.tv_sec), static_cast<std::uint32_t>(info.st_ctim.tv_nsec)};
  e.mtime = {static_cast<std::int32_t>(info.st_mtim.tv_sec), static_cast<std::uint32_t>(info.st_mtim.tv_nsec)};
  e.dev = static_cast<std::uint32_t>(info.st_dev);
  e.ino = static_cast<std::uint32_t>(info.st_ino);
  e.uid = info.st_uid;
  e.gid = info.st_gid;
  e.file_size = static_cast<std::uint32_t>(file->bytes.size());
  return {};
}

}  // namespace

Done check_can_commit(const fs::path& source) {
  git::Library library;
  if (auto opened = open_for_commit(source, std::nullopt); !opened) return opened.failure();
  return {};
}

Result<std::string> commit_files(const fs::path& source, const std::vector<std::string>& paths,
                                 const std::string& message, const std::optional<CommitAuthor>& author) {
  git::Library library;
  auto opened = open_for_commit(source, author);
  if (!opened) return opened.failure();
  git::Repository& repo = opened->repo;
  git::Signature& signature = opened->signature;
  const std::string prefix = opened->prefix;
  auto in_repo = [&](const std::string& path) { return prefix == "." ? path : prefix + "/" + path; };

  // The parent, unless the branch has no commit yet.
  git_commit* parent_raw = nullptr;
  git_oid head_oid;
  const bool has_parent = git_reference_name_to_id(&head_oid, repo.get(), "HEAD") == 0;
  if (has_parent && git_commit_lookup(&parent_raw, repo.get(), &head_oid) != 0)
    return fail(last_error("cannot read HEAD"));
  git::CommitHandle parent(parent_raw);

  git_index* index_raw = nullptr;
  if (git_index_new(&index_raw) != 0) return fail(last_error("cannot make an index"));
  git::Index index(index_raw);
  if (parent) {
    git_tree* tree_raw = nullptr;
    if (git_commit_tree(&tree_raw, parent.get()) != 0) return fail(last_error("cannot read the last commit's files"));
    git::Tree tree(tree_raw);
    if (git_index_read_tree(index.get(), tree.get()) != 0)
      return fail(last_error("cannot read the last commit's files"));
  }
  const SourceDir source_dir(source);
  if (!source_dir) return source_dir.opened().failure();
  std::vector<Staged> staged;
  for (const auto& path : paths) {
    staged.push_back({path, in_repo(path), {}});
    if (auto staging = stage(repo.get(), source_dir, staged.back()); !staging) return staging.failure();
  }
  // Adds each file to `to`, or takes away one that is gone.
  auto record = [&](git_index* to) -> Done {
    for (auto& s : staged) {
      s.entry.path = s.repo_path.c_str();
      const int error = s.removed ? git_index_remove_bypath(to, s.repo_path.c_str()) : git_index_add(to, &s.entry);
      if (error != 0) return fail(last_error("cannot record " + s.path));
    }
    return {};
  };
  if (auto recorded = record(index.get()); !recorded) return recorded.failure();
  git_oid tree_oid;
  if (git_index_write_tree_to(&tree_oid, index.get(), repo.get()) != 0)
    return fail(last_error("cannot write the files"));
  git_tree* new_tree_raw = nullptr;
  if (git_tree_lookup(&new_tree_raw, repo.get(), &tree_oid) != 0) return fail(last_error("cannot write the files"));
  git::Tree new_tree(new_tree_raw);

  git_buf pretty = GIT_BUF_INIT;
  if (git_message_prettify(&pretty, message.c_str(), 0, '#') != 0)
    return fail(last_error("the message cannot be used"));
  const std::string text(pretty.ptr, pretty.size);
  git_buf_dispose(&pretty);

  // The index records these files as they are committed (`git status` then
  // shows them unchanged, and a later `git commit` cannot undo them), or no
  // commit is made: a locked index (another git at work) is said so.
  git_index* repo_index_raw = nullptr;
  if (git_repository_index(&repo_index_raw, repo.get()) != 0)
    return fail(last_error("cannot read the repository's index"));
  git::Index repo_index(repo_index_raw);
  if (auto recorded = record(repo_index.get()); !recorded) return recorded.failure();
  if (git_index_write(repo_index.get()) != 0)
    return fail(last_error("the repository's index cannot be written (is another git command running?)"));

  const git_commit* parents[] = {parent.get()};
  git_oid commit_oid;
  if (git_commit_create(&commit_oid, repo.get(), "HEAD", signature.get(), signature.get(), nullptr, text.c_str(),
                        new_tree.get(), parent ? 1 : 0, parents) != 0)
    return fail(last_error("the commit could not be made"));

  return hex(commit_oid);
}

}  // namespace portal
