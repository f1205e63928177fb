// The pages the portal makes itself: the home page's lists, section indexes,
// priority and plan pages, and the search page.
#include <algorithm>
#include <numeric>
#include <set>

#include "chart.h"
#include "page_builder.h"

namespace portal::detail {

namespace {

// Union-find over priority ids, so that renamed ids tell one story.
class IdGroups {
 public:
  std::string find(const std::string& id) {
    auto it = parent_.find(id);
    if (it == parent_.end()) {
      parent_[id] = id;
      return id;
    }
    if (it->second == id) return id;
    const std::string root = find(it->second);
    parent_[id] = root;
    return root;
  }
  void join(const std::string& a, const std::string& b) {
    const auto ra = find(a), rb = find(b);
    if (ra != rb) parent_[rb] = ra;
  }

 private:
  std::map<std::string, std::string> parent_;
};

int day_of(const Document& d) { return d.date ? d.date->day_number() : 0; }

}  // namespace

void PageBuilder::build_stories() {
  // Published agreements, oldest first.
  std::vector<std::size_t> agreements;
  for (std::size_t i : site_.agreements)
    if (site_.published[i]) agreements.push_back(i);
  IdGroups groups;
  for (std::size_t i : agreements) {
    const auto& a = *site_.documents[i].as<AgreementData>();
    for (const auto& p : a.priorities) {
      groups.find(p.id.value);
      for (const auto& f : p.formerly) groups.join(p.id.value, f.value);
    }
    for (const auto& t : a.themes) groups.find(t.id.value);
  }
  std::map<std::string, std::size_t> story_of_root;
  auto story_for = [&](const std::string& id) -> PriorityStory& {
    const auto root = groups.find(id);
    auto [it, inserted] = story_of_root.emplace(root, stories_.size());
    if (inserted) stories_.emplace_back();
    PriorityStory& story = stories_[it->second];
    if (std::find(story.ids.begin(), story.ids.end(), id) == story.ids.end()) story.ids.push_back(id);
    story_of_[id] = it->second;
    return story;
  };
  for (std::size_t i : agreements) {
    const Document& doc = site_.documents[i];
    const auto& a = *doc.as<AgreementData>();
    for (const auto& p : a.priorities) {
      for (const auto& f : p.formerly) story_for(f.value);
      std::string lead;
      for (const auto& l : a.leads)
        if (l.priority.value == p.id.value) lead = l.lead;
      story_for(p.id.value).versions.push_back({&doc, p.id.value, p.name, lead, false});
    }
    for (const auto& t : a.themes) story_for(t.id.value).versions.push_back({&doc, t.id.value, t.name, {}, true});
  }
  for (std::size_t i = 0; i < site_.documents.size(); ++i) {
    const Document& d = site_.documents[i];
    if (!site_.published[i]) continue;
    std::set<std::size_t> filed;
    for (const auto& p : d.priorities)
      if (const auto it = story_of_.find(p.value); it != story_of_.end()) filed.insert(it->second);
    for (std::size_t s : filed) stories_[s].documents.push_back(i);
  }
  for (auto& story : stories_) {
    std::stable_sort(story.documents.begin(), story.documents.end(), [&](std::size_t a, std::size_t b) {
      return day_of(site_.documents[b]) < day_of(site_.documents[a]);
    });
  }
}

map PageBuilder::entry(const std::string& from, const Document& d) {
  map e = link_to(from, d);
  e["date"] = d.date ? date_text(*d.date) : std::string();
  e["date_iso"] = d.date ? d.date->iso() : std::string();
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
      priorities.push_back(map{{"name", p.name}, {"url", rel(url, priority_url(p.id.value))}});
    for (const auto& t : a.themes)
      themes.push_back(map{{"name", t.name}, {"url", rel(url, priority_url(t.id.value))}});
    agreement["priorities"] = priorities;
    agreement["themes"] = themes;
    ctx["agreement_in_force"] = agreement;
  }
  const Document* latest_bulletin = nullptr;
  const Document* recent_meeting = nullptr;
  const Document* next_meeting = nullptr;
  array upcoming;
  std::vector<const Document*> events;
  for (std::size_t i = 0; i < site_.documents.size(); ++i) {
    const Document& d = site_.documents[i];
    if (!site_.published[i] || !d.date) continue;
    if (d.kind == Kind::bulletin && (!latest_bulletin || *latest_bulletin->date < *d.date)) latest_bulletin = &d;
    if (d.kind == Kind::meeting) {
      if (*d.date <= site_.today) {
        if (!recent_meeting || *recent_meeting->date < *d.date) recent_meeting = &d;
      } else if (!next_meeting || *d.date < *next_meeting->date) {
        next_meeting = &d;
      }
    }
    if (d.kind == Kind::event && site_.today <= *d.date) events.push_back(&d);
  }
  std::stable_sort(events.begin(), events.end(), [](const Document* a, const Document* b) { return *a->date < *b->date; });
  for (const Document* e : events) upcoming.push_back(entry(url, *e));
  if (latest_bulletin) ctx["latest_bulletin"] = entry(url, *latest_bulletin);
  if (recent_meeting) ctx["recent_meeting"] = entry(url, *recent_meeting);
  if (next_meeting) ctx["next_meeting"] = entry(url, *next_meeting);
  ctx["has_upcoming_events"] = !upcoming.empty();
  ctx["upcoming_events"] = upcoming;
}

void PageBuilder::add_meeting_neighbours(map& ctx, const Document& d) {
  const auto& meetings = meetings_;  // by path: folders are dates, so in date order
  const auto here = std::find_if(meetings.begin(), meetings.end(),
                                 [&](std::size_t i) { return &site_.documents[i] == &d; });
  if (here == meetings.end()) return;
  if (here != meetings.begin()) ctx["previous_meeting"] = link_to(d.url, site_.documents[*(here - 1)]);
  if (here + 1 != meetings.end()) ctx["next_meeting"] = link_to(d.url, site_.documents[*(here + 1)]);
  ctx["has_neighbours"] = meetings.size() > 1;
}

map PageBuilder::agreements_index() {
  const std::string url = "/agreements/";
  map ctx = base(url, "Community Safety Agreements", {});
  const Document* in_force = site_.agreement_in_force(site_.today, Site::Scope::published);
  auto indices = site_.published_of(Kind::agreement);
  std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
    return day_of(site_.documents[b]) < day_of(site_.documents[a]);
  });
  array entries;
  for (std::size_t i : indices) {
    const Document& d = site_.documents[i];
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
  const std::string url = "/meetings/";
  map ctx = base(url, "Meetings", {});
  auto indices = meetings_;  // gathered once a build
  std::reverse(indices.begin(), indices.end());  // newest first
  array years;
  int current = -1;
  array meetings;
  auto close_year = [&] {
    if (current >= 0) years.push_back(map{{"year", std::to_string(current)}, {"meetings", meetings}});
    meetings = array();
  };
  for (std::size_t i : indices) {
    const Document& d = site_.documents[i];
    const int year = d.date ? d.date->year : 0;
    if (year != current) {
      close_year();
      current = year;
    }
    map e = entry(url, d);
    e["has_notes"] = site_.find("content/meetings/" + d.meeting + "/notes.md") &&
                     site_.is_published(*site_.find("content/meetings/" + d.meeting + "/notes.md"));
    meetings.push_back(e);
  }
  close_year();
  ctx["years"] = years;
  ctx["has_years"] = !years.empty();
  return ctx;
}

map PageBuilder::events_index() {
  const std::string url = "/events/";
  map ctx = base(url, "Events", {});
  std::vector<const Document*> upcoming, past;
  for (std::size_t i : site_.published_of(Kind::event)) {
    const Document& d = site_.documents[i];
    (d.date && site_.today <= *d.date ? upcoming : past).push_back(&d);
  }
  std::stable_sort(upcoming.begin(), upcoming.end(), [](const Document* a, const Document* b) { return *a->date < *b->date; });
  std::stable_sort(past.begin(), past.end(), [](const Document* a, const Document* b) { return *b->date < *a->date; });
  array up, done;
  for (const Document* d : upcoming) up.push_back(entry(url, *d));
  for (const Document* d : past) done.push_back(entry(url, *d));
  ctx["upcoming"] = up;
  ctx["has_upcoming"] = !up.empty();
  ctx["past"] = done;
  ctx["has_past"] = !done.empty();
  ctx["calendar_url"] = rel(url, "/events/upcoming.ics");
  return ctx;
}

map PageBuilder::priority_page(const PriorityStory& story, const std::string& id) {
  const std::string url = priority_url(id);
  map ctx = base(url, story.latest_name(), {{"Priorities and themes", "/priorities/"}});
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
  if (id != story.versions.back().id) ctx["current_url"] = rel(url, priority_url(story.versions.back().id));
  array docs;
  for (std::size_t i : story.documents) {
    const Document& d = site_.documents[i];
    map e = entry(url, d);
    std::string filed_as;
    for (const auto& p : d.priorities)
      if (std::find(story.ids.begin(), story.ids.end(), p.value) != story.ids.end()) filed_as = p.value;
    e["filed_as"] = filed_as;
    docs.push_back(e);
  }
  ctx["documents"] = docs;
  ctx["has_documents"] = !docs.empty();
  return ctx;
}

map PageBuilder::priorities_index() {
  const std::string url = "/priorities/";
  map ctx = base(url, "Priorities and themes", {});
  array priorities, themes;
  std::vector<std::size_t> order(stories_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return stories_[a].latest_name() < stories_[b].latest_name(); });
  for (std::size_t s : order) {
    const auto& story = stories_[s];
    const auto& latest = story.versions.back();
    map row{{"name", story.latest_name()},
            {"url", rel(url, priority_url(latest.id))},
            {"since", latest.agreement->as<AgreementData>()->version},
            {"documents", static_cast<int>(story.documents.size())}};
    (story.theme() ? themes : priorities).push_back(row);
  }
  ctx["priority_list"] = priorities;
  ctx["theme_list"] = themes;
  return ctx;
}

map PageBuilder::plan_page(const Plan& plan) {
  const std::string url = "/plans/" + plan.id.value + "/";
  map ctx = base(url, plan.title, {{"Plans", "/plans/"}});
  ctx["owner"] = plan.owner;
  ctx["period"] = plan.period;
  ctx["plan_url"] = plan.url;
  array agreements;
  for (std::size_t i : site_.agreements) {
    if (!site_.published[i]) continue;
    const auto& a = *site_.documents[i].as<AgreementData>();
    if (std::any_of(a.plans.begin(), a.plans.end(), [&](const auto& p) { return p.value == plan.id.value; }))
      agreements.push_back(entry(url, site_.documents[i]));
  }
  ctx["agreements"] = agreements;
  ctx["has_agreements"] = !agreements.empty();
  return ctx;
}

map PageBuilder::plans_index() {
  const std::string url = "/plans/";
  map ctx = base(url, "Plans", {});
  std::vector<const Plan*> plans;
  for (const auto& p : site_.plans) plans.push_back(&p);
  std::stable_sort(plans.begin(), plans.end(), [](const Plan* a, const Plan* b) { return a->title < b->title; });
  array rows;
  for (const Plan* p : plans)
    rows.push_back(map{{"title", p->title}, {"owner", p->owner}, {"url", rel(url, "/plans/" + p->id.value + "/")}});
  ctx["plans"] = rows;
  return ctx;
}

map PageBuilder::search_page() {
  const std::string url = "/search/";
  map ctx = base(url, "Search", {});
  ctx["index_url"] = rel(url, "/search/index.json");
  ctx["script_url"] = rel(url, "/assets/search.js");
  return ctx;
}

}  // namespace portal::detail
