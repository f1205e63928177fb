// The preview under the loads a browser and a hostile visitor make: many
// tabs waiting for a reload, slow and idle clients, enormous requests,
// clients that vanish, a storm of requests while the author saves.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve.h"
#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// A raw client socket, closed when it goes.
class Socket {
 public:
  explicit Socket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  [[nodiscard]] bool ok() const { return fd_ >= 0; }
  [[nodiscard]] int fd() const { return fd_; }
  bool send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Everything until the server closes, or `limit` passes, or `cap` bytes.
  std::string receive(std::chrono::milliseconds limit, std::size_t cap = 64u << 20) {
    std::string out;
    const auto end = Clock::now() + limit;
    char buffer[65536];
    while (out.size() < cap) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

// How long a test waits for an answer before it gives up: a safety net for a stuck
// preview, never a measure of speed (CI's machine may be loaded, and under ASan).
constexpr std::chrono::seconds kPatience{60};

std::string get_request(const std::string& path, const std::string& extra = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "Connection: close\r\n\r\n";
}

int status_of(const std::string& response) {
  if (!response.starts_with("HTTP/1.1 ") || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

// One GET on a connection of its own: the status, or 0 when no answer came in `limit`.
int get_status(int port, const std::string& path, std::chrono::milliseconds limit, std::string* body = nullptr) {
  Socket s(port);
  if (!s.ok() || !s.send_all(get_request(path))) return 0;
  const std::string response = s.receive(limit);
  if (body) *body = response;
  return status_of(response);
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

struct Preview {
  TempDir tmp;
  fs::path site;
  std::unique_ptr<portal::PreviewServer> server;
  Preview() {
    site = copy_fixture("every-kind", tmp.path());
    portal::ServeOptions options;
    options.source = site;
    options.port = 0;
    server = std::make_unique<portal::PreviewServer>(options);
    REQUIRE(failure_text(server->start()) == "");
  }
  [[nodiscard]] int port() const { return server->port(); }
};

}  // namespace

TEST_CASE("with 100 tabs waiting for a reload, a page is answered while they wait", "[serve]") {
  // Regression: 16 waiting reload polls held every request thread; GET / got no answer in 8 s.
  Preview preview;
  // The site's version now: a poll from it waits until the site changes.
  std::string now;
  REQUIRE(get_status(preview.port(), "/__portal/wait?since=none", kPatience, &now) == 200);
  const std::string version = now.substr(now.find("\r\n\r\n") + 4);
  std::vector<std::unique_ptr<Socket>> tabs;
  for (int i = 0; i < 100; ++i) {
    tabs.push_back(std::make_unique<Socket>(preview.port()));
    REQUIRE(tabs.back()->ok());
    REQUIRE(tabs.back()->send_all(get_request("/__portal/wait?since=" + version)));
  }
  // The page is answered while every poll still waits (none is answered before the site changes):
  // an order of events, whatever the machine's speed.
  CHECK(get_status(preview.port(), "/", kPatience) == 200);
  int answered = 0;
  for (auto& tab : tabs) {
    pollfd p{tab->fd(), POLLIN, 0};
    answered += ::poll(&p, 1, 0) > 0 ? 1 : 0;
  }
  CHECK(answered == 0);
}

TEST_CASE("40 clients sending a byte at a time leave the preview to everyone else", "[serve]") {
  // Regression: 40 slow sockets held every thread.
  Preview preview;
  std::vector<std::unique_ptr<Socket>> slow;
  for (int i = 0; i < 40; ++i) {
    slow.push_back(std::make_unique<Socket>(preview.port()));
    REQUIRE(slow.back()->ok());
    REQUIRE(slow.back()->send_all("G"));
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& s : slow) s->send_all("E");
    CHECK(get_status(preview.port(), "/", kPatience) == 200);
  }
}

TEST_CASE("a byte range of a search text is answered 206 with those bytes, as the search page reads passages",
          "[serve]") {
  // Regression: the preview answered a range with its bytes under 200, which the page takes for the whole file.
  Preview preview;
  std::string meta, dir, whole, part;
  REQUIRE(get_status(preview.port(), "/search/meta.json", kPatience, &meta) == 200);
  std::smatch found;
  REQUIRE(std::regex_search(meta, found, std::regex("\"docs\":\\[\"(docs-0-[0-9a-f]{8})\"")));
  REQUIRE(get_status(preview.port(), "/search/dirs/" + found[1].str() + ".json", kPatience, &dir) == 200);
  REQUIRE(std::regex_search(dir, found, std::regex("\\[\"[0-9]+-[0-9a-f]{8}\",\"([0-9]+-[0-9a-f]{8})\"\\]")));
  const std::string texts = "/search/docs/" + found[1].str() + ".txt";
  REQUIRE(get_status(preview.port(), texts, kPatience, &whole) == 200);
  Socket s(preview.port());
  REQUIRE(s.send_all(get_request(texts, "Range: bytes=10-40\r\n")));
  part = s.receive(kPatience);
  CHECK(status_of(part) == 206);
  const auto body = part.substr(part.find("\r\n\r\n") + 4);
  CHECK(body == whole.substr(whole.find("\r\n\r\n") + 4 + 10, 31));
  CHECK(contains(part, "Content-Range: bytes 10-40/"));
}

TEST_CASE("a request with thousands of Range parts gets no multipart answer", "[serve]") {
  // Regression: 4,000 ranges turned an 8 KB request into a 16 MB answer.
  Preview preview;
  std::string ranges = "Range: bytes=0-";
  for (int i = 0; i < 2000; ++i) ranges += ",-";
  Socket s(preview.port());
  REQUIRE(s.send_all(get_request("/", ranges + "\r\n")));
  const std::string response = s.receive(kPatience);
  CHECK(status_of(response) == 416);
  CHECK(response.size() < 4096);
  CHECK(get_status(preview.port(), "/", kPatience) == 200);
}

TEST_CASE("an endless request line or endless headers are cut off, and memory stays bounded", "[serve]") {
  // Regression: the request line was read to its end however long, into memory; a few
  // such clients took gigabytes until the kernel killed the preview without a word.
  Preview preview;
  const std::size_t before = resident_bytes();
  const std::string megabyte(1 << 20, 'a');
  {
    Socket s(preview.port());
    REQUIRE(s.send_all("GET /"));
    std::size_t sent = 0;
    for (int i = 0; i < 64 && s.send_all(megabyte); ++i) sent += megabyte.size();
    CHECK(sent < (64u << 20));  // the preview stopped reading and closed
    CHECK(status_of(s.receive(kPatience)) == 414);
  }
  {
    Socket s(preview.port());
    REQUIRE(s.send_all("GET / HTTP/1.1\r\nHost: x\r\n"));
    const std::string header = "X-Padding: " + std::string(4000, 'y') + "\r\n";
    bool cut = false;
    for (int i = 0; i < 20000 && !cut; ++i) cut = !s.send_all(header);
    CHECK(cut);
    CHECK(status_of(s.receive(kPatience)) == 431);
  }
  CHECK(resident_bytes() < before + (32u << 20));
  CHECK(get_status(preview.port(), "/", kPatience) == 200);
}

TEST_CASE("clients that vanish mid-answer never take the preview down", "[serve]") {
  Preview preview;
  for (int i = 0; i < 200; ++i) {
    Socket s(preview.port());
    REQUIRE(s.send_all(get_request("/agreements/2020-04/")));
    linger reset{1, 0};  // close with a reset, before reading a byte
    ::setsockopt(s.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  }
  CHECK(get_status(preview.port(), "/", kPatience) == 200);
}

TEST_CASE("200 connections of 50 requests each are all served while the author saves 1,000 times", "[serve][soak]") {
  // Regression: 200 connections of 50 requests all timed out. Bounded: it stops by itself.
  Preview preview;
  const fs::path bulletin = preview.site / "content/bulletins/2024-06.md";
  const std::string original = read_file(bulletin);
  std::atomic<int> failures{0}, served{0};
  std::atomic<bool> saving{true};
  std::thread author([&] {
    for (int i = 1; i <= 1000; ++i) {
      std::string text = original;
      text.replace(text.find("An information session is planned."), 34, "Save number " + std::to_string(i) + ".");
      write_file(bulletin, text);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    saving = false;
  });
  std::vector<std::thread> clients;
  const std::vector<std::string> paths = {
      "/", "/bulletins/2024-06/", "/agreements/2020-04/", "/assets/portal.css", "/search/meta.json", "/nowhere/"};
  for (int c = 0; c < 200; ++c) {
    clients.emplace_back([&, c] {
      for (int r = 0; r < 50; ++r) {
        const std::string& path = paths[static_cast<std::size_t>(c + r) % paths.size()];
        const int status = get_status(preview.port(), path, kPatience);
        if (status == 200 || (status == 404 && path == "/nowhere/"))
          ++served;
        else
          ++failures;
      }
    });
  }
  for (auto& t : clients) t.join();
  author.join();
  CHECK(failures == 0);
  CHECK(served == 200 * 50);
  // And it ends serving the final content, once built from the files as they now are.
  preview.server->rebuild();
  std::string body;
  get_status(preview.port(), "/bulletins/2024-06/", kPatience, &body);
  CHECK(contains(body, "<p>Save number 1000.</p>"));
}

TEST_CASE("the problem panel names a restricted file's problem without any of its text", "[serve]") {
  // Regression: the panel quoted a restricted file's broken link target on every preview page.
  Preview preview;
  const fs::path restricted = preview.site / "content/secret-page.md";
  std::string text = read_file(restricted);
  write_file(restricted, text + "\n[the plan](@/LEAKTOKEN-PANEL-target.md)\n");
  preview.server->rebuild();  // as the watcher would: the test waits for no event it cannot count on
  std::string body;
  get_status(preview.port(), "/", kPatience, &body);
  REQUIRE(contains(body, "The site was not rebuilt"));
  CHECK(contains(body, "content/secret-page.md:"));
  CHECK(contains(body, "error[broken-link]"));
  CHECK_FALSE(contains(body, "LEAKTOKEN-PANEL"));
  CHECK(contains(preview.server->problems(), "LEAKTOKEN-PANEL"));  // the terminal keeps the whole message
}

TEST_CASE("a meeting whose agenda cannot be read: the panel quotes nothing of its papers", "[serve][attack]") {
  // Regression: with the agenda unreadable, its restricted paper was withheld only as "in a meeting folder
  // without _index.md", and the panel quoted its messages.
  Preview preview;
  const fs::path folder = preview.site / "content/meetings/2020-03-18";
  replace_in(folder / "_index.md", "title = \"Partnership", "title = \"Partnership\x01");
  write_file(folder / "e1-dhr-update.md",
             read_file(folder / "e1-dhr-update.md") + "\n[x](@/LEAKTOKEN-AGENDA-target.md)\n");
  preview.server->rebuild();
  std::string body;
  get_status(preview.port(), "/", kPatience, &body);
  REQUIRE(contains(body, "The site was not rebuilt"));
  CHECK(contains(body, "content/meetings/2020-03-18/e1-dhr-update.md"));
  CHECK_FALSE(contains(body, "LEAKTOKEN"));
  CHECK(contains(preview.server->problems(), "LEAKTOKEN-AGENDA"));  // the terminal keeps the whole message
}
