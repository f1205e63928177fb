#include "editor_words.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace portal {

namespace {

struct Label {
  const char* label;
  const char* hint;
};

// How each field of the loader is put to a person. A field the loader reads
// that is not listed here still appears, named by its key.
const std::map<std::string, Label>& labels() {
  static const std::map<std::string, Label> l = {
      {"title", {"Title", "The heading of the page, as it appears in lists and the feed."}},
      {"date", {"Date", "For example 14 1 2027."}},
      {"summary", {"Summary", "One sentence. It appears in lists, the feed, the e-mail and search results."}},
      {"priorities", {"Priorities", ""}},
      {"source",
       {"Source",
        "Where the text comes from: the original document's name, its web address, or a page of the portal written @/ "
        "and its file, e.g. @/agreements/2024-04.md."}},
      {"restricted", {"Restricted: never publish this document", ""}},
      {"menu", {"Show in the site's menu", ""}},
      {"weight", {"Place in the menu", "A whole number: pages with smaller numbers come first."}},
      {"start",
       {"Starts",
        "The day, for example 14 1 2027, and the time if the event has one, on the 24-hour clock: 14 and "
        "00 for 2pm."}},
      {"end",
       {"Ends", "Leave empty for an event of one day or with no set end. Give a time only if the start has one."}},
      {"location", {"Location", "The venue as announced, or leave empty for an online event."}},
      {"online", {"Held online", ""}},
      {"pseudonym", {"Pseudonym", "The name the published summary uses for the victim."}},
      {"year", {"Year of the review", "Four digits, e.g. 2020."}},
      {"published", {"Published", "The day the executive summary was published."}},
      {"summary_pdf", {"Executive summary (PDF)", "Its web address, or @/ and its file under content/."}},
      {"item", {"Agenda item", "The code of its item on the meeting's agenda, e.g. B1."}},
      {"authors", {"Authors", "One a line."}},
      {"classification", {"Classification", "As printed on the paper, e.g. Unrestricted."}},
      {"present", {"Present", "One a line, as the minutes list them."}},
      {"in_attendance", {"In attendance", "One a line, as the minutes list them."}},
      {"venue", {"Venue", ""}},
      {"printed_only",
       {"Words only for the printed pack",
        "Words of the text that mean nothing on the web, such as \"please click here\" with no link: one a line, "
        "exactly as the text has them. They are kept, and marked as the printed pack's words."}},
      {"items_from",
       {"Agenda items taken from",
        "agenda (the printed agenda, the default), notes (the minute headings, when no agenda is held) or papers "
        "(only the items the held papers are filed under)."}},
      {"version", {"Version", ""}},
      {"effective", {"In force from", ""}},
  };
  return l;
}

}  // namespace

std::string label_of(const std::string& key) {
  const auto it = labels().find(key);
  if (it != labels().end()) return it->second.label;
  std::string out = key;
  std::replace(out.begin(), out.end(), '_', ' ');
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string hint_of(const std::string& key) {
  const auto it = labels().find(key);
  return it == labels().end() ? std::string() : it->second.hint;
}

namespace {

// What a field asks for, as "Enter …" finishes the sentence.
std::string what_to_enter(const std::string& key) {
  static const std::map<std::string, std::string> nouns = {{"title", "a title"},
                                                           {"date", "the date"},
                                                           {"start", "the day it starts"},
                                                           {"end", "the day it ends"},
                                                           {"effective", "the day it comes into force"},
                                                           {"published", "the day it was published"},
                                                           {"pseudonym", "the pseudonym"},
                                                           {"year", "the year of the review"},
                                                           {"version", "the version"},
                                                           {"item", "the agenda item's code"}};
  const auto it = nouns.find(key);
  return it != nouns.end() ? it->second : "\"" + label_of(key) + "\"";
}

bool is_date_field(const std::string& key) {
  return key == "date" || key == "start" || key == "end" || key == "effective" || key == "published";
}

// The checks of a text that speak of its Markdown, in words about what the person sees.
std::optional<PlainWords> text_rule_words(const Diagnostic& d) {
  if (d.rule == "image-alt")
    return PlainWords{"A picture has no description for people who cannot see it",
                      "Write what it shows between its square brackets, ![like this](…), or add it again with "
                      "\"Add a picture\", which asks for it."};
  if (d.rule == "link-text")
    return PlainWords{"The words of a link do not say where it leads",
                      "Use words that name the page, e.g. \"the April 2020 agreement\", not \"click here\"."};
  if (d.rule == "heading-order" && d.message.find("level-1") != std::string::npos)
    return PlainWords{"A heading in the text starts with one #, as only the page's title may",
                      "Start it with ## instead."};
  if (d.rule == "heading-order")
    return PlainWords{"A heading skips a level, so a screen reader's list of headings has a gap", d.hint};
  return std::nullopt;
}

}  // namespace

std::optional<PlainWords> plain_words(const Diagnostic& d) {
  const std::string label = "\"" + label_of(d.field) + "\"";
  switch (d.problem) {
    case FieldProblem::none: return text_rule_words(d);
    case FieldProblem::missing:
    case FieldProblem::empty: return PlainWords{"Enter " + what_to_enter(d.field), ""};
    case FieldProblem::wrong_type:
    case FieldProblem::not_a_date:
    case FieldProblem::bad_entry:
      if (is_date_field(d.field))
        return PlainWords{"Enter " + what_to_enter(d.field) + " as a real date", "For example 14 1 2027."};
      return PlainWords{label + " is not in a form the portal can read", "Write it again, or correct it in the text."};
    case FieldProblem::time_not_allowed: return PlainWords{label + " takes a day only, without a time", ""};
    case FieldProblem::time_zone: return PlainWords{"Give the time in UK time, without a time zone", ""};
    case FieldProblem::not_one_of: return PlainWords{"Choose one of the options for " + label, ""};
    case FieldProblem::unprintable:
      return PlainWords{label + " holds a character no page can show", "Delete the text and type it again."};
    case FieldProblem::bad_address:
      return PlainWords{label + " must be a web address that starts with https://, or a page of this site",
                        "Copy the address from the browser's address bar."};
    case FieldProblem::end_unlike_start:
      return PlainWords{"Give the end a time if the start has one, and none if the start has none", ""};
    case FieldProblem::end_before_start: return PlainWords{"The end must be after the start", ""};
    case FieldProblem::unknown_key:
      return PlainWords{"The file has a field \"" + d.field + "\" the portal does not know",
                        "Correct its name in the text, or remove it."};
    case FieldProblem::unlikely_date: return PlainWords{d.message, d.hint};
  }
  return std::nullopt;
}

const char* plural_kind(Kind k) {
  switch (k) {
    case Kind::bulletin: return "E-bulletins";
    case Kind::event: return "Events";
    case Kind::page: return "Pages";
    case Kind::home: return "Home page";
    case Kind::meeting: return "Meetings";
    case Kind::paper: return "Meeting papers";
    case Kind::notes: return "Meeting notes";
    case Kind::dhr: return "Domestic Homicide Reviews";
    case Kind::agreement: return "Community Safety Agreements";
  }
  return "Documents";
}

const char* singular_kind(Kind k) {
  switch (k) {
    case Kind::bulletin: return "E-bulletin";
    case Kind::event: return "Event";
    case Kind::page: return "Page";
    case Kind::home: return "Home page";
    case Kind::meeting: return "Meeting";
    case Kind::paper: return "Meeting paper";
    case Kind::notes: return "Meeting notes";
    case Kind::dhr: return "Domestic Homicide Review";
    case Kind::agreement: return "Community Safety Agreement";
  }
  return "Document";
}

std::string state_of(const Site& site, const Document& d, const History* history) {
  if (d.restricted) return "Restricted";
  if (d.draft) return "Draft";
  const std::string why = withheld_because(site, d, Drafts::hide);
  if (why.starts_with("dated in the future")) return "Scheduled for " + d.date->long_form();
  if (!why.empty()) return "Not published: " + why;
  if (history && history->uncommitted.count(d.path)) return "Changed: saved, not yet published";
  return "Published";
}

bool not_yet_published(const std::string& state) {
  return state.starts_with("Draft") || state.starts_with("Changed") || state.starts_with("Scheduled");
}

}  // namespace portal
