// The edit form's fields: which fields a kind's form shows, and each one's
// part of the page's context, which the templates field-*.mustache draw.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <mstch/mstch.hpp>

#include "date.h"
#include "fields.h"
#include "front_matter_edit.h"
#include "model.h"
#include "site.h"

namespace portal {

// The fields a form shows: every one the loader reads but `draft`, which
// publishing removes, and lists of tables, which a form cannot show.
// In the loader's order, but what is required first and the boxes last.
std::vector<FieldSpec> form_fields(Kind kind);

struct PriorityChoice {
  std::string id, name;
  bool theme = false;
};

// The priorities and cross-cutting themes of the agreement in force on a date.
struct InForce {
  std::string label;  // "version 2024-25 (2024-04)"
  std::vector<PriorityChoice> choices;
};
InForce priorities_in_force(const Site& site, const std::optional<Date>& date);
// The agreement as the form names it: its title, or that none is in force.
std::string agreement_name(const InForce& in_force);

// The id of the form's field `key` (editor/ids.toml).
std::string field_id(const std::string& key);

// One field of the form, GOV.UK's way (label, hint, error message, input),
// with the value it has in `values`, for its template.
mstch::map field_context(const FieldSpec& f, const FormValues& values, const InForce& in_force);

}  // namespace portal
