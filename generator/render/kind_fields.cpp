// The fields each kind of document adds to its page's context: an agreement's
// versions, priorities and plans, a review's summary, an event's times (a
// meeting's, its notes' and its papers' are in meeting_fields.cpp).
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
