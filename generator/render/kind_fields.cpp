// The fields each kind of document adds to its page's context: an agreement's
// versions, priorities and plans, a meeting's agenda, the notes' attendance, a
// paper's agenda item, a review's summary, an event's times.
#include <algorithm>
#include <map>
#include <variant>

#include "chart.h"
#include "feeds.h"
#include "history_view.h"
#include "page_builder.h"
#include "url_scheme.h"
#include "urls.h"

namespace portal::detail {

namespace {

// The lambdas given, as one: std::visit calls the one for the kind of data held.
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};

array leads_of(const AgreementData& a) {
  array leads;
  for (const auto& l : a.leads) {
    const std::string* name = a.name_of(l.priority.value);
    leads.push_back(map{{"priority", name ? *name : l.priority.value}, {"lead", l.lead}});
  }
  return leads;
}

array changes_of(const AgreementData& a) {
  array changes;
  for (const auto& c : a.changes)
    changes.push_back(map{{"version", c.version}, {"date", c.date}, {"change", c.change}});
  return changes;
}

// The issues local partnerships named in their assessments, as a table and,
// when there are any, as a chart.
void add_assessments(map& ctx, const AgreementData& a) {
  array assessments;
  for (const auto& as : a.assessments)
    assessments.push_back(map{{"issue", as.issue}, {"count", static_cast<int>(as.count)}});
  ctx["assessments"] = assessments;
  ctx["has_assessments"] = !assessments.empty();
  if (!a.assessments.empty()) {
    std::vector<Bar> bars;
    for (const auto& as : a.assessments) bars.push_back({as.issue, as.count});
    ctx["assessment_chart"] =
        bar_chart_svg("assessments-chart", "Issues named by local community safety partnerships",
                      "Bar chart of how many local community safety partnerships named each issue in their strategic "
                      "assessments, as in the table that follows.",
                      bars);
  }
}

}  // namespace

void PageBuilder::add_kind_fields(map& ctx, const Document& d) {
  std::visit(Overloaded{[&](const AgreementData& a) { add_agreement_fields(ctx, d, a); },
                        [&](const MeetingData& m) { add_meeting_fields(ctx, d, m); },
                        [&](const NotesData& n) { add_notes_fields(ctx, d, n); },
                        [&](const PaperData& p) { add_paper_fields(ctx, d, p); },
                        [&](const DhrData& dhr) { add_dhr_fields(ctx, d, dhr); },
                        [&](const EventData& e) { add_event_fields(ctx, d, e); },
                        // Pages and bulletins have no fields beyond every document's.
                        [](const auto&) {}},
             d.data);
}

void PageBuilder::add_agreement_fields(map& ctx, const Document& d, const AgreementData& a) {
  const std::string& url = d.url;
  ctx["version"] = a.version;
  ctx["effective"] = date_text(a.effective.value);
  ctx["effective_iso"] = a.effective.value.iso();
  const Document* in_force = site_.agreement_in_force(site_.today, Site::Scope::published);
  ctx["in_force"] = in_force == &d;
  add_agreement_versions(ctx, d);
  const array priorities = agreement_priorities(url, a);
  ctx["agreement_priorities"] = priorities;
  ctx["has_agreement_priorities"] = !priorities.empty();
  array themes;
  for (const auto& t : a.themes)
    themes.push_back(map{{"id", t.id.value}, {"name", t.name}, {"priority_url", rel(url, urls::priority(t.id.value))}});
  ctx["themes"] = themes;
  ctx["has_themes"] = !themes.empty();
  const array leads = leads_of(a);
  ctx["leads"] = leads;
  ctx["has_leads"] = !leads.empty();
  const array plans = agreement_plans(d, a);
  ctx["plans"] = plans;
  ctx["has_plans"] = !plans.empty();
  const array changes = changes_of(a);
  ctx["changes"] = changes;
  ctx["has_changes"] = !changes.empty();
  add_assessments(ctx, a);
}

// The agreement this one supersedes and the one that supersedes it, each
// with the page of the changes between the two.
void PageBuilder::add_agreement_versions(map& ctx, const Document& d) {
  const std::string& url = d.url;
  if (const Document* prev = superseded(d)) {
    ctx["supersedes"] = link_to(url, *prev);
    ctx["changes_url"] = rel(url, comparison_url(d));
    ctx["changes_from_version"] = prev->as<AgreementData>()->version;
  }
  for (std::size_t i = 0; i < site_.size(); ++i) {
    const Document& other = site_.document(i);
    if (other.kind == Kind::agreement && site_.published(i) && superseded(other) == &d) {
      ctx["superseded_by"] = link_to(url, other);
      ctx["next_changes_url"] = rel(url, comparison_url(other));
      ctx["next_version"] = other.as<AgreementData>()->version;
    }
  }
}

array PageBuilder::agreement_priorities(const std::string& url, const AgreementData& a) const {
  array priorities;
  for (const auto& p : a.priorities) {
    array includes;
    for (const auto& inc : p.includes) includes.push_back(inc);
    array formerly;
    for (const auto& f : p.formerly) formerly.push_back(priority_name(f.value));
    priorities.push_back(map{{"id", p.id.value},
                             {"name", p.name},
                             {"priority_url", rel(url, urls::priority(p.id.value))},
                             {"includes", includes},
                             {"has_includes", !includes.empty()},
                             {"formerly", formerly},
                             {"has_formerly", !formerly.empty()}});
  }
  return priorities;
}

std::string PageBuilder::priority_name(const std::string& id) const {
  // The name the newest published agreement that defines `id` gives it.
  std::string name = id;
  const Date* newest = nullptr;
  for (std::size_t i = 0; i < site_.size(); ++i) {
    const auto* a = site_.document(i).as<AgreementData>();
    if (!a || !site_.published(i) || (newest && a->effective.value < *newest)) continue;
    if (const std::string* named = a->name_of(id)) name = *named, newest = &a->effective.value;
  }
  return name;
}

array PageBuilder::agreement_plans(const Document& d, const AgreementData& a) const {
  array plans;
  for (const auto& id : a.plans) {
    const Plan* it = site_.plan(id.value);
    if (!it) continue;
    plans.push_back(map{{"id", it->id.value},
                        {"title", it->title_in(d.slug)},
                        {"plan_page", rel(d.url, urls::plan(it->id.value))},
                        {"owner", it->owner},
                        {"url", it->url},
                        {"has_url", !it->url.empty()},
                        {"period", it->period}});
  }
  return plans;
}

void PageBuilder::add_meeting_fields(map& ctx, const Document& d, const MeetingData& m) {
  const std::string& url = d.url;
  ctx["date"] = date_text(m.date.value);
  ctx["weekday"] = m.date.value.weekday();
  ctx["time"] = m.date.value.time_of_day();
  ctx["datetime"] = m.date.value.iso_datetime();
  ctx["venue"] = m.venue;
  const Document* notes = site_.notes_of(d);
  if (notes && !site_.is_published(*notes)) notes = nullptr;
  auto minutes = item_minutes(url, notes);
  array items;
  for (const auto& item : m.items) {
    map row{{"code", item.code ? item.code->value : std::string()},
            {"title", item.title},
            {"pages", item.pages},
            {"restricted", item.restricted}};
    if (!item.restricted)
      if (const Document* p = site_.paper_of(d, item); p && site_.is_published(*p)) row["paper"] = link_to(url, *p);
    if (item.minutes_of) {
      if (const Document* earlier = site_.meeting(item.minutes_of->value); earlier && site_.is_published(*earlier))
        row["minutes_of"] = link_to(url, *earlier);
    }
    if (item.code && minutes.count(item.code->value)) row["minute"] = minutes[item.code->value];
    items.push_back(row);
  }
  ctx["items"] = items;
  ctx["has_items"] = !items.empty();
  if (notes) ctx["notes"] = link_to(url, *notes);
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
  if (const Document* meeting = site_.meeting_of(d)) {
    ctx["meeting"] = link_to(d.url, *meeting);
    ctx["body"] = with_minute_papers(d, *meeting, site_.body(site_.by_path.at(d.path)));
  }
}

// The notes' text with, after each minute's heading, a link to the paper of
// the agenda item it records, where that paper is published.
std::string PageBuilder::with_minute_papers(const Document& notes, const Document& meeting,
                                            const RenderedMarkdown& body) const {
  std::string html = body.html;
  const auto* agenda = meeting.as<MeetingData>();
  for (const auto& h : body.headings) {
    const auto minute = minute_heading(h.text);
    if (!minute) continue;
    const Document* paper = nullptr;
    for (const auto& item : agenda->items)
      if (item.code && item.code->value == minute->code && item.paper && !item.restricted)
        paper = site_.paper_of(meeting, item);
    if (!paper || !site_.is_published(*paper)) continue;
    const std::string open = "<h" + std::to_string(h.level) + " id=\"" + text::html_escape(h.id) + "\">";
    const auto at = html.find(open);
    const auto close = at == std::string::npos ? at : html.find("</h" + std::to_string(h.level) + ">", at);
    if (close == std::string::npos) continue;
    html.insert(close + 5, "\n<p class=\"minute-paper\">Paper for item " + text::html_escape(minute->code) +
                               ": <a href=\"" + rel(notes.url, paper->url) + "\">" +
                               text::html_escape(paper->title.value) + "</a></p>");
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
      ctx["has_item"] = true;
    }
  }
  array authors;
  for (const auto& author : p.authors) authors.push_back(author);
  ctx["authors"] = authors;
  ctx["has_authors"] = !authors.empty();
  ctx["classification"] = p.classification;
}

void PageBuilder::add_dhr_fields(map& ctx, const Document& d, const DhrData& dhr) {
  ctx["pseudonym"] = dhr.pseudonym;
  ctx["year"] = dhr.year ? std::to_string(*dhr.year) : std::string();
  ctx["published"] = dhr.published ? date_text(dhr.published->value) : std::string();
  ctx["published_iso"] = dhr.published ? dhr.published->value.html_datetime() : std::string();
  ctx["summary_pdf"] = field_href(d.url, dhr.summary_pdf);
}

void PageBuilder::add_event_fields(map& ctx, const Document& d, const EventData& e) {
  ctx["start"] = date_text(e.start.value);
  ctx["start_time"] = e.start.value.time_of_day();
  ctx["start_iso"] = e.start.value.html_datetime();
  if (e.end) {
    ctx["has_end"] = true;
    ctx["end"] = date_text(e.end->value);
    ctx["end_time"] = e.end->value.time_of_day();
    ctx["end_iso"] = e.end->value.html_datetime();
    ctx["same_day"] = e.end->value == e.start.value;
  }
  ctx["location"] = e.location;
  ctx["online"] = e.online.value_or(false);
  ctx["in_person"] = e.online.has_value() && !*e.online;
  ctx["calendar_url"] = rel(d.url, event_calendar_url(d));
  ctx["upcoming"] = site_.is_upcoming(d);  // a past event is no longer offered for a calendar
}

}  // namespace portal::detail
