#include "support.h"

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "cli.h"

namespace portal::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("portal-test-" + std::to_string(rd()) + "-" + std::to_string(counter++));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path fixture(const std::string& name) { return fs::path(PORTAL_TEST_SITES) / name; }
fs::path repo_root() { return fs::path(PORTAL_SOURCE_ROOT); }

portal::Site load_fixture(const std::string& name, const portal::Date& today) {
  portal::Diagnostics diags;
  portal::LoadOptions options;
  options.today = today;
  auto loaded = portal::load_site(fixture(name), options, 1, diags);
  INFO(portal::format_text(diags));
  REQUIRE(loaded.site);
  return std::move(*loaded.site);
}

fs::path copy_fixture(const std::string& name, const fs::path& dir) {
  const fs::path target = dir / name;
  fs::create_directories(dir);
  fs::copy(fixture(name), target, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  return target;
}

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

void replace_in(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_file(file);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  write_file(file, text);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, std::string> read_tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[fs::relative(e.path(), root).generic_string()] = read_file(e.path());
  return out;
}

std::string without_print_addresses(std::string html) {
  for (auto at = html.find(" data-url=\""); at != std::string::npos; at = html.find(" data-url=\"", at)) {
    const auto end = html.find('"', at + 11);
    html.erase(at, end + 1 - at);
  }
  return html;
}

std::map<std::string, std::string> read_pages(const fs::path& root) {
  auto tree = read_tree(root);
  for (auto& [path, content] : tree)
    if (path.ends_with(".html")) content = without_print_addresses(std::move(content));
  return tree;
}

std::map<std::string, std::string> build_pages(const fs::path& source, const fs::path& out,
                                               const std::vector<std::string>& more) {
  std::vector<std::string> args = {"build", "--source", source.string(), "--output", out.string()};
  args.insert(args.end(), more.begin(), more.end());
  const auto r = run(args);
  INFO(r.err);
  REQUIRE(r.status == 0);
  return read_pages(out);
}

const std::string kFixtureAddressWarning =
    "portal: warning: " + portal::placeholder_warning("https://example.org/fixture/") + "\n";

CliRun run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = run_cli(args, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace portal::test
