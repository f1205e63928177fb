// Checks as one types: the form's text read as the build reads it, checked in
// the loaded site in place of the file's document, and its page drawn.
#include <httplib.h>

#include "beneath.h"
#include "checks.h"
#include "editor.h"
#include "editor_fields.h"
#include "editor_requests.h"
#include "editor_words.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "pages.h"
#include "text.h"

namespace portal {

namespace {

constexpr std::size_t kLargestPreview = 4 * 1024 * 1024;  // a preview page sent as one answer
constexpr std::size_t kListedProblems = 200;              // diagnostics listed in one answer

// The typed document as the site would have it: read from `fm`, with what
// the site gave the file's document (`file_doc`) that its front matter does not say.
Document typed_document(Kind kind, FrontMatter& fm, const std::string& path, const Document& file_doc,
                        Diagnostics& diags) {
  Document d = read_document(kind, fm.table, fm.table_first_line, path, diags);
  d.slug = file_doc.slug;
  d.meeting = file_doc.meeting;
  d.url = file_doc.url;
  if (!d.date && (kind == Kind::notes || kind == Kind::paper)) d.date = file_doc.date;
  d.body = std::move(fm.body);
  d.body_first_line = fm.body_first_line;
  return d;
}

// The dates a person types into the form of `d`, each with its field.
std::vector<std::pair<std::string, const Located<Date>*>> typed_dates(const Document& d) {
  std::vector<std::pair<std::string, const Located<Date>*>> out;
  if (const auto* b = d.as<BulletinData>()) out.emplace_back("date", &b->date);
  if (const auto* m = d.as<MeetingData>()) out.emplace_back("date", &m->date);
  if (const auto* a = d.as<AgreementData>()) out.emplace_back("effective", &a->effective);
  if (const auto* r = d.as<DhrData>(); r && r->published) out.emplace_back("published", &*r->published);
  if (const auto* e = d.as<EventData>()) {
    out.emplace_back("start", &e->start);
    if (e->end) out.emplace_back("end", &*e->end);
  }
  return out;
}

// A warning for a date more than a year from `today`, or before 2000: a slip of the year, most likely.
void warn_unlikely_dates(const Document& d, const Date& today, Diagnostics& diags) {
  constexpr int kYear = 366;
  for (const auto& [key, date] : typed_dates(d)) {
    if (!date->value.valid()) continue;
    const bool ahead = date->value.day_number() > today.day_number() + kYear;
    if (!ahead && date->value.year >= 2000) continue;
    diags
        .warning(d.path, date->pos, "front-matter",
                 date->value.long_form() + (ahead ? " is more than a year from today" : " is before 2000"),
                 "Check the year.")
        .about(key, FieldProblem::unlikely_date);
  }
}

// The typed document's page, or why there is none to show.
void add_preview(const Site& site, const Theme* theme, const History* history, const Document& now,
                 const std::string& why, toml::table& out) {
  if (!why.empty()) {
    out.insert("preview_note", "This document is " + why + ", so the site has no page for it.");
    return;
  }
  if (!theme || !history) {
    out.insert("preview_note", "The preview appears once the site builds without errors.");
    return;
  }
  auto rendered = render_page(site, *history, *theme, now.url);
  if (!rendered) return;
  // The page's relative addresses resolve from its own address, as on the site.
  std::string html = std::move(rendered->content);
  if (const auto head = html.find("<head>"); head != std::string::npos)
    html.insert(head + 6, "<base href=\"" + text::html_escape(now.url) + "\">");
  // A page too large to send as one answer is described, not sent.
  if (html.size() > kLargestPreview)
    out.insert("preview_note", "The page is too large to preview as you type; save it and open its page.");
  else
    out.insert("preview", std::move(html));
}

// The priorities and themes of the agreement in force on the typed document's date, and its state.
void add_priorities_and_state(const Site& site, const Document& now, const History* history, toml::table& out) {
  const InForce in_force = priorities_in_force(site, now.date);
  toml::array choices;
  for (const auto& c : in_force.choices) {
    toml::table t;
    t.insert("id", c.id);
    t.insert("name", c.name);
    t.insert("theme", c.theme);
    choices.push_back(std::move(t));
  }
  out.insert("priorities", std::move(choices));
  out.insert("agreement", agreement_name(in_force));
  out.insert("state", state_of(site, now, history));
}

// Checks and draws `typed` in the site in place of document `i`; the file's is put back after.
void check_in_site(Site& site, std::size_t i, Document typed, const Theme* theme, const History* history,
                   Diagnostics& diags, toml::table& out) {
  MarkdownOptions mo = site.markdown_options(typed);
  mo.first_line = typed.body_first_line;
  RenderedMarkdown body = render_markdown(typed.body, mo);
  struct PutBack {
    Site& site;
    std::size_t i;
    SiteDocument file;
    ~PutBack() { site.put_back(i, std::move(file)); }
  } put_back{site, i, site.replace(i, std::move(typed), std::move(body))};
  const Document& now = site.document(i);
  const std::string why = site.why_withheld(i);
  check_document(site, i, diags);
  warn_unlikely_dates(now, site.today, diags);
  add_preview(site, theme, history, now, why, out);
  add_priorities_and_state(site, now, history, out);
}

// The counts of the diagnostics, and the first ones.
void add_diagnostics(Diagnostics& diags, const std::string& text, int body_first_line, toml::table& out) {
  diags.sort();
  out.insert("errors", static_cast<std::int64_t>(diags.errors()));
  out.insert("warnings", static_cast<std::int64_t>(diags.warnings()));
  // The first ones are listed; the counts say how many there are.
  Diagnostics listed;
  for (const auto& d : diags.items())
    if (listed.items().size() < kListedProblems) listed.add(d);
  out.insert("diagnostics", diagnostics_json(listed, text, body_first_line, false));
}

}  // namespace

void Editor::check(const httplib::Request& req, httplib::Response& res) {
  const std::string path = param(req, "path");
  if (const auto editable = check_content_path(source_, path); !editable)
    return reply_refusal(res, 404, editable.error());
  Diagnostics ignored;
  const auto file = read_beneath(source_dir_, path);
  if (!file && !file.failure().missing()) return reply_refusal(res, 404, file.error());
  const std::string disk = normalise_source(file ? file->bytes : "", path, "front-matter", ignored).value_or("");
  toml::table out;
  const auto kind = kind_of(path);
  if (!kind) return reply_refusal(res, 404, path + " is not where any kind of document lives");
  host_.with_site([&](Site* site, const Theme* theme, const History* history) {
    const auto requested = requested_text(req, *kind, disk);
    std::string text = requested ? *requested : param(req, "text");
    Diagnostics diags;
    int body_first_line = 0;
    // Read as the build reads it, limits and all: nothing the build refuses reaches the Markdown parser.
    auto source = source_from_bytes(text, path, diags);
    // A file the site could not read is checked alone: its front matter, no preview.
    const bool in_site = site && site->by_path.count(path);
    if (source) {
      FrontMatter& fm = source->front_matter;
      body_first_line = fm.body_first_line;
      if (!in_site) {
        read_document(*kind, fm.table, fm.table_first_line, path, diags);
        out.insert(
            "preview_note",
            "The preview appears once the site has read this file: save it when its details (between the +++ lines) "
            "have no errors.");
      } else {
        const std::size_t i = site->by_path.at(path);
        check_in_site(*site, i, typed_document(*kind, fm, path, site->document(i), diags), theme, history, diags, out);
      }
    }
    add_diagnostics(diags, source ? source->text : text, body_first_line, out);
  });
  reply_json(res, 200, out);
}

}  // namespace portal
