// The state a build keeps beside its output: trusted only when it is whole,
// of this version and about the same inputs and output; anything else is
// ignored and the build runs whole (tests/incremental/run.py compares whole
// sequences of edits with full builds).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>

#include "body_store.h"
#include "build.h"
#include "build_state.h"
#include "files.h"
#include "git_repo.h"
#include "output.h"
#include "support.h"

using namespace portal::test;
namespace fs = std::filesystem;

namespace {

portal::BuildOptions options_for(const fs::path& site, const fs::path& out) {
  portal::BuildOptions options;
  options.source = site;
  options.output = out;
  options.jobs = 2;
  options.local = true;
  return options;
}

// A copy of the every-kind fixture, built once into out/.
struct BuiltFixture {
  TempDir tmp;
  fs::path site = copy_fixture("every-kind", tmp.path());
  fs::path out = tmp.path() / "out";
  portal::BuildOptions options = options_for(site, out);
  BuiltFixture() { REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok); }
};

// A copy of the every-kind fixture in a git repository, all of it committed; out/ is beside it.
struct CommittedFixture {
  TempDir tmp;
  fs::path site = copy_fixture("every-kind", tmp.path());
  GitRepo repo{site};
  fs::path out = tmp.path() / "out";
  CommittedFixture() { repo.commit_all("Publish the portal", at_noon(2024, 1, 1)); }
};

// Checks that the output of `options` is byte for byte what a full build
// makes into the empty folder `empty`.
void check_as_full_build(const portal::BuildOptions& options, const fs::path& empty) {
  auto full = options;
  full.output = empty;
  full.full = true;
  REQUIRE(portal::run_build(full).outcome == portal::Outcome::ok);
  CHECK(read_tree(*options.output) == read_tree(empty));
}

// Replaces, in the texts kept in `file`, the first text that does not hold
// `spare` by its key and bytes that are no text, with its length and hash made
// to match (body_store.cpp: each text is its length, its hash and its bytes).
void spoil_one_kept_text(const fs::path& file, std::string_view spare) {
  std::string store = read_file(file);
  std::size_t at = store.find('\n') + 1;
  while (at < store.size()) {
    std::uint64_t size = 0;
    std::memcpy(&size, store.data() + at, sizeof size);
    const std::size_t bytes = at + 2 * sizeof size;
    if (store.substr(bytes, size).find(spare) != std::string::npos) {
      at = bytes + size;
      continue;
    }
    const std::string spoiled = store.substr(bytes, sizeof size) + "no text";
    const std::uint64_t head[2] = {spoiled.size(), portal::content_hash(spoiled)};
    store.replace(at, 2 * sizeof size + size, std::string(reinterpret_cast<const char*>(head), sizeof head) + spoiled);
    write_file(file, store);
    return;
  }
  FAIL("no kept text to spoil");
}

// How many texts the kept file holds (after its heading: each text its length, its hash and its bytes).
std::size_t texts_in(const std::string& store) {
  std::size_t count = 0;
  for (std::size_t at = store.find('\n') + 1; at + 16 <= store.size(); ++count) {
    std::uint64_t size = 0;
    std::memcpy(&size, store.data() + at, sizeof size);
    at += 16 + size;
  }
  return count;
}

// The files of texts kept beside `out` that hold any, none of them holding `spare`, with how many each holds.
std::vector<std::pair<fs::path, std::size_t>> kept_text_files(const fs::path& out, std::string_view spare) {
  std::vector<std::pair<fs::path, std::size_t>> files;
  for (std::size_t which = 0; which < portal::kBodyStoreFiles; ++which) {
    const fs::path file = portal::body_store_file(out, which);
    if (!fs::exists(file)) continue;
    const std::string store = read_file(file);
    if (texts_in(store) > 0 && !contains(store, std::string(spare))) files.emplace_back(file, texts_in(store));
  }
  return files;
}

// Every file of texts kept beside `out`, one after another.
std::string all_kept_texts(const fs::path& out) {
  std::string all;
  for (std::size_t which = 0; which < portal::kBodyStoreFiles; ++which)
    if (fs::exists(portal::body_store_file(out, which))) all += read_file(portal::body_store_file(out, which));
  return all;
}

}  // namespace

TEST_CASE("a build from unchanged inputs does nothing, and says what the last one said", "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const auto options = options_for(site, tmp.path() / "out");
  const auto first = portal::run_build(options);
  REQUIRE(first.outcome == portal::Outcome::ok);
  CHECK_FALSE(first.work.nothing_changed);
  CHECK(first.work.documents_read > 0);
  CHECK(first.work.pages_rendered == first.pages);
  CHECK(first.work.search_pieces > 0);

  const auto again = portal::run_build(options);
  REQUIRE(again.outcome == portal::Outcome::ok);
  CHECK(again.work.nothing_changed);
  CHECK(again.work.documents_read == 0);
  CHECK(again.work.pages_rendered == 0);
  CHECK(again.pages == first.pages);
  CHECK(again.files == first.files);
  CHECK(again.written.written == 0);
  CHECK(format_text(again.diagnostics) == format_text(first.diagnostics));
  CHECK(again.restricted_files.empty());  // the state names none (build.h)

  // The state beside the output names no restricted paper, not even by its file's name.
  REQUIRE_FALSE(first.restricted_files.empty());
  const std::string state = read_file(portal::build_state_file(tmp.path() / "out"));
  for (const auto& path : first.restricted_files) {
    INFO(path);
    CHECK_FALSE(contains(state, fs::path(path).stem().string()));
  }

  // One sentence more in one page's text: that page alone is drawn again, and the output is a full build's.
  replace_in(site / "content/about.md", "The partnership meets three times a year.",
             "The partnership meets three times a year. It also meets when it must.");
  const auto edited = portal::run_build(options);
  REQUIRE(edited.outcome == portal::Outcome::ok);
  CHECK(edited.work.pages_rendered == 1);
  CHECK(edited.work.texts_rendered < first.work.texts_rendered);
  auto into_empty = options;
  into_empty.output = tmp.path() / "full";
  into_empty.full = true;
  REQUIRE(portal::run_build(into_empty).outcome == portal::Outcome::ok);
  CHECK(read_tree(tmp.path() / "out") == read_tree(tmp.path() / "full"));

  // Minutes show their text with links to the agenda items they record: one sentence more there draws their page
  // again too.
  replace_in(site / "content/meetings/2020-03-18/notes.md", "The Chairman welcomed members.",
             "The Chairman welcomed members and guests.");
  const auto minuted = portal::run_build(options);
  REQUIRE(minuted.outcome == portal::Outcome::ok);
  CHECK(minuted.work.pages_rendered >= 1);
  CHECK(minuted.work.pages_rendered < first.pages);
  REQUIRE(portal::run_build(into_empty).outcome == portal::Outcome::ok);
  const auto notes_page = read_file(tmp.path() / "out/meetings/2020-03-18/notes/index.html");
  CHECK(contains(notes_page, "welcomed members and guests."));
  CHECK(contains(notes_page, "Agenda item <a href="));  // the minutes' own text, not the text as written
  CHECK(read_tree(tmp.path() / "out") == read_tree(tmp.path() / "full"));

  auto full = options;
  full.full = true;
  const auto forced = portal::run_build(full);
  CHECK_FALSE(forced.work.nothing_changed);
  CHECK(forced.work.documents_read == first.work.documents_read);
}

TEST_CASE("a build state that is not whole, of another version or about another output is never trusted",
          "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const auto out = tmp.path() / "out";
  const auto options = options_for(site, out);
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  const fs::path state = portal::build_state_file(out);
  REQUIRE(fs::exists(state));
  const std::string good = read_file(state);
  const auto expected = read_tree(out);

  const std::vector<std::pair<std::string, std::string>> spoiled = {
      {"cut short", good.substr(0, good.size() / 2)},
      {"empty", ""},
      {"another version", "portal build state 0" + good.substr(good.find('\n'))},
      {"another program",
       [&] {
         std::string text = good;
         text.insert(text.find("program\t") + 8, "1");
         return text;
       }()},
      {"a line it does not know",
       [&] {
         std::string text = good;
         text.insert(text.find("\nend\n") + 1, "surprise\tyes\n");
         return text;
       }()},
      {"a number that is not one",
       [&] {
         std::string text = good;
         text.replace(text.find("pages\t") + 6, 1, "x");
         return text;
       }()},
  };
  for (const auto& [what, text] : spoiled) {
    INFO(what);
    write_file(state, text);
    const auto rebuilt = portal::run_build(options);
    REQUIRE(rebuilt.outcome == portal::Outcome::ok);
    CHECK_FALSE(rebuilt.work.nothing_changed);
    CHECK(read_tree(out) == expected);
    CHECK(portal::run_build(options).work.nothing_changed);  // the state made again is trusted
  }

  SECTION("the output changed by hand") {
    write_file(out / "index.html", "changed by hand");
    CHECK_FALSE(portal::run_build(options).work.nothing_changed);
    CHECK(read_tree(out) == expected);
  }
  SECTION("a file added to the output by hand") {
    write_file(out / "added.html", "added by hand");
    CHECK_FALSE(portal::run_build(options).work.nothing_changed);
    CHECK(read_tree(out) == expected);
  }
  SECTION("an empty folder added to the output by hand") {
    fs::create_directory(out / "handmade");
    CHECK_FALSE(portal::run_build(options).work.nothing_changed);
    CHECK_FALSE(fs::exists(out / "handmade"));
  }
  SECTION("other options") {
    auto drafts = options;
    drafts.drafts = portal::Drafts::show;
    CHECK_FALSE(portal::run_build(drafts).work.nothing_changed);
  }
}

TEST_CASE("a page changed by hand in the output is drawn again by the next build, never handed on", "[build-state]") {
  const BuiltFixture built;
  const auto& [tmp, site, out, options] = built;
  // A page another page's edit does not change, replaced by hand by a file of its size and with its time:
  // only its inode tells.
  const fs::path page = out / "contact/index.html";
  struct stat made {};
  REQUIRE(::stat(page.c_str(), &made) == 0);
  std::string bytes = read_file(page);
  const auto at = bytes.find("<main");
  REQUIRE(at != std::string::npos);
  bytes.replace(at, 5, "<MAIN");
  const fs::path other = out / "contact/index.html.by-hand";
  write_file(other, bytes);
  const struct timespec times[2] = {made.st_atim, made.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, other.c_str(), times, 0) == 0);
  fs::rename(other, page);
  replace_in(site / "content/about.md", "The partnership meets three times a year.",
             "The partnership meets three times a year, at least.");
  const auto rebuilt = portal::run_build(options);
  REQUIRE(rebuilt.outcome == portal::Outcome::ok);
  CHECK(rebuilt.work.pages_rendered < rebuilt.pages);  // the others were handed on
  CHECK(read_file(page).find("<MAIN") == std::string::npos);
  // Left alone, the page is handed on: the same file after another edit.
  struct stat before {
  }, after{};
  REQUIRE(::stat(page.c_str(), &before) == 0);
  replace_in(site / "content/about.md", "at least.", "at the least.");
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  REQUIRE(::stat(page.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  check_as_full_build(options, tmp.path() / "full");
}

TEST_CASE("a piece of the search index changed by hand is made again by the next build, never handed on",
          "[build-state]") {
  const BuiltFixture built;
  const auto& [tmp, site, out, options] = built;
  // A piece changed by hand, its size kept: the next build runs (the output is not as it was left) and
  // finds the index made of the same pages, but that piece is not as the build wrote it.
  fs::path piece;
  for (const auto& entry : fs::directory_iterator(out / "search/docs"))
    if (piece.empty() || entry.path() < piece) piece = entry.path();
  REQUIRE(!piece.empty());
  std::string bytes = read_file(piece);
  REQUIRE(!bytes.empty());
  bytes[bytes.size() / 2] = bytes[bytes.size() / 2] == 'x' ? 'y' : 'x';
  write_file(piece, bytes);
  const auto rebuilt = portal::run_build(options);
  REQUIRE(rebuilt.outcome == portal::Outcome::ok);
  CHECK_FALSE(rebuilt.work.nothing_changed);
  CHECK(rebuilt.work.search_pieces > 0);  // made again
  check_as_full_build(options, tmp.path() / "full");
}

TEST_CASE("the live search index is kept only while this program's build state vouches for it, never by --full",
          "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  fs::create_directories(site / "themes");
  fs::copy(repo_root() / "themes/default", site / "themes/default", fs::copy_options::recursive);
  const fs::path out = tmp.path() / "out";
  auto options = options_for(site, out);
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  const fs::path footer = site / "themes/default/templates/footer.mustache";
  int round = 0;
  auto footer_changed = [&](bool full) {
    write_file(footer, read_file(footer) + "<!-- round " + std::to_string(++round) + " -->\n");
    auto o = options;
    o.full = full;
    const auto r = portal::run_build(o);
    REQUIRE(r.outcome == portal::Outcome::ok);
    return r.work.search_pieces;
  };
  // A template changed: the pages change, the index is made of the same pages, and kept.
  CHECK(footer_changed(false) == 0);
  // --full keeps nothing of the last build: the index is made again.
  CHECK(footer_changed(true) > 0);
  // Without the last build's state (another program's, say, or none), nothing vouches for the live index.
  portal::forget_build_state(out);
  CHECK(footer_changed(false) > 0);
  CHECK(footer_changed(false) == 0);
}

TEST_CASE("a change of the time zone's rule in the system's time zone data is a change", "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const fs::path out = tmp.path() / "out";
  const auto options = options_for(site, out);
  // The site's zone, Europe/London, from a time zone database of the test's own (TZDIR, as the C library reads it).
  const fs::path zoneinfo = tmp.path() / "zoneinfo";
  fs::create_directories(zoneinfo / "Europe");
  fs::copy_file("/usr/share/zoneinfo/Europe/London", zoneinfo / "Europe/London");
  struct Tzdir {
    std::optional<std::string> was;
    explicit Tzdir(const fs::path& folder) {
      if (const char* given = std::getenv("TZDIR")) was = given;
      ::setenv("TZDIR", folder.c_str(), 1);
    }
    ~Tzdir() {
      if (was)
        ::setenv("TZDIR", was->c_str(), 1);
      else
        ::unsetenv("TZDIR");
    }
    Tzdir(const Tzdir&) = delete;
    Tzdir& operator=(const Tzdir&) = delete;
  } tzdir(zoneinfo);
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  CHECK(portal::run_build(options).work.nothing_changed);
  const fs::path calendar = out / "events/upcoming.ics";
  CHECK(read_file(calendar).find("TZOFFSETTO:+0100") != std::string::npos);
  // tzdata upgraded, and the zone's rule is another: the calendars say so.
  fs::copy_file("/usr/share/zoneinfo/America/New_York", zoneinfo / "Europe/London",
                fs::copy_options::overwrite_existing);
  const auto rebuilt = portal::run_build(options);
  REQUIRE(rebuilt.outcome == portal::Outcome::ok);
  CHECK_FALSE(rebuilt.work.nothing_changed);
  CHECK(read_file(calendar).find("TZOFFSETTO:-0400") != std::string::npos);
}

TEST_CASE("inputs noted after site.toml changed since it was read are never recorded", "[build-state]") {
  const BuiltFixture built;
  const auto& [tmp, site, out, options] = built;
  const auto settings = portal::read_settings(site);
  REQUIRE(settings.config);
  // As read: the inputs are whole, and the same as the last build's.
  const auto same = portal::read_inputs(options, settings, out);
  CHECK(same.complete);
  CHECK(portal::unchanged_build(out, same));
  // site.toml changed between its reading and the noting of the inputs (a build waiting for another): not
  // whole, so a build that noted them keeps no record, and the next build runs whole.
  write_file(site / "site.toml", read_file(site / "site.toml") + "\n# changed\n");
  const auto changed = portal::read_inputs(options, settings, out);
  CHECK_FALSE(changed.complete);
  const auto result = portal::run_build(options);
  REQUIRE(result.outcome == portal::Outcome::ok);
  REQUIRE(fs::exists(portal::build_state_file(out)));
  portal::save_build_state(options, out, changed, result, changed.head, {});
  CHECK_FALSE(fs::exists(portal::build_state_file(out)));
  // Given by a relative path, ending in a slash, the source's site.toml is still found among the inputs.
  auto relative = options;
  relative.source = fs::path(site.lexically_relative(fs::current_path()).string() + "/");
  CHECK(portal::read_inputs(relative, portal::read_settings(relative.source), out).complete);
}

TEST_CASE("a build whose history was read at another commit than its inputs name keeps no state", "[build-state]") {
  CommittedFixture fixture;
  auto& [tmp, site, repo, out] = fixture;
  const auto options = options_for(site, out);
  const auto settings = portal::read_settings(site);
  REQUIRE(settings.config);
  // Noted at the first commit; a second is made before the build reads the history (a commit while it waited).
  const auto noted = portal::read_inputs(options, settings, out);
  CHECK_FALSE(noted.head.empty());
  replace_in(site / "content/about.md", "The partnership meets three times a year.", "It meets four times a year.");
  repo.commit_all("Correct the about page", at_noon(2024, 1, 2));
  const auto result = portal::run_build(options);
  REQUIRE(result.outcome == portal::Outcome::ok);
  REQUIRE(fs::exists(portal::build_state_file(out)));
  const auto now = portal::read_inputs(options, settings, out);
  CHECK(now.head != noted.head);
  // Read at the new commit, noted at the old: not recorded, though no file changed since the noting of `now`.
  portal::save_build_state(options, out, now, result, noted.head, {});
  CHECK_FALSE(fs::exists(portal::build_state_file(out)));
  portal::save_build_state(options, out, now, result, now.head, {});
  CHECK(fs::exists(portal::build_state_file(out)));
  // Nor does a state noted before the commit vouch for the build after it.
  CHECK_FALSE(portal::unchanged_build(out, noted));
  CHECK(portal::unchanged_build(out, now));
}

TEST_CASE("a change saved while a build reads the content is never published uncommitted", "[build-state]") {
  CommittedFixture fixture;
  auto& [tmp, site, repo, out] = fixture;
  auto options = options_for(site, out);
  options.local = false;
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  const std::string page = read_file(out / "about/index.html");
  // Saved after the build noted what git says is not committed, before it reads the content (a build that
  // runs whole: one with nothing changed reads no content).
  bool saved = false;
  auto hooked = options;
  hooked.full = true;
  hooked.progress = [&](const std::string& phase, std::size_t, std::size_t) {
    if (phase != "Reading content" || saved) return;
    saved = true;
    replace_in(site / "content/about.md", "The partnership meets three times a year.", "Saved, not yet published.");
  };
  const auto result = portal::run_build(hooked);
  REQUIRE(saved);
  CHECK(result.outcome == portal::Outcome::failure);
  CHECK(contains(result.failure.message, "content/about.md"));
  CHECK(read_file(out / "about/index.html") == page);
  // Committed, it is published.
  repo.commit_all("Correct the about page", at_noon(2024, 1, 2));
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  CHECK(contains(read_file(out / "about/index.html"), "Saved, not yet published."));
}

TEST_CASE("a build state is its owner's alone", "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  REQUIRE(portal::run_build(options_for(site, tmp.path() / "out")).outcome == portal::Outcome::ok);
  struct stat st {};
  REQUIRE(::stat(portal::build_state_file(tmp.path() / "out").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a file changed while a build reads it, then put back, is never taken for unchanged", "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  auto options = options_for(site, tmp.path() / "out");
  const fs::path about = site / "content/about.md";
  const std::string before = read_file(about);
  // Changed after the build noted what it is made from, before it reads it; put back once the build is done.
  bool changed = false;
  options.progress = [&](const std::string& phase, std::size_t, std::size_t) {
    if (phase != "Reading content" || changed) return;
    changed = true;
    write_file(about, before + "\nWritten while the build ran.\n");
  };
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  REQUIRE(changed);
  write_file(about, before);
  options.progress = {};
  const auto rebuilt = portal::run_build(options);
  CHECK_FALSE(rebuilt.work.nothing_changed);
  check_as_full_build(options, tmp.path() / "full");
}

TEST_CASE("a site whose theme or settings are reached through a symbolic link keeps no build state", "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  fs::copy(repo_root() / "themes/default", tmp.path() / "elsewhere", fs::copy_options::recursive);
  fs::create_directories(site / "themes");
  fs::create_directory_symlink(tmp.path() / "elsewhere", site / "themes/linked");
  replace_in(site / "site.toml", "theme = \"default\"", "theme = \"linked\"");
  const auto options = options_for(site, tmp.path() / "out");
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  CHECK_FALSE(fs::exists(portal::build_state_file(tmp.path() / "out")));
  // A change behind the link is seen: the build runs whole.
  write_file(tmp.path() / "elsewhere/templates/footer.mustache",
             read_file(tmp.path() / "elsewhere/templates/footer.mustache") + "<!-- changed -->\n");
  const auto rebuilt = portal::run_build(options);
  CHECK_FALSE(rebuilt.work.nothing_changed);
  CHECK(contains(read_file(tmp.path() / "out/index.html"), "<!-- changed -->"));
}

TEST_CASE("a file of the content inside the search index's folder is refused, where it is, by every build",
          "[build-state]") {
  const BuiltFixture built;
  const auto& [tmp, site, out, options] = built;
  // Added beside a live index, which a rebuild whose pages give the same index would keep as it is.
  write_file(site / "content/search/guide.pdf", "%PDF-1.4 a guide\n");
  write_file(site / "content/search/help.md", "+++\ntitle = \"Help\"\n+++\n\nHow to search.\n");
  for (const bool full : {false, true}) {
    auto o = options;
    o.full = full;
    const auto r = portal::run_build(o);
    CHECK(r.outcome == portal::Outcome::content_errors);
    const std::string said = format_text(r.diagnostics);
    CHECK(contains(said,
                   "content/search/guide.pdf:1:1: error[duplicate-id]: this file's address "
                   "/search/guide.pdf is inside /search/, which holds the site's search index"));
    // A document has no kind there.
    CHECK(contains(said, "content/search/help.md:1:1: error[front-matter]: unknown kind of document"));
  }
  CHECK_FALSE(fs::exists(out / "search/guide.pdf"));
}

TEST_CASE("a build whose problems quote or name a draft keeps no state, and the next one says them again",
          "[build-state]") {
  const BuiltFixture built;
  const auto& [tmp, site, out, options] = built;
  REQUIRE(fs::exists(portal::build_state_file(out)));
  // Everything beside the output, in one text.
  auto beside_output = [&] {
    std::string all;
    for (const auto& entry : fs::recursive_directory_iterator(tmp.path() / ".out.state"))
      if (entry.is_regular_file()) all += entry.path().string() + "\n" + read_file(entry.path());
    return all;
  };
  // A build that says `words`; whether it kept a state.
  auto build_saying = [&](portal::Outcome expected, const std::string& words) {
    const auto r = portal::run_build(options);
    CHECK(r.outcome == expected);
    REQUIRE(contains(format_text(r.diagnostics), words));
    return r;
  };
  auto keeps_no_trace_of = [&](const portal::BuildResult& r, const std::string& name) {
    CHECK(r.quotes_unpublished);
    CHECK_FALSE(fs::exists(portal::build_state_file(out)));
    CHECK_FALSE(contains(beside_output(), name));
  };
  // A warning about a draft, quoting its front matter.
  replace_in(site / "content/draft-page.md", "draft = true\n", "draft = true\nprinted_only = [\"LEAKTOKEN-WORDS\"]\n");
  const auto draft = build_saying(portal::Outcome::ok, "LEAKTOKEN-WORDS");
  keeps_no_trace_of(draft, "LEAKTOKEN");
  keeps_no_trace_of(draft, "draft-page");
  // The next build, with nothing changed, is whole, and says the same.
  const auto again = portal::run_build(options);
  CHECK_FALSE(again.work.nothing_changed);
  CHECK(format_text(again.diagnostics) == format_text(draft.diagnostics));
  // A problem of a released page that names a draft (a link to it) is kept no more than one about the draft.
  replace_in(site / "content/draft-page.md", "printed_only = [\"LEAKTOKEN-WORDS\"]\n", "");
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  REQUIRE(fs::exists(portal::build_state_file(out)));
  replace_in(site / "content/about.md", "The partnership meets three times a year.",
             "The partnership meets three times a year. See [the draft](@/draft-page.md).");
  keeps_no_trace_of(build_saying(portal::Outcome::content_errors, "draft-page.md"), "draft-page");
  // A problem that names nothing unpublished is kept, as before.
  replace_in(site / "content/about.md", "See [the draft](@/draft-page.md).", "See [here](@/contact.md).");
  CHECK_FALSE(build_saying(portal::Outcome::ok, "link-text").quotes_unpublished);
  CHECK(fs::exists(portal::build_state_file(out)));
  CHECK(portal::run_build(options).work.nothing_changed);
}

TEST_CASE("the texts kept for the next build are the released ones alone, readable by their owner alone",
          "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const fs::path out = tmp.path() / "out";
  auto options = options_for(site, out);
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  const std::string texts = all_kept_texts(out);
  CHECK(contains(texts, "The partnership meets three times a year."));
  // No draft's, restricted paper's or future bulletin's words, nor a withheld file's name.
  CHECK_FALSE(contains(texts, "LEAKTOKEN"));
  for (const std::string name : {"secret-page", "draft-page", "e1-dhr-update", "e1-annex", "2999-01"}) {
    INFO(name);
    CHECK_FALSE(contains(texts, name));
  }
  for (std::size_t which = 0; which < portal::kBodyStoreFiles; ++which) {
    struct stat st {};
    REQUIRE(::stat(portal::body_store_file(out, which).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  // A build with drafts publishes what is not released (a draft's files among them): it keeps no texts,
  // and leaves those of the last build without drafts as they were.
  options.drafts = portal::Drafts::show;
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  CHECK(all_kept_texts(out) == texts);
  options.output = tmp.path() / "drafts";
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  CHECK(all_kept_texts(*options.output).empty());
  // A page withheld (made restricted): its text is gone from the kept texts, though no other text changed.
  options = options_for(site, out);
  CHECK(contains(all_kept_texts(out), "Write to us."));
  replace_in(site / "content/contact.md", "+++\n", "+++\nrestricted = true\n");
  REQUIRE(portal::run_build(options).outcome == portal::Outcome::ok);
  CHECK_FALSE(contains(all_kept_texts(out), "Write to us."));
}

TEST_CASE("a text is rendered again when it changed or when an address changed, and spoiled texts are never taken",
          "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const fs::path out = tmp.path() / "out";
  const auto options = options_for(site, out);
  const auto first = portal::run_build(options);
  REQUIRE(first.outcome == portal::Outcome::ok);
  const std::size_t all = first.work.texts_rendered;
  REQUIRE(all == first.work.documents_read);
  // A full build of the site as it is, into a folder of its own.
  auto full_build = [&](const std::string& name) {
    auto full = options;
    full.output = tmp.path() / name;
    full.full = true;
    return portal::run_build(full);
  };
  // Each step's output is a full build's.
  auto same_as_full = [&](const std::string& name) {
    REQUIRE(full_build(name).outcome == portal::Outcome::ok);
    CHECK(read_tree(out) == read_tree(tmp.path() / name));
  };
  auto edit = [&](const std::string& file, const std::string& from, const std::string& to) {
    replace_in(site / file, from, to);
    const auto r = portal::run_build(options);
    REQUIRE(r.outcome == portal::Outcome::ok);
    return r.work.texts_rendered;
  };
  // A draft's text changed: the texts never kept (drafts, restricted papers, the future bulletin) are rendered.
  const std::size_t never_kept =
      edit("content/draft-page.md", "LEAKTOKEN-DRAFT-BODY", "LEAKTOKEN-DRAFT-BODY, and more of it");
  CHECK(never_kept < all);
  // A public page's text changed: that text more, and no other.
  CHECK(edit("content/about.md", "The partnership meets three times a year.",
             "The partnership meets three times a year, at least.") == never_kept + 1);
  same_as_full("full-1");
  // A document added: its text is rendered, and no other (none links to it).
  write_file(site / "content/notice.md", "+++\ntitle = \"A notice\"\n+++\n\nA notice.\n");
  const auto added = portal::run_build(options);
  REQUIRE(added.outcome == portal::Outcome::ok);
  CHECK(added.work.texts_rendered == never_kept + 1);
  same_as_full("full-2");
  // A document a kept text links to moved away: that text is rendered again, so that its link is seen broken
  // (at its line and column, as a full build sees it), and nothing is published.
  fs::rename(site / "content/about.md", site / "content/about-us.md");
  const auto moved = portal::run_build(options);
  CHECK(moved.outcome == portal::Outcome::content_errors);
  auto broken = [](const portal::BuildResult& r) {
    std::vector<std::string> found;
    for (const auto& d : r.diagnostics.items())
      if (d.rule == "broken-link")
        found.push_back(d.file + ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column));
    return found;
  };
  CHECK(broken(moved) == std::vector<std::string>{"content/_index.md:6:80"});
  CHECK(broken(moved) == broken(full_build("full-moved")));
  // Moved back: the kept texts are taken again, as the links resolve as they did when kept.
  fs::rename(site / "content/about-us.md", site / "content/about.md");
  const auto back = portal::run_build(options);
  REQUIRE(back.outcome == portal::Outcome::ok);
  CHECK(back.work.texts_rendered == never_kept);
  same_as_full("full-back");
  // The same for a file that is not a document: the PDF a kept agenda links to, moved away and back.
  const fs::path pack = site / "content/meetings/2020-03-18/agenda-pack.pdf";
  fs::rename(pack, site / "agenda-pack.pdf");
  const auto pdf_moved = portal::run_build(options);
  CHECK(pdf_moved.outcome == portal::Outcome::content_errors);
  CHECK(pdf_moved.work.texts_rendered == never_kept + 1);
  CHECK(broken(pdf_moved) == std::vector<std::string>{"content/meetings/2020-03-18/_index.md:30:20"});
  CHECK(broken(pdf_moved) == broken(full_build("full-pdf-moved")));
  fs::rename(site / "agenda-pack.pdf", pack);
  const auto pdf_back = portal::run_build(options);
  REQUIRE(pdf_back.outcome == portal::Outcome::ok);
  CHECK(pdf_back.work.texts_rendered == never_kept);
  same_as_full("full-pdf-back");
  // A file of kept texts changed on the disk, or cut short: none of its texts is taken (each is rendered again
  // beside the page edited), and the output is still a full build's.
  CHECK(edit("content/about.md", "at least.", "at the least.") == never_kept + 1);  // nothing spoiled yet
  auto others = kept_text_files(out, "The partnership meets");
  REQUIRE(others.size() >= 2);
  std::string texts = read_file(others[0].first);
  texts[texts.size() - 1] ^= 1;
  write_file(others[0].first, texts);
  CHECK(edit("content/about.md", "at the least.", "at least.") == never_kept + 1 + others[0].second);
  same_as_full("full-3");
  const std::string cut = read_file(others[1].first);
  write_file(others[1].first, cut.substr(0, cut.size() - 1));
  CHECK(edit("content/about.md", "at least.", "at the least.") == never_kept + 1 + others[1].second);
  same_as_full("full-4");
  // One kept text whose bytes are as written but make no sense (a store of this program's, spoiled before it was
  // hashed): that text alone is rendered again.
  CHECK(edit("content/about.md", "at the least.", "at least.") == never_kept + 1);
  spoil_one_kept_text(kept_text_files(out, "The partnership meets").at(0).first, "The partnership meets");
  CHECK(edit("content/about.md", "at least.", "at the least.") == never_kept + 2);
  same_as_full("full-5");
  // Its file was written again: the next build takes the text.
  CHECK(edit("content/about.md", "at the least.", "at least.") == never_kept + 1);
}

TEST_CASE("a kept text whose links say they resolve otherwise than they do in the site is never taken",
          "[build-state]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  portal::LoadOptions load;
  load.today = portal::today();
  portal::Diagnostics diagnostics;
  const auto loaded = portal::load_site(site, load, 2, diagnostics);
  REQUIRE(loaded.site);
  const portal::Site& s = *loaded.site;
  // The home page's text links to the about page, which is there.
  portal::RenderedMarkdown body = s.body(s.by_path.at("content/_index.md"));
  auto about = std::find_if(body.links.begin(), body.links.end(),
                            [](const portal::Link& l) { return l.target_path == "content/about.md"; });
  REQUIRE(about != body.links.end());
  REQUIRE(about->resolved);
  CHECK(s.addresses_of(body).has_value());
  // Said not to resolve (as a store made to match its hash could say): no hash, so never the kept one's.
  about->resolved = false;
  CHECK_FALSE(s.addresses_of(body).has_value());
  // A link to nothing said to resolve: the same.
  about->resolved = true;
  about->target_path = "content/nowhere.md";
  CHECK_FALSE(s.addresses_of(body).has_value());
}

TEST_CASE("a file of kept texts that another build replaced after this one read it is written again, not skipped",
          "[build-state]") {
  const BuiltFixture built;
  const auto& [tmp, site, out, options] = built;
  // Read and loaded as a build does, then saved: each file would hold the keys it held, and none is written again.
  portal::BodyMemo memo = portal::read_body_store(out);
  portal::LoadOptions load;
  load.today = portal::today();
  load.bodies = &memo;
  portal::Diagnostics diagnostics;
  const auto loaded = portal::load_site(site, load, 2, diagnostics);
  REQUIRE(loaded.site);
  const auto files = kept_text_files(out, "no text of the fixture says this");
  REQUIRE(files.size() >= 2);
  auto inode = [](const fs::path& file) {
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    return info.st_ino;
  };
  std::vector<ino_t> before;
  for (const auto& [file, texts] : files) before.push_back(inode(file));
  portal::save_body_store(out, *loaded.site, memo);
  for (std::size_t f = 0; f < files.size(); ++f) CHECK(inode(files[f].first) == before[f]);
  // Another build, meanwhile, put a file holding none of those texts in one's place: this build writes it again.
  const fs::path replaced = files[1].first;
  const std::string whole = read_file(replaced);
  write_file(tmp.path() / "other", whole.substr(0, whole.find('\n') + 1));
  fs::rename(tmp.path() / "other", replaced);
  REQUIRE(texts_in(read_file(replaced)) == 0);
  portal::save_body_store(out, *loaded.site, memo);
  CHECK(texts_in(read_file(replaced)) == files[1].second);
  CHECK(read_file(replaced) == whole);
}
