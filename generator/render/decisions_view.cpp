// Decisions as pages show them: the list on a meeting's and a paper's page,
// the register of every decision across meetings (by year, and by priority
// where the record tags one), and the list on a priority's page. Each quotes
// the notes' words and links to its minute's paragraph.
#include <algorithm>

#include "page_builder.h"
#include "sections.h"

namespace portal::detail {

map PageBuilder::decision_row(const std::string& from, const Decision& decision, bool show_meeting) const {
  const Document& notes = site_.document(decision.notes);
  const Resolution& r = *decision.resolution;
  map row{{"words", r.words},
          {"url", rel(from, notes.url) + (r.id.empty() ? "" : "#" + r.id)},
          {"label", decision.minute.empty() ? "In the notes" : "Minute " + decision.minute}};
  if (decision.meeting) {
    if (show_meeting) {
      row["meeting_title"] = decision.meeting->title.value;
      row["meeting_url"] = rel(from, decision.meeting->url);
    }
    if (decision.item) {
      row["item_code"] = decision.code;
      row["item_title"] = decision.item->title;
      row["item_url"] = item_href(from, *decision.meeting, *decision.item);
      row["restricted"] = decision.item->restricted;
    }
  }
  if (decision.paper) row["paper"] = link_to(from, *decision.paper);
  array tags;
  for (const auto& id : decision.priorities)
    if (told_.story_of.count(id))
      tags.push_back(
          map{{"name", told_.stories[told_.story_of.at(id)].latest_name()}, {"url", rel(from, urls::priority(id))}});
  row["has_priorities"] = !tags.empty();
  row["priorities"] = tags;
  return row;
}

void PageBuilder::add_decisions(map& ctx, const std::string& from, const std::vector<Decision>& decisions,
                                bool show_meeting) {
  array rows;
  for (const auto& decision : decisions) rows.push_back(decision_row(from, decision, show_meeting));
  ctx["decisions"] = rows;
  ctx["has_decisions"] = !rows.empty();
  ctx["decisions_register"] = rel(from, urls::decisions);
}

// The decisions of a meeting's published notes, or of the items a paper is filed under.
std::vector<Decision> PageBuilder::decisions_of(const Document& d) const {
  std::vector<Decision> out;
  const Document* meeting = d.kind == Kind::meeting ? &d : site_.meeting_of(d);
  const Document* notes = meeting ? published_notes(*meeting) : nullptr;
  if (!notes) return out;
  const auto items =
      d.kind == Kind::paper ? agenda_items_of(*meeting->as<MeetingData>(), d) : std::vector<const AgendaItem*>{};
  for (auto& decision : decisions_in(site_, site_.by_path.at(notes->path)))
    if (d.kind == Kind::meeting || std::find(items.begin(), items.end(), decision.item) != items.end())
      out.push_back(std::move(decision));
  return out;
}

// The id of a meeting's decisions in the register ("meeting-2019-10-08").
std::string PageBuilder::register_anchor(const Document& meeting) { return "meeting-" + meeting.meeting; }

map PageBuilder::decisions_register() {
  const std::string url = urls::decisions;
  map ctx = base(url, section_title(url), {{section_title(urls::meetings), urls::meetings}});
  array years, meetings, rows;
  int year = -1, in_year = 0;
  const Document* meeting = nullptr;
  auto close_meeting = [&] {
    if (meeting)
      meetings.push_back(map{{"title", meeting->title.value},
                             {"url", rel(url, meeting->url)},
                             {"anchor", register_anchor(*meeting)},
                             {"decisions", rows}});
    rows = array();
  };
  auto close_year = [&] {
    close_meeting();
    if (year >= 0)
      years.push_back(map{{"year", std::to_string(year)}, {"count", std::to_string(in_year)}, {"meetings", meetings}});
    meetings = array();
    in_year = 0;
  };
  std::map<std::string, int> tagged;
  const auto decisions = published_decisions(site_);
  for (const auto& decision : decisions) {
    const int y = decision.meeting && decision.meeting->date ? decision.meeting->date->year : 0;
    if (y != year) close_year(), year = y, meeting = nullptr;
    if (decision.meeting != meeting) close_meeting(), meeting = decision.meeting;
    rows.push_back(decision_row(url, decision, false));
    ++in_year;
    for (const auto& id : decision.priorities)
      if (told_.story_of.count(id)) ++tagged[told_.stories[told_.story_of.at(id)].current_id()];
  }
  close_year();
  array by_priority;
  for (const auto& [id, count] : tagged)
    by_priority.push_back(map{{"name", told_.stories[told_.story_of.at(id)].latest_name()},
                              {"url", rel(url, urls::priority(id)) + "#decisions"},
                              {"count", std::to_string(count)}});
  ctx["years"] = years;
  ctx["has_years"] = !years.empty();
  ctx["count"] = std::to_string(decisions.size());
  ctx["by_priority"] = by_priority;
  ctx["has_by_priority"] = !by_priority.empty();
  return ctx;
}

// The decisions the record tags with any of a priority's ids, newest first.
void PageBuilder::add_priority_decisions(map& ctx, const PriorityStory& story, const std::string& url) {
  std::vector<Decision> about;
  for (auto& decision : published_decisions(site_))
    if (std::any_of(decision.priorities.begin(), decision.priorities.end(), [&](const std::string& id) {
          return std::find(story.ids.begin(), story.ids.end(), id) != story.ids.end();
        }))
      about.push_back(std::move(decision));
  add_decisions(ctx, url, about, true);
}

}  // namespace portal::detail
