// The editor's pages: the start page, a document's page, and the forms that
// start a new document.
#include <algorithm>
#include <map>

#include <httplib.h>

#include "beneath.h"
#include "date.h"
#include "editor.h"
#include "editor_fields.h"
#include "editor_requests.h"
#include "editor_templates.h"
#include "editor_words.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "scaffold.h"
#include "text.h"

namespace portal {

namespace {

constexpr std::size_t kListed = 25;  // documents of a kind on the start page

// A document as the start page lists it.
struct Row {
  std::string path, title, date, state;
  Kind kind;
  std::string order;    // the date as ISO text, "" without one
  std::string changed;  // in the team editor: who last changed it, and when
};

// Every document of the site: newest first within a kind; a document without
// a date in path order, after them.
std::vector<Row> listed_documents(EditorHost& host) {
  std::vector<Row> rows;
  host.with_site([&](Site* site, const Theme*, const History* history) {
    if (!site) return;
    for (const auto& d : site->documents())
      rows.push_back({d.path, d.title.value.empty() ? d.path : d.title.value, d.date ? d.date->long_form() : "",
                      state_of(*site, d, history), d.kind, d.date ? d.date->iso_datetime() : "", ""});
  });
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.order > b.order; });
  return rows;
}

// A table of `list`, the first of `total` documents; `more` the address of all of them.
mstch::map documents_table(const std::string& caption, const std::vector<const Row*>& list, std::size_t total,
                           const std::string& more) {
  mstch::array rows;
  for (const Row* r : list) {
    const char* state_class = r->state.starts_with("Published") ? "published"
                              : r->state.starts_with("Draft")   ? "draft"
                              : r->state.starts_with("Changed") ? "changed"
                                                                : "other";
    rows.emplace_back(mstch::map{{"address", Editor::address_of(r->path)},
                                 {"title", r->title},
                                 {"date", r->date},
                                 {"state_class", std::string(state_class)},
                                 {"state", r->state},
                                 {"changed", r->changed}});
  }
  return {{"caption", caption},
          {"rows", std::move(rows)},
          {"more", total > list.size() ? more : std::string()},
          {"total", std::to_string(total)},
          {"what", text::to_lower_ascii(caption)}};
}

// The table of what is not yet published (drafts, changes saved, what is scheduled), or false when there is none.
mstch::node unpublished_table(const std::vector<Row>& rows) {
  std::vector<const Row*> listed;
  for (const auto& r : rows)
    if (not_yet_published(r.state)) listed.push_back(&r);
  if (listed.empty()) return false;
  return documents_table("Drafts, changes saved and what is scheduled, newest first", listed, listed.size(), "");
}

// A table for each kind, of its first documents; of every one for the kind `only` alone.
mstch::array kind_tables(const std::vector<Row>& rows, const std::string& only) {
  mstch::array tables;
  for (Kind k : {Kind::bulletin, Kind::event, Kind::page, Kind::home, Kind::meeting, Kind::paper, Kind::notes,
                 Kind::dhr, Kind::agreement}) {
    if (!only.empty() && only != kind_name(k)) continue;
    std::vector<const Row*> list;
    std::size_t total = 0;
    for (const auto& r : rows)
      if (r.kind == k && ++total && (!only.empty() || list.size() < kListed)) list.push_back(&r);
    if (total)
      tables.emplace_back(
          documents_table(plural_kind(k), list, total, std::string(kEditorBase) + "?list=" + kind_name(k)));
  }
  return tables;
}

// The words for each option of `portal new`, written as HTML: its label and hint.
const std::map<std::string, std::pair<std::string, std::string>>& option_labels() {
  static const std::map<std::string, std::pair<std::string, std::string>> labels = {
      {"--date", {"Date", "For example 14 1 2027. Today, when left empty."}},
      {"--time", {"Time (optional)", "24-hour clock, e.g. 10:00."}},
      {"--title", {"Title", ""}},
      {"--name",
       {"Page address", "Lower case letters, digits and hyphens, e.g. privacy: the page is then at /privacy/."}},
      {"--meeting", {"Meeting date", "The meeting the paper belongs to, for example 18 3 2020."}},
      {"--item", {"Agenda item (optional)", "Its code on the agenda, e.g. B1."}},
      {"--pseudonym", {"Pseudonym", "The name the published summary uses."}},
      {"--year", {"Year of the review", "Four digits, e.g. 2020."}}};
  return labels;
}

// The label and hint of `option` in the form that starts a document of `kind`.
std::pair<std::string, std::string> option_words(const std::string& kind, const std::string& option) {
  if (kind == "event" && option == "--name")
    return {"Page address (optional)", "Made from the title when left empty: lower case letters, digits and hyphens."};
  if (kind == "bulletin" && option == "--name")
    return {"Name (optional)",
            "Only for a second bulletin in one month, e.g. special-edition: it becomes part of the page's address."};
  if (kind == "paper" && option == "--name")
    return {"Page address", "Lower case letters, digits and hyphens, e.g. b1-csa-update."};
  return option_labels().at(option);
}

bool is_date_option(const std::string& option) { return option == "--date" || option == "--meeting"; }

// A date asked for as GOV.UK's date input asks (day, month, year of 4 numbers), as the scaffolder reads it:
// YYYY-MM-DD.
// Parts that make no such date are passed on as typed, for the scaffolder to refuse.
std::string date_from_parts(const httplib::Request& req, const std::string& name) {
  std::string day = text::trim(param(req, name + "-day")), month = text::trim(param(req, name + "-month")),
              year = text::trim(param(req, name + "-year"));
  if (day.empty() && month.empty() && year.empty()) return {};
  const auto pad = [](std::string s, std::size_t n) {
    const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
    return digits && s.size() < n ? std::string(n - s.size(), '0') + s : s;
  };
  return year + "-" + pad(month, 2) + "-" + pad(day, 2);  // the year as typed: "24" is refused, never year 24
}

// The id of the field for `option` ("--date") in the form that starts a document of `kind`.
std::string new_document_field(const std::string& kind, const std::string& option) {
  return "new-" + kind + "-" + option.substr(2);
}

// A form refused by the scaffolder: what was sent, why, and the id of the field it is about.
struct Refused {
  const httplib::Request& request;
  const std::string& error;
  const std::string& field;
};

// One field of the form that starts a document of `kind`: the option `option` of `portal new`.
mstch::map new_document_option(const std::string& kind, const std::string& option, const Refused& refused) {
  const auto [label, hint] = option_words(kind, option);
  const std::string id = new_document_field(kind, option), name = option.substr(2);
  // After a refusal, the form it came from keeps what was typed, and says what is wrong beside the field.
  const bool refused_form = !refused.error.empty() && param(refused.request, "kind") == kind;
  const bool wrong = refused_form && id == refused.field;
  const std::string hint_id = id + editor_id("hint"), error_id = id + editor_id("error");
  std::string described = hint.empty() ? "" : hint_id;
  if (wrong) described += (described.empty() ? "" : " ") + error_id;
  mstch::array parts;
  if (is_date_option(option))
    for (const auto& [part, part_label, width] :
         {std::tuple{"day", "Day", "width-2"}, {"month", "Month", "width-2"}, {"year", "Year", "width-4"}})
      parts.emplace_back(
          mstch::map{{"id", id + "-" + part},
                     {"name", name + "-" + part},
                     {"label", std::string(part_label)},
                     {"width", std::string(width)},
                     {"value", refused_form ? param(refused.request, name + "-" + part) : std::string()}});
  return {{"id", id},
          {"name", name},
          {"date", is_date_option(option)},
          {"parts", std::move(parts)},
          {"label", label},
          {"hint", hint},
          {"hint_id", hint_id},
          {"wrong", wrong},
          {"error_id", error_id},
          {"problem", wrong ? refused.error : std::string()},
          {"value", refused_form ? param(refused.request, name) : std::string()},
          {"described", described}};
}

// The scaffolder's refusal in a person's words, and the id of the field it is about (the option it names).
std::pair<std::string, std::string> refusal_words(const std::string& kind, const std::vector<std::string>& options,
                                                  const std::string& error) {
  std::string option;
  for (const auto& o : options)
    if (error.find(o) != std::string::npos) {
      option = o;
      break;
    }
  const bool has_name = std::find(options.begin(), options.end(), "--name") != options.end();
  if (error.find("already exists") != std::string::npos)
    return {new_document_field(kind, has_name ? "--name" : options.front()),
            kind == "meeting" ? "There is already a meeting on that date: open it from the lists below"
            : has_name        ? "There is already one at that page address: open it from the lists below, or give "
                                "this one a different name"
                              : "There is already one at that page address: open it from the lists below"};
  // Not about one of the fields (a file that cannot be written, say): its own words, on the form's first field.
  if (option.empty()) return {new_document_field(kind, options.front()), text::capitalised(error)};
  const std::string label = option_words(kind, option).first;
  if (is_date_option(option))
    return {new_document_field(kind, option), "Enter the " + text::to_lower_ascii(label) +
                                                  " as a real date, for example 14 1 2027, the year in 4 numbers"};
  std::string message = error;
  for (const auto& o : options)
    if (const auto at = message.find(o); at != std::string::npos)
      message.replace(at, o.size(), "The " + text::to_lower_ascii(option_words(kind, o).first));
  return {new_document_field(kind, option), message};
}

// A form for each kind of document the start page starts, through the same scaffolder as `portal new`.
mstch::array new_document_forms(const Refused& refused) {
  static const std::vector<std::pair<std::string, std::string>> kinds = {
      {"bulletin", "New bulletin"}, {"event", "New event"},         {"page", "New page"},
      {"meeting", "New meeting"},   {"paper", "New meeting paper"}, {"dhr", "New Domestic Homicide Review"}};
  mstch::array forms;
  for (const auto& [kind, heading] : kinds) {
    const auto opts = scaffold_options().find(kind);
    if (opts == scaffold_options().end()) continue;
    mstch::array options;
    for (const auto& option : opts->second) options.emplace_back(new_document_option(kind, option, refused));
    forms.emplace_back(mstch::map{{"kind", kind}, {"heading", heading}, {"options", std::move(options)}});
  }
  return forms;
}

// What the site knows of a document the editor opens.
struct Opened {
  std::optional<Kind> kind;
  std::string url, state, title;
  InForce in_force;
  int widest_picture = 0;                         // the theme's
  std::string site_address;                       // base_url: where the e-mail's pictures and links lead
  std::vector<std::string> unpublished_pictures;  // pictures of the site it shows that are not yet published
};

Opened opened(EditorHost& host, const std::string& path) {
  Opened out;
  host.with_site([&](Site* site, const Theme*, const History* history) {
    if (!site) return;
    out.widest_picture = site->theme_ids.widest_picture;
    out.site_address = site->config.base_url;
    const auto it = site->by_path.find(path);
    if (it == site->by_path.end()) return;
    const Document& d = site->document(it->second);
    out.kind = d.kind;
    out.url = d.url;
    out.state = state_of(*site, d, history);
    out.title = d.title.value;
    out.in_force = priorities_in_force(*site, d.date);
    if (d.kind != Kind::bulletin || !history) return;  // only a bulletin's e-mail shows them
    for (const auto& link : site->links_of(it->second))
      if (link.image && link.internal && history->uncommitted.count(link.target_path))
        out.unpublished_pictures.push_back(link.target_path.substr(link.target_path.rfind('/') + 1));
  });
  return out;
}

// A document's page, but its form or its whole file.
mstch::map edit_context(const std::string& path, const std::string& raw, const Opened& doc, bool form) {
  return {{"heading", doc.title.empty() ? path : doc.title},
          {"caption", std::string(plural_kind(*doc.kind))},
          {"path", path},
          {"address", doc.url},
          {"state", doc.state},
          {"widest_picture", std::to_string(doc.widest_picture)},
          {"versions_address", Editor::version_address(path)},
          {"email", doc.kind == Kind::bulletin && !doc.url.empty()
                        ? mstch::node(mstch::map{{"address", doc.url + "email.html"},
                                                 {"file_name", doc.url.substr(1, doc.url.size() - 2) + ".html"},
                                                 {"site_address", doc.site_address},
                                                 {"unpublished_pictures", text::listed(doc.unpublished_pictures)}})
                        : mstch::node(false)},
          {"base", blob_id(raw)},
          {"mode", std::string(form ? "form" : "text")},
          {"fields", mstch::array()},
          {"body", false},
          {"whole_file", false},
          {"message", mstch::map{{"id", field_id("message")}}}};
}

// The form of a document of `kind` whose file has `text`: its fields, then its text.
void add_form(mstch::map& context, Kind kind, const std::string& path, const std::string& text,
              const InForce& in_force) {
  const FormValues values = form_values(kind, text);
  mstch::array fields;
  for (const auto& f : form_fields(kind)) {
    // Restricting is apart from the ordinary choices, after the text, and asks to be confirmed (editor.js).
    if (f.key == "restricted")
      context["restricted"] = field_context(f, values, in_force);
    else
      fields.emplace_back(field_context(f, values, in_force));
  }
  std::string body;
  Diagnostics d2;
  if (auto fm = parse_front_matter(text, path, d2)) body = fm->body;
  context["fields"] = std::move(fields);
  context["body"] = mstch::map{{"id", field_id("body")}, {"text", body}};
}

void reply_not_found(httplib::Response& res, mstch::map context, const std::string& secret) {
  res.status = 404;
  res.set_content(editor_page("not-found", std::move(context), "Not found", secret), "text/html; charset=utf-8");
}

}  // namespace

void Editor::start_page(const httplib::Request& req, httplib::Response& res, const std::string& error,
                        const std::string& error_field) {
  std::vector<Row> rows = listed_documents(host_);
  if (team_)
    for (auto& r : rows)
      if (const auto s = team_->documents.of(r.path); !s.changed_by.empty()) {
        r.changed = team_->config.name_of(s.changed_by) + ", " + s.changed_at.substr(0, 10);
      }
  const std::string only = req.method == "GET" ? param(req, "list") : std::string();
  mstch::map context{{"error", false},
                     {"everything", only.empty()},
                     {"secret", secret_},
                     {"documents", kind_tables(rows, only)},
                     {"no_documents", rows.empty()}};
  if (!error.empty()) context["error"] = mstch::map{{"field", error_field}, {"message", error}};
  team_start_page(req, context);
  if (only.empty()) {
    context["unpublished"] = unpublished_table(rows);
    context["new_documents"] = new_document_forms({req, error, error_field});
  }
  res.status = error.empty() ? 200 : 400;
  res.set_content(editor_page("start", std::move(context), "Edit the portal", secret_), "text/html; charset=utf-8");
}

void Editor::create(const httplib::Request& req, httplib::Response& res) {
  ScaffoldRequest request;
  request.kind = param(req, "kind");
  request.today = today();
  const auto opts = scaffold_options().find(request.kind);
  if (opts == scaffold_options().end()) return start_page(req, res, "Choose what to start", "main");
  for (const auto& option : opts->second) {
    std::string value =
        is_date_option(option) ? date_from_parts(req, option.substr(2)) : text::trim(param(req, option.substr(2)));
    if (!value.empty()) request.options[option] = value;
  }
  request.for_editor = true;
  const ScaffoldResult made = scaffold(source_dir_, request);
  if (!made) {
    const auto [field, message] = refusal_words(request.kind, opts->second, made.error());
    return start_page(req, res, message, field);
  }
  host_.rebuild_now();  // the new file is in the site before its form opens
  res.status = 303;
  res.set_header("Location", address_of(made->generic_string()));
}

void Editor::edit_page(const std::string& path, const httplib::Request& req, httplib::Response& res) {
  if (const auto editable = check_content_path(source_, path); !editable)
    return reply_not_found(res, {{"not_editable", true}, {"why", editable.error()}}, secret_);
  const auto file = read_beneath(source_dir_, path);
  if (!file && !file.failure().missing())
    return reply_not_found(res, {{"not_editable", true}, {"why", file.error()}}, secret_);
  const std::string raw = file ? file->bytes : "";
  Diagnostics ignored;
  const auto normal = normalise_source(raw, path, "front-matter", ignored);
  const std::string text = normal.value_or(raw);
  Opened doc = opened(host_, path);
  if (!doc.kind) {
    // Not read by the site (its front matter has an error, say): its text, to fix.
    doc.kind = kind_of(path);
    doc.state = "Not read: its details have errors";
  }
  if (!doc.kind) return reply_not_found(res, {{"not_a_document", true}, {"path", path}}, secret_);
  const Done as_form = normal ? form_accepts(*doc.kind, text)
                              : fail("The file is not plain text the portal can read, so it is edited as text.");
  const std::string refusal = as_form ? std::string() : as_form.error();
  mstch::map context = edit_context(path, raw, doc, refusal.empty());
  context["review"] = review_section(path, raw, req);
  context["schedule"] = schedule_section(path, req);
  context["mail"] = doc.kind == Kind::bulletin ? mail_section(path, doc.state, req) : mstch::node(false);
  if (refusal.empty())
    add_form(context, *doc.kind, path, text, doc.in_force);
  else
    context["whole_file"] = mstch::map{{"id", field_id("text")}, {"why", refusal}, {"text", text}};
  res.set_content(editor_page("edit", std::move(context), doc.title.empty() ? path : doc.title, secret_),
                  "text/html; charset=utf-8");
}

}  // namespace portal
