#include <algorithm>
#include <set>

#include "check_rules.h"
#include "decisions.h"
#include "text.h"

namespace portal {

namespace {

std::vector<std::string> codes_of(const MeetingData& m) {
  std::vector<std::string> codes;
  for (const auto& item : m.items)
    if (item.code) codes.push_back(item.code->value);
  return codes;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const std::string& otherwise) {
  const auto guess = text::closest(word, candidates);
  return guess.empty() ? otherwise : "did you mean " + guess + "?";
}

// The `(Item X)` reference at the end of a minute heading, and its column.
struct ItemReference {
  std::string code;
  int column = 0;
};

std::optional<ItemReference> item_reference(const Document& notes, const Heading& h) {
  const auto minute = minute_heading(h.text);
  if (!minute) return std::nullopt;
  ItemReference ref;
  ref.code = minute->code;
  // Point at "(Item" in the source line when it can be found there.
  ref.column = h.pos.column;
  const int index = h.pos.line - notes.body_first_line;
  std::size_t start = 0;
  for (int i = 0; i < index && start != std::string::npos; ++i) {
    start = notes.body.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (index >= 0 && start != std::string::npos) {
    const auto end = notes.body.find('\n', start);
    const std::string line = notes.body.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (const auto at = line.rfind("(Item"); at != std::string::npos) ref.column = text::line_col_at(line, at).column;
  }
  return ref;
}

}  // namespace

void check_meetings(const Site& site, Diagnostics& diags) {
  std::set<std::string> named_papers;  // "content/meetings/<folder>/<file>"
  for (std::size_t i = 0; i < site.size(); ++i) {
    const Document& d = site.document(i);
    const auto* m = d.as<MeetingData>();
    if (!m) continue;
    const std::string folder = meeting_file(d.meeting);
    for (const auto& item : m->items) {
      if (item.paper) {
        named_papers.insert(folder + item.paper->value);
        const std::string& file = item.paper->value;
        if (file.find('/') != std::string::npos || file.find('\\') != std::string::npos || file.starts_with(".")) {
          diags.error(d.path, item.paper->pos, "missing-paper",
                      "`paper` must name a file in this meeting's folder, not \"" + file + "\"",
                      "move the paper into " + folder + " and write only its file name");
        } else if (!site.paper_of(d, item)) {
          std::vector<std::string> papers;
          for (const auto& other : site.documents())
            if (other.kind == Kind::paper && other.meeting == d.meeting) papers.push_back(other.slug + ".md");
          diags.error(d.path, item.paper->pos, "missing-paper",
                      "the paper \"" + item.paper->value + "\" is not in " + folder,
                      did_you_mean(item.paper->value, papers,
                                   "add the paper's Markdown file to the meeting's folder, or remove `paper`"));
        }
      }
      if (item.minutes_of) {
        const std::string& target = item.minutes_of->value;
        const auto it = site.meeting_by_folder.find(target);
        if (it == site.meeting_by_folder.end()) {
          std::vector<std::string> folders;
          for (const auto& [name, index] : site.meeting_by_folder)
            if (name < d.meeting) folders.push_back(name);
          const std::string also_later =
              target < d.meeting ? "" : ", and that date is not earlier than this meeting of " + d.meeting;
          diags.error(d.path, item.minutes_of->pos, "minutes-of",
                      "`minutes_of` names " + target + ", but there is no meeting of that date" + also_later,
                      did_you_mean(target, folders, "name the folder of an earlier meeting, e.g. \"2019-10-08\""));
        } else if (!(target < d.meeting)) {
          diags.error(d.path, item.minutes_of->pos, "minutes-of",
                      "`minutes_of` names " + target + ", which is not earlier than this meeting of " + d.meeting,
                      "a meeting approves the notes of an earlier meeting: check the date");
        }
      }
    }
  }

  for (const Document& d : site.documents()) {
    if (d.kind != Kind::paper && d.kind != Kind::notes) continue;
    const Document* meeting = site.meeting_of(d);
    if (!meeting) continue;  // reported when the site was loaded
    const auto codes = codes_of(*meeting->as<MeetingData>());
    const std::string agenda = meeting->path;
    if (const auto* p = d.as<PaperData>()) {
      if (p->item && std::find(codes.begin(), codes.end(), p->item->value) == codes.end())
        diags.error(d.path, p->item->pos, "unknown-item",
                    "item \"" + p->item->value + "\" is not on the agenda in " + agenda,
                    did_you_mean(p->item->value, codes, "use the code of an agenda item, e.g. \"B1\""));
      // A draft paper may wait for its place on the agenda.
      if (!named_papers.count(d.path) && !d.draft)
        diags.warning(d.path, {1, 1}, "orphan-paper", "no agenda item of " + agenda + " names this paper",
                      "add `paper = \"" + d.slug + ".md\"` to its agenda item");
    } else {
      check_minutes(site, site.by_path.at(d.path), diags);
    }
  }
}

void check_minutes(const Site& site, std::size_t index, Diagnostics& diags) {
  const Document& d = site.document(index);
  const Document* meeting = site.meeting_of(d);
  if (d.kind != Kind::notes || !meeting) return;
  const auto codes = codes_of(*meeting->as<MeetingData>());
  for (const auto& h : site.body(index).headings) {
    const auto ref = item_reference(d, h);
    if (!ref || std::find(codes.begin(), codes.end(), ref->code) != codes.end()) continue;
    diags.error(d.path, {h.pos.line, ref->column}, "unknown-item",
                "the minute refers to item " + ref->code + ", which is not on the agenda in " + meeting->path,
                did_you_mean(ref->code, codes, "correct the item reference, or add the item to the agenda"));
  }
  check_resolutions(site, index, diags);
}

void check_resolutions(const Site& site, std::size_t index, Diagnostics& diags) {
  for (const Decision& decision : decisions_in(site, index)) {
    if (decision.item) continue;
    const Resolution& r = *decision.resolution;
    diags.warning(site.document(index).path, r.pos, "decision-item",
                  r.heading.empty()
                      ? "this resolution follows no minute's heading, so no agenda item can be tied to it"
                      : "this resolution is under \"" + r.heading + "\", which names no item of the agenda",
                  "put it under its minute's heading, written as the notes print it: ## 239. Title (Item B1), with "
                  "the item on the meeting's agenda");
  }
}

void check_dhrs(const Site& site, Diagnostics& diags) {
  for (const Document& d : site.documents()) {
    const auto* dhr = d.as<DhrData>();
    if (!dhr) continue;
    if (text::is_blank(dhr->pseudonym))
      diags.error(d.path, {1, 1}, "dhr-metadata", "the review has no `pseudonym`",
                  "add pseudonym = \"...\" as the published summary names the victim");
    if (!dhr->published) {
      diags.error(d.path, {1, 1}, "dhr-metadata", "the review has no `published` date",
                  "add published = YYYY-MM-DD, the date the executive summary was published");
    } else if (site.today < dhr->published->value.last_possible()) {
      diags.error(d.path, dhr->published->pos, "dhr-metadata",
                  "`published` is " + dhr->published->value.long_form() + ", which is in the future",
                  "a review is listed only once it has been published: correct the date");
    }
  }
}

}  // namespace portal
