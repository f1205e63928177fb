#include "model.h"

#include "text.h"
#include "urls.h"

namespace portal {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::home: return "home";
    case Kind::page: return "page";
    case Kind::agreement: return "agreement";
    case Kind::meeting: return "meeting";
    case Kind::notes: return "notes";
    case Kind::paper: return "paper";
    case Kind::dhr: return "dhr";
    case Kind::bulletin: return "bulletin";
    case Kind::event: return "event";
  }
  return "?";
}

std::optional<MinuteHeading> minute_heading(std::string_view text) {
  const std::string_view marker = "(Item ";
  const auto open = text.rfind(marker);
  if (open == std::string_view::npos || !text.ends_with(")")) return std::nullopt;
  MinuteHeading m;
  m.code = text::trim(text.substr(open + marker.size(), text.size() - 1 - open - marker.size()));
  const auto digits = text.find_first_not_of("0123456789");
  if (digits != std::string_view::npos && digits > 0 && text[digits] == '.')
    m.number = std::string(text.substr(0, digits));
  return m;
}

namespace {

std::string text_or_empty(const std::optional<Located<std::string>>& v) { return v ? v->value : std::string(); }

std::vector<std::string> values(const std::vector<Located<std::string>>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& x : v) out.push_back(x.value);
  return out;
}

AgreementData read_agreement(FieldReader& r) {
  AgreementData a;
  a.version = text_or_empty(r.string("version", Required::yes));
  if (auto d = r.date("effective", TimeOfDay::forbidden, Required::yes)) a.effective = *d;
  a.supersedes = r.string("supersedes");
  a.full_text = r.boolean("full_text", true);
  a.plans = r.strings("plans");
  for (auto& t : r.tables("priorities")) {
    Priority p;
    if (auto id = t.string("id", Required::yes)) p.id = *id;
    p.name = text_or_empty(t.string("name", Required::yes));
    p.formerly = t.strings("formerly");
    p.includes = values(t.strings("includes"));
    t.finish();
    a.priorities.push_back(std::move(p));
  }
  for (auto& t : r.tables("themes")) {
    CrossCuttingTheme th;
    if (auto id = t.string("id", Required::yes)) th.id = *id;
    th.name = text_or_empty(t.string("name", Required::yes));
    t.finish();
    a.themes.push_back(std::move(th));
  }
  for (auto& t : r.tables("leads")) {
    Lead l;
    if (auto p = t.string("priority", Required::yes)) l.priority = *p;
    l.lead = text_or_empty(t.string("lead", Required::yes));
    t.finish();
    a.leads.push_back(std::move(l));
  }
  for (auto& t : r.tables("changes")) {
    Change c;
    c.version = text_or_empty(t.string("version"));
    c.date = text_or_empty(t.string("date"));
    c.change = text_or_empty(t.string("change", Required::yes));
    if (c.version.empty()) c.version = a.version;
    t.finish();
    a.changes.push_back(std::move(c));
  }
  for (auto& t : r.tables("assessments")) {
    Assessment as;
    as.issue = text_or_empty(t.string("issue", Required::yes));
    if (auto n = t.integer("count")) as.count = n->value;
    t.finish();
    a.assessments.push_back(std::move(as));
  }
  return a;
}

MeetingData read_meeting(FieldReader& r) {
  MeetingData m;
  if (auto d = r.date("date", TimeOfDay::allowed, Required::yes)) m.date = *d;
  m.venue = text_or_empty(r.string("venue"));
  if (const auto from = r.one_of("items_from", {"agenda", "notes", "papers"}))
    m.agenda_from = from->value == "notes"    ? AgendaFrom::notes
                    : from->value == "papers" ? AgendaFrom::papers
                                              : AgendaFrom::agenda;
  for (auto& t : r.tables("items")) {
    AgendaItem item;
    item.pos = t.table_pos();
    item.code = t.string("code");
    item.title = text_or_empty(t.string("title", Required::yes));
    item.paper = t.string("paper");
    item.pages = text_or_empty(t.string("pages"));
    item.minutes_of = t.string("minutes_of");
    item.restricted = t.boolean("restricted");
    t.finish();
    m.items.push_back(std::move(item));
  }
  return m;
}

// `source`: where a document's facts come from, an address, an `@/` link or a
// plain description.
void read_source_field(FieldReader& r, Document& doc, Diagnostics& diags) {
  auto source = r.string("source");
  if (!source) return;
  // One word that reads as an address is one: it must be a safe one.
  if (looks_like_url(source->value)) {
    if (const auto problem = url_problem(text::trim(source->value), "source", UrlAlso::content_links)) {
      diags.error(doc.path, source->pos, "front-matter", problem->message, problem->hint);
      return;
    }
    source->value = text::trim(source->value);
  }
  if (source->value.starts_with("@/")) doc.field_links.push_back({"source", source->value, source->pos});
  doc.source = source->value;
}

PageData read_page(FieldReader& r) {
  PageData p;
  p.menu = r.boolean("menu");
  if (auto w = r.integer("weight")) p.weight = w->value;
  return p;
}

NotesData read_notes(FieldReader& r) {
  NotesData n;
  n.present = values(r.strings("present"));
  n.in_attendance = values(r.strings("in_attendance"));
  return n;
}

PaperData read_paper(FieldReader& r) {
  PaperData p;
  p.item = r.string("item");
  p.authors = values(r.strings("authors"));
  p.classification = text_or_empty(r.string("classification"));
  return p;
}

DhrData read_dhr(FieldReader& r, std::vector<Document::FieldLink>& field_links) {
  DhrData d;
  d.pseudonym = text_or_empty(r.string("pseudonym"));
  if (auto y = r.integer("year")) d.year = y->value;
  d.published = r.date("published", TimeOfDay::forbidden);
  if (auto pdf = r.url("summary_pdf", UrlAlso::content_links)) {
    if (pdf->value.starts_with("@/")) field_links.push_back({"summary_pdf", pdf->value, pdf->pos});
    d.summary_pdf = pdf->value;
  }
  return d;
}

BulletinData read_bulletin(FieldReader& r) {
  BulletinData b;
  if (auto d = r.date("date", TimeOfDay::forbidden, Required::yes)) b.date = *d;
  return b;
}

// A calendar's start and end are both days, or both times of day; the end
// comes after the start. An end that breaks either is reported and dropped.
void check_event_end(EventData& e, const std::string& path, Diagnostics& diags) {
  if (!e.end || !e.start.value.valid()) return;
  if (e.end->value.minutes.has_value() != e.start.value.minutes.has_value()) {
    diags
        .error(path, e.end->pos, "front-matter",
               "`end` must be written like `start`: both dates, or both dates with a time of day",
               e.start.value.minutes ? "write it like end = " + e.start.value.iso() + "T16:00:00"
                                     : "write it like end = " + e.start.value.iso())
        .about("end", FieldProblem::end_unlike_start);
    e.end.reset();
  } else if (e.end->value < e.start.value || (e.end->value == e.start.value && e.end->value.minutes &&
                                              *e.end->value.minutes < *e.start.value.minutes)) {
    diags
        .error(path, e.end->pos, "front-matter", "`end` is before `start`",
               "check both against the original announcement")
        .about("end", FieldProblem::end_before_start);
    e.end.reset();
  }
}

EventData read_event(FieldReader& r, const std::string& path, Diagnostics& diags) {
  EventData e;
  if (auto d = r.date("start", TimeOfDay::allowed, Required::yes)) e.start = *d;
  e.end = r.date("end", TimeOfDay::allowed);
  check_event_end(e, path, diags);
  e.location = text_or_empty(r.string("location"));
  // Read always (so the editor's form has it); kept only when the file says.
  const bool says_online = r.table_has("online");
  const bool online = r.boolean("online");
  if (says_online) e.online = online;
  return e;
}

// The fields of the document's own kind, and the date it takes from them.
void read_kind_fields(FieldReader& r, Document& doc, Diagnostics& diags) {
  switch (doc.kind) {
    case Kind::home: break;
    case Kind::page: doc.data = read_page(r); break;
    case Kind::agreement: {
      auto a = read_agreement(r);
      doc.date = a.effective.value;
      doc.data = std::move(a);
      break;
    }
    case Kind::meeting: {
      auto m = read_meeting(r);
      doc.date = m.date.value;
      doc.data = std::move(m);
      break;
    }
    case Kind::notes: doc.data = read_notes(r); break;
    case Kind::paper: doc.data = read_paper(r); break;
    case Kind::dhr: {
      auto d = read_dhr(r, doc.field_links);
      if (d.published) doc.date = d.published->value;
      doc.data = std::move(d);
      break;
    }
    case Kind::bulletin: {
      auto b = read_bulletin(r);
      doc.date = b.date.value;
      doc.data = std::move(b);
      break;
    }
    case Kind::event: {
      auto e = read_event(r, doc.path, diags);
      doc.date = e.start.value;
      doc.data = std::move(e);
      break;
    }
  }
}

}  // namespace

Document read_document(Kind kind, const toml::table& front_matter, int first_line, const std::string& path,
                       Diagnostics& diags, FieldSchema* schema) {
  Document doc;
  doc.kind = kind;
  doc.path = path;
  FieldReader r(front_matter, path, first_line, "front-matter", diags);
  r.describe_into(schema);
  if (auto t = r.string("title", Required::yes)) doc.title = *t;
  doc.draft = r.boolean("draft");
  doc.restricted = r.boolean("restricted");
  // In an agreement `[[priorities]]` defines priorities rather than tagging the document.
  if (kind != Kind::agreement) doc.priorities = r.strings("priorities");
  doc.summary = text_or_empty(r.string("summary"));
  doc.printed_only = r.strings("printed_only");
  read_source_field(r, doc, diags);
  read_kind_fields(r, doc, diags);
  r.finish();
  // A required date that failed to read leaves a zero date; it must not count as a date.
  if (doc.date && !doc.date->valid()) doc.date.reset();
  return doc;
}

FieldSchema fields_of(Kind kind) {
  FieldSchema schema;
  Diagnostics ignored;  // an empty table lacks what is required
  read_document(kind, toml::table{}, 1, "", ignored, &schema);
  return schema;
}

const std::string* AgreementData::name_of(std::string_view id) const {
  const std::string* name = nullptr;
  for (const auto& p : priorities)
    if (p.id.value == id) name = &p.name;
  for (const auto& t : themes)
    if (t.id.value == id) name = &t.name;
  return name;
}

namespace {

// How a paper belongs to an agenda item: filed under it, named by it, both or neither.
struct Belonging {
  bool filed_under = false;
  bool named = false;
};

Belonging belonging(const AgendaItem& item, const Document& paper) {
  const auto* p = paper.as<PaperData>();
  return {p && p->item && item.code && item.code->value == p->item->value,
          item.paper && item.paper->value == paper.slug + ".md"};
}

}  // namespace

std::vector<const AgendaItem*> agenda_items_of(const MeetingData& meeting, const Document& paper) {
  std::vector<const AgendaItem*> out;
  for (const auto& item : meeting.items)
    if (const Belonging b = belonging(item, paper); b.filed_under || b.named) out.push_back(&item);
  return out;
}

const AgendaItem* agenda_item_of(const MeetingData& meeting, const Document& paper) {
  const auto* p = paper.as<PaperData>();
  const bool filed = p && p->item;
  for (const auto& item : meeting.items)
    if (const Belonging b = belonging(item, paper); filed ? b.filed_under : b.named) return &item;
  return nullptr;
}

}  // namespace portal
