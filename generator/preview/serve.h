// `portal serve`: builds the site (drafts included) into memory, serves it on
// loopback, watches the source with inotify, rebuilds what changed, and makes
// open pages reload themselves. A build with errors shows its diagnostics on
// every page while the last good pages keep serving. Connections are taken by
// the gate (preview_gate.h), which hands cpp-httplib whole requests only.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "build.h"
#include "editor.h"
#include "git_handles.h"

namespace httplib {
class Server;
}

#include "preview_gate.h"
#include "result.h"

namespace portal {

struct ServeOptions {
  std::filesystem::path source = ".";
  std::string host = "127.0.0.1";
  int port = 1313;  // 0: any free port
  int jobs = 1;
  // The team editor (docs/team-editor.md): the source, the socket and the rest from its configuration; the
  // editor is on, every request must come through the sign-in front, and `host` and `port` are not used.
  Team* team = nullptr;
};

class PreviewServer : public EditorHost {
 public:
  explicit PreviewServer(ServeOptions options);
  ~PreviewServer() override;
  PreviewServer(const PreviewServer&) = delete;
  PreviewServer& operator=(const PreviewServer&) = delete;

  // Builds, binds and starts serving and watching. Fails, saying why, when
  // the address cannot be bound or site.toml is unusable.
  Done start();
  void stop();
  [[nodiscard]] int port() const { return port_; }

  // Rebuilds now; returns the new version. The watcher passes the files that
  // changed: when one document's text alone changed (its front matter and its
  // headings' ids are as before), only its page and what shows its text are
  // made again.
  std::uint64_t rebuild(const std::vector<std::string>& changed = {});
  // The text of the last build's problems, empty when it had none: in full,
  // for the terminal. Pages show them without the messages of restricted files.
  [[nodiscard]] std::string problems() const;
  // What went wrong in the server itself since the last call (a request
  // whose handler failed, a rebuild that threw), for the terminal.
  [[nodiscard]] std::vector<std::string> take_errors();
  // Why the preview cannot go on serving, once it cannot; empty while it can.
  [[nodiscard]] std::string failure() const;
  // How many content files the rebuilds since start() had to parse, in all
  // (the rest came from the cache); one edit may cause more than one rebuild.
  [[nodiscard]] std::size_t files_parsed() const;
  // How many rebuilds since start() were of one document's text alone.
  [[nodiscard]] std::size_t text_rebuilds() const;
  // Waits until the version passes `seen` or `timeout` passes; returns the version.
  std::uint64_t wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout);
  // The team editor's timer, run by a thread of its own each minute: what is scheduled by `now` is published.
  void publish_due(std::chrono::system_clock::time_point now) {
    if (editor_) editor_->publish_due(now);
  }
  // Whether the editor is on: only while the preview listens on loopback, or as the team editor.
  [[nodiscard]] bool editing() const { return editor_ != nullptr; }

  // EditorHost
  void with_site(const std::function<void(Site*, const Theme*, const History*)>& f) override;
  void rebuild_now() override { rebuild(); }
  std::optional<std::string> built_file(const std::string& output_path) override;

 private:
  struct Served {
    std::string content;
    std::filesystem::path copy_from;
  };
  // The steps of start(), in order; those that can fail say why.
  Done build_first();          // watches the source and builds; fails when site.toml is unusable
  Done make_socket_folder();   // the private folder of httplib's socket
  void add_editor_routes();    // the editor's pages, on loopback only
  void add_reload_route();     // the script that reloads open pages
  void add_page_route();       // every other address: the site's pages and files
  void add_failure_handler();  // a handler that throws: 500, and a line for the terminal
  Done bind_server(const std::string& socket_path);
  Done open_gate(const std::string& socket_path);
  Done start_threads();  // httplib's, the gate's and the watcher's

  void watch_source();                                 // sets up the watches, before the first build
  void add_watches(const std::filesystem::path& dir);  // `dir` and every folder in it
  void watch();                                        // the watcher thread: rebuilds on each burst of changes
  bool rebuild_text_of(const std::string& path);       // the fast path; false: rebuild in full
  // `from_content`: the answer is a file copied from content/ (an asset anyone may have put there).
  std::string respond(const std::string& path, std::string& type, int& status, bool& from_content);
  // The links from a preview page to the editor; with mutex_ held.
  std::string editor_link(const std::string& output_path) const;
  std::string panel_text() const;  // the problems as pages show them; with mutex_ held
  void changed_locked();           // a new version: wakes waiters; with mutex_ held
  void report(std::string error);  // for take_errors()

  // libgit2 stays initialised until httplib's threads have ended: a thread that met a
  // libgit2 error (a source outside any repository) frees that error's state as it
  // ends, which it cannot once the last user has shut libgit2 down.
  git::Library git_;
  ServeOptions options_;
  std::unique_ptr<Editor> editor_;
  std::mutex rebuild_mutex_;  // one rebuild at a time: the watcher's, or the editor's
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<PreviewGate> gate_;
  std::filesystem::path socket_dir_;  // private: holds httplib's Unix socket
  std::thread http_thread_, watch_thread_, timer_thread_;
  int port_ = 0;
  int stop_pipe_[2] = {-1, -1};
  int inotify_ = -1;
  std::map<int, std::filesystem::path> watched_;  // by watch descriptor; the watcher thread's alone once started
  SiteCache cache_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Served> files_;     // the last good build, by output path
  Diagnostics problems_;                    // of the last build, when it had errors
  std::string problem_error_;               // what stopped the last build, besides its diagnostics
  std::set<std::string> restricted_files_;  // whose messages pages do not show
  std::vector<std::string> errors_;         // for take_errors()
  std::string failure_;
  bool stopping_ = false;
  std::uint64_t version_ = 0;
  bool have_site_ = false;
  std::size_t parsed_ = 0;
  bool started_ = false;
  // The last good build, for the fast path; after a build with errors, its
  // site is the one that was loaded (for the editor's checks), and
  // built_ok_ is false.
  std::optional<BuiltSite> built_;
  bool built_ok_ = false;
  Diagnostics diagnostics_;    // of the last good build and the edits since
  bool search_stale_ = false;  // the search index is made again when asked for
  std::size_t text_rebuilds_ = 0;
};

}  // namespace portal
