// Builds stopped at any moment, as a person or a machine stops them: the
// real `portal` in a process of its own, Ctrl+C, SIGTERM and SIGKILL, two
// builds at once, a full disk. The previous output never suffers.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"
#include "support.h"

extern char** environ;

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

// A site large enough that a build takes a noticeable time: `pages` pages
// of some text each, and a variable word that tells one build from another.
fs::path big_site(const fs::path& dir, int pages, const std::string& word) {
  write_file(dir / "site.toml", "title = \"Big\"\npartnership = \"Big\"\nbase_url = \"https://example.org/\"\n");
  write_file(dir / "content/_index.md", "+++\ntitle = \"Home " + word + "\"\n+++\n");
  std::string text;
  for (int i = 0; i < 40; ++i) text += "A sentence of the partnership's record, written out at some length. ";
  for (int i = 0; i < pages; ++i)
    write_file(dir / "content" / ("page-" + std::to_string(i) + ".md"),
               "+++\ntitle = \"Page " + std::to_string(i) + " " + word + "\"\n+++\n\n" + text + "\n");
  return dir;
}

struct Child {
  pid_t pid = -1;
  std::string err_file;
};

Child start_build(const fs::path& source, const fs::path& output, const fs::path& log) {
  std::vector<std::string> args = {PORTAL_BINARY, "build", "--source", source.string(), "--output", output.string(),
                                   "--quiet", "--jobs", "2"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  Child child;
  child.err_file = log.string();
  REQUIRE(posix_spawn(&child.pid, PORTAL_BINARY, &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  return child;
}

int wait_for(const Child& child) {
  int status = 0;
  while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Waits until the build has begun writing its generation: its home page says `word`.
bool wait_for_writing(const fs::path& output, const Child& child, const std::string& word) {
  const portal::OutputPaths paths(output);
  for (int i = 0; i < 20000; ++i) {
    std::error_code ec;
    if (fs::exists(paths.next / "index.html", ec) && contains(read_file(paths.next / "index.html"), "Home " + word))
      return true;
    int status = 0;
    if (waitpid(child.pid, &status, WNOHANG) == child.pid) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return false;
}

// Only what the output's scheme keeps beside it: the live generation, the other one, their records, the lock.
bool tidy(const fs::path& output) {
  std::error_code ec;
  if (!fs::is_directory(output, ec)) return false;
  for (const auto& e : fs::directory_iterator(output.parent_path()))
    if (e.path().filename() != "public" && e.path().filename() != ".public.next" && e.path().filename() != ".public.state" &&
        e.path().filename() != ".public.lock")
      return false;
  return true;
}

std::vector<std::string> beside(const fs::path& output) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(output.parent_path())) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("Ctrl+C or SIGTERM in the middle of a build removes its staging folder and keeps the previous output",
          "[interrupt]") {
  // Regression: SIGTERM left .public.staging behind. The other generation,
  // .public.next, stays (marked unfinished); the next build puts it right.
  for (const int signal : {SIGINT, SIGTERM}) {
    INFO("signal " << signal);
    TempDir tmp;
    const auto site = big_site(tmp.path() / "site", 3000, "before");
    const fs::path out = tmp.path() / "out" / "public";
    REQUIRE(run({"build", "--source", site.string(), "--output", out.string(), "--quiet"}).status == 0);
    const auto before = read_tree(out);
    big_site(site, 3000, "after");
    const auto child = start_build(site, out, tmp.path() / "err.txt");
    REQUIRE(wait_for_writing(out, child, "after"));
    kill(child.pid, signal);
    const int status = wait_for(child);
    INFO(read_file(child.err_file));
    CHECK(WIFSIGNALED(status));
    if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == signal);
    CHECK(contains(read_file(child.err_file), "; the output folder is as it was before this build"));
    CHECK(read_tree(out) == before);
    CHECK(beside(out) == std::vector<std::string>{".public.lock", ".public.next", ".public.state", "public"});
    // And the next build makes the whole new site.
    REQUIRE(run({"build", "--source", site.string(), "--output", (tmp.path() / "fresh").string(), "--quiet"}).status == 0);
    REQUIRE(run({"build", "--source", site.string(), "--output", out.string(), "--quiet"}).status == 0);
    CHECK(read_tree(out) == read_tree(tmp.path() / "fresh"));
  }
}

TEST_CASE("after a SIGKILL at any moment the next build restores the last good output and cleans up", "[interrupt]") {
  TempDir tmp;
  const auto site = big_site(tmp.path() / "site", 1200, "one");
  const fs::path out = tmp.path() / "out" / "public";
  REQUIRE(run({"build", "--source", site.string(), "--output", out.string(), "--quiet"}).status == 0);
  const auto one = read_tree(out);
  const auto other = big_site(tmp.path() / "other", 1200, "two");
  REQUIRE(run({"build", "--source", other.string(), "--output", (tmp.path() / "two").string(), "--quiet"}).status == 0);
  const auto two = read_tree(tmp.path() / "two");
  // Killed at moments spread over the whole build, the swap included.
  bool killed_mid_build = false;
  for (int delay_ms = 0; delay_ms <= 600; delay_ms += 40) {
    INFO("killed after " << delay_ms << " ms");
    const auto child = start_build(other, out, tmp.path() / "err.txt");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(child.pid, SIGKILL);
    const int status = wait_for(child);
    killed_mid_build |= WIFSIGNALED(status);
    // Whatever the moment, the output is one whole build or nothing was swapped in yet.
    std::error_code ec;
    if (fs::exists(out, ec)) {
      const auto now = read_tree(out);
      CHECK((now == one || now == two));
    }
    // A build that publishes nothing (its content has an error) still puts things right.
    write_file(site / "content/broken.md", "no front matter\n");
    CHECK(run({"build", "--source", site.string(), "--output", out.string(), "--quiet"}).status == 1);
    fs::remove(site / "content/broken.md");
    const auto after = read_tree(out);
    CHECK((after == one || after == two));
    CHECK(tidy(out));
  }
  CHECK(killed_mid_build);
  // And the next good build is whole.
  REQUIRE(run({"build", "--source", site.string(), "--output", out.string(), "--quiet"}).status == 0);
  CHECK(read_tree(out) == one);
}

TEST_CASE("a build stopped between the renames of the swap leaves the last output restored by the next", "[interrupt]") {
  // Where the file system cannot exchange two folders in one step, the swap is
  // three renames; a SIGKILL between the first two leaves no output folder at all.
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const fs::path out = tmp.path() / "public";
  REQUIRE(run({"build", "--source", site.string(), "--output", out.string(), "--quiet"}).status == 0);
  const auto before = read_tree(out);
  const portal::OutputPaths paths(out);
  fs::rename(out, paths.previous);
  write_file(paths.next / "index.html", "half of a new build");
  write_file(site / "content/broken.md", "no front matter\n");
  const auto r = run({"build", "--source", site.string(), "--output", out.string()});
  CHECK(r.status == 1);
  CHECK(read_tree(out) == before);
  CHECK_FALSE(fs::exists(paths.previous));
  // A stop between the last two: the new output is in place; the previous one becomes the other generation.
  fs::remove_all(paths.next);
  fs::rename(out, paths.previous);
  fs::copy(paths.previous, out, fs::copy_options::recursive);
  CHECK(run({"build", "--source", site.string(), "--output", out.string()}).status == 1);
  CHECK(read_tree(out) == before);
  CHECK_FALSE(fs::exists(paths.previous));
  CHECK(fs::exists(paths.next / portal::kOutputMarker));
}

TEST_CASE("two builds into one output folder at once: the second waits, and the output is one whole build",
          "[interrupt]") {
  // Regression: both exited 2 ("No such file or directory") and the output mixed the two.
  TempDir tmp;
  const auto first = big_site(tmp.path() / "first", 2000, "first");
  const auto second = big_site(tmp.path() / "second", 2000, "second");
  REQUIRE(run({"build", "--source", first.string(), "--output", (tmp.path() / "a").string(), "--quiet"}).status == 0);
  REQUIRE(run({"build", "--source", second.string(), "--output", (tmp.path() / "b").string(), "--quiet"}).status == 0);
  const auto a = read_tree(tmp.path() / "a");
  const auto b = read_tree(tmp.path() / "b");
  const fs::path out = tmp.path() / "out" / "public";
  const auto one = start_build(first, out, tmp.path() / "one.txt");
  REQUIRE(wait_for_writing(out, one, "first"));
  const auto two = start_build(second, out, tmp.path() / "two.txt");
  const int s1 = wait_for(one), s2 = wait_for(two);
  INFO(read_file(one.err_file) << read_file(two.err_file));
  CHECK((WIFEXITED(s1) && WEXITSTATUS(s1) == 0));
  CHECK((WIFEXITED(s2) && WEXITSTATUS(s2) == 0));
  CHECK(contains(read_file(two.err_file), "is writing " + fs::weakly_canonical(out).string() + "; waiting for it to finish"));
  CHECK(read_tree(out) == b);  // the second, whole, after the first
  CHECK(beside(out) == std::vector<std::string>{".public.lock", ".public.next", ".public.state", "public"});
  (void)a;
}

TEST_CASE("a full disk keeps the previous output and says No space left on device, naming the file", "[interrupt]") {
  // Regression: the message was "Input/output error", from the library's copy of a file.
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  write_file(site / "content/big.pdf", std::string(600 * 1024, 'x'));
  const fs::path disk = tmp.path() / "disk";
  fs::create_directories(disk);
  const fs::path log = tmp.path() / "log.txt";
  // A file system of 512 KB of its own, mounted in a mount namespace of this command alone.
  const std::string command = "unshare -m sh -c 'mount -t tmpfs -o size=512k tmpfs " + disk.string() + " && " +
                              PORTAL_BINARY + " build --source " + site.string() + " --output " + disk.string() +
                              "/public --quiet; echo \"exit $?\"' > " + log.string() + " 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string said = read_file(log);
  INFO(said);
  REQUIRE_FALSE(contains(said, "mount:"));  // the test needs to mount a small file system (root, as in CI)
  CHECK(contains(said, "portal: error: cannot write big.pdf of the new build in " + disk.string() +
                           "/.public.next: No space left on device"));
  CHECK(contains(said, "exit 2"));
}
