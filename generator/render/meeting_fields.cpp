// The record's threads: a meeting's page says what the portal holds of it
// (agenda, papers, notes) and why an item has no paper; each item links to its
// paper and its minute, a paper to its item and minute, a minute to its item
// and paper, and notes to the meeting that took them as a record.
#include <algorithm>
#include <map>

#include "page_builder.h"
#include "text.h"

namespace portal::detail {

namespace {

// Why an item that is not restricted has no paper on this portal, in the
// record's terms: what the agenda says of it, else what the pack holds.
std::string why_no_paper(const MeetingData& m, const AgendaItem& item) {
  if (text::to_lower_ascii(item.title).find("verbal update") != std::string::npos) return "Verbal update: no paper";
  if (m.agenda_from != AgendaFrom::agenda) return "None held";
  if (!item.pages.empty()) return "In the printed pack; not held on this portal";
  return "No paper in the printed pack";
}

std::string held_agenda_text(AgendaFrom from) {
  switch (from) {
    case AgendaFrom::notes: return "Not held: the items below are the minute headings of the notes";
    case AgendaFrom::papers: return "Not held: the items below are those its papers are filed under";
    case AgendaFrom::agenda: break;
  }
  return "Held: the printed agenda, below";
}

}  // namespace

const Document* PageBuilder::published_notes(const Document& meeting) const {
  const Document* notes = site_.notes_of(meeting);
  return notes && site_.is_published(*notes) ? notes : nullptr;
}

std::string PageBuilder::item_href(const std::string& from, const Document& meeting, const AgendaItem& item) const {
  const std::string id = item.code ? site_.theme_ids.item_id(item.code->value) : std::string();
  if (from == meeting.url && !id.empty()) return "#" + id;  // on the meeting's own page
  return rel(from, meeting.url) + (id.empty() ? "" : "#" + id);
}

// What the portal holds of a meeting, in a few words: "agenda, 4 papers and notes".
std::string PageBuilder::record_held(const Document& meeting) const {
  const auto& m = *meeting.as<MeetingData>();
  std::vector<std::string> held;
  if (m.agenda_from == AgendaFrom::agenda) held.push_back("agenda");
  std::size_t papers = 0;
  for (const auto& item : m.items)
    if (const Document* p = item.restricted ? nullptr : site_.paper_of(meeting, item); p && site_.is_published(*p))
      ++papers;
  if (papers) held.push_back(std::to_string(papers) + (papers == 1 ? " paper" : " papers"));
  if (published_notes(meeting)) held.push_back("notes");
  return text::listed(held);
}

void PageBuilder::add_meeting_fields(map& ctx, const Document& d, const MeetingData& m) {
  ctx["date"] = date_text(m.date.value);
  ctx["weekday"] = m.date.value.weekday();
  ctx["time"] = m.date.value.time_of_day();
  ctx["datetime"] = m.date.value.iso_datetime();
  ctx["venue"] = m.venue;
  const Document* notes = published_notes(d);
  auto minutes = item_minutes(d.url, notes);
  array items;
  std::vector<std::string> with_paper;
  bool any_pages = false;
  for (const auto& item : m.items) {
    map row = agenda_row(d, m, item, minutes);
    if (row.count("paper_held")) with_paper.push_back(item.code ? item.code->value : item.title);
    any_pages = any_pages || !item.pages.empty();
    items.push_back(std::move(row));
  }
  ctx["items"] = items;
  ctx["has_items"] = !items.empty();
  ctx["has_pages"] = any_pages;
  ctx["agenda_held"] = held_agenda_text(m.agenda_from);
  ctx["papers_held"] = with_paper.empty() ? std::string("None held")
                                          : std::to_string(with_paper.size()) +
                                                (with_paper.size() == 1 ? " held, for item " : " held, for items ") +
                                                text::listed(with_paper);
  if (notes) ctx["notes"] = link_to(d.url, *notes);
  add_decisions(ctx, d.url, decisions_of(d), false);
}

map PageBuilder::agenda_row(const Document& meeting, const MeetingData& m, const AgendaItem& item,
                            std::map<std::string, map>& minutes) {
  const std::string& url = meeting.url;
  const std::string code = item.code ? item.code->value : std::string();
  map row{{"code", code},
          {"item_id", site_.theme_ids.item_id(code)},
          {"title", item.title},
          {"pages", item.pages},
          {"restricted", item.restricted}};
  if (minutes.count(code)) row["minute"] = minutes[code];
  if (item.restricted) return row;  // the template says why: not for publication
  if (const Document* p = site_.paper_of(meeting, item); p && site_.is_published(*p)) {
    row["paper"] = link_to(url, *p);
    row["paper_held"] = true;
    return row;
  }
  if (item.minutes_of)
    if (const Document* earlier = site_.meeting(item.minutes_of->value); earlier && site_.is_published(*earlier)) {
      const Document* notes = published_notes(*earlier);
      row["paper"] = link_to(url, notes ? *notes : *earlier);
      if (!notes) row["paper_note"] = str("the portal holds no notes of that meeting");
      return row;
    }
  row["no_paper"] = why_no_paper(m, item);
  return row;
}

// The minute that records each item, in this meeting's (published) notes, by item code.
std::map<std::string, map> PageBuilder::item_minutes(const std::string& url, const Document* notes) const {
  std::map<std::string, map> minutes;
  if (!notes) return minutes;
  for (const auto& h : site_.body(site_.by_path.at(notes->path)).headings) {
    const auto minute = minute_heading(h.text);
    if (!minute || minutes.count(minute->code)) continue;
    minutes[minute->code] = map{{"url", rel(url, notes->url) + "#" + h.id},
                                {"label", minute->number.empty() ? "Its minute" : "Minute " + minute->number}};
  }
  return minutes;
}

void PageBuilder::add_notes_fields(map& ctx, const Document& d, const NotesData& n) {
  array present, attendance;
  for (const auto& p : n.present) present.push_back(p);
  for (const auto& p : n.in_attendance) attendance.push_back(p);
  ctx["present"] = present;
  ctx["has_present"] = !present.empty();
  ctx["in_attendance"] = attendance;
  ctx["has_in_attendance"] = !attendance.empty();
  const Document* meeting = site_.meeting_of(d);
  if (!meeting) return;
  ctx["meeting"] = link_to(d.url, *meeting);
  ctx["body"] = with_minute_links(d, *meeting, site_.body(site_.by_path.at(d.path)));
  if (const std::size_t count = site_.body(site_.by_path.at(d.path)).resolutions.size())
    ctx["register"] = map{{"url", rel(d.url, urls::decisions) + "#" + register_anchor(*meeting)},
                          {"count", std::to_string(count) + (count == 1 ? " decision" : " decisions")}};
  // The later meetings whose agenda took these notes as an item.
  array presented;
  if (const auto found = presented_.find(meeting->meeting); found != presented_.end())
    for (const auto& [i, item] : found->second) {
      const Document& later = site_.document(i);
      presented.push_back(map{{"url", item_href(d.url, later, *item)},
                              {"title", later.title.value},
                              {"code", item->code ? item->code->value : std::string()}});
    }
  ctx["presented"] = presented;
  ctx["has_presented"] = !presented.empty();
}

// The notes' text with, after each minute's heading, a link to the agenda
// item it records and to that item's paper, where the portal holds one.
std::string PageBuilder::with_minute_links(const Document& notes, const Document& meeting,
                                           const RenderedMarkdown& body) const {
  std::string html = body.html;
  const auto* agenda = meeting.as<MeetingData>();
  for (const auto& h : body.headings) {
    const auto minute = minute_heading(h.text);
    if (!minute) continue;
    const auto item = std::find_if(agenda->items.begin(), agenda->items.end(),
                                   [&](const AgendaItem& it) { return it.code && it.code->value == minute->code; });
    if (item == agenda->items.end()) continue;
    std::string links = "Agenda item <a href=\"" + item_href(notes.url, meeting, *item) + "\">" +
                        text::html_escape(minute->code) + "</a>";
    if (const Document* paper = item->restricted ? nullptr : site_.paper_of(meeting, *item);
        paper && site_.is_published(*paper))
      links += "; its paper: <a href=\"" + rel(notes.url, paper->url) + "\">" + text::html_escape(paper->title.value) +
               "</a>";
    const std::string open = "<h" + std::to_string(h.level) + " id=\"" + text::html_escape(h.id) + "\">";
    const auto at = html.find(open);
    const auto close = at == std::string::npos ? at : html.find("</h" + std::to_string(h.level) + ">", at);
    if (close == std::string::npos) continue;
    html.insert(close + 5, "\n<p class=\"minute-links\">" + links + "</p>");
  }
  return html;
}

void PageBuilder::add_paper_fields(map& ctx, const Document& d, const PaperData& p) {
  if (const Document* meeting = site_.meeting_of(d)) {
    ctx["meeting"] = link_to(d.url, *meeting);
    if (const AgendaItem* item = agenda_item_of(*meeting->as<MeetingData>(), d)) {
      ctx["item_code"] = item->code ? item->code->value : std::string();
      ctx["item_title"] = item->title;
      ctx["item_pages"] = item->pages;
      ctx["item_url"] = item_href(d.url, *meeting, *item);
      ctx["has_item"] = true;
      add_paper_minute(ctx, d, *meeting, *item);
      add_decisions(ctx, d.url, decisions_of(d), false);
    }
  }
  array authors;
  for (const auto& author : p.authors) authors.push_back(author);
  ctx["authors"] = authors;
  ctx["has_authors"] = !authors.empty();
  ctx["classification"] = p.classification;
}

// The minute of the paper's item in its meeting's notes, or why there is none.
void PageBuilder::add_paper_minute(map& ctx, const Document& paper, const Document& meeting, const AgendaItem& item) {
  const Document* notes = published_notes(meeting);
  if (!notes) {
    ctx["no_minute"] = str("Not held: the portal holds no notes of this meeting");
    return;
  }
  auto minutes = item_minutes(paper.url, notes);
  if (item.code && minutes.count(item.code->value))
    ctx["minute"] = minutes[item.code->value];
  else
    ctx["no_minute"] = str("The notes of this meeting hold no minute of this item");
}

}  // namespace portal::detail
