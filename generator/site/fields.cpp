#include "fields.h"

#include <algorithm>

#include "text.h"

namespace portal {

namespace {
const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "true or false";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "a list";
    case toml::node_type::table: return "a table";
    default: return "nothing";
  }
}
}  // namespace

Date date_of(const toml::date& d) {
  return {static_cast<int>(d.year), static_cast<int>(d.month), static_cast<int>(d.day), std::nullopt};
}

Date date_of(const toml::date_time& dt) {
  Date d = date_of(dt.date);
  d.minutes = static_cast<int>(dt.time.hour) * 60 + static_cast<int>(dt.time.minute);
  return d;
}

FieldReader::FieldReader(const toml::table& table, std::string path, int first_line, const char* rule,
                         Diagnostics& diags, std::string context)
    : table_(&table),
      path_(std::move(path)),
      first_line_(first_line),
      rule_(rule),
      diags_(&diags),
      context_(std::move(context)) {}

Pos FieldReader::position_of(const toml::node& node) const {
  const auto& b = node.source().begin;
  if (b.line == 0) return {};
  return {first_line_ + static_cast<int>(b.line) - 1, static_cast<int>(b.column)};
}

Pos FieldReader::key_pos(const std::string& key) const {
  const auto it = table_->find(key);
  if (it == table_->end()) return table_pos();
  const auto& b = it->first.source().begin;
  if (b.line == 0) return position_of(it->second);
  return {first_line_ + static_cast<int>(b.line) - 1, static_cast<int>(b.column)};
}

const toml::node* FieldReader::take(const std::string& key) {
  known_.insert(key);
  return table_->get(key);
}

void FieldReader::note(const std::string& key, FieldType type, bool required) {
  if (!schema_) return;
  // A url is read as a string first: the later, narrower read says what it is.
  for (auto& spec : *schema_)
    if (spec.key == key) {
      spec.type = type;
      spec.required = spec.required || required;
      return;
    }
  schema_->push_back({key, type, required});
}

void FieldReader::report(Pos pos, const std::string& key, FieldProblem what, std::string message, std::string hint) {
  Diagnostic& d = diags_->error(path_, pos, rule_, std::move(message), std::move(hint));
  if (context_ == kFrontMatter) d.about(key, what);  // a field of a list's entry is not a field of the form
}

void FieldReader::wrong_type(const std::string& key, const char* wanted, const std::string& example) {
  const auto* node = table_->get(key);
  report(key_pos(key), key, FieldProblem::wrong_type,
         "`" + key + "` must be " + wanted + ", not " + (node ? type_name(*node) : "nothing"),
         "write it like " + example);
}

std::optional<Located<std::string>> FieldReader::string(const std::string& key, Required required) {
  note(key, FieldType::string, required == Required::yes);
  const auto* node = take(key);
  if (!node) {
    if (required == Required::yes)
      report(table_pos().line ? table_pos() : Pos{first_line_ > 1 ? first_line_ - 1 : 1, 1}, key, FieldProblem::missing,
             context_ + " has no `" + key + "`", "add `" + key + " = \"...\"`");
    return std::nullopt;
  }
  if (const auto* s = node->as_string()) {
    if (!printable(key, s->get(), key_pos(key))) return std::nullopt;
    if (required == Required::yes && text::is_blank(s->get())) {
      report(key_pos(key), key, FieldProblem::empty, "`" + key + "` is empty", "write it between the quotes");
      return std::nullopt;
    }
    return Located<std::string>{s->get(), key_pos(key)};
  }
  wrong_type(key, "a string in quotes", key + " = \"...\"");
  return std::nullopt;
}

std::optional<Located<std::string>> FieldReader::one_of(const std::string& key,
                                                        const std::vector<std::string>& allowed) {
  auto value = string(key);
  if (!value || std::find(allowed.begin(), allowed.end(), value->value) != allowed.end()) return value;
  std::string choices;
  for (const auto& a : allowed) choices += (choices.empty() ? "" : " or ") + ("\"" + a + "\"");
  report(value->pos, key, FieldProblem::not_one_of,
         "`" + key + "` is \"" + value->value + "\", which means nothing here", "write " + choices);
  return std::nullopt;
}

bool FieldReader::printable(const std::string& key, const std::string& value, Pos pos) {
  const auto bad =
      text::find_code_point(value, [](std::uint32_t cp) { return text::is_control(cp) && cp != '\t' && cp != '\n'; });
  if (!bad) return true;
  report(pos, key, FieldProblem::unprintable,
         "`" + key + "` holds " + text::describe_code_point(bad->code_point) + ", which no page can show",
         "remove it: look for an escape such as \\r or \\u0007 in the quotes");
  return false;
}

std::optional<Located<std::string>> FieldReader::url(const std::string& key, UrlAlso also) {
  auto value = string(key);
  note(key, FieldType::url, false);
  if (!value) return std::nullopt;
  if (const auto problem = url_problem(value->value, key, also)) {
    report(value->pos, key, FieldProblem::bad_address, problem->message, problem->hint);
    return std::nullopt;
  }
  return value;
}

bool FieldReader::boolean(const std::string& key, bool absent) {
  note(key, FieldType::boolean, false);
  const auto* node = take(key);
  if (!node) return absent;
  if (const auto* b = node->as_boolean()) return b->get();
  wrong_type(key, "true or false", key + " = true");
  return absent;
}

std::optional<Located<std::int64_t>> FieldReader::integer(const std::string& key) {
  note(key, FieldType::integer, false);
  const auto* node = take(key);
  if (!node) return std::nullopt;
  if (const auto* i = node->as_integer()) return Located<std::int64_t>{i->get(), key_pos(key)};
  wrong_type(key, "a whole number", key + " = 10");
  return std::nullopt;
}

std::optional<Located<Date>> FieldReader::date(const std::string& key, TimeOfDay time, Required required) {
  note(key, time == TimeOfDay::allowed ? FieldType::date_time : FieldType::date, required == Required::yes);
  const auto* node = take(key);
  const std::string example = key + (time == TimeOfDay::allowed ? " = 2020-03-18T10:00:00" : " = 2020-03-18");
  if (!node) {
    if (required == Required::yes)
      report(table_pos().line ? table_pos() : Pos{1, 1}, key, FieldProblem::missing, context_ + " has no `" + key + "`",
             "add `" + example + "`");
    return std::nullopt;
  }
  const Pos pos = key_pos(key);
  if (const auto* d = node->as_date()) return Located<Date>{date_of(d->get()), pos};
  if (const auto* dt = node->as_date_time()) {
    const auto v = dt->get();
    if (time == TimeOfDay::forbidden) {
      report(pos, key, FieldProblem::time_not_allowed, "`" + key + "` must be a date without a time of day",
             "write it like " + example);
      return std::nullopt;
    }
    if (v.offset) {
      report(pos, key, FieldProblem::time_zone,
             "`" + key + "` has a time-zone offset; the portal uses local (UK) times",
             "drop the offset: write it like " + example);
      return std::nullopt;
    }
    return Located<Date>{date_of(v), pos};
  }
  if (const auto* s = node->as_string()) {
    // A date the record gives less exactly says so: "2024-06" (a month), "by 2024-07-04".
    if (auto approximate = parse_approximate_date(s->get())) return Located<Date>{*approximate, pos};
    report(pos, key, FieldProblem::not_a_date, "`" + key + "` must be a TOML date, not a string",
           parse_iso_date(s->get())
               ? "remove the quotes: " + key + " = " + s->get()
               : "write it like " + example + "; where the record gives only the month, " + key +
                     " = \"2020-03\"; where it gives a day it was on or before, " + key + " = \"by 2020-03-18\"");
    return std::nullopt;
  }
  wrong_type(key, "a date", example);
  return std::nullopt;
}

std::vector<Located<std::string>> FieldReader::strings(const std::string& key) {
  note(key, FieldType::strings, false);
  std::vector<Located<std::string>> out;
  const auto* node = take(key);
  if (!node) return out;
  if (const auto* s = node->as_string()) {
    if (printable(key, s->get(), key_pos(key))) out.push_back({s->get(), key_pos(key)});
    return out;
  }
  const auto* arr = node->as_array();
  if (!arr) {
    wrong_type(key, "a list of strings", key + " = [\"...\", \"...\"]");
    return out;
  }
  for (const auto& element : *arr) {
    if (const auto* s = element.as_string()) {
      const Pos p = position_of(element);
      if (printable(key, s->get(), p.line ? p : key_pos(key))) out.push_back({s->get(), p.line ? p : key_pos(key)});
    } else {
      report(position_of(element).line ? position_of(element) : key_pos(key), key, FieldProblem::bad_entry,
             "every entry of `" + key + "` must be a string, not " + type_name(element),
             "put each entry in quotes: " + key + " = [\"...\"]");
    }
  }
  return out;
}

const toml::table* FieldReader::table(const std::string& key) {
  note(key, FieldType::table, false);
  const auto* node = take(key);
  if (!node) return nullptr;
  if (const auto* t = node->as_table()) return t;
  wrong_type(key, "a table", "[" + key + "] on a line of its own, followed by its fields");
  return nullptr;
}

std::vector<FieldReader> FieldReader::tables(const std::string& key) {
  note(key, FieldType::tables, false);
  std::vector<FieldReader> out;
  const auto* node = take(key);
  if (!node) return out;
  const auto* arr = node->as_array();
  if (!arr || !arr->is_array_of_tables()) {
    wrong_type(key, "a list of tables", "[[" + key + "]] followed by its fields");
    return out;
  }
  for (const auto& element : *arr)
    out.emplace_back(*element.as_table(), path_, first_line_, rule_, *diags_, "this [[" + key + "]] entry");
  return out;
}

void FieldReader::finish() {
  std::vector<std::string> known(known_.begin(), known_.end());
  for (const auto& [key, value] : *table_) {
    const std::string name(key.str());
    if (known_.count(name)) continue;
    const auto suggestion = text::closest(name, known);
    const auto& b = key.source().begin;
    const Pos pos =
        b.line ? Pos{first_line_ + static_cast<int>(b.line) - 1, static_cast<int>(b.column)} : position_of(value);
    report(pos, name, FieldProblem::unknown_key, "unknown key `" + name + "` in " + context_,
           suggestion.empty() ? "remove it; docs/content-format.md lists the keys each file takes"
                              : "did you mean `" + suggestion + "`?");
  }
}

}  // namespace portal
