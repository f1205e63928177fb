#include "git_repo.h"

#include <chrono>
#include <stdexcept>

#include <git2.h>

namespace portal::test {

namespace {
void ok(int status, const char* what) {
  if (status < 0) {
    const git_error* e = git_error_last();
    throw std::runtime_error(std::string(what) + ": " + (e ? e->message : "libgit2 error"));
  }
}
}  // namespace

GitRepo::GitRepo(const std::filesystem::path& work_tree) {
  git_libgit2_init();
  ok(git_repository_init(&repo_, work_tree.c_str(), 0), "init");
}

GitRepo::~GitRepo() {
  git_repository_free(repo_);
  git_libgit2_shutdown();
}

std::string GitRepo::commit_all(const std::string& message, std::int64_t time, const std::string& author) {
  git_index* index = nullptr;
  ok(git_repository_index(&index, repo_), "index");
  char star[] = "*";
  char* paths[] = {star};
  const git_strarray spec = {paths, 1};
  ok(git_index_add_all(index, &spec, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr), "add");
  ok(git_index_update_all(index, &spec, nullptr, nullptr), "update");
  ok(git_index_write(index), "write index");
  git_oid tree_id;
  ok(git_index_write_tree(&tree_id, index), "write tree");
  git_index_free(index);
  git_tree* tree = nullptr;
  ok(git_tree_lookup(&tree, repo_, &tree_id), "tree");
  git_signature* sig = nullptr;
  ok(git_signature_new(&sig, author.c_str(), "team@example.org", time, 0), "signature");
  git_oid head_id;
  git_commit* parent = nullptr;
  if (git_reference_name_to_id(&head_id, repo_, "HEAD") == 0) ok(git_commit_lookup(&parent, repo_, &head_id), "parent");
  const git_commit* parents[] = {parent};
  git_oid commit_id;
  ok(git_commit_create(&commit_id, repo_, "HEAD", sig, sig, nullptr, message.c_str(), tree, parent ? 1 : 0, parents),
     "commit");
  git_commit_free(parent);
  git_signature_free(sig);
  git_tree_free(tree);
  return git_oid_tostr_s(&commit_id);
}

std::int64_t at_noon(int year, int month, int day) {
  using namespace std::chrono;
  const sys_days d{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} /
                   std::chrono::day{static_cast<unsigned>(day)}};
  return duration_cast<seconds>(d.time_since_epoch()).count() + 12 * 3600;
}

std::string GitRepo::head() const {
  git_oid id;
  if (git_reference_name_to_id(&id, repo_, "HEAD") != 0) return {};
  char text[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(text, sizeof text, &id);
  return text;
}

std::string GitRepo::author_of_head() const {
  git_oid id;
  git_commit* commit = nullptr;
  if (git_reference_name_to_id(&id, repo_, "HEAD") != 0 || git_commit_lookup(&commit, repo_, &id) != 0) return {};
  const git_signature* a = git_commit_author(commit);
  std::string out = std::string(a->name) + " <" + a->email + ">";
  git_commit_free(commit);
  return out;
}

}  // namespace portal::test
