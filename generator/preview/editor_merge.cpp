#include "editor_merge.h"

#include <httplib.h>

#include "editor_fields.h"
#include "editor_requests.h"
#include "front_matter.h"
#include "front_matter_edit.h"

namespace portal {

bool mergeable(const httplib::Request& req) { return param(req, "mode") == "form" && has_param(req, "was.body"); }

Result<Merge> merge_form(const httplib::Request& req, Kind kind, const std::string& disk) {
  Diagnostics ignored;
  const auto fm = parse_front_matter(disk, "", ignored);
  if (!fm) return fail("the file's details (between its +++ lines) cannot be read as it is now");
  const FormValues theirs = form_values(kind, disk);
  Merge out;
  FormValues mine;
  std::optional<std::string> body;
  // Decides one field: the person's value when only they changed it, or by their choice.
  auto decide = [&](const std::string& key, const std::string& name,
                    const std::string& now) -> std::optional<std::string> {
    if (!has_param(req, name)) return std::nullopt;
    const std::string typed = lf(param(req, name)), was = lf(param(req, "was." + name));
    if (typed == was || typed == now) return std::nullopt;  // left alone, or the same either way: the file's
    if (now == was) return typed;                           // changed here only
    const std::string choice = param(req, "keep." + key);
    if (choice == "mine") return typed;
    if (choice != "theirs") out.conflicts.push_back({key, typed, now});
    return std::nullopt;
  };
  for (const auto& f : form_fields(kind)) {
    const auto it = theirs.find(f.key);
    if (auto v = decide(f.key, "f." + f.key, it == theirs.end() ? std::string() : it->second)) mine[f.key] = *v;
  }
  body = decide("body", "body", fm->body);
  if (!out.conflicts.empty()) return out;
  auto text = edit_front_matter(disk, form_edits(kind, disk, mine), body);
  if (!text) return text.failure();
  out.text = std::move(*text);
  return out;
}

}  // namespace portal
