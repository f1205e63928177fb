// One fixture per rule of docs/checks.md: tests/sites/rules/<rule>/ holds files laid
// over a copy of the clean every-kind site, and expected.txt the exact report
// of `portal check` followed by its exit status.
#include <catch2/catch.hpp>

#include <set>

#include <toml++/toml.h>

#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

fs::path overlay(const std::vector<std::string>& rules, const fs::path& dir) {
  const auto site = copy_fixture("every-kind", dir);
  for (const auto& rule : rules) {
    for (const auto& e : fs::recursive_directory_iterator(fixture("rules") / rule)) {
      if (!e.is_regular_file() || e.path().filename() == "expected.txt") continue;
      const auto target = site / fs::relative(e.path(), fixture("rules") / rule);
      fs::create_directories(target.parent_path());
      fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing);
    }
  }
  return site;
}

std::vector<std::string> rule_fixtures() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fixture("rules"))) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string report(const fs::path& site) {
  const auto r = run({"check", "--source", site.string()});
  return r.out + r.err + "exit: " + std::to_string(r.status) + "\n";
}

}  // namespace

TEST_CASE("the clean fixture site fires no rule", "[rules]") {
  const auto r = run({"check", "--source", fixture("every-kind").string()});
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("each rule's fixture fires that rule at the expected file, line and column", "[rules]") {
  const auto names = rule_fixtures();
  CHECK(names.size() == 23);  // every rule docs/checks.md lists
  for (const auto& rule : names) {
    INFO("fixture tests/sites/rules/" << rule);
    TempDir tmp;
    const std::string actual = report(overlay({rule}, tmp.path()));
    CHECK(actual == read_file(fixture("rules") / rule / "expected.txt"));
    const bool warning_only = actual.find("error[") == std::string::npos;
    CHECK(actual.find((warning_only ? "warning[" : "error[") + rule + "]") != std::string::npos);
  }
}

TEST_CASE("every problem is reported in one run, sorted, with a count", "[rules]") {
  std::vector<std::string> all;
  for (const auto& rule : rule_fixtures())
    if (rule != "config" && rule != "front-matter") all.push_back(rule);
  TempDir tmp;
  const auto site = overlay(all, tmp.path());
  const auto r = run({"check", "--source", site.string()});
  CHECK(r.status == 1);
  std::set<std::string> fired;
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < r.out.size()) {
    const auto end = r.out.find('\n', start);
    lines.push_back(r.out.substr(start, end - start));
    start = end + 1;
  }
  REQUIRE(lines.size() > 1);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    const auto open = lines[i].find('[');
    fired.insert(lines[i].substr(open + 1, lines[i].find(']') - open - 1));
  }
  for (const auto& rule : all) {
    INFO(rule);
    CHECK(fired.count(rule) == 1);
  }
  CHECK(lines.back() == "20 errors, 11 warnings");  // the sum of the single-rule fixtures
  // Sorted by file, then line: each line's file is not before the previous one's.
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    INFO(lines[i - 1] << "\n" << lines[i]);
    CHECK(lines[i - 1].substr(0, lines[i - 1].find(':')) <= lines[i].substr(0, lines[i].find(':')));
  }
}

TEST_CASE("errors make check exit 1 and build refuse, warnings alone do not", "[rules]") {
  TempDir tmp;
  const auto warned = overlay({"weekday-mismatch", "link-text"}, tmp.path() / "warned");
  CHECK(run({"check", "--source", warned.string()}).status == 0);
  CHECK(run({"build", "--source", warned.string(), "--quiet"}).status == 0);

  const auto broken = overlay({"unknown-priority"}, tmp.path() / "broken");
  REQUIRE(run({"build", "--source", broken.string(), "--output", (tmp.path() / "out").string(), "--quiet"}).status ==
          1);
  CHECK_FALSE(fs::exists(tmp.path() / "out"));
}

TEST_CASE("the defects the partnership published are each reported with their rule", "[rules][as-published]") {
  // The repository's corrected content, with each defect's printed words put back.
  TempDir tmp;
  const auto site = tmp.path() / "as-published";
  fs::create_directories(site);
  fs::copy_file(repo_root() / "site.toml", site / "site.toml");
  fs::copy(repo_root() / "content", site / "content", fs::copy_options::recursive);

  const auto defects = toml::parse_file((fixture("as-published") / "defects.toml").string());
  const auto* list = defects["defect"].as_array();
  REQUIRE(list);
  struct Expected {
    std::string file;
    std::string rule;
    int line;  // 0: anywhere in the file
  };
  std::vector<Expected> expected;
  for (const auto& node : *list) {
    const auto& d = *node.as_table();
    const std::string file = d["file"].value_or(std::string());
    const std::string corrected = d["corrected"].value_or(std::string());
    const std::string printed = d["printed"].value_or(std::string());
    std::string text = read_file(site / file);
    const auto at = text.find(corrected);
    INFO(file << ": " << corrected);
    REQUIRE(at != std::string::npos);
    REQUIRE(text.find(corrected, at + 1) == std::string::npos);
    text.replace(at, corrected.size(), printed);
    write_file(site / file, text);
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    bool first = true;
    for (const auto& rule : *d["rules"].as_array()) {
      expected.push_back({file, rule.value_or(std::string()), first ? line : 0});
      first = false;
    }
  }

  const auto r = run({"check", "--source", site.string()});
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; start < r.out.size(); start = end + 1) {
    end = r.out.find('\n', start);
    lines.push_back(r.out.substr(start, end - start));
  }
  for (const auto& e : expected) {
    const std::string prefix = e.line ? e.file + ":" + std::to_string(e.line) + ":" : e.file + ":";
    INFO(e.rule << " at " << prefix);
    CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.starts_with(prefix) && l.find("[" + e.rule + "]: ") != std::string::npos;
    }));
  }
  // Nothing else: one report line per expected diagnostic, and the count line.
  CHECK(static_cast<std::size_t>(std::count(r.out.begin(), r.out.end(), '\n')) == expected.size() + 1);
}
