#include "search_entries.h"

#include "decisions.h"

#include <algorithm>
#include <optional>
#include <set>

#include "compare.h"
#include "decisions.h"
#include "history_view.h"
#include "markdown.h"
#include "parallel.h"
#include "search_kinds.h"
#include "sections.h"
#include "text.h"
#include "url_scheme.h"

namespace portal::search {

namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

// A fact as a page's list of facts shows it: "Venue: Sessions House".
void fact(TextBuilder& t, std::string_view label, const std::string& value) {
  if (text::is_blank(value)) return;
  t.line(std::string(label) + ": " + value);
}

std::string site_path(const std::string& url) { return text::encode_url_path(url.substr(1)); }

// A story's priority filter value, and those of the documents filed under it.
std::vector<std::size_t> filed_under(const Site& site, const Document& d, const PriorityStories& stories) {
  std::set<std::size_t> out;
  for (const auto& id : site.tags_of(d))
    if (const auto it = stories.story_of.find(id); it != stories.story_of.end()) out.insert(it->second);
  return {out.begin(), out.end()};
}

const Document* meeting_of(const Site& site, const Document& d) {
  const Document* m = site.meeting_of(d);
  return m && site.is_released(*m) ? m : nullptr;  // released, as the index holds: never a draft
}

void agreement_facts(TextBuilder& t, const Site& site, const Document& d, const AgreementData& a) {
  fact(t, "Version", a.version);
  fact(t, "Effective from", a.effective.value.long_form());
  if (!d.summary.empty()) t.line(d.summary);
  t.end_facts();
  if (!a.priorities.empty()) {
    t.heading("County priorities", site.theme_ids.section("priorities"));
    for (const auto& p : a.priorities) {
      t.heading(p.name, "");  // a heading of the page, without an id of its own
      if (!p.includes.empty()) t.line("Includes: " + join(p.includes, "; "));
    }
  }
  if (!a.themes.empty()) {
    t.heading("Cross-cutting themes", site.theme_ids.section("themes"));
    for (const auto& th : a.themes) t.line(th.name);
  }
  if (!a.leads.empty()) {
    t.heading("Leads", site.theme_ids.section("leads"));
    for (const auto& l : a.leads) {
      const std::string* name = a.name_of(l.priority.value);
      t.line((name ? *name : l.priority.value) + ": " + l.lead);
    }
  }
  if (!a.plans.empty()) {
    t.heading("Links to plans", site.theme_ids.section("plans"));
    for (const auto& id : a.plans) {
      const Plan* it = site.plan(id.value);
      if (!it) continue;
      t.line(it->title_in(d.slug) + " – " + it->owner + (it->period.empty() ? "" : " (" + it->period + ")"));
    }
  }
  if (!a.assessments.empty()) {
    t.heading("Strategic assessments", site.theme_ids.section("assessments"));
    for (const auto& as : a.assessments) t.line(as.issue + ": " + std::to_string(as.count));
  }
  if (!a.changes.empty()) {
    t.heading("Version control", site.theme_ids.section("changes"));
    for (const auto& c : a.changes) t.line(join({c.version, c.date, c.change}, " "));
  }
}

void meeting_facts(TextBuilder& t, const Site& site, const Document& d, const MeetingData& m) {
  const auto& date = m.date.value;
  fact(t, "Date",
       date.weekday() + " " + date.long_form() + (date.time_of_day().empty() ? "" : ", " + date.time_of_day()));
  fact(t, "Venue", m.venue);
  if (!d.summary.empty()) t.line(d.summary);
  t.end_facts();
  bool any = false;
  for (const auto& item : m.items) {
    // A restricted item's title is on the printed agenda, but nothing else
    // of it is published: the index keeps nothing of it at all.
    if (item.restricted) continue;
    if (!any) t.heading("Agenda", site.theme_ids.section("items"));
    any = true;
    t.line(join({item.code ? item.code->value : std::string(), item.title,
                 item.pages.empty() ? std::string() : "pages " + item.pages},
                " "));
  }
}

void paper_facts(TextBuilder& t, const Site& site, const Document& d, const PaperData& p) {
  if (const Document* m = meeting_of(site, d)) {
    fact(t, "Meeting", m->title.value);
    if (const AgendaItem* item = agenda_item_of(*m->as<MeetingData>(), d))
      fact(t, "Agenda item",
           (item->code ? item->code->value + ": " : std::string()) + item->title +
               (item->pages.empty() ? "" : " (pages " + item->pages + ")"));
  }
  fact(t, "By", join(p.authors, "; "));
  fact(t, "Classification", p.classification);
}

// The facts and attendance of a document neither an agreement nor a meeting:
// the meeting it belongs to, a review's details, an event's time and place.
void other_facts(TextBuilder& t, const Site& site, const Document& d) {
  if (const auto* p = d.as<PaperData>()) paper_facts(t, site, d, *p);
  if (d.kind == Kind::notes)
    if (const Document* held = meeting_of(site, d)) fact(t, "Meeting", held->title.value);
  if (const auto* r = d.as<DhrData>()) {
    fact(t, "Pseudonym", r->pseudonym);
    if (r->year) fact(t, "Year", std::to_string(*r->year));
    if (r->published) fact(t, "Published", r->published->value.long_form());
  }
  if (const auto* ev = d.as<EventData>()) {
    fact(t, "When",
         ev->start.value.long_form() +
             (ev->start.value.time_of_day().empty() ? "" : ", " + ev->start.value.time_of_day()));
    fact(t, "Where", ev->location);
    if (ev->online.value_or(false)) t.line("Online: yes, this event is held online");
  } else if (d.date && d.kind != Kind::paper) {
    fact(t, "Date", d.date->long_form());
  }
  if (!d.summary.empty()) t.line(d.summary);
  t.end_facts();
  if (const auto* n = d.as<NotesData>()) {
    if (!n->present.empty()) {
      t.heading("Attendance", site.theme_ids.section("present"));
      t.line("Present: " + join(n->present, "; "));
      if (!n->in_attendance.empty()) t.line("In attendance: " + join(n->in_attendance, "; "));
    }
  }
}

// The released document `i` of the site.
Entry document_entry(const Site& site, const PriorityStories& stories, std::size_t i) {
  const Document& d = site.document(i);
  Entry e;
  e.url = site_path(d.url);
  e.title = d.title.value;
  e.kind = kind_index(d.kind);
  if (d.date) {
    e.year = d.date->year;
    e.date = d.date->long_form();
  }
  e.priorities = filed_under(site, d, stories);
  // An agenda lists the titles of papers and minutes, which answer better.
  if (d.kind == Kind::meeting) e.boost = 0.8;
  TextBuilder t;
  if (const auto* a = d.as<AgreementData>()) {
    agreement_facts(t, site, d, *a);
  } else if (const auto* m = d.as<MeetingData>()) {
    meeting_facts(t, site, d, *m);
  } else {
    other_facts(t, site, d);
  }
  if (!e.priorities.empty()) {
    std::vector<std::string> names;
    for (std::size_t s : e.priorities) names.push_back(stories.stories[s].latest_name());
    if (!names.empty()) t.line("Priorities and themes: " + join(names, "; "));
  }
  t.html(site.body(i).html);
  e.facts_end = t.facts_end();
  e.sections = t.sections();
  e.text = t.take_text();
  return e;
}

// Released documents, on `jobs` threads, in order.
void add_documents(std::vector<Entry>& out, const Site& site, const PriorityStories& stories, int jobs) {
  std::vector<std::optional<Entry>> documents(site.size());
  parallel_for(site.size(), jobs, [&](std::size_t i) {
    if (site.released(i)) documents[i] = document_entry(site, stories, i);
  });
  for (auto& e : documents)
    if (e) out.push_back(std::move(*e));
}

// The comparison of the released agreement `newer` with `older`, the one it supersedes.
Entry comparison_entry(const Document& newer, const Document& older) {
  const auto& n = *newer.as<AgreementData>();
  const auto& o = *older.as<AgreementData>();
  Entry e;
  e.url = site_path(comparison_url(newer));
  e.title = comparison_title(newer);
  e.kind = changes;
  e.year = n.effective.value.year;
  e.date = n.effective.value.long_form();
  e.boost = 0.7;  // the agreement itself answers most questions better
  TextBuilder t;
  t.line("How " + newer.title.value + " (version " + n.version + ", effective " + n.effective.value.long_form() +
         ") differs from " + older.title.value + " (version " + o.version + ", effective " +
         o.effective.value.long_form() + ").");
  t.end_facts();
  const auto c = compare_agreements(older, newer);
  auto named = [&](const char* heading, const std::vector<NamedChange>& list, const char* verb) {
    if (list.empty()) return;
    t.heading(heading, "");
    for (const auto& change : list)
      t.line(change.before.empty()  ? change.after
             : change.after.empty() ? change.before
                                    : change.before + verb + change.after);
  };
  named("Priorities renamed", c.priorities_renamed, " is now ");
  named("Priorities added", c.priorities_added, "");
  named("Priorities removed", c.priorities_removed, "");
  named("Cross-cutting themes reworded", c.themes_renamed, " is now ");
  named("Cross-cutting themes added", c.themes_added, "");
  named("Cross-cutting themes removed", c.themes_removed, "");
  if (!c.leads.empty()) {
    t.heading("Leads", "");
    auto or_none = [](const std::string& lead) { return lead.empty() ? std::string("None") : lead; };
    for (const auto& l : c.leads) t.line(l.priority + ": " + or_none(l.before) + " → " + or_none(l.after));
  }
  for (const auto& row : c.version_rows) t.line(join({row.version, row.date, row.change}, " "));
  MarkdownOptions plain;
  plain.anchors = false;
  for (const auto& change : c.text)
    if (change.kind != TextChange::Kind::kept) t.html(render_markdown(change.markdown, plain).html);
  e.facts_end = t.facts_end();
  e.sections = t.sections();
  e.text = t.take_text();
  return e;
}

// Comparisons of each released agreement with the one it supersedes.
void add_agreement_changes(std::vector<Entry>& out, const Site& site) {
  for (std::size_t i : site.agreements) {
    const Document& newer = site.document(i);
    const auto& n = *newer.as<AgreementData>();
    if (!site.released(i) || !n.supersedes) continue;
    const Document* older = site.find("content/agreements/" + n.supersedes->value + ".md");
    if (!older || !site.is_released(*older) || older->kind != Kind::agreement) continue;
    out.push_back(comparison_entry(newer, *older));
  }
}

// The current page of each priority and theme.
void add_priorities(std::vector<Entry>& out, const PriorityStories& stories) {
  for (std::size_t s = 0; s < stories.stories.size(); ++s) {
    const auto& story = stories.stories[s];
    Entry e;
    e.url = site_path(urls::priority(story.current_id()));
    e.title = story.latest_name();
    e.kind = priority;
    e.priorities = {s};
    TextBuilder t;
    t.line(story.theme() ? "A cross-cutting theme of the Kent Community Safety Agreement."
                         : "A priority of the Kent Community Safety Agreement.");
    t.end_facts();
    for (const auto& v : story.versions) {
      const auto& a = *v.agreement->as<AgreementData>();
      t.line("Version " + a.version + ", effective " + a.effective.value.long_form() + ": " + v.name +
             (v.theme ? "" : "; lead: " + (v.lead.empty() ? std::string("none") : v.lead)));
    }
    e.facts_end = t.facts_end();
    e.text = t.take_text();
    out.push_back(std::move(e));
  }
}

// Plans.
void add_plans(std::vector<Entry>& out, const Site& site) {
  for (const auto& p : site.plans) {
    Entry e;
    e.url = site_path(urls::plan(p.id.value));
    e.title = p.title;
    e.kind = plan;
    TextBuilder t;
    fact(t, "Owner", p.owner);
    fact(t, "Period", p.period);
    t.end_facts();
    e.facts_end = t.facts_end();
    e.text = t.take_text();
    out.push_back(std::move(e));
  }
}

// Each decision in released notes, as its own answer: its words, where its
// minute's paragraph is. Tagged as the index holds the record: by the notes,
// and by the item's paper where the index holds that too.
void add_decisions(std::vector<Entry>& out, const Site& site, const PriorityStories& stories) {
  for (const Decision& found : published_decisions(site)) {
    const Document& notes = site.document(found.notes);
    const Document* meeting = meeting_of(site, notes);
    if (!site.released(found.notes) || !meeting) continue;
    const Resolution& r = *found.resolution;
    const Document* paper = found.paper && site.is_released(*found.paper) ? found.paper : nullptr;
    Entry e;
    e.url = site_path(notes.url) + (r.id.empty() ? "" : "#" + r.id);
    // Its item's title is a fact, not its title: a search for the item finds the minute first.
    e.title = found.minute.empty() ? "A decision of " + meeting->title.value : "Decision of minute " + found.minute;
    e.kind = decision;
    e.boost = 0.5;  // its minute, whose heading names the item, answers a search for the item better
    if (meeting->date) {
      e.year = meeting->date->year;
      e.date = meeting->date->long_form();
    }
    std::set<std::size_t> filed;
    for (const Document* tagged : {&notes, paper})
      if (tagged)
        for (const std::size_t s : filed_under(site, *tagged, stories)) filed.insert(s);
    e.priorities.assign(filed.begin(), filed.end());
    TextBuilder t;
    fact(t, "Meeting", meeting->title.value);
    if (found.item) fact(t, "Item " + found.code, found.item->title);
    if (paper) fact(t, "Paper", paper->title.value);
    t.end_facts();
    t.line(r.words);
    e.facts_end = t.facts_end();
    e.text = t.take_text();
    out.push_back(std::move(e));
  }
}

// The section lists.
void add_section_lists(std::vector<Entry>& out) {
  for (const auto& list : kSectionLists) {
    Entry e;
    e.url = site_path(std::string(list.url));
    e.title = list.title;
    e.kind = other;
    TextBuilder t;
    if (!list.intro.empty()) t.line(list.intro);
    t.end_facts();
    e.facts_end = t.facts_end();
    e.text = t.take_text();
    out.push_back(std::move(e));
  }
}

}  // namespace

std::vector<Entry> entries(const Site& site, const PriorityStories& stories, int jobs) {
  std::vector<Entry> out;
  add_documents(out, site, stories, jobs);
  add_agreement_changes(out, site);
  add_priorities(out, stories);
  add_plans(out, site);
  add_decisions(out, site, stories);
  add_section_lists(out);
  // Titles and dates come from front matter: the loader refuses control characters, the index does not depend on it.
  for (auto& e : out) {
    text::strip_controls_in_place(e.title);
    text::strip_controls_in_place(e.date);
  }
  return out;
}

}  // namespace portal::search
