// libFuzzer target: the checks of URLs and the writers of every format,
// given hostile text. The input is split at NUL bytes into fields. Beyond
// not crashing, each writer must keep its format's promise, and a failure of
// one is a finding (the process traps):
// - URL checks: an address accepted for a link has the scheme https, http
//   (or is an @/ link) as a browser would read it;
// - HTML escaping, control stripping: no markup character, no control
//   character other than tab and line feed;
// - iCalendar: CRLF lines of at most 75 octets, no other control character,
//   no line the input made its own, valid UTF-8;
// - JSON, the Atom feed, the sitemap: no control character, no markup in JSON;
// - heading ids: never a character github-slugger drops, never a repeat;
// - the one-line report of a diagnostic: no line break.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "feeds.h"
#include "search_index.h"
#include "site.h"
#include "text.h"
#include "urls.h"

namespace {

[[noreturn]] void finding() { __builtin_trap(); }

void require(bool holds) {
  if (!holds) finding();
}

bool has_control(const std::string& s, bool crlf) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (crlf && c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F)
      return true;
  }
  return false;
}

void check_urls(const std::string& s) {
  for (const auto also : {portal::UrlAlso::nothing, portal::UrlAlso::content_links}) {
    if (portal::url_problem(s, "url", also)) continue;
    if (s.empty()) continue;
    const std::string scheme = portal::effective_scheme(s);
    const bool content = s.starts_with("@/");
    require(scheme == "https" || scheme == "http" || (content && also == portal::UrlAlso::content_links));
    require(!has_control(s, false) && s.find(' ') == std::string::npos);
  }
  if (!portal::email_problem(s, "email") && !s.empty()) require(portal::effective_scheme("mailto:" + s) == "mailto");
  (void)portal::looks_like_url(s);
  // An @/ link that stays in content/ after normalising has no ".." left in it.
  const auto link = portal::split_content_link("@/" + s);
  if (link.target_path.starts_with("content/"))
    require(link.target_path.find("/../") == std::string::npos && !link.target_path.ends_with("/.."));
}

void check_text(const std::string& s) {
  const std::string escaped = portal::text::html_escape(s);
  require(escaped.find_first_of("<>\"'") == std::string::npos);
  require(!has_control(escaped, false));
  std::string stripped = portal::text::strip_controls(s);
  require(!has_control(stripped, false));
  std::string in_place = s;
  portal::text::strip_controls_in_place(in_place);
  require(in_place == stripped);
  require(portal::text::escape_controls(s).find_first_of("\r\n") == std::string::npos);
  // The fast search for a control character finds what the plain one finds.
  const auto fast = portal::text::first_control(s);
  const auto plain = portal::text::find_code_point(
      s, [](std::uint32_t cp) { return portal::text::is_control(cp) && cp != '\t' && cp != '\n' && cp != '\r'; });
  require(fast == (plain ? plain->offset : std::string::npos));
  portal::text::Slugger slugger({"content"});
  std::set<std::string> ids = {"content"};
  for (int i = 0; i < 3; ++i) {
    const std::string id = slugger.unique(s);
    require(ids.insert(id).second);
    require(id.find_first_of(" <>\"'&#?/") == std::string::npos && !has_control(id, false));
  }
  portal::Diagnostic d{s, {1, 1}, portal::Severity::error, "rule", s, s};
  require(portal::format_text(d).find_first_of("\r\n") == std::string::npos);
}

// A small site, loaded once, whose text fields each input replaces.
portal::Site& site() {
  static portal::Site* loaded = [] {
    portal::Diagnostics diags;
    portal::LoadOptions options;
    options.today = portal::Date{2026, 12, 1, std::nullopt};
    auto result = portal::load_site(PORTAL_TEST_SITES "/every-kind", options, 1, diags);
    if (!result.site) finding();
    return new portal::Site(std::move(*result.site));
  }();
  return *loaded;
}

void check_outputs(const std::vector<std::string>& fields) {
  portal::Site& s = site();
  auto field = [&](std::size_t i) { return fields[i % fields.size()]; };
  std::size_t k = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    portal::Document d = s.document(i);
    d.title.value = field(k++);
    d.summary = field(k++);
    if (auto* e = d.as<portal::EventData>()) e->location = field(k++);
    if (d.kind == portal::Kind::event) d.slug = field(k++);
    s.replace(i, std::move(d), portal::RenderedMarkdown(s.body(i)));
  }
  auto outputs = portal::render_outputs(s, portal::History{}, {"index.html"});
  for (auto& file : portal::render_search_index(s)) outputs.push_back(std::move(file));
  for (const auto& file : outputs) {
    const bool ics = file.path.ends_with(".ics");
    require(!has_control(file.content, ics));
    if (file.path.ends_with(".json")) require(file.content.find_first_of("<>&") == std::string::npos);
    if (!ics) continue;
    require(portal::text::invalid_utf8_offset(file.content) == std::string::npos);
    std::string unfolded;
    for (std::size_t start = 0; start < file.content.size();) {
      const auto end = file.content.find("\r\n", start);
      require(end != std::string::npos && end - start <= 75);
      const std::string line = file.content.substr(start, end - start);
      require(line.find('\n') == std::string::npos && line.find('\r') == std::string::npos);
      if (line.starts_with(" "))
        unfolded += line.substr(1);
      else
        unfolded += "\n" + line;
      start = end + 2;
    }
    // Every property is one the writer writes: no input becomes a line of its own.
    static const std::vector<std::string> properties = {"BEGIN:",
                                                        "END:",
                                                        "VERSION:",
                                                        "PRODID:",
                                                        "CALSCALE:",
                                                        "X-WR-CALNAME:",
                                                        "UID:",
                                                        "DTSTAMP",
                                                        "DTSTART",
                                                        "DTEND",
                                                        "SUMMARY:",
                                                        "LOCATION:",
                                                        "DESCRIPTION:",
                                                        "URL:",
                                                        "TZID:",
                                                        "TZOFFSETFROM:",
                                                        "TZOFFSETTO:",
                                                        "TZNAME:",
                                                        "RRULE:",
                                                        "X-LIC-LOCATION:",
                                                        "X-PUBLISHED-TTL:",
                                                        "REFRESH-INTERVAL"};
    for (std::size_t start = 1; start < unfolded.size();) {
      const auto end = unfolded.find('\n', start);
      const std::string line = unfolded.substr(start, end == std::string::npos ? std::string::npos : end - start);
      bool known = false;
      for (const auto& p : properties) known |= line.starts_with(p);
      require(known);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> fields;
  for (std::size_t start = 0;;) {
    const auto nul = input.find('\0', start);
    fields.push_back(input.substr(start, nul == std::string::npos ? std::string::npos : nul - start));
    if (nul == std::string::npos) break;
    start = nul + 1;
  }
  // The writers' inputs are valid UTF-8: the loader refuses any other text.
  for (auto& f : fields) {
    check_urls(f);
    if (portal::text::invalid_utf8_offset(f) != std::string::npos) f.clear();
    check_text(f);
  }
  check_outputs(fields);
  return 0;
}
