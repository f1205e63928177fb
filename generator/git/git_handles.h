// libgit2 handles that free themselves, for the code that reads and writes history.
#pragma once

#include <memory>

#include <git2.h>

namespace portal::git {

// Keeps libgit2 initialised while it lives (libgit2 counts its users).
struct Library {
  Library() { git_libgit2_init(); }
  ~Library() { git_libgit2_shutdown(); }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;
using Repository = Handle<git_repository, git_repository_free>;
using Revwalk = Handle<git_revwalk, git_revwalk_free>;
using CommitHandle = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using Diff = Handle<git_diff, git_diff_free>;
using StatusList = Handle<git_status_list, git_status_list_free>;
using Index = Handle<git_index, git_index_free>;
using Signature = Handle<git_signature, git_signature_free>;
using Reference = Handle<git_reference, git_reference_free>;

}  // namespace portal::git
