// The preview's watcher: inotify watches on the source folder, content/ and
// themes/, and the thread that gathers each burst of changes and rebuilds.
#include "serve.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <set>

namespace portal {

namespace fs = std::filesystem;

namespace {
constexpr uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
}  // namespace

void PreviewServer::add_watches(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  const int wd = inotify_add_watch(inotify_, dir.c_str(), kWatchMask);
  if (wd >= 0) watched_[wd] = dir;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->path().filename().string().starts_with(".")) {
      const int sub = inotify_add_watch(inotify_, it->path().c_str(), kWatchMask);
      if (sub >= 0) watched_[sub] = it->path();
    }
  }
}

void PreviewServer::watch_source() {
  inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ < 0) return;
  // The source folder itself for site.toml; content/ and themes/ with all their folders.
  if (const int wd = inotify_add_watch(inotify_, options_.source.c_str(), kWatchMask); wd >= 0)
    watched_[wd] = options_.source;
  add_watches(options_.source / "content");
  add_watches(options_.source / "themes");
}

void PreviewServer::watch() {
  if (inotify_ < 0) return;
  const int fd = inotify_;
  alignas(inotify_event) char buffer[64 * 1024];
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) break;
    if (fds[1].revents) break;
    bool relevant = false;
    std::set<std::string> changed;  // relative to the source folder
    // Gather the burst of events an editor's save makes, then build once.
    do {
      const ssize_t n = read(fd, buffer, sizeof buffer);
      for (ssize_t at = 0; n > 0 && at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        const std::string name = e->len ? e->name : "";
        const auto dir = watched_.find(e->wd);
        if (dir == watched_.end() || name.starts_with(".") || name.ends_with("~")) continue;
        // Only the source folder's own site.toml counts; its output folder does not.
        if (dir->second == options_.source && name != "site.toml" && name != "content" && name != "themes") continue;
        relevant = true;
        changed.insert((dir->second / name).lexically_relative(options_.source).generic_string());
        if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO))) add_watches(dir->second / name);
      }
      pollfd again = {fd, POLLIN, 0};
      if (poll(&again, 1, 60) <= 0) break;
    } while (true);
    if (!relevant) continue;
    try {
      rebuild(std::vector<std::string>(changed.begin(), changed.end()));
    } catch (const std::exception& e) {
      // Reported, and the last good pages keep serving; the next save tries again.
      report(std::string("the rebuild failed: ") + e.what());
    }
  }
}

}  // namespace portal
