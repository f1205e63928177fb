#include "serve.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <set>

#include <httplib.h>

#include "checks.h"
#include "email.h"
#include "files.h"
#include "front_matter.h"
#include "markdown.h"
#include "outputs.h"
#include "pages.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

const char* content_type(const std::string& path) {
  static const std::map<std::string, const char*> types = {
      {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"}, {".xml", "application/xml; charset=utf-8"},
      {".json", "application/json"}, {".ics", "text/calendar; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"}, {".pdf", "application/pdf"}};
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  const auto it = types.find(text::to_lower_ascii(path.substr(dot)));
  return it == types.end() ? "application/octet-stream" : it->second;
}

// Reloads the page when the site is rebuilt. Only `portal serve` adds it.
std::string reload_script(std::uint64_t version) {
  return "<script>(function(){var v='" + std::to_string(version) +
         "';function poll(){fetch('/__portal/wait?since='+v).then(function(r){return r.text()})"
         ".then(function(t){if(t!==v){location.reload()}else{poll()}})"
         ".catch(function(){setTimeout(poll,1000)})}poll()})();</script>";
}

std::string problems_panel(const std::string& problems) {
  return "<div role=\"alert\" style=\"background:#fff;color:#0b0c0c;border:5px solid #d4351c;padding:15px;margin:15px;"
         "font-family:Arial,sans-serif\"><h2 style=\"margin-top:0\">The site was not rebuilt: fix these problems</h2>"
         "<p>These pages are the last good build. They will update as soon as the problems are fixed.</p>"
         "<pre style=\"white-space:pre-wrap\">" +
         text::html_escape(problems) + "</pre></div>";
}


}  // namespace

PreviewServer::PreviewServer(ServeOptions options) : options_(std::move(options)) {}

PreviewServer::~PreviewServer() { stop(); }

std::uint64_t PreviewServer::rebuild(const std::vector<std::string>& changed) {
  if (changed.size() == 1 && rebuild_text_of(changed.front())) {
    const std::lock_guard lock(mutex_);
    return version_;
  }
  BuildOptions build;
  build.source = options_.source;
  build.drafts = Drafts::show;
  build.jobs = options_.jobs;
  build.cache = &cache_;
  std::vector<OutputFile> files;
  BuiltSite kept;
  const BuildResult r = render_site(build, files, &kept);
  std::string problems = format_text(r.diagnostics);
  if (!r.error.empty()) problems += "portal: error: " + r.error + "\n";
  if (r.outcome != Outcome::ok && problems.empty()) problems = "portal: the site could not be built\n";
  const std::lock_guard lock(mutex_);
  if (started_) parsed_ += cache_.parsed;
  if (r.outcome == Outcome::ok) {
    built_ = std::move(kept);
    diagnostics_ = r.diagnostics;
    search_stale_ = false;
    files_.clear();
    for (auto& f : files) files_[f.path] = {std::move(f.content), std::move(f.copy_from)};
    have_site_ = true;
    // Warnings alone do not stop a build; they are not shown as an error.
    problems_.clear();
  } else {
    built_.reset();  // the next change rebuilds in full
    problems_ = problems;
  }
  ++version_;
  changed_.notify_all();
  return version_;
}

bool PreviewServer::rebuild_text_of(const std::string& path) {
  std::unique_lock lock(mutex_);
  if (!built_ || !built_->site || !built_->theme) return false;
  Site& site = *built_->site;
  const auto found = site.by_path.find(path);
  const auto cached = cache_.files.find(path);
  if (found == site.by_path.end() || cached == cache_.files.end()) return false;
  const std::size_t i = found->second;
  Document& d = site.documents[i];
  // An agreement's text also shows in the comparisons of versions: rebuild in full.
  if (d.kind == Kind::agreement) return false;

  std::error_code ec;
  const fs::path file = options_.source / path;
  const auto mtime = fs::last_write_time(file, ec);
  const auto size = fs::file_size(file, ec);
  if (ec) return false;
  Diagnostics ignored;
  auto source = read_source(file, path, ignored);
  if (!source || source->head() != cached->second.front_matter) return false;
  FrontMatter& fm = source->front_matter;

  // A text that becomes empty, or stops being empty, adds or drops the page's #content.
  if (text::is_blank(fm.body) != text::is_blank(d.body)) return false;
  MarkdownOptions mo = site.markdown_options(d);
  mo.first_line = fm.body_first_line;
  RenderedMarkdown body = render_markdown(fm.body, mo);
  // Other documents may link to its headings: new ids mean a full check.
  const auto& old_headings = site.bodies[i].headings;
  if (body.headings.size() != old_headings.size() ||
      !std::equal(body.headings.begin(), body.headings.end(), old_headings.begin(),
                  [](const Heading& a, const Heading& b) { return a.id == b.id; }))
    return false;

  d.body = std::move(fm.body);
  d.body_first_line = fm.body_first_line;
  site.bodies[i] = body;
  ++text_rebuilds_;
  auto& entry = cache_.files[path];
  entry.mtime = mtime;
  entry.size = size;
  entry.document = d;
  entry.body = std::move(body);
  if (started_) ++parsed_;

  // The text's own rules again; every other diagnostic stands.
  Diagnostics diags;
  for (const auto& diag : diagnostics_.items())
    if (diag.file != path || !is_body_rule(diag.rule, d.kind)) diags.add(diag);
  check_document_body(site, i, diags);
  diags.sort();
  diagnostics_ = diags;
  if (diags.has_errors()) {
    problems_ = format_text(diags);
  } else {
    problems_.clear();
    built_->history.uncommitted.insert(path);
    if (site.published[i]) {
      if (auto page = render_page(site, built_->history, *built_->theme, d.url)) files_[page->path] = {page->content, {}};
      if (d.kind == Kind::bulletin)
        for (auto& copy : render_bulletin_copies(site, *built_->theme))
          if (copy.path.starts_with(d.url.substr(1))) files_[copy.path] = {std::move(copy.content), {}};
      search_stale_ = true;
    }
  }
  ++version_;
  lock.unlock();
  changed_.notify_all();
  return true;
}

std::size_t PreviewServer::files_parsed() const {
  const std::lock_guard lock(mutex_);
  return parsed_;
}

std::size_t PreviewServer::text_rebuilds() const {
  const std::lock_guard lock(mutex_);
  return text_rebuilds_;
}

std::string PreviewServer::problems() const {
  const std::lock_guard lock(mutex_);
  return problems_;
}

std::uint64_t PreviewServer::wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return version_ != seen; });
  return version_;
}

std::string PreviewServer::respond(const std::string& request_path, std::string& type, int& status) {
  std::string path = request_path.empty() ? "/" : request_path;
  if (path.ends_with('/')) path += "index.html";
  path = path.substr(1);
  const std::lock_guard lock(mutex_);
  if (path == "search/index.json" && search_stale_ && built_ && built_->site) {
    files_[path] = {render_search_index(*built_->site).content, {}};
    search_stale_ = false;
  }
  auto it = files_.find(path);
  if (it == files_.end() && files_.count(path + "/index.html")) {
    status = 301;  // a folder without its slash
    return "/" + path + "/";
  }
  status = 200;
  if (it == files_.end()) {
    status = 404;
    it = files_.find("404.html");
  }
  if (!have_site_ || it == files_.end()) {
    type = "text/html; charset=utf-8";
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Preview</title></head><body>" +
           problems_panel(problems_.empty() ? "No page here.\n" : problems_) + reload_script(version_) +
           "</body></html>";
  }
  type = content_type(it->first);
  std::string body = it->second.copy_from.empty() ? it->second.content
                                                    : read_file(it->second.copy_from).value_or(std::string());
  if (type.starts_with("text/html")) {
    if (!problems_.empty()) {
      const auto open = body.find("<body>");
      if (open != std::string::npos) body.insert(open + 6, problems_panel(problems_));
    }
    const auto close = body.rfind("</body>");
    body.insert(close == std::string::npos ? body.size() : close, reload_script(version_));
  }
  return body;
}

bool PreviewServer::start(std::string& error) {
  // Watched before the first build: a file saved from now on is never missed.
  watch_source();
  rebuild();
  {
    const std::lock_guard lock(mutex_);
    started_ = true;
  }
  if (!have_site_ && problems_.find("error[config]") != std::string::npos) {
    error = problems_;
    return false;
  }
  server_ = std::make_unique<httplib::Server>();
  server_->Get("/__portal/wait", [this](const httplib::Request& req, httplib::Response& res) {
    std::uint64_t since = 0;
    if (req.has_param("since")) since = std::strtoull(req.get_param_value("since").c_str(), nullptr, 10);
    const auto version = wait_for_change(since, std::chrono::seconds(25));
    res.set_header("Cache-Control", "no-store");
    res.set_content(std::to_string(version), "text/plain");
  });
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    std::string type;
    int status = 200;
    std::string body = respond(req.path, type, status);
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    if (status == 301) {
      res.set_redirect(body);
      return;
    }
    res.set_content(std::move(body), type.c_str());
  });
  port_ = options_.port == 0 ? server_->bind_to_any_port(options_.host.c_str())
                             : (server_->bind_to_port(options_.host.c_str(), options_.port) ? options_.port : -1);
  if (port_ < 0) {
    error = "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
            " (is another preview running? try --port 1314)";
    server_.reset();
    return false;
  }
  if (pipe(stop_pipe_) != 0) {
    error = "cannot create the watcher's stop signal";
    return false;
  }
  http_thread_ = std::thread([this] { server_->listen_after_bind(); });
  watch_thread_ = std::thread([this] { watch(); });
  return true;
}

void PreviewServer::stop() {
  if (server_) server_->stop();
  if (stop_pipe_[1] >= 0) {
    const char byte = 0;
    [[maybe_unused]] const auto written = write(stop_pipe_[1], &byte, 1);
  }
  {
    const std::lock_guard lock(mutex_);
    ++version_;  // wakes long polls so the server can stop
    changed_.notify_all();
  }
  if (http_thread_.joinable()) http_thread_.join();
  if (watch_thread_.joinable()) watch_thread_.join();
  for (int& fd : stop_pipe_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  if (inotify_ >= 0) close(inotify_);
  inotify_ = -1;
  server_.reset();
}

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
    if (relevant) rebuild(std::vector<std::string>(changed.begin(), changed.end()));
  }
}

}  // namespace portal
