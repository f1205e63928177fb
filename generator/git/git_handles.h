// libgit2 handles that free themselves, for the code that reads and writes history.
#pragma once

#include <future>
#include <memory>
#include <type_traits>
#include <utility>

#include <git2.h>

namespace portal::git {

// Keeps libgit2 initialised while it lives (libgit2 counts its users).
struct Library {
  Library() { git_libgit2_init(); }
  ~Library() { git_libgit2_shutdown(); }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

// A call to git run on a thread of its own, beside the caller's work. libgit2 keeps state for each thread that
// uses it and frees that state as the thread ends, but only while the library is up: the library is held from
// before the thread starts until it has been joined (by get(), or by the destructor of a result never taken).
template <class T>
class Beside {
 public:
  template <class Call>
  explicit Beside(Call&& call) : result_(std::async(std::launch::async, std::forward<Call>(call))) {}
  T get() { return result_.get(); }

 private:
  Library library_;        // made first, so let go last
  std::future<T> result_;  // a future of std::async joins its thread when waited on or destroyed
};
template <class Call>
Beside(Call&&) -> Beside<std::invoke_result_t<std::decay_t<Call>>>;

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
