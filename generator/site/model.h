// The typed model of every kind of content document, with the fields docs/content-format.md lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "date.h"
#include "fields.h"

namespace portal {

enum class Kind { home, page, agreement, meeting, notes, paper, dhr, bulletin, event };
const char* kind_name(Kind k);

struct PageData {
  bool menu = false;
  std::int64_t weight = 0;
};

struct Priority {
  Located<std::string> id;
  std::string name;
  std::vector<Located<std::string>> formerly;
  std::vector<std::string> includes;
};

struct CrossCuttingTheme {
  Located<std::string> id;
  std::string name;
};

struct Lead {
  Located<std::string> priority;
  std::string lead;
};

struct Change {
  std::string version;  // defaults to the agreement's own version
  std::string date;     // as the version-control table gives it, e.g. "April 2018"
  std::string change;
};

struct Assessment {
  std::string issue;
  std::int64_t count = 0;
};

struct AgreementData {
  std::string version;
  Located<Date> effective;
  std::optional<Located<std::string>> supersedes;
  std::vector<Located<std::string>> plans;
  std::vector<Priority> priorities;
  std::vector<CrossCuttingTheme> themes;
  std::vector<Lead> leads;
  std::vector<Change> changes;
  std::vector<Assessment> assessments;
  // False when the body does not hold the agreement's full text (only what
  // other papers record of it), so its text is not compared with others.
  bool full_text = true;

  // The name this agreement gives priority or theme `id` (a theme's, should
  // both use the id); nullptr when it has neither.
  [[nodiscard]] const std::string* name_of(std::string_view id) const;
};

struct AgendaItem {
  std::optional<Located<std::string>> code;
  std::string title;
  std::optional<Located<std::string>> paper;  // file name in the meeting's folder
  std::string pages;
  std::optional<Located<std::string>> minutes_of;
  bool restricted = false;
  Pos pos;
};

// What a meeting's agenda items are taken from: the printed agenda, the
// minute headings of its notes when the record holds no agenda, or only the
// items its held papers are filed under.
enum class AgendaFrom { agenda, notes, papers };

struct MeetingData {
  Located<Date> date;
  std::string venue;
  AgendaFrom agenda_from = AgendaFrom::agenda;
  std::vector<AgendaItem> items;
};

struct NotesData {
  std::vector<std::string> present;
  std::vector<std::string> in_attendance;
};

struct PaperData {
  std::optional<Located<std::string>> item;
  std::vector<std::string> authors;
  std::string classification;
};

struct DhrData {
  std::string pseudonym;
  std::optional<std::int64_t> year;
  std::optional<Located<Date>> published;
  std::string summary_pdf;
};

struct BulletinData {
  Located<Date> date;
};

struct EventData {
  Located<Date> start;
  std::optional<Located<Date>> end;
  std::string location;
  // Whether the record says it is held online; absent when it does not say.
  std::optional<bool> online;
};

using KindData = std::variant<std::monostate, PageData, AgreementData, MeetingData, NotesData, PaperData, DhrData,
                              BulletinData, EventData>;

struct Document {
  Kind kind = Kind::page;
  std::string path;     // relative to the source folder: "content/meetings/2020-03-18/notes.md"
  std::string slug;     // file stem, or the meeting's folder name for a meeting
  std::string meeting;  // for meetings, notes and papers: the meeting folder name ("2020-03-18")
  std::string url;      // "/meetings/2020-03-18/notes/"
  Located<std::string> title;
  bool draft = false;
  bool restricted = false;
  std::vector<Located<std::string>> priorities;
  std::string summary;
  // Words of the text that belong to the printed pack and mean nothing on the
  // web ("please click here" with no link, "Tea/Coffee will be available …"):
  // kept as the record has them, marked on the page as the printed pack's.
  std::vector<Located<std::string>> printed_only;
  std::string source;  // text, or an address (urls.h looks_like_url)
  // Front-matter fields whose value is an `@/` link to a file under content/
  // (`source`, a review's `summary_pdf`): checked like the links of the text.
  struct FieldLink {
    std::string key;
    std::string url;
    Pos pos;
  };
  std::vector<FieldLink> field_links;
  std::string body;  // Markdown
  int body_first_line = 1;
  KindData data;

  // The document's date for "in force" and publication: its date,
  // published, start, or its meeting's date (filled in by the site).
  std::optional<Date> date;

  template <class T>
  [[nodiscard]] const T* as() const {
    return std::get_if<T>(&data);
  }
  template <class T>
  [[nodiscard]] T* as() {
    return std::get_if<T>(&data);
  }
};

// A minute of a meeting's notes, as real minutes write its heading:
// "239. Kent Community Safety Agreement Update (Item B1)".
struct MinuteHeading {
  std::string number;  // "239", or empty when the heading has none
  std::string code;    // "B1"
};
std::optional<MinuteHeading> minute_heading(std::string_view heading_text);

// The agenda items of `meeting` a paper belongs to: the item it is filed under
// (its `item = "B1"`) and any item that names its file (`paper = "b1.md"`). A
// paper is withheld when any of them is restricted.
std::vector<const AgendaItem*> agenda_items_of(const MeetingData& meeting, const Document& paper);
// The item a paper's page and its search entry name: the one it is filed
// under when it says one, else the first that names its file.
const AgendaItem* agenda_item_of(const MeetingData& meeting, const Document& paper);

// Reads the front matter of a document whose kind the path has already decided.
// Diagnostics use the `front-matter` rule. Never fails: a partly read document
// comes back with what could be read, and the errors stop the build.
// With `schema`, every field it reads is noted there too.
Document read_document(Kind kind, const toml::table& front_matter, int first_line, const std::string& path,
                       Diagnostics& diags, FieldSchema* schema = nullptr);

// The fields a document of `kind` takes, in the order the loader reads them:
// read_document() itself, noting what it asks for.
FieldSchema fields_of(Kind kind);

}  // namespace portal
