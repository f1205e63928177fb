#include "serve.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include <httplib.h>

#include "checks.h"
#include "email.h"
#include "feeds.h"
#include "files.h"
#include "front_matter.h"
#include "markdown.h"
#include "pages.h"
#include "search_index.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

const char* content_type(const std::string& path) {
  static const std::map<std::string, const char*> types = {{".html", "text/html; charset=utf-8"},
                                                           {".css", "text/css; charset=utf-8"},
                                                           {".js", "text/javascript; charset=utf-8"},
                                                           {".xml", "application/xml; charset=utf-8"},
                                                           {".json", "application/json"},
                                                           {".ics", "text/calendar; charset=utf-8"},
                                                           {".txt", "text/plain; charset=utf-8"},
                                                           {".svg", "image/svg+xml"},
                                                           {".png", "image/png"},
                                                           {".jpg", "image/jpeg"},
                                                           {".jpeg", "image/jpeg"},
                                                           {".gif", "image/gif"},
                                                           {".pdf", "application/pdf"}};
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  const auto it = types.find(text::to_lower_ascii(path.substr(dot)));
  return it == types.end() ? "application/octet-stream" : it->second;
}

// Reloads the page when the site is rebuilt. Only `portal serve` adds it, as
// a file of its own: no preview page runs a script written into it.
// A refused poll (the preview is busy, or stopped) is tried again later.
constexpr const char* kReloadPath = "/__portal/reload.js";
constexpr const char* kReloadScript =
    "(function(){var v=document.currentScript.getAttribute('data-version');"
    "function poll(){fetch('/__portal/wait?since='+v).then(function(r){if(!r.ok)throw r;return r.text()})"
    ".then(function(t){if(t!==v){location.reload()}else{poll()}})"
    ".catch(function(){setTimeout(poll,2000)})}poll()})();\n";

std::string reload_script(std::uint64_t version) {
  return std::string("<script src=\"") + kReloadPath + "\" data-version=\"" + std::to_string(version) + "\"></script>";
}

// Every preview page: scripts only from the preview's own files (the theme's,
// this reload), so nothing written in content runs where the editor lives.
constexpr const char* kPagePolicy =
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

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

void PreviewServer::changed_locked() {
  ++version_;
  if (gate_) gate_->set_version(version_);
  changed_.notify_all();
}

void PreviewServer::report(std::string error) {
  const std::lock_guard lock(mutex_);
  errors_.push_back(std::move(error));
  changed_.notify_all();
}

std::vector<std::string> PreviewServer::take_errors() {
  const std::lock_guard lock(mutex_);
  return std::exchange(errors_, {});
}

std::string PreviewServer::failure() const {
  const std::lock_guard lock(mutex_);
  return failure_;
}

std::string PreviewServer::panel_text() const {
  // A restricted file's message may quote it: pages name the file, line and rule only.
  std::string out;
  for (const auto& d : problems_.items()) {
    if (!restricted_files_.count(d.file)) {
      out += format_text(d) + "\n";
      continue;
    }
    Diagnostic named = d;
    named.message = "(this file is restricted: its message is shown only in the terminal running portal serve)";
    named.hint.clear();
    out += format_text(named) + "\n";
  }
  if (!problems_.items().empty())
    out += std::to_string(problems_.errors()) + " errors, " + std::to_string(problems_.warnings()) + " warnings\n";
  return out + problem_error_;
}

void PreviewServer::with_site(const std::function<void(Site*, const Theme*, const History*)>& f) {
  const std::lock_guard lock(mutex_);
  if (!built_ || !built_->site) return f(nullptr, nullptr, nullptr);
  f(&*built_->site, built_->theme ? &*built_->theme : nullptr, built_->theme ? &built_->history : nullptr);
}

std::uint64_t PreviewServer::rebuild(const std::vector<std::string>& changed) {
  const std::lock_guard one_at_a_time(rebuild_mutex_);
  if (changed.size() == 1 && rebuild_text_of(changed.front())) {
    const std::lock_guard lock(mutex_);
    return version_;
  }
  BuildOptions build;
  build.source = options_.source;
  build.drafts = Drafts::show;
  build.jobs = options_.jobs;
  build.cache = &cache_;
  build.root_path = "/";  // the preview serves the site at its root
  std::vector<OutputFile> files;
  BuiltSite kept;
  const BuildResult r = render_site(build, files, &kept);
  std::string error;
  if (!r.error.empty()) error = "portal: error: " + r.error + "\n";
  if (r.outcome != Outcome::ok && error.empty() && r.diagnostics.items().empty())
    error = "portal: the site could not be built\n";
  const std::lock_guard lock(mutex_);
  if (started_) parsed_ += cache_.parsed;
  if (r.outcome == Outcome::ok) {
    built_ = std::move(kept);
    built_ok_ = true;
    diagnostics_ = r.diagnostics;
    search_stale_ = false;
    files_.clear();
    for (auto& f : files) files_[f.path] = {std::move(f.content), std::move(f.copy_from)};
    have_site_ = true;
    // Warnings alone do not stop a build; they are not shown as an error.
    problems_ = {};
    problem_error_.clear();
  } else {
    // The next change rebuilds in full; the editor checks against the site as loaded.
    built_ok_ = false;
    search_stale_ = false;
    if (kept.site) {
      if (!built_) built_.emplace();
      built_->site = std::move(kept.site);
    } else {
      built_.reset();
    }
    problems_ = r.diagnostics;
    problem_error_ = error;
    restricted_files_ = r.restricted_files;
  }
  changed_locked();
  return version_;
}

bool PreviewServer::rebuild_text_of(const std::string& path) {
  std::unique_lock lock(mutex_);
  if (!built_ok_ || !built_ || !built_->site || !built_->theme) return false;
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
  // Other documents may link to its headings and paragraphs: new ids mean a full check.
  const auto& old_headings = site.bodies[i].headings;
  if (body.headings.size() != old_headings.size() || body.paragraph_ids != site.bodies[i].paragraph_ids ||
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
  if (site.withheld_because[i].find("restricted") != std::string::npos) restricted_files_.insert(path);
  if (diags.has_errors()) {
    problems_ = diags;
    problem_error_.clear();
  } else {
    problems_ = {};
    problem_error_.clear();
    built_->history.uncommitted.insert(path);
    if (site.published[i]) {
      if (auto page = render_page(site, built_->history, *built_->theme, d.url))
        files_[page->path] = {page->content, {}};
      if (d.kind == Kind::bulletin)
        for (auto& copy : render_bulletin_copies(site, *built_->theme))
          if (copy.path.starts_with(d.url.substr(1))) files_[copy.path] = {std::move(copy.content), {}};
      search_stale_ = true;
    }
  }
  changed_locked();
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
  if (problems_.items().empty()) return problem_error_;
  return format_text(problems_) + problem_error_;
}

std::uint64_t PreviewServer::wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return version_ != seen; });
  return version_;
}

std::string PreviewServer::editor_link(const std::string& output_path) const {
  if (!editor_) return {};
  std::string source;
  if (built_ && built_->site) {
    std::string url = "/" + output_path;
    if (url.ends_with("index.html")) url.resize(url.size() - 10);
    for (const auto& d : built_->site->documents)
      if (d.url == url) source = d.path;
  }
  std::string out =
      "<p class=\"preview-editor-link\" style=\"margin:0;padding:10px 15px;background:#f3f2f1;color:#0b0c0c;"
      "font-family:Arial,sans-serif;border-top:1px solid #b1b4b6\">Preview: ";
  if (!source.empty())
    out += "<a href=\"" + text::html_escape(Editor::address_of(source)) +
           "\" style=\"color:#1d70b8\">Edit this page</a> or ";
  return out + "<a href=\"/__portal/edit/\" style=\"color:#1d70b8\">open the editor</a></p>";
}

std::string PreviewServer::respond(const std::string& request_path, std::string& type, int& status,
                                   bool& from_content) {
  std::string path = request_path.empty() ? "/" : request_path;
  if (path.ends_with('/')) path += "index.html";
  path = path.substr(1);
  const std::lock_guard lock(mutex_);
  // The index is made again, whole, when a search begins after a change:
  // meta.json first, and the pieces it names with it.
  if (path == "search/meta.json" && search_stale_ && built_ok_ && built_ && built_->site) {
    std::erase_if(files_, [](const auto& file) {
      return file.first.starts_with("search/") && file.first != "search/index.html";
    });
    for (auto& f : render_search_index(*built_->site, options_.jobs)) files_[f.path] = {std::move(f.content), {}};
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
  const std::string panel = panel_text();
  if (!have_site_ || it == files_.end()) {
    type = "text/html; charset=utf-8";
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Preview</title></head><body>" +
           problems_panel(panel.empty() ? "No page here.\n" : panel) + reload_script(version_) + "</body></html>";
  }
  type = content_type(it->first);
  from_content =
      !it->second.copy_from.empty() && it->second.copy_from.lexically_normal().generic_string().starts_with(
                                           (options_.source / "content").lexically_normal().generic_string() + "/");
  std::string body =
      it->second.copy_from.empty() ? it->second.content : read_file(it->second.copy_from).value_or(std::string());
  if (type.starts_with("text/html")) {
    if (!panel.empty()) {
      const auto open = body.find("<body>");
      if (open != std::string::npos) body.insert(open + 6, problems_panel(panel));
    }
    const auto close = body.rfind("</body>");
    body.insert(close == std::string::npos ? body.size() : close, editor_link(path) + reload_script(version_));
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
    if (!have_site_ && format_text(problems_).find("error[config]") != std::string::npos) {
      error = format_text(problems_) + problem_error_;
      return false;
    }
  }
  // Room for many connections: each open tab keeps one waiting.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 65536);
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  // httplib listens on a Unix socket in a folder only this process can enter;
  // the gate is the only one that connects to it.
  std::string folder = (fs::temp_directory_path() / "portal-preview-XXXXXX").string();
  if (!::mkdtemp(folder.data())) {
    error = std::string("cannot make a private folder for the preview: ") + std::strerror(errno);
    return false;
  }
  socket_dir_ = folder;
  const std::string socket_path = (socket_dir_ / "http.sock").string();
  server_ = std::make_unique<httplib::Server>();
  // The editor exists only while the preview listens on this computer's own address.
  if (is_loopback(options_.host)) {
    editor_ = std::make_unique<Editor>(*this, options_.source, options_.jobs);
    const auto edit = [this](const httplib::Request& req, httplib::Response& res) { editor_->handle(req, res); };
    server_->Get("/__portal/edit/.*", edit);
    server_->Post("/__portal/edit/.*", edit);
  }
  server_->Get(kReloadPath, [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(kReloadScript, "text/javascript; charset=utf-8");
  });
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    // On this computer's own address, the preview answers only that address: a page elsewhere whose name is
    // made to lead here (DNS rebinding) cannot read the drafts.
    if (editor_ && !Editor::is_own_host(req.get_header_value("Host"), port_)) {
      res.status = 403;
      res.set_content("The preview answers only at this computer's own address, e.g. http://127.0.0.1:" +
                          std::to_string(port_) + "/\n",
                      "text/plain; charset=utf-8");
      return;
    }
    std::string type;
    int status = 200;
    bool from_content = false;
    std::string body = respond(req.path, type, status, from_content);
    res.set_header("X-Content-Type-Options", "nosniff");
    // A file from content/ (an SVG, an HTML file) runs no script in the preview's origin, where the editor is.
    res.set_header("Content-Security-Policy", from_content ? "sandbox" : kPagePolicy);
    // A 200 is left to the library, which answers a byte range with 206 (the search page reads passages so).
    if (status != 200) res.status = status;
    res.set_header("Cache-Control", "no-store");
    if (status == 301) {
      res.set_redirect(body);
      return;
    }
    res.set_content(std::move(body), type.c_str());
  });
  server_->set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr e) {
    std::string what = "an unknown error";
    try {
      if (e) std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
    report("the answer to " + req.method + " " + text::escape_controls(req.path) + " failed: " + what);
    res.status = 500;
    res.set_content("The preview could not answer this request; the terminal running portal serve says why.\n",
                    "text/plain; charset=utf-8");
  });
  server_->set_address_family(AF_UNIX);
  if (!server_->bind_to_port(socket_path.c_str(), 80)) {
    error = "cannot open the preview's socket " + socket_path;
    return false;
  }
  GateRoutes routes;
  routes.upstream_socket = socket_path;
  if (editor_) {
    // On this computer's own address: every route answers only that address, and
    // nothing sends a body without the editor's key and its own Origin.
    routes.own_host = [](std::string_view host, int port) { return Editor::is_own_host(std::string(host), port); };
    routes.secret = editor_->secret();
  }
  gate_ = std::make_unique<PreviewGate>(std::move(routes));
  if (!gate_->bind(options_.host, options_.port, error)) return false;
  port_ = gate_->port();
  if (editor_) editor_->set_port(port_);
  {
    const std::lock_guard lock(mutex_);
    gate_->set_version(version_);
  }
  if (pipe(stop_pipe_) != 0) {
    error = "cannot create the watcher's stop signal";
    return false;
  }
  auto fail = [this](const std::string& why) {
    const std::lock_guard lock(mutex_);
    if (!stopping_ && failure_.empty()) failure_ = why;
    changed_.notify_all();
  };
  http_thread_ = std::thread([this, fail] {
    if (!server_->listen_after_bind()) fail("the preview's server stopped accepting requests");
  });
  gate_->start([fail](const std::string& why) { fail(why); });
  watch_thread_ = std::thread([this] { watch(); });
  return true;
}

void PreviewServer::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (gate_) gate_->stop();
  if (server_) server_->stop();
  if (stop_pipe_[1] >= 0) {
    const char byte = 0;
    [[maybe_unused]] const auto written = write(stop_pipe_[1], &byte, 1);
  }
  {
    const std::lock_guard lock(mutex_);
    changed_locked();
  }
  if (http_thread_.joinable()) http_thread_.join();
  if (watch_thread_.joinable()) watch_thread_.join();
  for (int& fd : stop_pipe_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  if (inotify_ >= 0) close(inotify_);
  inotify_ = -1;
  gate_.reset();
  server_.reset();
  if (!socket_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(socket_dir_, ec);
    socket_dir_.clear();
  }
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
