#include "front_matter_edit.h"

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

#include "front_matter.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

// Where the front matter's TOML lies in a file's text.
struct Parts {
  std::size_t toml_begin = 0, toml_end = 0, body_begin = 0;
  toml::table table;
};

Result<Parts> split(std::string_view text) {
  Diagnostics diags;
  auto fm = parse_front_matter(text, "", diags);
  if (!fm) return fail(diags.items().empty() ? "the front matter cannot be read" : diags.items().front().message);
  Parts p;
  p.table = std::move(fm->table);
  p.body_begin = text.size() - fm->body.size();
  p.toml_begin = text.find('\n') + 1;
  // The closing fence is the last line before the body.
  std::string_view head = text.substr(0, p.body_begin);
  if (head.ends_with('\n')) head.remove_suffix(1);
  const auto fence = head.rfind('\n');
  p.toml_end = fence == std::string_view::npos ? p.toml_begin : fence + 1;
  return p;
}

// The byte offset in `toml` of (line, column), both counted from 1, columns in code points.
std::size_t offset_of(std::string_view toml, std::size_t line, std::size_t column) {
  std::size_t at = 0;
  for (std::size_t l = 1; l < line && at < toml.size(); ++l) {
    const auto nl = toml.find('\n', at);
    at = nl == std::string_view::npos ? toml.size() : nl + 1;
  }
  for (std::size_t c = 1; c < column && at < toml.size() && toml[at] != '\n';) {
    ++at;
    while (at < toml.size() && (static_cast<unsigned char>(toml[at]) & 0xC0) == 0x80) ++at;
    ++c;
  }
  return at;
}

bool is_plain_table(const toml::node& n) { return n.is_table() || n.is_array_of_tables(); }

std::optional<Date> read_date(std::string_view value, bool time_allowed) {
  const auto t = value.find('T');
  auto day = parse_iso_date(std::string(value.substr(0, t)));
  if (!day) return std::nullopt;
  if (t == std::string_view::npos) return day;
  if (!time_allowed) return std::nullopt;
  // HH:MM, as a time input gives it (what follows, such as seconds, is not read).
  const auto minutes = parse_time_of_day(value.substr(t + 1, 5));
  if (!minutes) return std::nullopt;
  day->minutes = *minutes;
  return day;
}

}  // namespace

std::vector<std::string> form_list(std::string_view value) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= value.size();) {
    const auto nl = value.find('\n', at);
    std::string line = text::trim(value.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    if (!line.empty()) out.push_back(std::move(line));
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return out;
}

namespace {

// The value of a node as the form shows it.
std::string form_value(const toml::node& n) {
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "";
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* d = n.as_date()) return date_of(d->get()).iso();
  // The form's time of day has no seconds.
  if (const auto* dt = n.as_date_time()) return date_of(dt->get()).iso_datetime().substr(0, 16);
  if (const auto* a = n.as_array()) {
    std::string out;
    for (const auto& e : *a)
      if (const auto* s = e.as_string()) out += (out.empty() ? "" : "\n") + s->get();
    return out;
  }
  std::ostringstream o;
  o << toml::toml_formatter{n, toml::format_flags::allow_unicode_strings};
  return o.str();
}

// The form's value as TOML for a field of `type`.
std::string literal(std::string_view value, FieldType type) {
  switch (type) {
    case FieldType::boolean: return value == "true" ? "true" : "false";
    case FieldType::integer: {
      // Written as TOML writes a whole number (no leading zeros); anything else as a string.
      const std::string v = text::trim(value);
      const bool digits = !v.empty() && std::all_of(v.begin() + (v.front() == '-' ? 1 : 0), v.end(), [](char c) {
        return c >= '0' && c <= '9';
      }) && v != "-" && v.size() < 18;
      return digits ? std::to_string(std::stoll(v)) : toml_quoted(value);
    }
    case FieldType::date:
    case FieldType::date_time: {
      const auto d = read_date(text::trim(value), type == FieldType::date_time);
      return d ? d->iso_datetime() : toml_quoted(value);
    }
    case FieldType::strings: {
      std::string out = "[";
      for (const auto& line : form_list(value)) out += (out.size() > 1 ? ", " : "") + toml_quoted(line);
      return out + "]";
    }
    default: return toml_quoted(value);
  }
}

}  // namespace

std::string toml_quoted(std::string_view value) {
  std::ostringstream o;
  o << toml::toml_formatter{toml::value<std::string>(std::string(value)), toml::format_flags::allow_unicode_strings};
  return o.str();
}

Done form_accepts(Kind kind, std::string_view text) {
  for (const auto& spec : fields_of(kind))
    if (spec.type == FieldType::tables)
      return fail(std::string("A ") + (kind == Kind::agreement ? "Community Safety Agreement" : kind_name(kind)) +
                  " holds lists of entries (its `" + spec.key +
                  "`), which a form cannot show: it is edited as text, with the same checks.");
  const auto parts = split(text);
  if (!parts)
    return fail("Its front matter cannot be read (" + parts.error() +
                "), so it is edited as text: the checks say what to fix.");
  for (const auto& [key, value] : parts->table)
    if (is_plain_table(value))
      return fail("Its front matter holds a table (`" + std::string(key.str()) +
                  "`), which a form cannot show: it is edited as text, with the same checks.");
  return {};
}

FormValues form_values(Kind kind, std::string_view text) {
  FormValues out;
  const auto parts = split(text);
  if (!parts) return out;
  for (const auto& spec : fields_of(kind))
    if (const auto* n = parts->table.get(spec.key)) out[spec.key] = form_value(*n);
  return out;
}

FrontMatterEdits form_edits(Kind kind, std::string_view text, const FormValues& values) {
  FrontMatterEdits edits;
  const auto parts = split(text);
  if (!parts) return edits;
  for (const auto& spec : fields_of(kind)) {
    const auto v = values.find(spec.key);
    if (v == values.end()) continue;  // the form does not show it: left as it is
    const auto* n = parts->table.get(spec.key);
    if (n && form_value(*n) == v->second) continue;
    // A list is the same list in any order: the file's order is kept, new entries follow.
    if (n && spec.type == FieldType::strings) {
      const auto had = form_list(form_value(*n));
      auto wanted = form_list(v->second);
      auto sorted_had = had, sorted_wanted = wanted;
      std::sort(sorted_had.begin(), sorted_had.end());
      std::sort(sorted_wanted.begin(), sorted_wanted.end());
      if (sorted_had == sorted_wanted && n->is_array()) continue;
      std::string merged;
      for (const auto& h : had)
        if (std::find(wanted.begin(), wanted.end(), h) != wanted.end()) merged += h + "\n";
      for (const auto& w : wanted)
        if (std::find(had.begin(), had.end(), w) == had.end()) merged += w + "\n";
      edits[spec.key] = literal(merged, spec.type);
      continue;
    }
    const bool empty = text::is_blank(v->second);
    if (!n && empty) continue;
    // A field that cannot be empty loses its line when emptied; the rest keep theirs, empty.
    if (empty && (spec.type == FieldType::integer || spec.type == FieldType::date || spec.type == FieldType::date_time))
      edits[spec.key] = std::nullopt;
    else
      edits[spec.key] = literal(v->second, spec.type);
  }
  return edits;
}

namespace {

// `toml` with `edits` made to the keys of `table`, whose source positions are
// lines of `toml`. A key it lacks is written at `add_at` when given, else
// left to the caller in `added`.
std::string with_edits(std::string_view toml, const toml::table& table, const FrontMatterEdits& edits,
                       std::string& added, std::optional<std::size_t> add_at = std::nullopt) {
  struct Span {
    std::size_t from, to;
    std::string with;
  };
  std::vector<Span> spans;
  for (const auto& [key, value] : edits) {
    const auto it = table.find(key);
    if (it == table.end()) {
      if (value) added += key + " = " + *value + "\n";
      continue;
    }
    const auto& vs = it->second.source();
    if (value) {
      spans.push_back(
          {offset_of(toml, vs.begin.line, vs.begin.column), offset_of(toml, vs.end.line, vs.end.column), *value});
      continue;
    }
    // Removed with its lines: from the key's line to the end of the value's.
    const std::size_t from = offset_of(toml, it->first.source().begin.line, 1);
    std::size_t to = offset_of(toml, vs.end.line, vs.end.column);
    const auto nl = toml.find('\n', to);
    to = nl == std::string_view::npos ? toml.size() : nl + 1;
    spans.push_back({from, to, {}});
  }
  if (add_at && !added.empty()) spans.push_back({*add_at, *add_at, std::exchange(added, {})});
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.from > b.from; });
  std::string out(toml);
  for (const auto& s : spans) out.replace(s.from, s.to - s.from, s.with);
  return out;
}

}  // namespace

Result<std::string> edit_front_matter(std::string_view text, const FrontMatterEdits& edits,
                                      const std::optional<std::string>& body) {
  const auto parts = split(text);
  if (!parts) return parts.failure();
  const std::string_view toml = text.substr(parts->toml_begin, parts->toml_end - parts->toml_begin);
  std::string added;
  std::string out = with_edits(toml, parts->table, edits, added);
  if (!added.empty() && !out.empty() && !out.ends_with('\n')) out += '\n';
  out += added;
  std::string result(text.substr(0, parts->toml_begin));
  result += out;
  result += text.substr(parts->toml_end, parts->body_begin - parts->toml_end);
  // The text as it was, unless another was given: a file ending at its `+++` keeps no line break it did not have.
  const std::string_view old_body = text.substr(parts->body_begin);
  if (body && *body != old_body) {
    if (!body->empty() && !result.ends_with('\n')) result += '\n';
    result += *body;
  } else {
    result += old_body;
  }
  return result;
}

Result<std::string> edit_toml_table(std::string_view text, const std::string& name, const FrontMatterEdits& edits) {
  Diagnostics diags;
  const auto whole = parse_toml(text, "", 1, "config", diags);
  if (!whole) return fail(diags.items().front().message);
  const toml::node* node = whole->get(name);
  if (node && (!node->is_table() || node->as_table()->is_inline()))
    return fail("`" + name + "` is not written as a [" + name + "] table of its own lines: edit the file as text");
  std::string added;
  if (!node) {
    std::string out(text);
    with_edits(text, {}, edits, added);
    if (added.empty()) return out;
    if (!out.empty() && !out.ends_with('\n')) out += '\n';
    return out + "\n[" + name + "]\n" + added;
  }
  // A key it lacks goes after the table's last line (the header's, when it has no keys): a table of dotted
  // keys (contact.email = …) has no such place.
  const toml::table& table = *node->as_table();
  const std::size_t header = offset_of(text, table.source().begin.line, 1);
  if (!text::trim(text.substr(header, text.find('\n', header) - header)).starts_with("[") &&
      std::any_of(edits.begin(), edits.end(), [&](const auto& e) { return e.second && !table.contains(e.first); }))
    return fail("`" + name + "` is written as dotted keys (" + name + ".… = …): edit the file as text to add to it");
  std::size_t last = table.source().begin.line;
  for (const auto& [key, value] : table) last = std::max<std::size_t>(last, value.source().end.line);
  std::size_t at = offset_of(text, last + 1, 1);
  if (at == text.size() && !text.ends_with('\n')) {
    std::string ended = std::string(text) + "\n";
    return edit_toml_table(ended, name, edits);
  }
  return with_edits(text, table, edits, added, at);
}

std::set<std::string> restricted_marks(std::string_view text) {
  std::set<std::string> marks;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // as the loader reads it
  const auto parts = split(text);
  if (!parts) return marks;
  auto is_true = [](const toml::node* n) { return n && n->as_boolean() && n->as_boolean()->get(); };
  if (is_true(parts->table.get("restricted"))) marks.insert("the document");
  if (const auto* items = parts->table.get_as<toml::array>("items"))
    for (const auto& item : *items)
      if (const auto* t = item.as_table(); t && is_true(t->get("restricted"))) {
        const auto* code = t->get_as<std::string>("code");
        const auto* title = t->get_as<std::string>("title");
        marks.insert("agenda item " + (code ? code->get() : title ? title->get() : std::string("without a code")));
      }
  return marks;
}

std::string key_at_line(std::string_view text, int line) {
  const auto parts = split(text);
  if (!parts) return {};
  // The TOML's first line is the file's second.
  const auto l = static_cast<std::size_t>(line - 1);
  for (const auto& [key, value] : parts->table)
    if (key.source().begin.line <= l && l <= value.source().end.line) return std::string(key.str());
  return {};
}

Done check_content_path(const fs::path& source, const std::string& path) {
  if (!path.starts_with("content/") || !path.ends_with(".md"))
    return fail("only the Markdown files under content/ are edited here");
  if (path.size() > 512) return fail("the path is too long");
  if (path.find('\\') != std::string::npos ||
      text::find_code_point(path, [](std::uint32_t cp) { return text::is_control(cp); }))
    return fail("the path holds a character no content file's name has");
  fs::path at = source;
  for (std::size_t from = 0; from < path.size();) {
    const auto slash = path.find('/', from);
    const std::string part = path.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
    if (part.empty() || part == "." || part == ".." || part.starts_with("."))
      return fail("the path climbs out of content/ or names a hidden file");
    at /= part;
    std::error_code ec;
    const auto status = fs::symlink_status(at, ec);
    if (ec || !fs::exists(status)) return fail("there is no file " + path);
    if (fs::is_symlink(status))
      return fail(path.substr(0, slash) + " is a symbolic link, which the editor does not follow");
    if (slash == std::string::npos) {
      if (!fs::is_regular_file(status)) return fail(path + " is not a file");
      break;
    }
    if (!fs::is_directory(status)) return fail("there is no file " + path);
    from = slash + 1;
  }
  return {};
}

}  // namespace portal
