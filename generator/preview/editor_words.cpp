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
      {"date", {"Date", ""}},
      {"summary", {"Summary", "One sentence. It appears in lists, the feed, the e-mail and search results."}},
      {"priorities", {"Priorities", ""}},
      {"source",
       {"Source",
        "Where the text comes from: the original document's name, its web address, or a page of the portal written @/ "
        "and its file, e.g. @/agreements/2024-04.md."}},
      {"restricted", {"Restricted: never published, not even as a title", ""}},
      {"menu", {"Show in the site's menu", ""}},
      {"weight", {"Place in the menu", "A whole number: pages with smaller numbers come first."}},
      {"start", {"Starts", "The day, and the time if the event has one (24-hour clock, e.g. 14:00)."}},
      {"end", {"Ends", "Leave empty for an event of one day or with no set end."}},
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
