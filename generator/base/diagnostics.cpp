#include "diagnostics.h"

#include <algorithm>
#include <sstream>
#include <tuple>

#include <toml++/toml.h>

#include "json.h"
#include "text.h"

namespace portal {

Diagnostic& Diagnostics::added(Severity severity, std::string file, Pos pos, std::string rule, std::string message,
                               std::string hint) {
  return items_.emplace_back(Diagnostic{
      std::move(file), pos, severity, std::move(rule), std::move(message), std::move(hint), {}, FieldProblem::none});
}

Diagnostic& Diagnostics::error(std::string file, Pos pos, std::string rule, std::string message, std::string hint) {
  return added(Severity::error, std::move(file), pos, std::move(rule), std::move(message), std::move(hint));
}

Diagnostic& Diagnostics::warning(std::string file, Pos pos, std::string rule, std::string message, std::string hint) {
  return added(Severity::warning, std::move(file), pos, std::move(rule), std::move(message), std::move(hint));
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

int Diagnostics::errors() const {
  return static_cast<int>(
      std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

int Diagnostics::warnings() const { return static_cast<int>(items_.size()) - errors(); }

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.pos.line, a.pos.column, a.rule, a.message) <
           std::tie(b.file, b.pos.line, b.pos.column, b.rule, b.message);
  });
  items_.erase(std::unique(items_.begin(), items_.end(),
                           [](const Diagnostic& a, const Diagnostic& b) {
                             return a.file == b.file && a.pos.line == b.pos.line && a.pos.column == b.pos.column &&
                                    a.rule == b.rule && a.message == b.message;
                           }),
               items_.end());
}

static const char* severity_name(Severity s) { return s == Severity::error ? "error" : "warning"; }

std::string format_text(const Diagnostic& d) {
  // One line a diagnostic, whatever a file name or a quoted text holds.
  std::string out = text::escape_controls(d.file);
  if (d.pos.line > 0) {
    out += ':' + std::to_string(d.pos.line);
    if (d.pos.column > 0) out += ':' + std::to_string(d.pos.column);
  }
  out += ": ";
  out += severity_name(d.severity);
  out += '[' + d.rule + "]: " + text::escape_controls(d.message);
  if (!d.hint.empty()) out += " (hint: " + text::escape_controls(d.hint) + ")";
  return out;
}

namespace {

// GitHub's escaping of a workflow command's message, and further of its properties.
std::string github_escape(std::string_view s, bool property) {
  std::string out;
  for (const char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else if (property && c == ':')
      out += "%3A";
    else if (property && c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string format_github(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds.items()) {
    out += d.severity == Severity::error ? "::error " : "::warning ";
    out += "file=" + github_escape(d.file, true);
    if (d.pos.line > 0) {
      out += ",line=" + std::to_string(d.pos.line);
      if (d.pos.column > 0) out += ",col=" + std::to_string(d.pos.column);
    }
    out += ",title=" + github_escape("portal " + d.rule, true) + "::";
    out += github_escape(d.message + (d.hint.empty() ? "" : " (hint: " + d.hint + ")"), false);
    out += '\n';
  }
  return out;
}

std::string format_text(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds.items()) out += format_text(d) + '\n';
  if (!ds.items().empty())
    out += text::counted(static_cast<std::size_t>(ds.errors()), "error") + ", " +
           text::counted(static_cast<std::size_t>(ds.warnings()), "warning") + '\n';
  return out;
}

// toml++ writes JSON, so no JSON writer of our own is needed.
std::string format_json(const Diagnostics& ds) {
  toml::array list;
  for (const auto& d : ds.items()) {
    list.push_back(toml::table{{"file", d.file},
                               {"line", d.pos.line},
                               {"column", d.pos.column},
                               {"severity", severity_name(d.severity)},
                               {"rule", d.rule},
                               {"message", d.message},
                               {"hint", d.hint}});
  }
  toml::table root{{"errors", ds.errors()}, {"warnings", ds.warnings()}, {"diagnostics", std::move(list)}};
  return to_json(root, JsonLayout::indented);
}

}  // namespace portal
