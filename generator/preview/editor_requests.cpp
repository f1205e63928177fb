#include "editor_requests.h"

#include <httplib.h>

#include "editor_fields.h"
#include "editor_templates.h"
#include "editor_words.h"
#include "front_matter_edit.h"
#include "json.h"
#include "text.h"

namespace portal {

bool has_param(const httplib::Request& r, const std::string& name) {
  return r.has_param(name.c_str()) || r.has_file(name.c_str());
}

std::string param(const httplib::Request& r, const std::string& name) {
  if (r.has_param(name.c_str())) return r.get_param_value(name.c_str());
  return r.has_file(name.c_str()) ? r.get_file_value(name.c_str()).content : std::string();
}

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

Result<std::string> requested_text(const httplib::Request& req, Kind kind, const std::string& disk) {
  if (param(req, "mode") == "text") return lf(param(req, "text"));
  FormValues values;
  for (const auto& f : form_fields(kind))
    if (has_param(req, "f." + f.key)) values[f.key] = lf(param(req, "f." + f.key));
  // A request without the text keeps the file's.
  const std::optional<std::string> body = has_param(req, "body") ? std::optional(lf(param(req, "body"))) : std::nullopt;
  return edit_front_matter(disk, form_edits(kind, disk, values), body);
}

const char* message_problem(const std::string& message) {
  if (message.empty()) return "Write what changed, in one line for the public";
  if (message.size() > 4096 ||
      text::find_code_point(message, [](std::uint32_t cp) { return text::is_control(cp) && cp != '\n'; }))
    return "Write what changed in plain words, without special characters";
  return nullptr;
}

void reply_page(httplib::Response& res, int status, const std::string& name, mstch::map context,
                const std::string& title, const std::string& secret) {
  res.status = status;
  res.set_content(editor_page(name, std::move(context), title, secret), "text/html; charset=utf-8");
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

toml::array diagnostics_json(const Diagnostics& diags, const std::string& text, int body_first_line, bool other_files) {
  toml::array out;
  for (const auto& d : diags.items()) {
    toml::table t;
    t.insert("severity", d.severity == Severity::error ? "error" : "warning");
    t.insert("rule", d.rule);
    // A field's problem in a person's words; the file's own words for the rest.
    const bool this_file = !other_files || d.file.empty();
    const auto plain = this_file ? plain_words(d) : std::nullopt;
    t.insert("message", plain ? plain->message : d.message);
    t.insert("hint", plain ? plain->hint : d.hint);
    t.insert("line", d.pos.line);
    t.insert("column", d.pos.column);
    t.insert("file", d.file);
    std::string field = this_file ? d.field : std::string();
    if (this_file && field.empty()) {
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

}  // namespace portal
