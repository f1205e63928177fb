// The pages the portal makes itself: the home page's lists, section indexes,
// priority and plan pages, and the search page.
#include <algorithm>
#include <numeric>
#include <set>
#include <sstream>

#include "chart.h"
#include "page_builder.h"
#include "search_kinds.h"
#include "sections.h"
#include "url_scheme.h"

namespace portal::detail {

namespace {

int day_of(const Document& d) { return d.date ? d.date->day_number() : 0; }

}  // namespace

map PageBuilder::entry(const std::string& from, const Document& d) {
  map e = link_to(from, d);
  e["date"] = d.date ? date_text(*d.date) : std::string();
  e["date_iso"] = d.date ? d.date->html_datetime() : std::string();
  e["summary"] = d.summary;
  e["kind"] = str(kind_name(d.kind));
  return e;
}

void PageBuilder::add_home_fields(map& ctx, const std::string& url) {
  if (const Document* in_force = site_.agreement_in_force(site_.today, Site::Scope::published)) {
    const auto& a = *in_force->as<AgreementData>();
    map agreement = link_to(url, *in_force);
    agreement["version"] = a.version;
    agreement["effective"] = date_text(a.effective.value);
    array priorities, themes;
    for (const auto& p : a.priorities)
      priorities.push_back(map{{"name", p.name}, {"url", rel(url, urls::priority(p.id.value))}});
    for (const auto& t : a.themes)
      themes.push_back(map{{"name", t.name}, {"url", rel(url, urls::priority(t.id.value))}});
    agreement["priorities"] = priorities;
    agreement["themes"] = themes;
    ctx["agreement_in_force"] = agreement;
  }
  const Document* latest_bulletin = nullptr;
  const Document* recent_meeting = nullptr;
  const Document* next_meeting = nullptr;
  array upcoming;
  std::vector<const Document*> events;
  for (std::size_t i = 0; i < site_.size(); ++i) {
    const Document& d = site_.document(i);
    if (!site_.published(i) || !d.date) continue;
    if (d.kind == Kind::bulletin && (!latest_bulletin || *latest_bulletin->date < *d.date)) latest_bulletin = &d;
    if (d.kind == Kind::meeting) {
      if (*d.date <= site_.today) {
        if (!recent_meeting || *recent_meeting->date < *d.date) recent_meeting = &d;
      } else if (!next_meeting || *d.date < *next_meeting->date) {
        next_meeting = &d;
      }
    }
    if (d.kind == Kind::event && site_.is_upcoming(d)) events.push_back(&d);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Document* a, const Document* b) { return *a->date < *b->date; });
  for (const Document* e : events) upcoming.push_back(entry(url, *e));
  if (latest_bulletin) ctx["latest_bulletin"] = entry(url, *latest_bulletin);
  if (recent_meeting) ctx["recent_meeting"] = entry(url, *recent_meeting);
  if (next_meeting) ctx["next_meeting"] = entry(url, *next_meeting);
  ctx["has_upcoming_events"] = !upcoming.empty();
  ctx["upcoming_events"] = upcoming;
}

void PageBuilder::add_meeting_neighbours(map& ctx, const Document& d) {
  const auto& meetings = meetings_;  // by path: folders are dates, so in date order
  const auto here =
      std::find_if(meetings.begin(), meetings.end(), [&](std::size_t i) { return &site_.document(i) == &d; });
  if (here == meetings.end()) return;
  if (here != meetings.begin()) ctx["previous_meeting"] = link_to(d.url, site_.document(*(here - 1)));
  if (here + 1 != meetings.end()) ctx["next_meeting"] = link_to(d.url, site_.document(*(here + 1)));
  ctx["has_neighbours"] = meetings.size() > 1;
}

map PageBuilder::agreements_index() {
  const std::string url = urls::agreements;
  map ctx = base(url, section_title(url), {});
  const Document* in_force = site_.agreement_in_force(site_.today, Site::Scope::published);
  auto indices = site_.published_of(Kind::agreement);
  std::stable_sort(indices.begin(), indices.end(),
                   [&](std::size_t a, std::size_t b) { return day_of(site_.document(b)) < day_of(site_.document(a)); });
  array entries;
  for (std::size_t i : indices) {
    const Document& d = site_.document(i);
    map e = entry(url, d);
    e["version"] = d.as<AgreementData>()->version;
    e["in_force"] = &d == in_force;
    entries.push_back(e);
  }
  ctx["entries"] = entries;
  ctx["has_entries"] = !entries.empty();
  return ctx;
}

map PageBuilder::meetings_index() {
  const std::string url = urls::meetings;
  map ctx = base(url, section_title(url), {});
  auto indices = meetings_;                      // gathered once a build
  std::reverse(indices.begin(), indices.end());  // newest first
  array years;
  int current = -1;
  array meetings;
  auto close_year = [&] {
    if (current >= 0) years.push_back(map{{"year", std::to_string(current)}, {"meetings", meetings}});
    meetings = array();
  };
  for (std::size_t i : indices) {
    const Document& d = site_.document(i);
    const int year = d.date ? d.date->year : 0;
    if (year != current) {
      close_year();
      current = year;
    }
    map e = entry(url, d);
    e["held"] = record_held(d);
    meetings.push_back(e);
  }
  close_year();
  ctx["years"] = years;
  ctx["has_years"] = !years.empty();
  ctx["decisions_register"] = rel(url, urls::decisions);
  return ctx;
}

map PageBuilder::events_index() {
  const std::string url = urls::events;
  map ctx = base(url, section_title(url), {});
  std::vector<const Document*> upcoming, past;
  for (std::size_t i : site_.published_of(Kind::event)) {
    const Document& d = site_.document(i);
    (site_.is_upcoming(d) ? upcoming : past).push_back(&d);
  }
  std::stable_sort(upcoming.begin(), upcoming.end(),
                   [](const Document* a, const Document* b) { return *a->date < *b->date; });
  std::stable_sort(past.begin(), past.end(), [](const Document* a, const Document* b) { return *b->date < *a->date; });
  array up, done;
  for (const Document* d : upcoming) up.push_back(entry(url, *d));
  for (const Document* d : past) done.push_back(entry(url, *d));
  ctx["upcoming"] = up;
  ctx["has_upcoming"] = !up.empty();
  ctx["past"] = done;
  ctx["has_past"] = !done.empty();
  ctx["calendar_url"] = rel(url, urls::events_calendar);
  return ctx;
}

map PageBuilder::priority_page(const PriorityStory& story, const std::string& id) {
  const std::string url = urls::priority(id);
  map ctx = base(url, story.latest_name(), {{section_title(urls::priorities), urls::priorities}});
  ctx["is_theme"] = story.theme();
  // Renamed ids: say what it was and what it became.
  std::vector<std::string> names;
  array versions;
  for (const auto& v : story.versions) {
    if (names.empty() || names.back() != v.name) names.push_back(v.name);
    map row = link_to(url, *v.agreement);
    row["version"] = v.agreement->as<AgreementData>()->version;
    row["effective"] = date_text(v.agreement->as<AgreementData>()->effective.value);
    row["name"] = v.name;
    row["lead"] = v.lead;
    row["has_lead"] = !v.lead.empty();
    versions.push_back(row);
  }
  ctx["versions"] = versions;
  ctx["renamed"] = names.size() > 1;
  array also;
  for (const auto& other : story.ids)
    if (other != story.versions.back().id) also.push_back(other);
  ctx["former_ids"] = also;
  ctx["current_id"] = story.versions.back().id;
  ctx["is_former"] = id != story.versions.back().id;
  if (id != story.versions.back().id) ctx["current_url"] = rel(url, urls::priority(story.versions.back().id));
  array docs;
  for (std::size_t i : story.documents) {
    const Document& d = site_.document(i);
    map e = entry(url, d);
    std::string filed_as;
    for (const auto& p : d.priorities)
      if (std::find(story.ids.begin(), story.ids.end(), p.value) != story.ids.end()) filed_as = p.value;
    e["filed_as"] = filed_as;
    docs.push_back(e);
  }
  ctx["documents"] = docs;
  ctx["has_documents"] = !docs.empty();
  array mentions;
  for (std::size_t i : story.mentions) mentions.push_back(entry(url, site_.document(i)));
  ctx["mentions"] = mentions;
  ctx["has_mentions"] = !mentions.empty();
  add_priority_decisions(ctx, story, url);
  return ctx;
}

map PageBuilder::priorities_index() {
  const std::string url = urls::priorities;
  map ctx = base(url, section_title(url), {});
  array priorities, themes;
  std::vector<std::size_t> order(told_.stories.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return told_.stories[a].latest_name() < told_.stories[b].latest_name();
  });
  for (std::size_t s : order) {
    const auto& story = told_.stories[s];
    const auto& latest = story.versions.back();
    map row{{"name", story.latest_name()},
            {"url", rel(url, urls::priority(latest.id))},
            {"since", latest.agreement->as<AgreementData>()->version},
            {"documents", story.documents.size() == 1 ? std::string("1 document")
                                                      : std::to_string(story.documents.size()) + " documents"}};
    (story.theme() ? themes : priorities).push_back(row);
  }
  ctx["priority_list"] = priorities;
  ctx["theme_list"] = themes;
  return ctx;
}

map PageBuilder::plan_page(const Plan& plan) {
  const std::string url = urls::plan(plan.id.value);
  map ctx = base(url, plan.title, {{section_title(urls::plans), urls::plans}});
  ctx["owner"] = plan.owner;
  ctx["period"] = plan.period;
  ctx["plan_url"] = plan.url;
  array agreements;
  for (std::size_t i : site_.agreements) {
    if (!site_.published(i)) continue;
    const auto& a = *site_.document(i).as<AgreementData>();
    if (std::any_of(a.plans.begin(), a.plans.end(), [&](const auto& p) { return p.value == plan.id.value; })) {
      map e = entry(url, site_.document(i));
      const std::string& printed = plan.title_in(site_.document(i).slug);
      e["printed_as"] = printed == plan.title ? std::string() : printed;
      const array quotes = plan_quotes(url, i, printed);
      e["quotes"] = quotes;
      e["has_quotes"] = !quotes.empty();
      agreements.push_back(e);
    }
  }
  ctx["agreements"] = agreements;
  ctx["has_agreements"] = !agreements.empty();
  return ctx;
}

// What an agreement's text says of a plan: each line (a paragraph or a list
// item) that names it as the agreement prints it, with the section it is in.
array PageBuilder::plan_quotes(const std::string& url, std::size_t agreement, const std::string& printed) const {
  array quotes;
  const Document& d = site_.document(agreement);
  const auto& headings = site_.body(agreement).headings;
  std::size_t heading = 0;  // the next of the text's headings, in order
  const Heading* section = nullptr;
  std::string lead_in;  // the paragraph a list follows ("… plans and strategies including:")
  std::istringstream lines(d.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with('#')) {
      if (heading < headings.size()) section = &headings[heading++];
      lead_in.clear();
      continue;
    }
    std::string words = text::trim(line);
    const bool item = words.starts_with("- ") || words.starts_with("* ");
    if (!item && !words.empty()) lead_in = words;
    if (line.find(printed) == std::string::npos) continue;
    if (item) words = text::trim(words.substr(2));
    map quote{{"words", words}, {"lead_in", item && lead_in.ends_with(':') ? lead_in : std::string()}};
    if (section) quote["section"] = map{{"title", section->text}, {"url", rel(url, d.url) + "#" + section->id}};
    quotes.push_back(std::move(quote));
  }
  return quotes;
}

map PageBuilder::plans_index() {
  const std::string url = urls::plans;
  map ctx = base(url, section_title(url), {});
  std::vector<const Plan*> plans;
  for (const auto& p : site_.plans) plans.push_back(&p);
  std::stable_sort(plans.begin(), plans.end(), [](const Plan* a, const Plan* b) { return a->title < b->title; });
  array rows;
  for (const Plan* p : plans)
    rows.push_back(map{{"title", p->title}, {"owner", p->owner}, {"url", rel(url, urls::plan(p->id.value))}});
  ctx["plans"] = rows;
  return ctx;
}

map PageBuilder::search_page() {
  const std::string url = urls::search;
  map ctx = base(url, "Search", {});
  ctx["search_page"] = true;  // its own box, not the header's
  ctx["meta_url"] = rel(url, urls::search_meta);
  ctx["root_url"] = rel(url, "/");
  ctx["script_url"] = rel(url, urls::search_script);
  // The filters' values, as the index has them (search_kinds.h).
  array kinds, priorities, years;
  for (const auto& k : search::kinds()) kinds.push_back(map{{"id", str(k.id)}, {"label", str(k.label)}});
  std::vector<const PriorityStory*> stories;
  for (const auto& story : told_.stories) stories.push_back(&story);
  std::stable_sort(stories.begin(), stories.end(),
                   [](const PriorityStory* a, const PriorityStory* b) { return a->latest_name() < b->latest_name(); });
  for (const PriorityStory* story : stories)
    priorities.push_back(map{{"id", story->current_id()}, {"name", story->latest_name()}});
  std::set<int, std::greater<>> dated;
  for (std::size_t i = 0; i < site_.size(); ++i)
    if (site_.released(i) && site_.document(i).kind != Kind::home && site_.document(i).date)
      dated.insert(site_.document(i).date->year);
  for (int year : dated) years.push_back(std::to_string(year));
  ctx["search_kinds"] = kinds;
  ctx["search_priorities"] = priorities;
  ctx["search_years"] = years;
  return ctx;
}

}  // namespace portal::detail
