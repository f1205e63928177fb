#include "editor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>

#include <httplib.h>

#include "beneath.h"
#include "build.h"
#include "checks.h"
#include "content_tree.h"
#include "editor_assets.h"
#include "files.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "json.h"
#include "pages.h"
#include "restriction_guard.h"
#include "scaffold.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

constexpr const char* kBase = "/__portal/edit/";
constexpr std::size_t kLargestRequest = 2 * 1024 * 1024;  // a content file and its form, with room to spare
constexpr std::size_t kListed = 25;                       // documents of a kind on the start page
constexpr std::size_t kLargestPreview = 4 * 1024 * 1024;  // a preview page sent as one answer
constexpr std::size_t kListedProblems = 200;              // diagnostics listed in one answer

using text::html_escape;

std::string make_secret() {
  std::random_device device;  // the kernel's randomness
  std::string out;
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) {
    const auto byte = device();
    out += digits[byte & 15];
    out += digits[(byte >> 4) & 15];
  }
  return out;
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// A field of a request: of its query or URL-encoded form, or of its
// multipart form (the editor's pages send those: httplib takes URL-encoded
// forms of 8 KB at most).
bool has_param(const httplib::Request& r, const std::string& name) {
  return r.has_param(name.c_str()) || r.has_file(name.c_str());
}
std::string param(const httplib::Request& r, const std::string& name) {
  if (r.has_param(name.c_str())) return r.get_param_value(name.c_str());
  return r.has_file(name.c_str()) ? r.get_file_value(name.c_str()).content : std::string();
}

// CRLF from a browser's form becomes LF, as in every content file the portal
// reads; a CR alone is a line break too, never dropped (which would join words).
std::string lf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\r')
      out += s[i];
    else if (i + 1 == s.size() || s[i + 1] != '\n')
      out += '\n';
  }
  return out;
}

void reply_json(httplib::Response& res, int status, const toml::table& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(to_json(body, JsonLayout::compact), "application/json");
}

void reply_refusal(httplib::Response& res, int status, const std::string& why) {
  toml::table t;
  t.insert("error", why);
  reply_json(res, status, t);
}

struct Label {
  const char* label;
  const char* hint;
};

// How each field of the loader is put to a person. A field the loader reads
// that is not listed here still appears, named by its key.
const std::map<std::string, Label>& labels() {
  static const std::map<std::string, Label> l = {
      {"title", {"Title", "The heading of the page, as it appears in lists and the feed."}},
      {"date", {"Date", ""}},
      {"summary", {"Summary", "One sentence. It appears in lists, the feed, the e-mail and search results."}},
      {"priorities", {"Priorities", ""}},
      {"source",
       {"Source",
        "Where the text comes from: the original document's name, its web address, or a page of the portal written @/ "
        "and its file, e.g. @/agreements/2024-04.md."}},
      {"restricted", {"Restricted: never published, not even as a title", ""}},
      {"menu", {"Show in the site's menu", ""}},
      {"weight", {"Place in the menu", "A whole number: pages with smaller numbers come first."}},
      {"start", {"Starts", "The day, and the time if the event has one (24-hour clock, e.g. 14:00)."}},
      {"end", {"Ends", "Leave empty for an event of one day or with no set end."}},
      {"location", {"Location", "The venue as announced, or leave empty for an online event."}},
      {"online", {"Held online", ""}},
      {"pseudonym", {"Pseudonym", "The name the published summary uses for the victim."}},
      {"year", {"Year of the review", "Four digits, e.g. 2020."}},
      {"published", {"Published", "The day the executive summary was published."}},
      {"summary_pdf", {"Executive summary (PDF)", "Its web address, or @/ and its file under content/."}},
      {"item", {"Agenda item", "The code of its item on the meeting's agenda, e.g. B1."}},
      {"authors", {"Authors", "One a line."}},
      {"classification", {"Classification", "As printed on the paper, e.g. Unrestricted."}},
      {"present", {"Present", "One a line, as the minutes list them."}},
      {"in_attendance", {"In attendance", "One a line, as the minutes list them."}},
      {"venue", {"Venue", ""}},
      {"version", {"Version", ""}},
      {"effective", {"In force from", ""}},
  };
  return l;
}

std::string label_of(const std::string& key) {
  const auto it = labels().find(key);
  if (it != labels().end()) return it->second.label;
  std::string out = key;
  std::replace(out.begin(), out.end(), '_', ' ');
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string hint_of(const std::string& key) {
  const auto it = labels().find(key);
  return it == labels().end() ? std::string() : it->second.hint;
}

const char* plural_kind(Kind k) {
  switch (k) {
    case Kind::bulletin: return "E-bulletins";
    case Kind::event: return "Events";
    case Kind::page: return "Pages";
    case Kind::home: return "Home page";
    case Kind::meeting: return "Meetings";
    case Kind::paper: return "Meeting papers";
    case Kind::notes: return "Meeting notes";
    case Kind::dhr: return "Domestic Homicide Reviews";
    case Kind::agreement: return "Community Safety Agreements";
  }
  return "Documents";
}

// The fields a form shows: every one the loader reads but `draft`, which
// publishing removes, and lists of tables, which a form cannot show.
// In the loader's order, but what is required first and the boxes last.
std::vector<FieldSpec> form_fields(Kind kind) {
  std::vector<FieldSpec> out;
  for (auto& f : fields_of(kind))
    if (f.key != "draft" && f.type != FieldType::tables && f.type != FieldType::table) out.push_back(f);
  std::stable_sort(out.begin(), out.end(), [](const FieldSpec& a, const FieldSpec& b) {
    auto rank = [](const FieldSpec& f) { return f.required ? 0 : f.type == FieldType::boolean ? 2 : 1; };
    return rank(a) < rank(b);
  });
  return out;
}

std::string state_of(const Site& site, const Document& d) {
  if (d.restricted) return "Restricted";
  if (d.draft) return "Draft";
  const std::string why = withheld_because(site, d, Drafts::hide);
  if (why.starts_with("dated in the future")) return "Scheduled for " + d.date->long_form();
  if (!why.empty()) return "Not published: " + why;
  return "Published";
}

std::string page(const std::string& title, const std::string& secret, const std::string& main) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
         html_escape(title) +
         " – Portal editor</title><link rel=\"stylesheet\" href=\"/__portal/edit/editor.css\"></head>"
         "<body data-secret=\"" +
         secret +
         "\"><a class=\"skip-link\" href=\"#main\">Skip to main content</a>"
         "<header class=\"editor-header\"><p class=\"editor-name\"><a href=\"/__portal/edit/\">Portal editor</a></p>"
         "<p class=\"editor-header-link\"><a href=\"/\">Open the preview of the site</a></p></header>"
         "<main id=\"main\" class=\"editor-main\">" +
         main + "</main><script src=\"/__portal/edit/editor.js\"></script></body></html>\n";
}

struct PriorityChoice {
  std::string id, name;
  bool theme = false;
};

struct InForce {
  std::string label;  // "version 2024-25 (2024-04)"
  std::vector<PriorityChoice> choices;
};

InForce priorities_in_force(const Site& site, const std::optional<Date>& date) {
  InForce out;
  const Document* a = site.agreement_in_force(date ? *date : site.today, Site::Scope::non_draft);
  if (!a) return out;
  const auto* data = a->as<AgreementData>();
  out.label = a->title.value;
  for (const auto& p : data->priorities) out.choices.push_back({p.id.value, p.name, false});
  for (const auto& t : data->themes) out.choices.push_back({t.id.value, t.name, true});
  return out;
}

std::string field_id(const std::string& key) { return "field-" + key; }

// One field of the form, GOV.UK's way: label, hint, error message, input.
std::string field_html(const FieldSpec& f, const FormValues& values, const InForce& in_force) {
  const std::string id = field_id(f.key);
  const auto found = values.find(f.key);
  const std::string value = found == values.end() ? std::string() : found->second;
  const std::string hint = hint_of(f.key);
  const std::string hint_html =
      hint.empty() ? "" : "<p class=\"hint\" id=\"" + id + "-hint\">" + html_escape(hint) + "</p>";
  const std::string error_html = "<p class=\"error-message\" id=\"" + id + "-error\" hidden></p>";
  const std::string described = hint.empty() ? "" : " aria-describedby=\"" + id + "-hint\"";
  const std::string data = " data-field=\"" + html_escape(f.key) + "\" data-type=\"";
  const std::string required = f.required ? " <span class=\"required\">(required)</span>" : "";
  switch (f.type) {
    case FieldType::boolean:
      return "<div class=\"field field-box\" id=\"" + id + "-group\">" + error_html + "<input type=\"checkbox\" id=\"" +
             id + "\" name=\"" + id + "\"" + data + "boolean\"" + described + (value == "true" ? " checked" : "") +
             "><label for=\"" + id + "\">" + html_escape(label_of(f.key)) + "</label>" + hint_html + "</div>";
    case FieldType::date:
    case FieldType::date_time: {
      // A date the record gives less exactly ("2024-06", "by 2024-07-04") is kept as written, in a text box.
      if (!value.empty() && !parse_iso_date(value.substr(0, value.find('T')))) {
        const std::string approx_hint = (hint.empty() ? std::string() : hint + " ") +
                                        "Written as the record gives it: YYYY-MM-DD for a day, YYYY-MM for a month, by "
                                        "YYYY-MM-DD for a day it was on or before.";
        return "<div class=\"field\" id=\"" + id + "-group\"><label for=\"" + id + "\">" +
               html_escape(label_of(f.key)) + required + "</label><p class=\"hint\" id=\"" + id + "-hint\">" +
               html_escape(approx_hint) + "</p>" + error_html + "<input type=\"text\" id=\"" + id + "\" name=\"" + id +
               "\"" + data + "string\" aria-describedby=\"" + id + "-hint\" value=\"" + html_escape(value) +
               "\" spellcheck=\"false\"></div>";
      }
      const std::string day = value.substr(0, value.find('T'));
      const std::string time = value.find('T') == std::string::npos ? "" : value.substr(value.find('T') + 1, 5);
      std::string out =
          "<div class=\"field\" id=\"" + id + "-group\"><fieldset class=\"date-fieldset\"" +
          (hint.empty() ? "" : " aria-describedby=\"" + id + "-hint\"") + "><legend>" + html_escape(label_of(f.key)) +
          required + "</legend>" + hint_html + error_html + "<div class=\"date-parts\"><div><label for=\"" + id +
          "\">Day</label><input type=\"date\" id=\"" + id + "\" name=\"" + id + "\"" + data +
          (f.type == FieldType::date ? "date" : "date_time") + "\" value=\"" + html_escape(day) + "\"></div>";
      if (f.type == FieldType::date_time)
        out += "<div><label for=\"" + id + "-time\">Time (optional)</label><input type=\"time\" id=\"" + id +
               "-time\" name=\"" + id + "-time\" data-time-of=\"" + html_escape(f.key) + "\" value=\"" +
               html_escape(time) + "\"></div>";
      return out + "</div></fieldset></div>";
    }
    case FieldType::strings: {
      if (f.key != "priorities")
        return "<div class=\"field\" id=\"" + id + "-group\"><label for=\"" + id + "\">" +
               html_escape(label_of(f.key)) + "</label>" + hint_html + error_html + "<textarea id=\"" + id +
               "\" name=\"" + id + "\" rows=\"4\"" + data + "strings\"" + described + ">\n" + html_escape(value) +
               "</textarea></div>";
      // The agreement in force on the document's date: its priorities and themes as boxes.
      const std::vector<std::string> chosen = form_list(value);
      std::string others;
      for (const auto& c : chosen)
        if (std::none_of(in_force.choices.begin(), in_force.choices.end(),
                         [&](const PriorityChoice& p) { return p.id == c; }))
          others += (others.empty() ? "" : ", ") + c;
      std::string out = "<div class=\"field\" id=\"" + id + "-group\"><fieldset aria-describedby=\"" + id +
                        "-hint\" id=\"" + id + "\" tabindex=\"-1\"" + data +
                        "priorities\"><legend>Priorities and themes</legend>"
                        "<p class=\"hint\" id=\"" +
                        id +
                        "-hint\">Those of the Community Safety Agreement in force on the "
                        "document's date: <span id=\"" +
                        id + "-agreement\">" +
                        html_escape(in_force.label.empty() ? "none is in force then" : in_force.label) +
                        "</span>.</p>" + error_html + "<div class=\"boxes\" id=\"" + id + "-boxes\">";
      for (const auto& p : in_force.choices) {
        const bool on = std::find(chosen.begin(), chosen.end(), p.id) != chosen.end();
        out += "<div class=\"box\"><input type=\"checkbox\" id=\"priority-" + html_escape(p.id) + "\" value=\"" +
               html_escape(p.id) + "\"" + (on ? " checked" : "") + "><label for=\"priority-" + html_escape(p.id) +
               "\">" + html_escape(p.name) + (p.theme ? " <span class=\"tag\">cross-cutting theme</span>" : "") +
               "</label></div>";
      }
      out += "</div><label for=\"" + id +
             "-other\" class=\"other-label\">Other ids</label>"
             "<p class=\"hint\" id=\"" +
             id +
             "-other-hint\">Ids not listed above, separated by commas. Most documents need only the boxes.</p>"
             "<input type=\"text\" id=\"" +
             id + "-other\" aria-describedby=\"" + id + "-other-hint\" value=\"" + html_escape(others) +
             "\" spellcheck=\"false\"></fieldset></div>";
      return out;
    }
    default: {
      // A value of more than one line is shown whole, in a text area.
      const bool long_text = f.key == "summary" || value.find('\n') != std::string::npos;
      std::string out = "<div class=\"field\" id=\"" + id + "-group\"><label for=\"" + id + "\">" +
                        html_escape(label_of(f.key)) + required + "</label>" + hint_html + error_html;
      if (long_text)
        return out + "<textarea id=\"" + id + "\" name=\"" + id + "\" rows=\"3\"" + data + "string\"" + described +
               ">\n" + html_escape(value) + "</textarea></div>";
      const char* type = f.type == FieldType::integer ? "text\" inputmode=\"numeric" : "text";
      return out + "<input type=\"" + type + "\" id=\"" + id + "\" name=\"" + id + "\"" + data +
             (f.type == FieldType::integer ? "integer" : "string") + "\"" + described + " value=\"" +
             html_escape(value) + "\"" +
             (f.key == "source" || f.type == FieldType::url ? " spellcheck=\"false\"" : "") + "></div>";
    }
  }
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : std::string(separator)) + part;
  return out;
}

// What a save of `path` from `disk` to `text` would make public that is
// withheld as restricted: the files no longer withheld, and the marks taken away.
std::vector<std::string> lifted_restrictions(const SourceDir& source, const std::string& path, const std::string& disk,
                                             const std::string& text) {
  std::vector<std::string> out = restrictions_lifted(source, path, text);
  const auto marks_now = restricted_marks(text);
  for (const auto& mark : restricted_marks(disk))
    if (!marks_now.count(mark)) out.push_back("the restricted mark of " + mark + " in " + path);
  return out;
}

// A save or an unconfirmed publish that would lift a restriction: nothing is written; what it would lift is named.
void refuse_lifting(httplib::Response& res, const std::vector<std::string>& lifting, bool publish) {
  toml::table t;
  t.insert("error",
           std::string("Nothing was saved: this would make public what is now withheld as restricted (") +
               joined(lifting, "; ") + "). " +
               (publish ? "To lift the restriction, confirm that each of these may be public."
                        : "Lifting a restriction is a step of its own: publish, and confirm what becomes public."));
  toml::array names;
  for (const auto& l : lifting) names.push_back(l);
  t.insert("lift", std::move(names));
  reply_json(res, 422, t);
}

// The bytes to write for `text` (LF, no byte-order mark) to a file that was `raw`:
// its line endings and byte-order mark as they were.
std::string as_file_had(const std::string& text, const std::string& raw) {
  std::string out;
  if (raw.starts_with("\xEF\xBB\xBF")) out = "\xEF\xBB\xBF";
  if (raw.find("\r\n") == std::string::npos) return out + text;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

toml::array diagnostics_json(const Diagnostics& diags, const std::string& text, int body_first_line, bool other_files) {
  toml::array out;
  for (const auto& d : diags.items()) {
    toml::table t;
    t.insert("severity", d.severity == Severity::error ? "error" : "warning");
    t.insert("rule", d.rule);
    t.insert("message", d.message);
    t.insert("hint", d.hint);
    t.insert("line", d.pos.line);
    t.insert("column", d.pos.column);
    t.insert("file", d.file);
    std::string field;
    if (!other_files || d.file.empty()) {
      if (d.pos.line >= body_first_line && body_first_line > 0) {
        field = "body";
        t.insert("body_line", d.pos.line - body_first_line + 1);
      } else if (d.pos.line > 1) {
        field = key_at_line(text, d.pos.line);
        if (field == "draft") field.clear();
      }
    }
    t.insert("field", field);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

bool is_loopback(const std::string& host) {
  // 127.0.0.0/8 written as an address, not a name that starts so.
  const bool ipv4 = host.starts_with("127.") && host.find_first_not_of("0123456789.") == std::string::npos &&
                    std::count(host.begin(), host.end(), '.') == 3;
  return host == "localhost" || host == "::1" || host == "[::1]" || ipv4;
}

Editor::Editor(EditorHost& host, fs::path source, int jobs)
    : host_(host), source_(std::move(source)), source_dir_(source_), jobs_(jobs), secret_(make_secret()) {}

void Editor::set_port(int port) { port_ = port; }

std::string Editor::address_of(const std::string& path) {
  return std::string(kBase) + "doc/" + text::encode_url_path(path);
}

bool Editor::is_own_host(const std::string& host, int port_number) {
  // The name decides (a name that only resolves here is someone else's); the port, when given, is the preview's.
  std::string name = host;
  const auto colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    if (host.substr(colon + 1) != std::to_string(port_number)) return false;
    name = host.substr(0, colon);
  }
  return name == "localhost" || name == "[::1]" || (name != "::1" && is_loopback(name));
}

bool Editor::allowed(const httplib::Request& req, httplib::Response& res, bool changes) const {
  // The Host a browser sends names the address it meant: a name that only
  // resolves here (DNS rebinding) is not one of ours.
  const std::string host = req.get_header_value("Host");
  const std::string port = ":" + std::to_string(port_);
  const bool own_host = is_own_host(host, port_);
  if (!own_host) {
    reply_refusal(
        res, 403,
        "the editor answers only at this computer's own address, e.g. http://127.0.0.1" + port + "/__portal/edit/");
    return false;
  }
  if (!changes) return true;
  // Only the editor's own pages may ask it to change anything.
  if (req.get_header_value("Origin") != "http://" + host) {
    reply_refusal(res, 403, "this request did not come from the editor's own pages");
    return false;
  }
  if (const auto site = req.get_header_value("Sec-Fetch-Site"); !site.empty() && site != "same-origin") {
    reply_refusal(res, 403, "this request did not come from the editor's own pages");
    return false;
  }
  std::string secret = req.get_header_value("X-Portal-Secret");
  if (secret.empty()) secret = param(req, "secret");
  if (!same_secret(secret, secret_)) {
    reply_refusal(res, 403, "this request does not carry the editor's key: reload the editor's page and try again");
    return false;
  }
  // The gate has the whole body, and its length, before httplib sees the request.
  const std::string length = req.get_header_value("Content-Length");
  if (req.body.size() > kLargestRequest ||
      (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > kLargestRequest)) {
    reply_refusal(res, 413, "the request is larger than any content file may be");
    return false;
  }
  return true;
}

void Editor::handle(const httplib::Request& req, httplib::Response& res) {
  const std::string route = req.path.substr(std::strlen(kBase));
  const bool post = req.method == "POST";
  if (!allowed(req, res, post)) return;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'");
  if (!post && route == "editor.css") return res.set_content(std::string(editor_css()), "text/css; charset=utf-8");
  if (!post && route == "editor.js") return res.set_content(std::string(editor_js()), "text/javascript; charset=utf-8");
  if (!post && route.empty()) return start_page(req, res);
  if (!post && route.starts_with("doc/")) return edit_page(route.substr(4), res);
  if (post && route == "new") return create(req, res);
  if (post && route == "check") return check(req, res);
  if (post && route == "save") return save(req, res, false);
  if (post && route == "publish") return save(req, res, true);
  res.status = 404;
  res.set_content(
      page("Not found", secret_,
           "<h1>There is no such page in the editor</h1><p><a href=\"/__portal/edit/\">Go to the start page</a></p>"),
      "text/html; charset=utf-8");
}

void Editor::start_page(const httplib::Request& req, httplib::Response& res, const std::string& error,
                        const std::string& error_field) {
  struct Row {
    std::string path, title, date, state;
    Kind kind;
    bool draft;
    std::string order;  // the date as ISO text, "" without one
  };
  std::vector<Row> rows;
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (!site) return;
    for (const auto& d : site->documents)
      rows.push_back({d.path, d.title.value.empty() ? d.path : d.title.value, d.date ? d.date->long_form() : "",
                      state_of(*site, d), d.kind, d.draft, d.date ? d.date->iso_datetime() : ""});
  });
  // Newest first within a kind; a document without a date in path order, after them.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.order > b.order; });

  const std::string only = req.method == "GET" ? param(req, "list") : std::string();
  std::string main;
  if (!error.empty())
    main +=
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" aria-labelledby=\"error-summary-title\">"
        "<h2 id=\"error-summary-title\">There is a problem</h2><ul><li><a href=\"#" +
        html_escape(error_field) + "\">" + html_escape(error) + "</a></li></ul></div>";
  main +=
      "<h1>Edit the portal</h1><p class=\"lead\">Write and publish e-bulletins, events and pages. Each document is "
      "checked as you type, "
      "and its page is shown beside it as the site will show it.</p>";

  auto table = [&](const std::string& caption, const std::vector<const Row*>& list, std::size_t total,
                   const std::string& more) {
    std::string t = "<table class=\"documents\"><caption>" + html_escape(caption) +
                    "</caption><thead><tr><th scope=\"col\">Title</th><th scope=\"col\">Date</th><th "
                    "scope=\"col\">State</th></tr></thead><tbody>";
    for (const Row* r : list)
      t += "<tr><td><a href=\"" + html_escape(address_of(r->path)) + "\">" + html_escape(r->title) + "</a></td><td>" +
           html_escape(r->date) + "</td><td><span class=\"state state-" +
           (r->state.starts_with("Published") ? "published"
            : r->state.starts_with("Draft")   ? "draft"
                                              : "other") +
           "\">" + html_escape(r->state) + "</span></td></tr>";
    t += "</tbody></table>";
    if (total > list.size())
      t += "<p><a href=\"" + html_escape(more) + "\">All " + std::to_string(total) + " " +
           html_escape(text::to_lower_ascii(caption)) + "</a></p>";
    return t;
  };

  if (only.empty()) {
    std::vector<const Row*> drafts;
    for (const auto& r : rows)
      if (r.draft) drafts.push_back(&r);
    main += "<h2>Drafts</h2>";
    main += drafts.empty() ? "<p>There are no drafts.</p>" : table("Drafts, newest first", drafts, drafts.size(), "");

    // Start something new, through the same scaffolder as `portal new`.
    main += "<h2 class=\"new-heading\">Start something new</h2><div class=\"new-documents\">";
    static const std::vector<std::pair<std::string, std::string>> kinds = {
        {"bulletin", "New bulletin"}, {"event", "New event"},         {"page", "New page"},
        {"meeting", "New meeting"},   {"paper", "New meeting paper"}, {"dhr", "New Domestic Homicide Review"}};
    static const std::map<std::string, std::pair<std::string, std::string>> option_labels = {
        {"--date", {"Date", ""}},
        {"--time", {"Time (optional)", "24-hour clock, e.g. 10:00."}},
        {"--title", {"Title", ""}},
        {"--name",
         {"File name", "Lower case letters, digits and hyphens, e.g. privacy. It becomes the page's address."}},
        {"--meeting", {"Meeting date", "The meeting the paper belongs to."}},
        {"--item", {"Agenda item (optional)", "Its code on the agenda, e.g. B1."}},
        {"--pseudonym", {"Pseudonym", "The name the published summary uses."}},
        {"--year", {"Year of the review", "Four digits, e.g. 2020."}}};
    for (const auto& [kind, heading] : kinds) {
      const auto opts = scaffold_options().find(kind);
      if (opts == scaffold_options().end()) continue;
      // The key in the address: the preview's gate checks it before it reads a body.
      main += "<form method=\"post\" action=\"/__portal/edit/new?secret=" + secret_ +
              "\" class=\"new-document\" aria-labelledby=\"new-" + kind + "\"><h3 id=\"new-" + kind + "\">" + heading +
              "</h3><input type=\"hidden\" name=\"kind\" value=\"" + kind + "\">";
      for (const auto& option : opts->second) {
        auto [label, hint] = option_labels.at(option);
        if (kind == "event" && option == "--name") {
          label = "File name (optional)";
          hint = "Made from the title when left empty.";
        }
        const std::string id = "new-" + kind + "-" + option.substr(2);
        const char* type = option == "--date" || option == "--meeting" ? "date" : option == "--time" ? "time" : "text";
        // After a refusal, the form it came from keeps what was typed, and says what is wrong beside the field.
        const bool refused_form = !error.empty() && param(req, "kind") == kind;
        const std::string value = refused_form ? param(req, option.substr(2)) : std::string();
        const bool wrong = refused_form && id == error_field;
        std::string described = hint.empty() ? "" : id + "-hint";
        if (wrong) described += (described.empty() ? "" : " ") + id + "-error";
        main += "<div class=\"field" + std::string(wrong ? " field-error" : "") + "\"><label for=\"" + id + "\">" +
                label + "</label>" + (hint.empty() ? "" : "<p class=\"hint\" id=\"" + id + "-hint\">" + hint + "</p>") +
                (wrong ? "<p class=\"error-message\" id=\"" + id +
                             "-error\"><span class=\"visually-hidden\">Error: </span>" + html_escape(error) + "</p>"
                       : "") +
                "<input type=\"" + type + "\" id=\"" + id + "\" name=\"" + option.substr(2) + "\" value=\"" +
                html_escape(value) + "\"" + (described.empty() ? "" : " aria-describedby=\"" + described + "\"") +
                "></div>";
      }
      main += "<button type=\"submit\" class=\"button\" id=\"new-" + kind + "-submit\">" + heading + "</button></form>";
    }
    main += "</div>";
  }

  main += "<h2>" + std::string(only.empty() ? "Everything, by kind" : "Documents") + "</h2>";
  for (Kind k : {Kind::bulletin, Kind::event, Kind::page, Kind::home, Kind::meeting, Kind::paper, Kind::notes,
                 Kind::dhr, Kind::agreement}) {
    if (!only.empty() && only != kind_name(k)) continue;
    std::vector<const Row*> list;
    std::size_t total = 0;
    for (const auto& r : rows)
      if (r.kind == k && ++total && (!only.empty() || list.size() < kListed)) list.push_back(&r);
    if (total) main += table(plural_kind(k), list, total, std::string(kBase) + "?list=" + kind_name(k));
  }
  if (rows.empty())
    main += "<p>The preview has not loaded the site yet, or site.toml cannot be read: the terminal says why.</p>";
  res.status = error.empty() ? 200 : 400;
  res.set_content(page("Edit the portal", secret_, main), "text/html; charset=utf-8");
}

void Editor::create(const httplib::Request& req, httplib::Response& res) {
  ScaffoldRequest request;
  request.kind = param(req, "kind");
  request.today = today();
  const auto opts = scaffold_options().find(request.kind);
  if (opts == scaffold_options().end()) return start_page(req, res, "Choose what to start", "main");
  for (const auto& option : opts->second) {
    std::string value = text::trim(param(req, option.substr(2)));
    if (!value.empty()) request.options[option] = value;
  }
  const ScaffoldResult made = scaffold(source_dir_, request);
  if (!made.error.empty()) {
    // The scaffolder's message names the option it is about: the field to go back to.
    std::string field = "new-" + request.kind + "-" + opts->second.front().substr(2);
    for (const auto& option : opts->second)
      if (made.error.find(option) != std::string::npos) {
        field = "new-" + request.kind + "-" + option.substr(2);
        break;
      }
    std::string message = made.error;
    for (const auto& option : opts->second) {
      const auto at = message.find(option);
      if (at != std::string::npos)
        message.replace(at, option.size(), "The " + text::to_lower_ascii(label_of(option.substr(2))));
    }
    return start_page(req, res, message, field);
  }
  host_.rebuild_now();  // the new file is in the site before its form opens
  res.status = 303;
  res.set_header("Location", address_of(made.written.generic_string()));
}

void Editor::edit_page(const std::string& path, httplib::Response& res) {
  const auto not_editable = [&](const std::string& why) {
    res.status = 404;
    res.set_content(page("Not found", secret_,
                         "<h1>This file cannot be edited</h1><p>" + html_escape(why) +
                             ".</p><p><a href=\"/__portal/edit/\">Go to the start page</a></p>"),
                    "text/html; charset=utf-8");
  };
  if (const auto problem = content_path_problem(source_, path); !problem.empty()) {
    return not_editable(problem);
  }
  const BeneathFile file = read_beneath(source_dir_, path);
  if (!file.bytes && !file.missing) return not_editable(file.error);
  const std::string raw = file.bytes.value_or("");
  Diagnostics ignored;
  const auto normal = normalise_source(raw, path, "front-matter", ignored);
  const std::string text = normal.value_or(raw);
  std::optional<Kind> kind;
  std::string url, state, title;
  InForce in_force;
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (!site) return;
    const auto it = site->by_path.find(path);
    if (it == site->by_path.end()) return;
    const Document& d = site->documents[it->second];
    kind = d.kind;
    url = d.url;
    state = state_of(*site, d);
    title = d.title.value;
    in_force = priorities_in_force(*site, d.date);
  });
  if (!kind) {
    // Not read by the site (its front matter has an error, say): its text, to fix.
    kind = kind_of(path);
    state = "Not read: its front matter has errors";
  }
  if (!kind) {
    res.status = 404;
    return res.set_content(page("Not found", secret_,
                                "<h1>This file is not part of the site</h1><p>" + html_escape(path) +
                                    " is not where any kind of document lives.</p>"),
                           "text/html; charset=utf-8");
  }
  const std::string refusal =
      normal ? form_refusal(*kind, text) : "The file is not plain text the portal can read, so it is edited as text.";
  const bool form = refusal.empty();
  std::string main =
      "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/__portal/edit/\">Editor</a></li><li "
      "aria-current=\"page\">" +
      html_escape(title.empty() ? path : title) + "</li></ol></nav>";
  main +=
      "<div class=\"notice\" id=\"restored\" hidden><p id=\"restored-text\">Your changes that were not saved have been "
      "put back.</p>"
      "<button type=\"button\" class=\"button button-secondary\" id=\"discard\">Discard them and show the file as it "
      "is</button></div>";
  main +=
      "<div class=\"error-summary\" id=\"error-summary\" tabindex=\"-1\" hidden>"
      "<h2 id=\"error-summary-title\">There is a problem</h2><ul id=\"error-list\"></ul></div>";
  main += "<h1><span class=\"caption\">" + html_escape(std::string(plural_kind(*kind))) + "</span>" +
          html_escape(title.empty() ? path : title) + "</h1>";
  main += "<dl class=\"facts\"><div><dt>File</dt><dd><code>" + html_escape(path) +
          "</code></dd></div><div><dt>Address</dt><dd><a href=\"" + html_escape(url) + "\">" + html_escape(url) +
          "</a></dd></div><div><dt>State</dt><dd id=\"state\">" + html_escape(state) + "</dd></div></dl>";
  main += "<p id=\"check-status\" class=\"check-status\" role=\"status\" tabindex=\"-1\"></p>";
  main += "<div class=\"edit-layout\"><form id=\"edit-form\" class=\"edit-form\" novalidate data-path=\"" +
          html_escape(path) + "\" data-base=\"" + blob_id(raw) + "\" data-mode=\"" + (form ? "form" : "text") +
          "\" data-address=\"" + html_escape(url) + "\">";
  if (form) {
    const FormValues values = form_values(*kind, text);
    for (const auto& f : form_fields(*kind)) main += field_html(f, values, in_force);
    std::string body;
    Diagnostics d2;
    if (auto fm = parse_front_matter(text, path, d2)) body = fm->body;
    main +=
        "<div class=\"field\" id=\"field-body-group\"><label for=\"field-body\">Text</label><p class=\"hint\" "
        "id=\"field-body-hint\">"
        "Written in Markdown: a blank line starts a paragraph, <code>## </code> starts a heading, <code>- </code> a "
        "bullet point, "
        "<code>[words](address)</code> is a link.</p><p class=\"error-message\" id=\"field-body-error\" hidden></p>"
        "<p class=\"toolbar\"><button type=\"button\" class=\"button button-secondary\" id=\"add-image\">Add an "
        "image</button></p>"
        "<textarea id=\"field-body\" name=\"body\" rows=\"18\" class=\"body-text\" "
        "aria-describedby=\"field-body-hint\" spellcheck=\"true\">\n" +
        html_escape(body) + "</textarea></div>";
  } else {
    main += "<div class=\"notice\"><p>" + html_escape(refusal) +
            "</p></div><div class=\"field\" id=\"field-text-group\">"
            "<label for=\"field-text\">The whole file</label><p class=\"hint\" id=\"field-text-hint\">Its front matter "
            "between the "
            "<code>+++</code> lines, then its text in Markdown.</p><p class=\"error-message\" id=\"field-text-error\" "
            "hidden></p>"
            "<textarea id=\"field-text\" name=\"text\" rows=\"28\" class=\"body-text\" "
            "aria-describedby=\"field-text-hint\" spellcheck=\"false\">\n" +
            html_escape(text) + "</textarea></div>";
  }
  main +=
      "<div class=\"buttons\"><button type=\"submit\" class=\"button\" id=\"save\">Save</button></div>"
      "<p id=\"save-status\" class=\"save-status\" role=\"status\"></p>"
      "<section id=\"conflict\" class=\"conflict\" hidden aria-labelledby=\"conflict-title\"><h2 id=\"conflict-title\" "
      "tabindex=\"-1\">"
      "The file was changed somewhere else</h2><p>Since you opened it, the file on disk has changed. Nothing was "
      "saved: "
      "compare the two, then choose.</p><div class=\"versions\"><div><label for=\"conflict-disk\">The file as it is "
      "now</label>"
      "<textarea id=\"conflict-disk\" rows=\"12\" readonly></textarea></div><div><label for=\"conflict-mine\">Your "
      "version</label>"
      "<textarea id=\"conflict-mine\" rows=\"12\" readonly></textarea></div></div><div class=\"buttons\">"
      "<button type=\"button\" class=\"button button-warning\" id=\"conflict-keep\">Save my version over it</button>"
      "<button type=\"button\" class=\"button button-secondary\" id=\"conflict-take\">Use the file as it is "
      "now</button></div></section>";
  main +=
      "<section class=\"publish\" aria-labelledby=\"publish-title\"><h2 id=\"publish-title\">Publish</h2>"
      "<p>Publishing takes away the draft mark, checks the whole site as it will be published, and records this "
      "document in "
      "the site's history. It goes live when the site is next built and put online.</p>"
      "<div class=\"field\" id=\"field-message-group\"><label for=\"field-message\">What changed</label>"
      "<p class=\"hint\" id=\"field-message-hint\">One line, written for the public: it is shown in the page's "
      "history, "
      "e.g. \"July 2024 e-bulletin\".</p><p class=\"error-message\" id=\"field-message-error\" hidden></p>"
      "<textarea id=\"field-message\" name=\"message\" rows=\"2\" "
      "aria-describedby=\"field-message-hint\"></textarea></div>"
      "<div class=\"buttons\"><button type=\"button\" class=\"button\" id=\"publish\">Ready to publish</button></div>"
      "<div id=\"publish-result\" class=\"publish-result\" role=\"status\"></div></section>";
  main +=
      "</form><section class=\"preview\" aria-labelledby=\"preview-title\"><h2 id=\"preview-title\">Preview</h2>"
      "<p id=\"preview-note\" class=\"hint\">The page as the site will show it, updated as you type.</p>"
      "<iframe id=\"preview\" title=\"Preview of the page\" sandbox=\"allow-same-origin\"></iframe></section></div>";
  main +=
      "<dialog id=\"image-dialog\" class=\"image-dialog\" aria-labelledby=\"image-title\"><form method=\"dialog\" "
      "id=\"image-form\" novalidate>"
      "<h2 id=\"image-title\">Add an image</h2><div class=\"field\" id=\"image-src-group\"><label "
      "for=\"image-src\">The image</label>"
      "<p class=\"hint\" id=\"image-src-hint\">A file under content/ written @/ and its path, e.g. "
      "@/bulletins/2024-07-poster.png, or an https:// address.</p>"
      "<p class=\"error-message\" id=\"image-src-error\" hidden></p><input type=\"text\" id=\"image-src\" "
      "aria-describedby=\"image-src-hint\" spellcheck=\"false\"></div>"
      "<div class=\"field\" id=\"image-alt-group\"><label for=\"image-alt\">Alternative text</label><p class=\"hint\" "
      "id=\"image-alt-hint\">What the image shows "
      "or says, for people who cannot see it, e.g. \"Poster: Domestic abuse webinar, 27 June 2024, 10am\".</p>"
      "<p class=\"error-message\" id=\"image-alt-error\" hidden></p><textarea id=\"image-alt\" rows=\"3\" "
      "aria-describedby=\"image-alt-hint\"></textarea></div>"
      "<div class=\"buttons\"><button type=\"submit\" class=\"button\" id=\"image-insert\" value=\"insert\">Add the "
      "image</button>"
      "<button type=\"button\" class=\"button button-secondary\" "
      "id=\"image-cancel\">Cancel</button></div></form></dialog>";
  res.set_content(page(title.empty() ? path : title, secret_, main), "text/html; charset=utf-8");
}

namespace {

// The text a request asks for: the whole file (text mode) or the file on
// disk with the form's values. Empty, with `error`, when it cannot be made.
std::string requested_text(const httplib::Request& req, Kind kind, const std::string& disk, std::string& error) {
  if (param(req, "mode") == "text") return lf(param(req, "text"));
  FormValues values;
  for (const auto& f : form_fields(kind))
    if (has_param(req, "f." + f.key)) values[f.key] = lf(param(req, "f." + f.key));
  // A request without the text keeps the file's.
  const std::optional<std::string> body = has_param(req, "body") ? std::optional(lf(param(req, "body"))) : std::nullopt;
  return edit_front_matter(disk, form_edits(kind, disk, values), error, body);
}

}  // namespace

std::optional<Kind> Editor::kind_of(const std::string& path) {
  std::optional<Kind> kind;
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (site && site->by_path.count(path)) kind = site->documents[site->by_path.at(path)].kind;
  });
  if (kind) return kind;
  // Not read by the site (its front matter has an error, say): its kind from its place.
  Diagnostics unused;
  if (const auto entry = classify(path.substr(8), unused); entry && entry->type == EntryType::document)
    return entry->kind;
  return std::nullopt;
}

void Editor::check(const httplib::Request& req, httplib::Response& res) {
  const std::string path = param(req, "path");
  if (const auto problem = content_path_problem(source_, path); !problem.empty())
    return reply_refusal(res, 404, problem);
  Diagnostics ignored;
  const BeneathFile file = read_beneath(source_dir_, path);
  if (!file.bytes && !file.missing) return reply_refusal(res, 404, file.error);
  const std::string disk = normalise_source(file.bytes.value_or(""), path, "front-matter", ignored).value_or("");
  toml::table out;
  const auto kind = kind_of(path);
  if (!kind) return reply_refusal(res, 404, path + " is not where any kind of document lives");
  host_.with_site([&](Site* site, const Theme* theme, const History* history) {
    std::string error;
    std::string text = requested_text(req, *kind, disk, error);
    if (!error.empty()) text = param(req, "text");
    Diagnostics diags;
    int body_first_line = 0;
    // Read as the build reads it, limits and all: nothing the build refuses reaches the Markdown parser.
    auto source = source_from_bytes(text, path, diags);
    std::optional<std::string> normal;
    std::optional<FrontMatter> fm;
    if (source) {
      normal = std::move(source->text);
      fm = std::move(source->front_matter);
    }
    // A file the site could not read is checked alone: its front matter, no preview.
    const bool in_site = site && site->by_path.count(path);
    if (fm && !in_site) {
      body_first_line = fm->body_first_line;
      read_document(*kind, fm->table, fm->table_first_line, path, diags);
      out.insert("preview_note",
                 "The preview appears once the site has read this file: save it when its front matter has no errors.");
    }
    if (fm && in_site) {
      const std::size_t i = site->by_path.at(path);
      body_first_line = fm->body_first_line;
      Document d = read_document(*kind, fm->table, fm->table_first_line, path, diags);
      const Document& file_doc = site->documents[i];
      d.slug = file_doc.slug;
      d.meeting = file_doc.meeting;
      d.url = file_doc.url;
      if (!d.date && (*kind == Kind::notes || *kind == Kind::paper)) d.date = file_doc.date;
      d.body = std::move(fm->body);
      d.body_first_line = fm->body_first_line;
      // The typed document stands in the site while it is checked and drawn, then the file's is put back.
      RenderedMarkdown body;
      struct Restore {
        Site& s;
        std::size_t i;
        Document& d;
        RenderedMarkdown& b;
        bool p;
        std::string w;
        ~Restore() {
          std::swap(s.documents[i], d);
          std::swap(s.bodies[i], b);
          s.published[i] = p;
          s.withheld_because[i] = std::move(w);
        }
      } restore{*site, i, d, body, site->published[i], site->withheld_because[i]};
      std::swap(site->documents[i], d);
      std::swap(site->bodies[i], body);
      Document& typed = site->documents[i];
      MarkdownOptions mo = site->markdown_options(typed);
      mo.first_line = typed.body_first_line;
      site->bodies[i] = render_markdown(typed.body, mo);
      const std::string why = withheld_because(*site, typed, Drafts::show);
      site->published[i] = why.empty();
      site->withheld_because[i] = why;
      check_document(*site, i, diags);
      const Document& now = site->documents[i];
      if (!why.empty()) {
        out.insert("preview_note", "This document is " + why + ", so the site has no page for it.");
      } else if (theme && history) {
        if (auto rendered = render_page(*site, *history, *theme, now.url)) {
          // The page's relative addresses resolve from its own address, as on the site.
          std::string html = std::move(rendered->content);
          if (const auto head = html.find("<head>"); head != std::string::npos)
            html.insert(head + 6, "<base href=\"" + html_escape(now.url) + "\">");
          // A page too large to send as one answer is described, not sent.
          if (html.size() > kLargestPreview)
            out.insert("preview_note", "The page is too large to preview as you type; save it and open its page.");
          else
            out.insert("preview", std::move(html));
        }
      } else {
        out.insert("preview_note", "The preview appears once the site builds without errors.");
      }
      const InForce in_force = priorities_in_force(*site, now.date);
      toml::array choices;
      for (const auto& c : in_force.choices) {
        toml::table t;
        t.insert("id", c.id);
        t.insert("name", c.name);
        t.insert("theme", c.theme);
        choices.push_back(std::move(t));
      }
      out.insert("priorities", std::move(choices));
      out.insert("agreement", in_force.label.empty() ? "none is in force then" : in_force.label);
      out.insert("state", state_of(*site, now));
    }
    diags.sort();
    out.insert("errors", static_cast<std::int64_t>(diags.errors()));
    out.insert("warnings", static_cast<std::int64_t>(diags.warnings()));
    // The first ones are listed; the counts say how many there are.
    Diagnostics listed;
    for (const auto& d : diags.items())
      if (listed.items().size() < kListedProblems) listed.add(d);
    out.insert("diagnostics", diagnostics_json(listed, normal.value_or(text), body_first_line, false));
  });
  reply_json(res, 200, out);
}

void Editor::save(const httplib::Request& req, httplib::Response& res, bool publish) {
  const std::string path = param(req, "path");
  if (const auto problem = content_path_problem(source_, path); !problem.empty())
    return reply_refusal(res, 404, problem);
  // One at a time: the file is compared with the form's base, then written, with no other save between.
  const std::lock_guard one_at_a_time(writing_);
  const BeneathFile file = read_beneath(source_dir_, path);
  if (!file.bytes && !file.missing) return reply_refusal(res, 404, file.error);
  const std::string raw = file.bytes.value_or("");
  Diagnostics ignored;
  const std::string disk = normalise_source(raw, path, "front-matter", ignored).value_or(raw);
  const std::optional<Kind> kind = kind_of(path);
  std::string never;  // why the site never publishes it, draft or not
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (!site || !site->by_path.count(path)) return;
    Document ready = site->documents[site->by_path.at(path)];
    ready.draft = false;
    never = withheld_because(*site, ready, Drafts::hide);
    if (never.starts_with("dated in the future")) never.clear();  // scheduled: it will be
  });
  if (!kind) return reply_refusal(res, 404, path + " is not where any kind of document lives");
  std::string error;
  std::string text = requested_text(req, *kind, disk, error);
  if (!error.empty())
    return reply_refusal(res, 422, "the front matter cannot be read (" + error + "): correct it in the text");
  // Nothing restricted becomes public by a save: only a publish that names, and was confirmed for, what it lifts.
  const std::vector<std::string> lifting = lifted_restrictions(source_dir_, path, disk, text);
  const bool lift_confirmed = !lifting.empty() && publish && lf(param(req, "lift")) == joined(lifting, "\n");
  if (!lifting.empty() && !lift_confirmed) return refuse_lifting(res, lifting, publish);
  if (lift_confirmed && std::find(lifting.begin(), lifting.end(), path) != lifting.end()) never.clear();
  std::string message = text::trim(lf(param(req, "message")));
  if (publish) {
    if (!never.empty())
      return reply_refusal(res, 422, "This document is " + never + ", so the site never publishes it.");
    const char* wrong =
        message.empty() ? "Write what changed, in one line for the public"
        : text::find_code_point(message, [](std::uint32_t cp) { return text::is_control(cp) && cp != '\n'; }) ||
                message.size() > 4096
            ? "Write what changed in plain words, without special characters"
            : nullptr;
    if (wrong) {
      toml::table t;
      t.insert("error", wrong);
      t.insert("field", "message");
      return reply_json(res, 422, t);
    }
  }
  if (lift_confirmed) message = "Restriction lifted, publishing " + joined(lifting, ", ") + ": " + message;
  if (publish)
    if (const auto problem = commit_problem(source_); !problem.empty())
      return reply_refusal(res, 422, "Nothing was published or changed: " + problem + ".");
  // Changed on disk since the form opened: both are shown, nothing is written.
  if (param(req, "base") != blob_id(raw)) {
    toml::table t;
    t.insert("conflict", true);
    t.insert("disk", disk);
    t.insert("disk_base", blob_id(raw));
    t.insert("mine", text);
    return reply_json(res, 409, t);
  }
  const std::string kept = text;  // as typed, draft mark and all
  // Nothing changed: nothing is written (the file keeps its bytes, line endings and all).
  if (!publish && lf(text) == lf(disk)) {
    toml::table same;
    same.insert("saved", true);
    same.insert("base", blob_id(raw));
    return reply_json(res, 200, same);
  }
  if (publish) {
    text = edit_front_matter(text, {{"draft", std::nullopt}}, error);
    if (!error.empty()) return reply_refusal(res, 422, "the front matter cannot be read (" + error + ")");
  }
  std::string bytes = as_file_had(text, raw);
  if (const auto problem = write_beneath_atomically(source_dir_, path, bytes); !problem.empty())
    return reply_refusal(res, 500, problem);
  toml::table out;
  out.insert("saved", true);
  out.insert("base", blob_id(bytes));
  if (!publish) {
    host_.rebuild_now();
    return reply_json(res, 200, out);
  }
  // The whole site, as a build without drafts will publish it.
  BuildOptions check;
  check.source = source_;
  check.drafts = Drafts::hide;
  check.jobs = jobs_;
  const BuildResult result = run_check(check);
  if (result.outcome != Outcome::ok) {
    // Not published: the file keeps what was typed, still a draft.
    bytes = as_file_had(kept, raw);
    if (const auto problem = write_beneath_atomically(source_dir_, path, bytes); !problem.empty())
      return reply_refusal(res, 500, problem);
    host_.rebuild_now();
    Diagnostics errors;
    for (const auto& d : result.diagnostics.items())
      if (d.severity == Severity::error) errors.add(d);
    toml::table t;
    t.insert("published", false);
    t.insert("base", blob_id(bytes));
    t.insert("error", result.error.empty() ? "It was not published: the site as it would be published has problems. "
                                             "The document is saved, still a draft."
                                           : result.error);
    // Restricted files' messages may quote them: named, not quoted.
    Diagnostics shown;
    for (auto d : errors.items()) {
      if (d.file != path && result.restricted_files.count(d.file)) {
        d.message = "a problem in a restricted file (the terminal running portal check says what)";
        d.hint.clear();
      }
      shown.add(d);
    }
    t.insert("diagnostics", diagnostics_json(shown, text, 0, true));
    return reply_json(res, 422, t);
  }
  // The files under content/ that the text as published shows (an image, a PDF), read by the site from the file now
  // written.
  host_.rebuild_now();
  std::vector<std::string> files = {path};
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (!site || !site->by_path.count(path)) return;
    for (const auto& link : site->links_of(site->by_path.at(path))) {
      const auto asset = site->asset_by_path.find(link.target_path);
      if (!link.internal || asset == site->asset_by_path.end() || !site->assets[asset->second].published) continue;
      if (std::find(files.begin(), files.end(), link.target_path) == files.end()) files.push_back(link.target_path);
    }
  });
  const CommitResult commit = commit_files(source_, files, message);
  host_.rebuild_now();
  if (!commit.error.empty()) {
    toml::table t;
    t.insert("published", false);
    t.insert("base", blob_id(bytes));
    t.insert("error", "The document is saved without its draft mark, but it could not be recorded: " + commit.error);
    return reply_json(res, 500, t);
  }
  out.insert("published", true);
  out.insert("commit", commit.id);
  std::string state, address;
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (!site || !site->by_path.count(path)) return;
    const Document& d = site->documents[site->by_path.at(path)];
    state = state_of(*site, d);
    address = d.url;
  });
  out.insert("state", state);
  out.insert("address", address);
  out.insert("files", [&] {
    toml::array a;
    for (const auto& f : files) a.push_back(f);
    return a;
  }());
  reply_json(res, 200, out);
}

}  // namespace portal
