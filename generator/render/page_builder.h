// The builder of every page's template context, shared by the files that make
// the document pages (pages.cpp, with each kind's own fields in kind_fields.cpp)
// and the generated ones (page_lists.cpp).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <mstch/mstch.hpp>

#include "decisions.h"
#include "git_history.h"
#include "priority_stories.h"
#include "site.h"
#include "text.h"
#include "url_scheme.h"

namespace portal::detail {

using mstch::array;
using mstch::map;

inline std::string str(std::string s) { return s; }

inline const std::string kNotFound = urls::not_found;

// One page to render: its URL, template, and the function that builds its
// context, all but the text it shows.
struct PageJob {
  std::string url;
  std::string template_name;
  std::function<map()> context;
  // The HTML of the text the page shows, or null: its context's "body" when
  // the context gives none of its own (minutes give theirs, with links to the
  // agenda items they record), put there only for a page drawn. A page kept
  // from the last build is keyed by it (page_key), never copied.
  const std::string* body = nullptr;

  // `body`, when `ctx` (made by `context`) has no "body" of its own.
  [[nodiscard]] const std::string* body_for(const map& ctx) const { return ctx.count("body") ? nullptr : body; }
  // The whole context of the page.
  [[nodiscard]] map drawn_context() const {
    map ctx = context();
    if (const std::string* html = body_for(ctx)) ctx["body"] = *html;
    return ctx;
  }
};

class PageBuilder {
 public:
  // `stories`: the site's priority_stories() when the caller has them, else made here.
  PageBuilder(const Site& site, const History& history, const PriorityStories* stories = nullptr);

  std::vector<PageJob> jobs();

 private:
  using Crumbs = std::vector<std::pair<std::string, std::string>>;
  map base(const std::string& url, const std::string& title, Crumbs crumbs);
  map document_context(const Document& d, std::size_t index);
  // A page with this many sections or more gets a contents list.
  static constexpr std::size_t kContentsFrom = 4;
  void add_contents(map& ctx, const Document& d, std::size_t index);

  // kind_fields.cpp: the fields of each kind of document, a function a kind.
  void add_kind_fields(map& ctx, const Document& d);
  void add_agreement_fields(map& ctx, const Document& d, const AgreementData& a);
  void add_agreement_versions(map& ctx, const Document& d);
  array agreement_priorities(const std::string& url, const AgreementData& a) const;
  array agreement_plans(const Document& d, const AgreementData& a) const;
  // meeting_fields.cpp: a meeting, its notes and its papers, linked both ways.
  void add_meeting_fields(map& ctx, const Document& d, const MeetingData& m);
  map agenda_row(const Document& meeting, const MeetingData& m, const AgendaItem& item,
                 std::map<std::string, map>& minutes);
  std::map<std::string, map> item_minutes(const std::string& url, const Document* notes) const;
  const Document* published_notes(const Document& meeting) const;
  std::string record_held(const Document& meeting) const;
  std::string item_href(const std::string& from, const Document& meeting, const AgendaItem& item) const;
  void add_notes_fields(map& ctx, const Document& d, const NotesData& n);
  std::string with_minute_links(const Document& notes, const Document& meeting, const RenderedMarkdown& body) const;
  void add_paper_fields(map& ctx, const Document& d, const PaperData& p);
  void add_paper_minute(map& ctx, const Document& paper, const Document& meeting, const AgendaItem& item);

  // decisions_view.cpp: the decisions of a meeting, a paper, a priority, and the register.
  map decision_row(const std::string& from, const Decision& decision, bool show_meeting) const;
  void add_decisions(map& ctx, const std::string& from, const std::vector<Decision>& decisions, bool show_meeting);
  std::vector<Decision> decisions_of(const Document& d) const;
  map decisions_register();
  static std::string register_anchor(const Document& meeting);
  void add_priority_decisions(map& ctx, const PriorityStory& story, const std::string& url);
  void add_dhr_fields(map& ctx, const Document& d, const DhrData& dhr);
  void add_event_fields(map& ctx, const Document& d, const EventData& e);
  std::string priority_name(const std::string& id) const;

  // The address of `to` as written on the page at `from`: relative, so that
  // the site works under any path; on the 404 page, which is served at
  // whatever address was not found, from the site's root path instead.
  std::string rel(const std::string& from, const std::string& to) const {
    if (from == kNotFound) return text::encode_url_path(site_.root_path + to.substr(1));
    return text::relative_url(from, to);
  }
  map link_to(const std::string& from, const Document& d) const;
  // The href of a front-matter address: an `@/` link becomes the relative URL of its file.
  std::string field_href(const std::string& from, const std::string& value) const;
  array priorities_of(const Document& d);
  map section_list(const std::string& url, const std::string& title, const std::string& intro, Kind kind,
                   bool newest_first);
  const Document* superseded(const Document& d) const;
  map comparison_page(const Document& newer, const Document& older);

  // page_lists.cpp: the home page's lists, section indexes, priorities, plans, search.
  void add_home_fields(map& ctx, const std::string& url);
  void add_meeting_neighbours(map& ctx, const Document& d);
  map meetings_index();
  map events_index();
  map agreements_index();
  map priority_page(const PriorityStory& story, const std::string& id);
  map priorities_index();
  map plan_page(const Plan& plan);
  array plan_quotes(const std::string& url, std::size_t agreement, const std::string& printed) const;
  map plans_index();
  map search_page();
  map entry(const std::string& from, const Document& d);

  const Site& site_;
  const History& history_;
  std::vector<char> private_commit_;
  std::vector<std::size_t> meetings_;  // published meetings, in date order
  // The agenda items that took a meeting's notes, by that meeting's id: the
  // later meeting (its index) and the item, in the meetings' order.
  std::unordered_map<std::string, std::vector<std::pair<std::size_t, const AgendaItem*>>> presented_;
  std::vector<const Document*> menu_;  // published menu pages, by weight
  PriorityStories own_told_;           // when none were given
  const PriorityStories& told_;        // every priority and theme, following renames
};

std::string date_text(const Date& d);
bool is_url(const std::string& s);

}  // namespace portal::detail
