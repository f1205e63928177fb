#include "scaffold.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "beneath.h"
#include "content_tree.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "model.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

const std::map<std::string, std::vector<std::string>>& scaffold_options() {
  static const std::map<std::string, std::vector<std::string>> options = {
      {"bulletin", {"--date", "--name"}},
      {"meeting", {"--date", "--time"}},
      {"paper", {"--meeting", "--name", "--item", "--title"}},
      {"dhr", {"--pseudonym", "--year", "--date"}},
      {"event", {"--title", "--date", "--time", "--name"}},
      {"page", {"--name", "--title"}},
  };
  return options;
}

namespace {

bool is_slug(const std::string& s) {
  if (s.empty() || s.front() == '-' || s.back() == '-') return false;
  for (char c : s)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
      return false;
  return true;
}

std::string option(const ScaffoldRequest& r, const std::string& name) {
  const auto it = r.options.find(name);
  return it == r.options.end() ? std::string() : it->second;
}

// Writes `text` to source/relative only if no such file exists, never
// following a link in the site's folder (a linked content/events would lead
// the new file outside the site).
ScaffoldResult create(const SourceDir& source, const fs::path& relative, const std::string& text) {
  const std::string path = relative.generic_string();
  const auto existing = read_beneath(source, path);
  if (existing) return fail(path + " already exists; it was left as it is (choose another date or name)");
  if (!existing.failure().missing()) return existing.failure();
  if (auto made = make_folders_beneath(source, relative.parent_path().generic_string()); !made) return made.failure();
  // IfExists::refuse: fail rather than replace a file that appeared in the meantime.
  if (auto written = write_beneath_atomically(source, path, text, IfExists::refuse); !written) return written.failure();
  return relative;
}

// --date, today when it is not given.
Result<Date> date_option(const ScaffoldRequest& r) {
  const std::string value = option(r, "--date");
  if (value.empty()) return r.today;
  if (auto d = parse_iso_date(value)) return *d;
  return fail("--date must be a real date written YYYY-MM-DD, not \"" + value + "\"");
}

// A file name from a title: its letters and digits in lower case, the rest hyphens.
std::string slug_from(const std::string& title) {
  std::string slug;
  for (const char ch : title) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c))
      slug += static_cast<char>(std::tolower(c));
    else if (!slug.empty() && slug.back() != '-')
      slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.substr(0, 60);
}

std::string title_from(const std::string& slug) {
  std::string t;
  for (const char c : slug)
    if (c != '-')
      t += c;
    else if (!t.empty() && t.back() != ' ')
      t += ' ';
  if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
  return t;
}

// The codes of the agenda in a meeting's _index.md (`raw`, at `path`), read as the site loader reads them.
std::vector<std::string> agenda_codes(const std::string& raw, const std::string& path) {
  Diagnostics ignored;
  std::vector<std::string> codes;
  const auto file = source_from_bytes(raw, path, ignored);
  if (!file) return codes;
  const FrontMatter& fm = file->front_matter;
  const Document d = read_document(Kind::meeting, fm.table, fm.table_first_line, path, ignored);
  for (const auto& item : d.as<MeetingData>()->items)
    if (item.code) codes.push_back(item.code->value);
  return codes;
}

const char* kDraftNote =
    "\nWrite the text here, in Markdown. When it is ready to publish, delete the line\n"
    "`draft = true` above, run `portal check`, and build.\n";

// The same, for a person in the editor, who sees a form and buttons.
const char* kEditorNote =
    "\nWrite the text here, in place of these lines. Leave a blank line between paragraphs.\n\n"
    "It stays a draft, seen only here, until you choose \"Ready to publish\" below.\n";

const char* starter(const ScaffoldRequest& r) { return r.for_editor ? kEditorNote : kDraftNote; }

// content/bulletins/YYYY-MM.md, for the month of --date (today by default).
ScaffoldResult scaffold_bulletin(const SourceDir& source, const ScaffoldRequest& r) {
  const auto date = date_option(r);
  if (!date) return date.failure();
  // A second bulletin in one month is told apart by a name of its own.
  const std::string name = option(r, "--name");
  // A word, never digits alone: 2024-05-01 would read as a date.
  if (!name.empty() && (!is_slug(name) || std::none_of(name.begin(), name.end(), [](char c) { return c >= 'a'; })))
    return fail("--name must be the bulletin's name in lower case with hyphens, e.g. special-edition");
  char month[16];
  std::snprintf(month, sizeof month, "%04d-%02d", date->year, date->month);
  const std::string slug = name.empty() ? std::string(month) : std::string(month) + "-" + name;
  const std::string title = std::string("E-bulletin: ") + month_name(date->month) + " " + std::to_string(date->year) +
                            (name.empty() ? "" : ", " + title_from(name));
  return create(
      source, fs::path("content/bulletins") / (slug + ".md"),
      "+++\ntitle = " + toml_quoted(title) + "\ndate = " + date->iso() +
          "\nsummary = \"\"\npriorities = []          # ids of the agreement in force, e.g. \"domestic-abuse\"\n"
          "source = \"\"\ndraft = true\n+++\n" +
          starter(r));
}

// content/meetings/YYYY-MM-DD/_index.md, with the agenda's fields written out as comments.
ScaffoldResult scaffold_meeting(const SourceDir& source, const ScaffoldRequest& r) {
  const auto date = date_option(r);
  if (!date) return date.failure();
  std::string time = option(r, "--time");
  if (time.empty()) time = "10:00";
  if (!parse_time_of_day(time)) return fail("--time must be written HH:MM, e.g. 10:00, not \"" + time + "\"");
  const std::string title = "Kent Community Safety Partnership, " + date->long_form();
  return create(source, fs::path("content/meetings") / date->iso() / "_index.md",
                "+++\ntitle = " + toml_quoted(title) + "\ndate = " + date->iso() + "T" + time +
                    ":00\nvenue = \"\"\nsummary = \"\"\npriorities = []\nsource = \"\"\ndraft = true\n\n"
                    "# One [[items]] block for each agenda item, in order:\n"
                    "# [[items]]\n# code = \"A1\"\n# title = \"Apologies\"\n# pages = \"1-10\"\n"
                    "# paper = \"a1-paper.md\"          # a paper in this folder\n"
                    "# minutes_of = \"2020-03-18\"      # for the notes of an earlier meeting\n"
                    "# restricted = true              # the title is public; its paper never is\n+++\n" +
                    starter(r));
}

// A paper in an existing meeting's folder, filed under an item of its agenda when --item names one.
ScaffoldResult scaffold_paper(const SourceDir& source, const ScaffoldRequest& r) {
  const std::string meeting = option(r, "--meeting");
  const std::string name = option(r, "--name");
  if (!parse_iso_date(meeting)) return fail("--meeting must name a meeting by its date, YYYY-MM-DD");
  const std::string index = meeting_file(meeting, "_index.md");
  const auto agenda = read_beneath(source, index);
  if (!agenda && agenda.failure().missing())
    return fail("there is no meeting " + meeting + "; create it first with: portal new meeting --date " + meeting);
  if (!agenda) return agenda.failure();
  if (!is_slug(name) || name == "notes")
    return fail("--name must be the paper's file name in lower case with hyphens, e.g. b1-csa-update");
  const std::string item = option(r, "--item");
  if (!item.empty()) {
    const auto codes = agenda_codes(agenda->bytes, index);
    if (std::find(codes.begin(), codes.end(), item) == codes.end()) {
      std::string known;
      for (const auto& c : codes) known += (known.empty() ? "" : ", ") + c;
      return fail("item " + item + " is not on the agenda of " + meeting +
                  (known.empty() ? "; add it to the meeting's _index.md first" : " (its items: " + known + ")"));
    }
  }
  std::string title = option(r, "--title");
  if (title.empty()) title = title_from(name);
  return create(source, fs::path("content/meetings") / meeting / (name + ".md"),
                "+++\ntitle = " + toml_quoted(title) + "\n" +
                    (item.empty() ? std::string("# item = \"B1\"                 # its agenda item's code\n")
                                  : "item = " + toml_quoted(item) + "\n") +
                    "authors = []\nclassification = \"\"\nsummary = \"\"\npriorities = []\nsource = \"\"\n"
                    "draft = true\n+++\n" +
                    starter(r) + "Name it on the agenda: add `paper = \"" + name +
                    ".md\"` to its item in the meeting's page (_index.md).\n");
}

// content/dhr/<pseudonym>-<year>.md, a domestic homicide review's published summary.
ScaffoldResult scaffold_dhr(const SourceDir& source, const ScaffoldRequest& r) {
  const std::string pseudonym = option(r, "--pseudonym");
  const std::string year = option(r, "--year");
  if (pseudonym.empty()) return fail("--pseudonym is needed: the name the published summary uses");
  if (year.size() != 4 ||
      !std::all_of(year.begin(), year.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return fail("--year is needed: the review's year, e.g. 2020");
  const auto date = date_option(r);
  if (!date) return date.failure();
  const std::string slug = text::to_lower_ascii(pseudonym) + "-" + year;
  if (!is_slug(slug)) return fail("--pseudonym must be one word of letters, e.g. Diana");
  return create(source, fs::path("content/dhr") / (slug + ".md"),
                "+++\ntitle = " + toml_quoted("Domestic Homicide Review: " + pseudonym + " (" + year + ")") +
                    "\npseudonym = " + toml_quoted(pseudonym) + "\nyear = " + year + "\npublished = " + date->iso() +
                    "\nsummary_pdf = \"\"\nsummary = \"\"\npriorities = []\nsource = \"\"\ndraft = true\n+++\n" +
                    starter(r));
}

// content/events/YYYY-MM-DD-<name>.md, named from --title unless --name says.
ScaffoldResult scaffold_event(const SourceDir& source, const ScaffoldRequest& r) {
  const auto date = date_option(r);
  if (!date) return date.failure();
  const std::string title = text::trim(option(r, "--title"));
  if (title.empty()) return fail("--title is needed: the event's name as it is announced");
  std::string name = option(r, "--name");
  if (name.empty()) name = slug_from(title);
  while (name.size() > 1 && name.back() == '-') name.pop_back();
  if (!is_slug(name))
    return fail("--name must be the event's file name in lower case with hyphens, e.g. dhr-learning-webinar");
  const std::string time = option(r, "--time");
  if (!time.empty() && !parse_time_of_day(time))
    return fail("--time must be written HH:MM, e.g. 10:00, not \"" + time + "\"");
  return create(
      source, fs::path("content/events") / (date->iso() + "-" + name + ".md"),
      "+++\ntitle = " + toml_quoted(title) + "\nstart = " + date->iso() + (time.empty() ? "" : "T" + time + ":00") +
          "\nlocation = \"\"\nsummary = \"\"\npriorities = []\nsource = \"\"\ndraft = true\n+++\n" + starter(r));
}

// content/<name>.md, a page of its own.
ScaffoldResult scaffold_page(const SourceDir& source, const ScaffoldRequest& r) {
  const std::string name = option(r, "--name");
  if (!is_slug(name)) return fail("--name must be the page's address in lower case with hyphens, e.g. privacy");
  std::string title = option(r, "--title");
  if (title.empty()) title = title_from(name);
  return create(source, fs::path("content") / (name + ".md"),
                "+++\ntitle = " + toml_quoted(title) +
                    "\nmenu = false\nweight = 0\nsummary = \"\"\npriorities = []\nsource = \"\"\ndraft = true\n+++\n" +
                    starter(r));
}

}  // namespace

ScaffoldResult scaffold(const fs::path& source, const ScaffoldRequest& r) {
  const SourceDir dir(source);
  if (!dir) return dir.opened().failure();
  return scaffold(dir, r);
}

ScaffoldResult scaffold(const SourceDir& source, const ScaffoldRequest& r) {
  if (r.kind == "bulletin") return scaffold_bulletin(source, r);
  if (r.kind == "meeting") return scaffold_meeting(source, r);
  if (r.kind == "paper") return scaffold_paper(source, r);
  if (r.kind == "dhr") return scaffold_dhr(source, r);
  if (r.kind == "event") return scaffold_event(source, r);
  if (r.kind == "page") return scaffold_page(source, r);
  return fail("portal new makes a bulletin, event, meeting, paper, dhr or page, not \"" + r.kind + "\"");
}

}  // namespace portal
