#include "markdown_workers.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include "files.h"
#include "interrupt.h"
#include "markdown_wire.h"
#include "parallel.h"

namespace portal {

namespace {

// In the worker: render the share, send it, leave without running anything
// of the parent's (no destructors, no atexit handlers, no buffered output).
[[noreturn]] void work(int fd, const std::vector<std::size_t>& share,
                       const std::function<RenderedMarkdown(std::size_t)>& render) {
  bool ok = true;
  try {
    wire::Writer w;
    for (const std::size_t i : share) {
      w.body(i, render(i));
      if (w.bytes().size() >= (1u << 20)) {
        ok = write_all(fd, w.bytes());
        w.bytes().clear();
        if (!ok) break;
      }
    }
    ok = ok && write_all(fd, w.bytes());
  } catch (...) {
    ok = false;
  }
  ::close(fd);
  ::_exit(ok ? 0 : 1);
}

struct Worker {
  pid_t pid = -1;
  int fd = -1;        // the pipe's end to read, non-blocking
  bool open = false;  // until the worker's end is closed
  std::vector<std::size_t> share;
  std::vector<std::size_t> received;  // the bodies taken whole, in the order they came
  std::string pending;                // bytes of a body not yet whole
};

// Takes what a worker has sent so far (all it will send, with `wait`), into
// `out`, a body at a time as each becomes whole: never all it sends at once.
// Only bodies of the worker's own share are taken.
void receive(Worker& worker, std::size_t number, const std::vector<int>& owner, std::vector<RenderedMarkdown>& out,
             bool wait) {
  char buffer[1 << 16];
  while (worker.open) {
    const ssize_t n = ::read(worker.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait) return;
      if (stop_requested()) {  // the build is being stopped: the worker's share is not wanted
        ::kill(worker.pid, SIGTERM);
        worker.open = false;
        return;
      }
      pollfd ready{worker.fd, POLLIN, 0};
      ::poll(&ready, 1, 200);
      continue;
    }
    if (n <= 0) {
      worker.open = false;
      break;
    }
    worker.pending.append(buffer, static_cast<std::size_t>(n));
    wire::Reader reader(worker.pending);
    std::size_t taken = 0;
    for (;;) {
      std::size_t index = 0;
      RenderedMarkdown body;
      if (!reader.body(index, body, out.size())) break;  // not whole yet
      taken = reader.position();
      if (owner[index] != static_cast<int>(number)) continue;
      out[index] = std::move(body);
      worker.received.push_back(index);
    }
    worker.pending.erase(0, taken);
  }
}

// out[i] = render(i) for each i of `share`, in this process, on up to `threads` threads.
void render_here(const std::vector<std::size_t>& share, int threads,
                 const std::function<RenderedMarkdown(std::size_t)>& render, std::vector<RenderedMarkdown>& out) {
  parallel_for(share.size(), threads, [&](std::size_t k) { out[share[k]] = render(share[k]); });
}

// A worker process for each share after the first, forked with a pipe to
// send back what it renders; `owner` notes which worker each body is dealt
// to. A worker that cannot be started is left closed: its share is rendered
// here afterwards.
std::vector<Worker> start_workers(std::vector<std::vector<std::size_t>>& shares, std::vector<int>& owner,
                                  const std::function<RenderedMarkdown(std::size_t)>& render) {
  std::vector<Worker> workers(shares.size() - 1);
  for (std::size_t w = 0; w < workers.size(); ++w) {
    Worker& worker = workers[w];
    worker.share = std::move(shares[w + 1]);
    for (const std::size_t i : worker.share) owner[i] = static_cast<int>(w);
    int fds[2];
    if (::pipe(fds) != 0) continue;          // rendered here below
    ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);  // room for many bodies; the default (64 KB) will do otherwise
    const pid_t pid = ::fork();
    if (pid == 0) {
      // A stop signal ends a worker at once; its parent decides what happens next.
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::close(fds[0]);
      for (std::size_t earlier = 0; earlier < w; ++earlier)
        if (workers[earlier].fd >= 0) ::close(workers[earlier].fd);
      work(fds[1], worker.share, render);
    }
    ::close(fds[1]);
    if (pid < 0) {
      ::close(fds[0]);
      continue;
    }
    worker.pid = pid;
    worker.fd = fds[0];
    worker.open = true;
    ::fcntl(worker.fd, F_SETFL, ::fcntl(worker.fd, F_GETFL) | O_NONBLOCK);
  }
  return workers;
}

// Closes each worker's pipe and waits for it to end: whether each ended well.
std::vector<char> wait_for_workers(std::vector<Worker>& workers) {
  std::vector<char> ok(workers.size(), 0);
  for (std::size_t w = 0; w < workers.size(); ++w) {
    Worker& worker = workers[w];
    if (worker.pid <= 0) continue;
    ::close(worker.fd);
    int status = 0;
    while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
    }
    ok[w] = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return ok;
}

}  // namespace

void render_bodies(const std::vector<std::size_t>& which, const BodyRendering& how,
                   const std::function<RenderedMarkdown(std::size_t)>& render, std::vector<RenderedMarkdown>& out) {
  if (how.jobs <= 1 || how.fork_from == 0 || which.size() < how.fork_from) {
    render_here(which, how.jobs, render, out);
    return;
  }
  // Shares dealt in turn, so that each gets documents of every kind and size.
  const auto parts = static_cast<std::size_t>(how.jobs);
  std::vector<std::vector<std::size_t>> shares(parts);
  for (std::size_t k = 0; k < which.size(); ++k) shares[k % parts].push_back(which[k]);

  std::vector<int> owner(out.size(), -1);
  const std::vector<std::size_t> left_here = shares[0];
  std::vector<Worker> workers = start_workers(shares, owner, render);
  // This process renders its share, taking in what the workers have sent
  // after each body, so that no worker waits long on a full pipe; then the
  // rest. Workers are waited for even if rendering here fails.
  std::exception_ptr failure;
  try {
    for (const std::size_t i : left_here) {
      out[i] = render(i);
      for (std::size_t w = 0; w < workers.size(); ++w) receive(workers[w], w, owner, out, false);
    }
  } catch (...) {
    failure = std::current_exception();
  }
  for (std::size_t w = 0; w < workers.size(); ++w) receive(workers[w], w, owner, out, true);
  const std::vector<char> ok = wait_for_workers(workers);
  if (failure) std::rethrow_exception(failure);

  if (stop_requested()) return;
  for (std::size_t w = 0; w < workers.size(); ++w) {
    const Worker& worker = workers[w];
    // Whatever a worker did not send whole is rendered here.
    std::vector<char> got(out.size(), 0);
    if (ok[w] && worker.pending.empty())
      for (const std::size_t i : worker.received) got[i] = 1;
    std::vector<std::size_t> missing;
    for (const std::size_t i : worker.share)
      if (!got[i]) missing.push_back(i);
    render_here(missing, how.jobs, render, out);
  }
}

}  // namespace portal
