#include <algorithm>
#include <set>

#include "check_rules.h"
#include "text.h"

namespace portal {

namespace {

std::string version_label(const Document& agreement) {
  const auto* a = agreement.as<AgreementData>();
  return "version " + a->version + " (" + agreement.slug + ")";
}

std::vector<std::string> ids_of(const AgreementData& a) {
  std::vector<std::string> ids;
  for (const auto& p : a.priorities) ids.push_back(p.id.value);
  for (const auto& t : a.themes) ids.push_back(t.id.value);
  return ids;
}

std::string join(const std::vector<std::string>& ids) {
  std::string all;
  for (const auto& id : ids) all += (all.empty() ? "" : ", ") + id;
  return all;
}

// The priority of `a` that lists `id` as a former id, if any.
const Priority* renamed_from(const AgreementData& a, const std::string& id) {
  for (const auto& p : a.priorities)
    for (const auto& f : p.formerly)
      if (f.value == id) return &p;
  return nullptr;
}

}  // namespace

void check_document_priorities(const Site& site, Diagnostics& diags) {
  for (const Document& d : site.documents()) {
    if (d.priorities.empty()) continue;
    // Pages and the home page have no date of their own: they speak of today.
    const Date date = d.date ? *d.date : site.today;
    const Document* in_force = site.agreement_in_force(date, Site::Scope::non_draft);
    if (!in_force) {
      diags.warning(d.path, d.priorities.front().pos, "no-agreement",
                    "this document is dated " + date.long_form() +
                        ", before any Community Safety Agreement, so its priorities cannot be checked",
                    "check the document's date, or add the agreement that was in force then");
      continue;
    }
    const auto& agreement = *in_force->as<AgreementData>();
    const auto ids = ids_of(agreement);
    const std::set<std::string> known(ids.begin(), ids.end());
    for (const auto& p : d.priorities) {
      if (known.count(p.value)) continue;
      if (const Priority* renamed = renamed_from(agreement, p.value)) {
        // The version that renamed it: the earliest agreement listing it as former id of the same priority.
        const Document* renamer = in_force;
        for (std::size_t i : site.agreements) {
          const Document& candidate = site.document(i);
          const auto* ca = candidate.as<AgreementData>();
          const Priority* r = renamed_from(*ca, p.value);
          if (r && r->id.value == renamed->id.value) {
            renamer = &candidate;
            break;
          }
        }
        diags.error(d.path, p.pos, "renamed-priority",
                    "priority \"" + p.value + "\" was renamed \"" + renamed->id.value + "\" (" + renamed->name +
                        ") by " + version_label(*renamer) + ", in force from " +
                        renamer->as<AgreementData>()->effective.value.long_form(),
                    "write \"" + renamed->id.value + "\" instead");
        continue;
      }
      // Not in force on this date: say when it is, if some agreement has it.
      std::string when;
      for (std::size_t i : site.agreements) {
        const auto* other = site.document(i).as<AgreementData>();
        const auto other_ids = ids_of(*other);
        if (std::find(other_ids.begin(), other_ids.end(), p.value) != other_ids.end()) {
          when = "; it belongs to " + version_label(site.document(i));
          break;
        }
      }
      const auto guess = text::closest(p.value, ids);
      diags.error(d.path, p.pos, "unknown-priority",
                  "\"" + p.value + "\" is not a priority or cross-cutting theme of the agreement in force on " +
                      date.long_form() + ", " + version_label(*in_force) + when,
                  guess.empty() ? "use one of: " + join(ids) : "did you mean \"" + guess + "\"?");
    }
  }
}

void check_kind_priorities(const Site& site, Diagnostics& diags) {
  std::set<std::string> known;
  std::vector<std::string> all;
  for (std::size_t i : site.agreements) {
    const auto* a = site.document(i).as<AgreementData>();
    for (const auto& id : ids_of(*a)) {
      if (known.insert(id).second) all.push_back(id);
      for (const auto& p : a->priorities)
        for (const auto& f : p.formerly) known.insert(f.value);
    }
  }
  for (const auto& [kind, ids] : site.config.kind_priorities)
    for (const auto& id : ids) {
      if (known.count(id.value)) continue;
      const auto guess = text::closest(id.value, all);
      diags.error("site.toml", id.pos, "unknown-priority",
                  "\"" + id.value + "\", given to every " + kind +
                      " in [kind_priorities], is no agreement's priority "
                      "or cross-cutting theme",
                  guess.empty() ? "use one of: " + join(all) : "did you mean \"" + guess + "\"?");
    }
}

void check_agreements(const Site& site, Diagnostics& diags) {
  std::set<std::string> plan_ids;
  std::vector<std::string> plan_list;
  for (const auto& p : site.plans) {
    plan_ids.insert(p.id.value);
    plan_list.push_back(p.id.value);
  }
  std::set<std::string> used_plans;
  for (const Document& d : site.documents()) {
    const auto* a = d.as<AgreementData>();
    if (!a) continue;
    std::vector<std::string> priority_ids;
    for (const auto& p : a->priorities) priority_ids.push_back(p.id.value);
    std::set<std::string> led;
    for (const auto& l : a->leads) {
      led.insert(l.priority.value);
      if (std::find(priority_ids.begin(), priority_ids.end(), l.priority.value) != priority_ids.end()) continue;
      std::string hint;
      if (const Priority* renamed = renamed_from(*a, l.priority.value))
        hint = "this agreement renamed it: write priority = \"" + renamed->id.value + "\"";
      else if (auto guess = text::closest(l.priority.value, priority_ids); !guess.empty())
        hint = "did you mean \"" + guess + "\"?";
      else
        hint = "name one of this agreement's [[priorities]] ids";
      diags.error(d.path, l.priority.pos, "lead-priority",
                  "the lead row names \"" + l.priority.value + "\", which is not a priority of this agreement", hint);
    }
    for (const auto& p : a->priorities) {
      if (p.id.value.empty() || led.count(p.id.value)) continue;
      diags.error(d.path, p.id.pos, "missing-lead", "priority \"" + p.id.value + "\" has no [[leads]] row",
                  "add [[leads]] with priority = \"" + p.id.value + "\" and lead = \"...\"");
    }
    for (const auto& plan : a->plans) {
      used_plans.insert(plan.value);
      if (plan_ids.count(plan.value)) continue;
      const auto guess = text::closest(plan.value, plan_list);
      diags.error(
          d.path, plan.pos, "unknown-plan", "plan \"" + plan.value + "\" is not in content/plans.toml",
          guess.empty() ? "add a [[plan]] with this id to content/plans.toml" : "did you mean \"" + guess + "\"?");
    }
  }
  for (const auto& p : site.plans) {
    // A title as printed is that of an agreement that lists the plan.
    for (const auto& [slug, title] : p.printed) {
      const auto docs = site.documents();
      const auto agreement = std::ranges::find_if(
          docs, [&, &s = slug](const Document& d) { return d.kind == Kind::agreement && d.slug == s; });
      const auto* a = agreement == docs.end() ? nullptr : (*agreement).as<AgreementData>();
      if (!a || std::none_of(a->plans.begin(), a->plans.end(), [&](const auto& id) { return id.value == p.id.value; }))
        diags.error("content/plans.toml", title.pos, "unknown-plan",
                    "plan \"" + p.id.value + "\" has a title as printed by \"" + slug +
                        "\", which is not an agreement that lists it",
                    "name the agreement by its file name (e.g. 2017-04), and list the plan in its `plans`");
    }
    if (used_plans.count(p.id.value)) continue;
    diags.warning("content/plans.toml", p.id.pos, "unused-plan",
                  "plan \"" + p.id.value + "\" is not listed by any agreement",
                  "add it to the `plans` of the agreement that links to it, or remove it");
  }
}

}  // namespace portal
