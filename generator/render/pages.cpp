// The document pages' contexts, the list of every page the site has, and
// their rendering with the theme, in parallel batches.
#include "pages.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <numeric>

#include "compare.h"
#include "history_view.h"
#include "interrupt.h"
#include "page_builder.h"
#include "parallel.h"
#include "sections.h"
#include "url_scheme.h"
#include "urls.h"

namespace portal {

namespace detail {

std::string date_text(const Date& d) { return d.long_form(); }

bool is_url(const std::string& s) { return s.starts_with("https://") || s.starts_with("http://"); }

PageBuilder::PageBuilder(const Site& site, const History& history, const PriorityStories* stories)
    : site_(site),
      history_(history),
      private_commit_(private_commits(site, history)),
      meetings_(site_.published_of(Kind::meeting)),
      own_told_(stories ? PriorityStories{} : priority_stories(site)),
      told_(stories ? *stories : own_told_) {
  for (const std::size_t i : meetings_)
    for (const auto& item : site_.document(i).as<MeetingData>()->items)
      if (item.minutes_of) presented_[item.minutes_of->value].emplace_back(i, &item);
  // The menu pages, once: every page's navigation lists them.
  for (std::size_t i = 0; i < site_.size(); ++i) {
    const Document& d = site_.document(i);
    if (d.kind == Kind::page && site_.published(i) && d.as<PageData>()->menu) menu_.push_back(&d);
  }
  std::stable_sort(menu_.begin(), menu_.end(), [](const Document* a, const Document* b) {
    return a->as<PageData>()->weight < b->as<PageData>()->weight;
  });
}

map PageBuilder::base(const std::string& url, const std::string& title, Crumbs crumbs) {
  const auto& c = site_.config;
  array nav;
  const auto& menu = menu_;
  static const std::vector<std::pair<std::string, std::string>> sections = {{"Agreements", urls::agreements},
                                                                            {"Meetings", urls::meetings},
                                                                            {"Domestic Homicide Reviews", urls::dhrs},
                                                                            {"E-bulletins", urls::bulletins},
                                                                            {"Events", urls::events}};
  auto nav_item = [&](const std::string& label, const std::string& target) {
    const bool current = target == url || (target != "/" && url.starts_with(target));
    nav.push_back(map{{"title", label}, {"url", rel(url, target)}, {"current", current}});
  };
  nav_item("Home", "/");
  for (const auto& [label, target] : sections) nav_item(label, target);
  for (const Document* d : menu) nav_item(d->title.value, d->url);

  array breadcrumbs;
  if (url != "/") {
    breadcrumbs.push_back(map{{"title", str("Home")}, {"url", rel(url, "/")}});
    for (const auto& [label, target] : crumbs) breadcrumbs.push_back(map{{"title", label}, {"url", rel(url, target)}});
  }
  const bool has_breadcrumbs = !breadcrumbs.empty();
  map ctx{{"site_title", c.title},
          {"description", std::string()},
          {"partnership", c.partnership},
          {"lang", c.language},
          {"title", title},
          {"head_title", title == c.title ? title : title + " – " + c.title},
          {"url", url},
          {"root", rel(url, "/")},
          {"stylesheet", rel(url, urls::stylesheet)},
          {"has_breadcrumbs", has_breadcrumbs},
          {"contact_email", c.contact_email},
          {"contact_phone", c.contact_phone},
          {"has_contact", !c.contact_email.empty() || !c.contact_phone.empty()}};
  ctx.emplace("nav", std::move(nav));
  ctx.emplace("breadcrumbs", std::move(breadcrumbs));
  return ctx;
}

std::string PageBuilder::field_href(const std::string& from, const std::string& value) const {
  if (!value.starts_with("@/")) return value;
  // Checked before rendering: the file exists and is published.
  const auto link = split_content_link(value);
  const auto target = site_.url_of(link.target_path);
  if (!target) return {};
  return rel(from, *target) + (link.anchor.empty() ? "" : "#" + link.anchor);
}

map PageBuilder::link_to(const std::string& from, const Document& d) const {
  return map{{"title", d.title.value}, {"url", rel(from, d.url)}};
}

array PageBuilder::priorities_of(const Document& d) {
  array out;
  const Document* in_force = d.date ? site_.agreement_in_force(*d.date, Site::Scope::published) : nullptr;
  for (const auto& id : site_.tags_of(d)) {
    const std::string* name = in_force ? in_force->as<AgreementData>()->name_of(id) : nullptr;
    map tag{{"id", id}, {"name", name ? *name : priority_name(id)}};
    if (told_.story_of.count(id)) tag["url"] = rel(d.url, urls::priority(id));
    out.push_back(tag);
  }
  return out;
}

map PageBuilder::document_context(const Document& d, std::size_t index) {
  std::vector<std::pair<std::string, std::string>> crumbs;
  switch (d.kind) {
    case Kind::agreement: crumbs.push_back({"Agreements", urls::agreements}); break;
    case Kind::meeting: crumbs.push_back({"Meetings", urls::meetings}); break;
    case Kind::notes:
    case Kind::paper:
      crumbs.push_back({"Meetings", urls::meetings});
      if (const Document* m = site_.meeting_of(d)) crumbs.push_back({m->title.value, m->url});
      break;
    case Kind::dhr: crumbs.push_back({"Domestic Homicide Reviews", urls::dhrs}); break;
    case Kind::bulletin: crumbs.push_back({"E-bulletins", urls::bulletins}); break;
    case Kind::event: crumbs.push_back({"Events", urls::events}); break;
    default: break;
  }
  map ctx = base(d.url, d.title.value, std::move(crumbs));
  ctx["kind"] = str(kind_name(d.kind));
  ctx["has_body"] = !text::is_blank(site_.body(index).html);
  ctx["summary"] = d.summary;
  ctx["description"] = d.summary;
  ctx["source"] = d.source;
  ctx["source_is_url"] = is_url(d.source) || d.source.starts_with("@/");
  ctx["source_url"] = field_href(d.url, d.source);
  ctx["draft"] = d.draft;
  ctx["date"] = d.date ? date_text(*d.date) : std::string();
  ctx["date_iso"] = d.date ? d.date->html_datetime() : std::string();
  auto prios = priorities_of(d);
  ctx["has_priorities"] = !prios.empty();
  ctx["priorities"] = std::move(prios);
  add_kind_fields(ctx, d);
  add_contents(ctx, d, index);
  add_history(ctx, site_, history_, private_commit_, d);
  // A document's own date is when it was published; a meeting's and an
  // event's is when it takes place, and a review's page gives its own.
  if (d.date && d.kind != Kind::meeting && d.kind != Kind::event && d.kind != Kind::dhr && d.kind != Kind::home) {
    ctx["published_on"] = date_text(*d.date);
    ctx["published_on_iso"] = d.date->html_datetime();
  }
  ctx["has_dates"] = ctx.count("published_on") > 0 || ctx.count("has_history") > 0;
  if (d.kind == Kind::home) add_home_fields(ctx, d.url);
  if (d.kind == Kind::meeting) add_meeting_neighbours(ctx, d);
  return ctx;
}

// A contents list for a page of more than a few sections: the sections the
// theme shows (the template lists them) and the text's own top-level headings.
void PageBuilder::add_contents(map& ctx, const Document& d, std::size_t index) {
  const RenderedMarkdown& body = site_.body(index);
  const int top = std::accumulate(body.headings.begin(), body.headings.end(), 7,
                                  [](int least, const Heading& h) { return std::min(least, h.level); });
  array contents;
  for (const auto& h : body.headings)
    if (h.level == top) contents.push_back(map{{"id", h.id}, {"text", h.text}});
  std::size_t sections = 0;
  for (const auto& id : site_.theme_anchors(d)) sections += id != site_.theme_ids.section("body");
  if (const auto it = ctx.find("has_decisions"); it != ctx.end() && boost::get<bool>(it->second)) ++sections;
  ctx["contents"] = contents;
  ctx["has_contents"] = contents.size() + sections >= kContentsFrom;
}

// The published agreement that `d` supersedes, if any.
const Document* PageBuilder::superseded(const Document& d) const {
  const auto* a = d.as<AgreementData>();
  if (!a || !a->supersedes) return nullptr;
  const Document* prev = site_.find("content/agreements/" + a->supersedes->value + ".md");
  return prev && site_.is_published(*prev) ? prev : nullptr;
}

map PageBuilder::comparison_page(const Document& newer, const Document& older) {
  const std::string url = comparison_url(newer);
  const auto& n = *newer.as<AgreementData>();
  const auto& o = *older.as<AgreementData>();
  map ctx = base(url, comparison_title(newer), {{"Agreements", urls::agreements}, {newer.title.value, newer.url}});
  for (auto& [key, value] : comparison_fields(site_, compare_agreements(older, newer), url)) ctx[key] = value;
  ctx["older"] = link_to(url, older);
  ctx["newer"] = link_to(url, newer);
  ctx["older_version"] = o.version;
  ctx["newer_version"] = n.version;
  ctx["older_effective"] = o.effective.value.long_form();
  ctx["newer_effective"] = n.effective.value.long_form();
  return ctx;
}

map PageBuilder::section_list(const std::string& url, const std::string& title, const std::string& intro, Kind kind,
                              bool newest_first) {
  map ctx = base(url, title, {});
  auto indices = site_.published_of(kind);
  std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
    const auto& da = site_.document(a);
    const auto& db = site_.document(b);
    const int na = da.date ? da.date->day_number() : 0;
    const int nb = db.date ? db.date->day_number() : 0;
    return newest_first ? nb < na : na < nb;
  });
  array entries;
  for (std::size_t i : indices) {
    const Document& d = site_.document(i);
    map entry = link_to(url, d);
    entry["date"] = d.date ? date_text(*d.date) : std::string();
    entry["date_iso"] = d.date ? d.date->html_datetime() : std::string();
    entry["summary"] = d.summary;
    entries.push_back(entry);
  }
  ctx["intro"] = intro;
  ctx["description"] = intro;
  ctx["entries"] = entries;
  ctx["has_entries"] = !entries.empty();
  return ctx;
}

std::vector<PageJob> PageBuilder::jobs() {
  std::vector<PageJob> out;
  for (std::size_t i = 0; i < site_.size(); ++i) {
    if (!site_.published(i)) continue;
    const Document& d = site_.document(i);
    out.push_back({d.url, kind_name(d.kind), [this, &d, i] { return document_context(d, i); }, &site_.body(i).html});
    if (const Document* older = superseded(d))
      out.push_back({comparison_url(d), "compare", [this, &d, older] { return comparison_page(d, *older); }});
  }
  out.push_back({urls::agreements, "agreements", [this] { return agreements_index(); }});
  out.push_back({urls::meetings, "meetings", [this] { return meetings_index(); }});
  out.push_back({urls::events, "events", [this] { return events_index(); }});
  for (const char* url : {urls::dhrs, urls::bulletins}) {
    const Kind kind = std::string_view(url) == urls::dhrs ? Kind::dhr : Kind::bulletin;
    out.push_back({url, "list", [this, url, kind] {
                     return section_list(url, section_title(url), section_intro(url), kind, true);
                   }});
  }
  for (const auto& story : told_.stories)
    for (const auto& id : story.ids)
      out.push_back({urls::priority(id), "priority", [this, &story, id] { return priority_page(story, id); }});
  out.push_back({urls::priorities, "priorities", [this] { return priorities_index(); }});
  for (const auto& plan : site_.plans)
    out.push_back({urls::plan(plan.id.value), "plan", [this, &plan] { return plan_page(plan); }});
  out.push_back({urls::plans, "plans", [this] { return plans_index(); }});
  out.push_back({urls::decisions, "decisions", [this] { return decisions_register(); }});
  out.push_back({urls::search, "search", [this] { return search_page(); }});
  out.push_back({kNotFound, "404", [this] {
                   map ctx = base(kNotFound, "Page not found", {});
                   ctx["noindex"] = true;
                   return ctx;
                 }});
  std::sort(out.begin(), out.end(), [](const PageJob& a, const PageJob& b) { return a.url < b.url; });
  return out;
}

// Each link to a page of the site, written relative to this one, also
// carries its full address (data-url), which the theme's print style shows
// after the link: on paper a relative address leads nowhere.
std::string add_print_addresses(std::string html, const std::string& page_url, const std::string& base_url) {
  static const std::string open = "<a href=\"";
  if (html.find(open) == std::string::npos) return html;
  std::string out;
  out.reserve(html.size() + html.size() / 8);
  std::size_t from = 0;
  for (auto at = html.find(open); at != std::string::npos; at = html.find(open, from)) {
    const std::size_t start = at + open.size();
    const auto end = html.find('"', start);
    if (end == std::string::npos) break;
    out.append(html, from, end + 1 - from);
    from = end + 1;
    std::string href = html.substr(start, end - start);
    for (auto amp = href.find("&amp;"); amp != std::string::npos; amp = href.find("&amp;", amp + 1))
      href.erase(amp + 1, 4);
    const auto colon = href.find(':');
    const bool has_scheme = colon != std::string::npos && colon < href.find_first_of("/?#");
    if (href.empty() || href[0] == '#' || href.starts_with("//") || has_scheme) continue;
    std::string address;
    if (href[0] == '/') {  // from the host's root (the 404 page)
      address = urls::origin(base_url) + href;
    } else {
      address = base_url + text::resolve_relative(page_url, href).substr(1);
    }
    out += " data-url=\"" + text::html_escape(address) + "\"";
  }
  out.append(html, from);
  return out;
}

void keep_unchanged(PageMemo& memo, const std::unordered_map<std::string, std::uint64_t>& templates,
                    const std::vector<PageJob>& jobs, const std::vector<std::string>& paths,
                    const std::string& base_url, std::vector<std::size_t>& batch, std::vector<mstch::node>& contexts) {
  std::vector<std::size_t> to_draw;
  for (const std::size_t i : batch) {
    map context = jobs[i].context();
    const std::string* body = jobs[i].body_for(context);
    const auto key = page_key(templates.at(jobs[i].template_name), jobs[i].url, base_url, context, body);
    bool same = false;
    {
      const std::lock_guard lock(memo.mutex);
      if (key) memo.now[paths[i]] = *key;
      const auto was = memo.previous.find(paths[i]);
      same = key && was != memo.previous.end() && was->second == *key;
    }
    if (same && memo.reuse(paths[i])) continue;
    to_draw.push_back(i);
    if (body) context["body"] = *body;
    contexts.push_back(std::move(context));
  }
  const std::lock_guard lock(memo.mutex);
  memo.drawn += to_draw.size();
  batch = std::move(to_draw);
}

std::string output_path(const std::string& url) {
  std::string path = url.substr(1);
  if (path.empty() || path.ends_with('/')) path += "index.html";
  return path;
}

}  // namespace detail

std::optional<RenderedFile> render_page(const Site& site, const History& history, const Theme& theme,
                                        const std::string& url) {
  detail::PageBuilder builder(site, history);
  for (const auto& job : builder.jobs()) {
    if (job.url != url) continue;
    return RenderedFile{detail::output_path(job.url),
                        detail::add_print_addresses(theme.render(job.template_name, job.drawn_context()), job.url,
                                                    site.config.base_url)};
  }
  return std::nullopt;
}

std::vector<std::string> render_pages(const Site& site, const History& history, const Theme& theme, int jobs,
                                      const std::function<void(RenderedFile&&)>& sink, const PageProgress& progress,
                                      const PriorityStories* stories, PageMemo* memo) {
  detail::PageBuilder builder(site, history, stories);
  const auto page_jobs = builder.jobs();
  std::vector<std::string> paths;
  paths.reserve(page_jobs.size());
  for (const auto& job : page_jobs) paths.push_back(detail::output_path(job.url));
  // Pages of one template are rendered in batches (see Theme::render_each):
  // the template is parsed once a batch, not once a page.
  constexpr std::size_t kBatch = 64;
  std::map<std::string, std::vector<std::size_t>> by_template;
  for (std::size_t i = 0; i < page_jobs.size(); ++i) by_template[page_jobs[i].template_name].push_back(i);
  std::vector<std::vector<std::size_t>> batches;
  for (const auto& [name, indexes] : by_template) {
    for (std::size_t from = 0; from < indexes.size(); from += kBatch)
      batches.emplace_back(indexes.begin() + static_cast<std::ptrdiff_t>(from),
                           indexes.begin() + static_cast<std::ptrdiff_t>(std::min(from + kBatch, indexes.size())));
  }
  std::atomic<std::size_t> done{0};
  std::mutex report;
  const auto templates = memo ? template_keys(theme) : std::unordered_map<std::string, std::uint64_t>{};
  parallel_for(batches.size(), jobs, [&](std::size_t b) {
    if (stop_requested()) return;  // the build is being stopped: nothing more is made
    std::vector<std::size_t> batch = batches[b];
    std::vector<mstch::node> contexts;  // with a memo: of the pages to draw, made once
    if (memo) detail::keep_unchanged(*memo, templates, page_jobs, paths, site.config.base_url, batch, contexts);
    if (!batch.empty()) {
      auto rendered =
          theme.render_each(page_jobs[batch.front()].template_name, batch.size(), [&](std::size_t k) -> mstch::node {
            return memo ? contexts[k] : mstch::node(page_jobs[batch[k]].drawn_context());
          });
      for (std::size_t k = 0; k < batch.size(); ++k) {
        const auto& job = page_jobs[batch[k]];
        sink({paths[batch[k]], detail::add_print_addresses(std::move(rendered[k]), job.url, site.config.base_url)});
      }
    }
    if (progress) {
      const std::size_t n = done += batch.size();
      const std::lock_guard lock(report);
      progress(n, page_jobs.size());
    }
  });
  return paths;
}

}  // namespace portal
