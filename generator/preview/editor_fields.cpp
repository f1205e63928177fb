#include "editor_fields.h"

#include <algorithm>

#include "editor_templates.h"
#include "editor_words.h"

namespace portal {

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

std::string agreement_name(const InForce& in_force) {
  return in_force.label.empty() ? "none is in force then" : in_force.label;
}

std::string field_id(const std::string& key) { return editor_id("field") + key; }

namespace {

// A date, with its time when it may have one. A date the record gives less
// exactly ("2024-06", "by 2024-07-04") is kept as written, in a text box.
void add_date(mstch::map& field, FieldType type, const std::string& value) {
  const auto t = value.find('T');
  const bool readable = value.empty() || (parse_iso_date(value.substr(0, t)) &&
                                          (t == std::string::npos || parse_time_of_day(value.substr(t + 1, 5))));
  if (!readable) {
    field["as_written"] = true;
    return;
  }
  field["date"] = true;
  field["type"] = std::string(type == FieldType::date ? "date" : "date_time");
  field["with_time"] = type == FieldType::date_time;
  // Its parts as a person reads them: no leading zeros but the minute's, and the year's 4 numbers (0999 stays
  // the year it is when sent back).
  const auto date = value.empty() ? std::nullopt : parse_iso_date(value.substr(0, t));
  const std::optional<int> minutes = t == std::string::npos ? std::nullopt : parse_time_of_day(value.substr(t + 1, 5));
  const std::string time = minutes ? value.substr(t + 1, 5) : std::string();
  field["day"] = date ? std::to_string(date->day) : std::string();
  field["month"] = date ? std::to_string(date->month) : std::string();
  field["year"] = date ? date->iso().substr(0, 4) : std::string();
  field["hour"] = minutes ? std::to_string(*minutes / 60) : std::string();
  field["minute"] = minutes ? time.substr(3, 2) : std::string();
  field["spelled"] =
      date ? date->weekday() + " " + date->long_form() + (minutes ? " at " + time : std::string()) : std::string();
}

// The agreement in force on the document's date: its priorities and themes
// as boxes, and the ids chosen that it does not have.
void add_priorities(mstch::map& field, const std::string& value, const InForce& in_force) {
  const std::vector<std::string> chosen = form_list(value);
  std::string others;
  for (const auto& c : chosen)
    if (std::none_of(in_force.choices.begin(), in_force.choices.end(),
                     [&](const PriorityChoice& p) { return p.id == c; }))
      others += (others.empty() ? "" : ", ") + c;
  mstch::array choices;
  for (const auto& p : in_force.choices) {
    const bool on = std::find(chosen.begin(), chosen.end(), p.id) != chosen.end();
    choices.emplace_back(mstch::map{{"id", p.id}, {"name", p.name}, {"theme", p.theme}, {"checked", on}});
  }
  field["priorities"] = true;
  field["agreement"] = agreement_name(in_force);
  field["choices"] = std::move(choices);
  field["others"] = std::move(others);
}

// Any other field: a text box, or a text area for the summary and for a
// value of more than one line, which is shown whole.
void add_plain(mstch::map& field, const FieldSpec& f, const std::string& value) {
  field["plain"] = true;
  field["long"] = f.key == "summary" || value.find('\n') != std::string::npos;
  field["number"] = f.type == FieldType::integer;
  field["type"] = std::string(f.type == FieldType::integer ? "integer" : "string");
  field["no_spellcheck"] = f.key == "source" || f.type == FieldType::url;
}

}  // namespace

mstch::map field_context(const FieldSpec& f, const FormValues& values, const InForce& in_force) {
  const auto found = values.find(f.key);
  const std::string value = found == values.end() ? std::string() : found->second;
  // Every field says which template draws it, so that none takes the answer from the page around it.
  mstch::map field = {{"id", field_id(f.key)},  {"key", f.key},   {"label", label_of(f.key)}, {"hint", hint_of(f.key)},
                      {"required", f.required}, {"value", value}, {"checkbox", false},        {"date", false},
                      {"as_written", false},    {"list", false},  {"priorities", false},      {"plain", false}};
  switch (f.type) {
    case FieldType::boolean:
      field["checkbox"] = true;
      field["checked"] = value == "true";
      break;
    case FieldType::date:
    case FieldType::date_time: add_date(field, f.type, value); break;
    case FieldType::strings:
      if (f.key == "priorities")
        add_priorities(field, value, in_force);
      else
        field["list"] = true;
      break;
    default: add_plain(field, f, value);
  }
  return field;
}

}  // namespace portal
