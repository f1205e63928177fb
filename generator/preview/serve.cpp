// The preview's life: start() builds, opens httplib's private socket and the
// gate, and starts the threads; stop() ends them. The waiting for versions and
// the errors for the terminal are here too.
#include "serve.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <httplib.h>

#include "files.h"

namespace portal {

namespace fs = std::filesystem;

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

void PreviewServer::with_site(const std::function<void(Site*, const Theme*, const History*)>& f) {
  const std::lock_guard lock(mutex_);
  if (!built_ || !built_->site) return f(nullptr, nullptr, nullptr);
  f(&*built_->site, built_->theme ? &*built_->theme : nullptr, built_->theme ? &built_->history : nullptr);
}

std::optional<std::string> PreviewServer::built_file(const std::string& output_path) {
  const std::lock_guard lock(mutex_);
  const auto found = files_.find(output_path);
  if (found == files_.end()) return std::nullopt;
  if (found->second.copy_from.empty()) return found->second.content;
  return read_file(found->second.copy_from);
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

namespace {

// Room for many connections: each open tab keeps one waiting.
void raise_file_limit() {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, 65536);
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
}

}  // namespace

Done PreviewServer::start() {
  if (auto built = build_first(); !built) return built;
  raise_file_limit();
  if (auto made = make_socket_folder(); !made) return made;
  const std::string socket_path = (socket_dir_ / "http.sock").string();
  server_ = std::make_unique<httplib::Server>();
  // The editor exists only while the preview listens on this computer's own address.
  if (options_.team || is_loopback(options_.host)) {
    editor_ = std::make_unique<Editor>(*this, options_.source, options_.jobs, options_.team);
    add_editor_routes();
  }
  add_reload_route();
  add_page_route();
  add_failure_handler();
  if (auto bound = bind_server(socket_path); !bound) return bound;
  if (auto opened = open_gate(socket_path); !opened) return opened;
  return start_threads();
}

Done PreviewServer::build_first() {
  // Watched before the first build: a file saved from now on is never missed.
  watch_source();
  rebuild();
  const std::lock_guard lock(mutex_);
  started_ = true;
  if (!have_site_ && format_text(problems_).find("error[config]") != std::string::npos)
    return fail(format_text(problems_) + problem_error_);
  return {};
}

Done PreviewServer::make_socket_folder() {
  // httplib listens on a Unix socket in a folder only this process can enter;
  // the gate is the only one that connects to it.
  std::string folder = (fs::temp_directory_path() / "portal-preview-XXXXXX").string();
  if (!::mkdtemp(folder.data()))
    return fail(std::string("cannot make a private folder for the preview: ") + std::strerror(errno));
  socket_dir_ = folder;
  return {};
}

Done PreviewServer::bind_server(const std::string& socket_path) {
  server_->set_address_family(AF_UNIX);
  if (!server_->bind_to_port(socket_path.c_str(), 80)) return fail("cannot open the preview's socket " + socket_path);
  return {};
}

Done PreviewServer::open_gate(const std::string& socket_path) {
  GateRoutes routes;
  routes.upstream_socket = socket_path;
  if (editor_) {
    // On this computer's own address: every route answers only that address, and
    // nothing sends a body without the editor's key and its own Origin.
    routes.own_host = [](std::string_view host, int port) { return Editor::is_own_host(std::string(host), port); };
    routes.secret = editor_->secret();
  }
  if (const Team* team = options_.team) {
    // Behind the sign-in front, on its socket: its address, its Origin, and its key on every request.
    routes.own_host = [host = team->config.editor_host()](std::string_view h, int) { return h == host; };
    routes.origin = team->config.editor_address;
    routes.front_secret = team->config.front_secret;
  }
  gate_ = std::make_unique<PreviewGate>(std::move(routes));
  if (auto bound = options_.team ? gate_->bind_unix(options_.team->config.socket.string())
                                 : gate_->bind(options_.host, options_.port);
      !bound)
    return bound;
  port_ = gate_->port();
  if (editor_) editor_->set_port(port_);
  const std::lock_guard lock(mutex_);
  gate_->set_version(version_);
  return {};
}

Done PreviewServer::start_threads() {
  if (pipe(stop_pipe_) != 0) return fail("cannot create the watcher's stop signal");
  auto failed = [this](const std::string& why) {
    const std::lock_guard lock(mutex_);
    if (!stopping_ && failure_.empty()) failure_ = why;
    changed_.notify_all();
  };
  http_thread_ = std::thread([this, failed] {
    if (!server_->listen_after_bind()) failed("the preview's server stopped accepting requests");
  });
  gate_->start([failed](const std::string& why) { failed(why); });
  watch_thread_ = std::thread([this] { watch(); });
  if (options_.team)
    timer_thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!changed_.wait_for(lock, std::chrono::minutes(1), [this] { return stopping_; })) {
        lock.unlock();
        publish_due(std::chrono::system_clock::now());
        lock.lock();
      }
    });
  return {};
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
  if (timer_thread_.joinable()) timer_thread_.join();
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

}  // namespace portal
