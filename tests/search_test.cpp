// The search index: how texts are cut into words, the numbers its files are
// written in, the text it keeps of a page, and what it holds of a whole site.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "search_text.h"
#include "support.h"

using namespace portal::test;
namespace search = portal::search;

namespace {

struct Word {
  std::string word;
  std::uint32_t offset, ordinal;
  bool joined;
  bool operator==(const Word&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Word& w) {
  return os << '{' << w.word << ' ' << w.offset << ' ' << w.ordinal << (w.joined ? " joined" : "") << '}';
}

std::vector<Word> cut(std::string_view text, std::uint32_t* next = nullptr) {
  std::vector<Word> out;
  const auto end =
      search::for_each_word(text, 0, [&](std::string_view w, std::uint32_t offset, std::uint32_t ordinal, bool joined) {
        out.push_back({std::string(w), offset, ordinal, joined});
      });
  if (next) *next = end;
  return out;
}

std::vector<std::string> plain(std::string_view text) {
  std::vector<std::string> out;
  for (auto& w : cut(text)) out.push_back(w.word);
  return out;
}

}  // namespace

TEST_CASE("a text is cut into lower-cased words with their byte offsets and positions", "[search]") {
  std::uint32_t next = 0;
  CHECK(cut("Road Safety, first.", &next) ==
        std::vector<Word>{{"road", 0, 0, false}, {"safety", 5, 1, false}, {"first", 13, 2, false}});
  CHECK(next == 3);
  // A line feed leaves a gap, so that no phrase runs from one line into the next.
  CHECK(cut("a\nb") == std::vector<Word>{{"a", 0, 0, false}, {"b", 2, 1 + search::kLineGap, false}});
  // Hyphenated words: both parts, and the two joined when both hold a letter, at the first's place.
  CHECK(cut("anti-social") ==
        std::vector<Word>{{"anti", 0, 0, false}, {"social", 5, 1, false}, {"antisocial", 0, 0, true}});
  CHECK(plain("2019-20 e-bulletin") == std::vector<std::string>{"2019", "20", "e", "bulletin", "ebulletin"});
  CHECK(plain("a-b-c") == std::vector<std::string>{"a", "b", "ab", "c", "bc"});
  CHECK(plain("well- known -ish") == std::vector<std::string>{"well", "known", "ish"});
  // An apostrophe inside a word stays in it, as '; quotation marks around a word do not.
  CHECK(plain("Kent\xE2\x80\x99s \xE2\x80\x98quoted\xE2\x80\x99 don't 'x'") ==
        std::vector<std::string>{"kent's", "quoted", "don't", "x"});
  // Punctuation, symbols and slashes break words; accented, Greek and Cyrillic letters are letters.
  CHECK(plain("R&D 2019/20 caf\xC3\xA9 \xC3\x89"
              "COLE \xCE\x91\xCE\x92\xCE\x93 \xD0\x9A\xD0\xB5\xD0\xBD\xD1\x82 \xE2\x80\x94 \xC2\xA3"
              "5") == std::vector<std::string>{"r", "d", "2019", "20", "caf\xC3\xA9",
                                               "\xC3\xA9"
                                               "cole",
                                               "\xCE\xB1\xCE\xB2\xCE\xB3", "\xD0\xBA\xD0\xB5\xD0\xBD\xD1\x82", "5"});
  // A soft hyphen or zero-width space, as pasted from Word or a PDF, is no break.
  CHECK(plain("exploi\xC2\xADtation co\xE2\x80\x8Bordinator") ==
        std::vector<std::string>{"exploitation", "coordinator"});
  // A word too long for anyone to type is not indexed, but keeps its place.
  const std::string longest(search::kLongestWord, 'a'), too_long(search::kLongestWord + 1, 'a');
  CHECK(cut(too_long + " b " + longest) == std::vector<Word>{{"b", 66, 1, false}, {longest, 68, 2, false}});
  CHECK(cut("").empty());
  CHECK(cut(" \n ,; ").empty());
}

TEST_CASE("stop words are the common words, and stems are Snowball English's", "[search]") {
  const auto& stop = search::stop_words();
  CHECK(std::is_sorted(stop.begin(), stop.end()));
  CHECK(std::adjacent_find(stop.begin(), stop.end()) == stop.end());
  for (const char* w : {"the", "of", "and", "who", "what"}) CHECK(search::is_stop_word(w));
  for (const char* w : {"kent", "crime", "abuse", "not", "no", "dhr"}) CHECK_FALSE(search::is_stop_word(w));
  search::Stemmer stemmer;
  CHECK(stemmer.stem("exploited") == "exploit");
  CHECK(stemmer.stem("exploitation") == "exploit");
  CHECK(stemmer.stem("webinars") == "webinar");
  CHECK(stemmer.stem("webinar") == "webinar");
  CHECK(stemmer.stem("behaviour") == stemmer.stem("behaviours"));
  CHECK(stemmer.stem("2024") == "2024");
  CHECK(stemmer.stem("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("numbers in the index's files read back, and never spell a word", "[search]") {
  const std::vector<std::uint32_t> values = {0, 1, 15, 16, 17, 255, 256, 4095, 4096, 65535, 1u << 20, 0xFFFFFFFFu};
  std::string text;
  for (auto v : values) search::append_number(text, v);
  std::vector<std::uint32_t> back;
  REQUIRE(search::read_numbers(text, back));
  CHECK(back == values);
  CHECK(std::none_of(text.begin(), text.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '"' || c == '\\' || c == '<' || c == '&' || c == ' ';
  }));
  std::string one;
  search::append_number(one, 5);
  CHECK(one == "5");
  // A run that stops inside a number is no run.
  back.clear();
  CHECK_FALSE(search::read_numbers("!", back));
  CHECK_FALSE(search::read_numbers("a", back));
}

TEST_CASE("a page's text keeps its lines and headings, without markup", "[search]") {
  search::TextBuilder t;
  t.line("Version: 4.0");
  t.end_facts();
  t.html(
      "<h2 id=\"road\">Road &amp; Safety</h2>\n<p>Road <em>safety</em>\nfirst, caf&#233; &lt;b&gt;.</p>"
      "<ul>\n<li>One</li>\n<li><p>Two</p></li>\n</ul>\n<table><tr><th>A</th><td>B &#x26; C</td></tr></table>"
      "<h3>No id</h3><p>unclosed &amp");
  CHECK(t.text() ==
        "Version: 4.0\nRoad & Safety\nRoad safety first, caf\xC3\xA9 <b>.\nOne\nTwo\nA\nB & C\nNo id\nunclosed &amp\n");
  CHECK(t.facts_end() == 13);
  REQUIRE(t.sections().size() == 2);
  CHECK(t.sections()[0].offset == 13);
  CHECK(t.sections()[0].size == 13);
  CHECK(t.sections()[0].anchor == "road");
  CHECK(t.sections()[0].heading == "Road & Safety");
  CHECK(t.sections()[1].anchor.empty());
  CHECK(t.sections()[1].heading == "No id");
}

TEST_CASE("every page a reader could want is in the index, and each page's text is where its entry says", "[search]") {
  TempDir tmp;
  const auto out = tmp.path() / "out";
  const auto r = run({"build", "--source", fixture("every-kind").string(), "--output", out.string(), "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto tree = read_tree(out);
  std::set<std::string> pages, indexed;
  for (const auto& [path, content] : tree)
    if (path.ends_with("index.html")) pages.insert(path.substr(0, path.size() - 10));
  static const std::regex entry(
      "\\{\"url\":\"([^\"]*)\",\"title\":\"([^\"]*)\",\"kind\":([0-9]+),[^{]*?\"text\":\\[([0-9]+),([0-9]+)\\]");
  std::set<std::string> kinds;
  std::size_t docs_files = 0;
  for (const auto& [path, content] : tree) {
    if (!path.starts_with("search/docs/") || !path.ends_with(".json")) continue;
    ++docs_files;
    // The directory of docs pieces pairs each with its texts (each named by its own content).
    static const std::regex pair("\\[\"([0-9]+-[0-9a-f]{8})\",\"([0-9]+-[0-9a-f]{8})\"\\]");
    static const std::regex in_meta("\"docs\":\\[\"(docs-0-[0-9a-f]{8})\"\\]");
    std::smatch dir, named;
    const auto& meta = tree.at("search/meta.json");
    REQUIRE(std::regex_search(meta, dir, in_meta));
    const auto& listed = tree.at("search/dirs/" + dir[1].str() + ".json");
    REQUIRE(std::regex_search(listed, named, pair));
    REQUIRE(path == "search/docs/" + named[1].str() + ".json");
    const std::string text = tree.at("search/docs/" + named[2].str() + ".txt");
    for (std::sregex_iterator it(content.begin(), content.end(), entry), end; it != end; ++it) {
      const auto& m = *it;
      indexed.insert(m[1]);
      kinds.insert(m[3]);
      const auto from = std::stoul(m[4]), size = std::stoul(m[5]);
      REQUIRE(from + size <= text.size());
      if (m[1] == "meetings/2020-03-18/b1-csa-update/")
        CHECK(contains(text.substr(from, size),
                       "\nPriorities and themes: Serious Violence and Organised Crime; Early intervention, prevention "
                       "and education\n1.0 Background\n1.1 The agreement is refreshed each year.\n"));
    }
  }
  CHECK(docs_files == 1);
  CHECK(kinds.size() == 12);  // every kind of page, from agreements and decisions to other pages
  std::set<std::string> left_out;
  std::set_difference(pages.begin(), pages.end(), indexed.begin(), indexed.end(),
                      std::inserter(left_out, left_out.end()));
  // Only the search page, and a priority's page under a name it no longer has (its current page answers).
  CHECK(left_out == std::set<std::string>{"priorities/serious-organised-crime/", "search/"});
  CHECK(indexed.count(""));  // the home page's text
  // The paper whose text is checked above was indexed, so that its check ran.
  CHECK(indexed.count("meetings/2020-03-18/b1-csa-update/"));
  const auto& meta = tree.at("search/meta.json");
  CHECK(contains(meta,
                 "{\"id\":\"serious-violence-organised-crime\",\"name\":\"Serious Violence and Organised Crime\","
                 "\"ids\":[\"serious-organised-crime\",\"serious-violence-organised-crime\"]}"));
  // Markup in a title is text, escaped so that no reader of the JSON sees a tag.
  for (const auto& [path, content] : tree)
    if (path.starts_with("search/") && path.ends_with(".json")) {
      INFO(path);
      CHECK(content.find('<') == std::string::npos);
    }
}

TEST_CASE("a rebuild keeps the index only when every page gives it the same, and makes it again otherwise",
          "[search]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  const auto out = tmp.path() / "public";
  auto build = [&] {
    const auto r = run({"build", "--source", site.string(), "--output", out.string(), "--quiet"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    std::map<std::string, std::string> index;
    for (auto& [path, content] : read_tree(out))
      if (path.starts_with("search/")) index.emplace(path, std::move(content));
    return index;
  };
  const auto first = build();
  REQUIRE(first.size() >= 8);
  CHECK(build() == first);  // kept whole: every piece, no more and no fewer
  // A title is in the index though no text changed: the index is made again.
  replace_in(site / "content/about.md", "title = \"About the partnership\"", "title = \"About the Kent partnership\"");
  const auto retitled = build();
  CHECK(retitled != first);
  CHECK(std::any_of(retitled.begin(), retitled.end(), [](const auto& f) {
    return f.first.starts_with("search/docs/") && contains(f.second, "About the Kent partnership");
  }));
  CHECK_FALSE(std::any_of(retitled.begin(), retitled.end(),
                          [](const auto& f) { return contains(f.second, "\"About the partnership\""); }));
  replace_in(site / "content/about.md", "title = \"About the Kent partnership\"", "title = \"About the partnership\"");
  CHECK(build() == first);
}

TEST_CASE("a --drafts preview's index is the published index, even with a draft agreement and its priorities",
          "[search][leak]") {
  // A draft agreement's priorities (names, leads) have pages of their own in no build; nor a place in any index.
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path());
  write_file(
      site / "content/agreements/2021-04.md",
      "+++\ntitle = \"Community Safety Agreement (April 2021)\"\nversion = \"5.0\"\neffective = 2021-04-01\n"
      "supersedes = \"2020-04\"\ndraft = true\n\n[[priorities]]\nid = \"leaktoken-priority\"\n"
      "name = \"Leaktoken Draft Priority\"\n\n[[priorities]]\nid = \"domestic-abuse\"\nname = \"Leaktoken Renamed\"\n\n"
      "[[leads]]\npriority = \"leaktoken-priority\"\nlead = \"Leaktoken Draft Lead\"\n\n"
      "[[leads]]\npriority = \"domestic-abuse\"\nlead = \"Leaktoken Other Lead\"\n+++\n\nThe draft.\n");
  auto index_of = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {"build",  "--source", site.string(), "--output", (tmp.path() / out).string(),
                                     "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run(args);
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    std::map<std::string, std::string> index;
    for (auto& [path, content] : read_tree(tmp.path() / out))
      if (path.starts_with("search/")) index.emplace(path, std::move(content));
    return index;
  };
  const auto published = index_of("published", {});
  const auto preview = index_of("preview", {"--drafts"});
  CHECK(preview == published);
  for (const auto& [path, content] : preview) {
    INFO(path);
    std::string lower = content;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    CHECK(lower.find("leaktoken") == std::string::npos);
  }
}
