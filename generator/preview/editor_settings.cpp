// Site settings a comms person changes: the contact e-mail and telephone
// number at the foot of every page and of the e-mail copy, kept in site.toml's
// [contact] table. Saved, or published as one commit of site.toml, after the
// checks `portal check` makes of them; never over a change made elsewhere,
// and never losing what was typed (a refused form shows it again).
#include <array>
#include <sstream>

#include <httplib.h>

#include "beneath.h"
#include "editor.h"
#include "editor_requests.h"
#include "front_matter.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "git_history.h"
#include "git_versions.h"
#include "text.h"
#include "urls.h"

namespace portal {

// The settings as a form holds them, and what is wrong with any of them.
struct SettingsForm {
  std::string email, phone, message, base;
  std::map<std::string, std::string> problems;  // by field: "email", "phone", "message"; "" for the whole form
};

namespace {

constexpr const char* kSettingsFile = "site.toml";

const std::vector<std::array<std::string, 5>>& settings_fields() {
  // name, id, type, label, hint
  static const std::vector<std::array<std::string, 5>> fields = {
      {"email", "settings-email", "email", "Contact e-mail address",
       "The team's address, e.g. kentcommunitysafetyteam@kent.gov.uk. Leave it empty to show none."},
      {"phone", "settings-phone", "tel", "Contact telephone number",
       "Digits and spaces, as it is read out, e.g. 03000 410234. Leave it empty to show none."}};
  return fields;
}

// What each field's problem says, in words.
std::map<std::string, std::string> field_problems(const SettingsForm& form, bool publish) {
  std::map<std::string, std::string> problems;
  if (email_problem(form.email, "email"))
    problems["email"] = "Enter only the e-mail address, like kentcommunitysafetyteam@kent.gov.uk";
  if (phone_problem(form.phone, "phone"))
    problems["phone"] = "Enter a telephone number of 6 to 20 digits, with spaces, like 03000 410234";
  if (const char* wrong = publish ? message_problem(form.message) : nullptr) problems["message"] = wrong;
  return problems;
}

// Whether site.toml differs from its last commit; nullopt outside git.
std::string settings_state(const std::filesystem::path& source) {
  const auto changed = uncommitted_now(source, kSettingsFile);
  if (!changed) return "Saved (the site is not in a git repository, so nothing is recorded as published)";
  return *changed ? "Changed: saved, not yet published" : "Published";
}

// site.toml's text as the loader reads it: LF, without a byte-order mark (as_file_had() puts them back).
std::string normal(const std::string& raw) {
  Diagnostics ignored;  // text that is not UTF-8 is kept as it is, and read_contact() refuses it
  return normalise_source(raw, kSettingsFile, "config", ignored).value_or(raw);
}

// The contact details as `text` (normal) has them, read as TOML whatever the checks say of them; nullopt when it
// is not TOML.
std::optional<std::pair<std::string, std::string>> read_contact(const std::string& text) {
  // A value that is not text (phone = 123) is shown as the file writes it, to be checked and put right.
  const auto as_written = [](const toml::node_view<const toml::node>& n) {
    if (!n) return std::string();
    if (const auto* s = n.as_string()) return s->get();
    std::ostringstream o;
    o << toml::toml_formatter{*n.node()};
    return o.str();
  };
  Diagnostics ignored;
  const auto t = parse_toml(text, kSettingsFile, 1, "config", ignored);
  if (!t) return std::nullopt;
  return std::pair{as_written((*t)["contact"]["email"]), as_written((*t)["contact"]["phone"])};
}

FrontMatterEdits contact_edits(const SettingsForm& form) {
  FrontMatterEdits edits;
  edits["email"] = form.email.empty() ? std::nullopt : std::optional(toml_quoted(form.email));
  edits["phone"] = form.phone.empty() ? std::nullopt : std::optional(toml_quoted(form.phone));
  return edits;
}

// `text` (normal) with the form's contact details, read back to be sure they are what was asked.
Result<std::string> with_contact(const std::string& text, const SettingsForm& form) {
  auto edited = edit_toml_table(text, "contact", contact_edits(form));
  if (!edited) return edited;
  if (read_contact(*edited) != std::pair{form.email, form.phone})
    return fail("the contact details do not read back as they were typed");
  return edited;
}

// Whether publishing `bytes` (site.toml as it would be written) would publish no more than the contact details:
// site.toml's other lines as the last commit has them. Anything else saved in it is not this person's to publish under
// their line.
Done only_contact_changed(const std::filesystem::path& source, const std::string& bytes, const SettingsForm& form) {
  const auto last = file_at(source, "HEAD", kSettingsFile);
  if (!last) return fail("site.toml is not yet in the site's published history: publish it from a terminal first");
  // The bytes to be committed, compared: line endings and a byte-order mark changed are changes too.
  const auto expected = with_contact(normal(*last), form);
  if (!expected || as_file_had(*expected, *last) != bytes)
    return fail(
        "site.toml has other changes that are saved but not published, besides the contact details. "
        "Publish or undo them from a terminal (git), then publish the contact details");
  return {};
}

}  // namespace

void Editor::settings_page(const httplib::Request& req, httplib::Response& res) {
  SettingsForm form;
  const auto file = read_beneath(source_dir_, kSettingsFile);
  const auto contact = file ? read_contact(normal(file->bytes)) : std::nullopt;
  if (contact) {
    // The values as the file has them, each with what the checks say of it, to be put right here.
    std::tie(form.email, form.phone) = *contact;
    form.base = blob_id(file->bytes);
    form.problems = field_problems(form, false);
  } else {
    form.problems[""] = "site.toml cannot be read as it is now, so its settings cannot be changed here: " +
                        (file ? std::string("portal check in the terminal says what to fix") : file.error()) + ".";
  }
  const std::string done = param(req, "done");
  // The page, with what the checks say of the file's values.
  show_settings(form, done == "published" || done == "saved" ? done : std::string(), 200, res);
}

void Editor::show_settings(const SettingsForm& form, const std::string& done, int status, httplib::Response& res) {
  mstch::array fields;
  for (const auto& [name, id, type, label, hint] : settings_fields()) {
    const auto problem = form.problems.find(name);
    fields.emplace_back(mstch::map{{"name", name},
                                   {"id", id},
                                   {"type", type},
                                   {"label", label},
                                   {"hint", hint},
                                   {"value", name == "email" ? form.email : form.phone},
                                   {"problem", problem == form.problems.end() ? std::string() : problem->second}});
  }
  mstch::array problems;
  for (const auto& [name, message] : form.problems)
    problems.emplace_back(
        mstch::map{{"field", name.empty() ? std::string() : "settings-" + name}, {"message", message}});
  const auto message_problem = form.problems.find("message");
  mstch::map context{{"fields", std::move(fields)},
                     {"has_problems", !form.problems.empty()},
                     {"problems", std::move(problems)},
                     {"message", form.message},
                     {"message_problem", message_problem == form.problems.end() ? "" : message_problem->second},
                     {"base", form.base},
                     {"secret", secret_},
                     {"state", settings_state(source_)}};
  if (done == "published") {
    context["done_title"] = std::string("Published");
    context["done"] = std::string(
        "The contact details are recorded in the site's published history. They show on every page when the site is "
        "next built and put online.");
  } else if (done == "saved") {
    context["done_title"] = std::string("Saved");
    context["done"] = std::string(
        "The contact details are saved. They are not yet published: publish them to put "
        "them on the site.");
  }
  reply_page(res, status, "settings", std::move(context), "Site settings", secret_);
}

void Editor::save_settings(const httplib::Request& req, httplib::Response& res) {
  const bool publish = param(req, "step") == "publish";
  SettingsForm form{text::trim(lf(param(req, "email"))),
                    text::trim(lf(param(req, "phone"))),
                    text::trim(lf(param(req, "message"))),
                    param(req, "base"),
                    {}};
  form.problems = field_problems(form, publish);
  const std::lock_guard one_at_a_time(writing_);
  const auto file = read_beneath(source_dir_, kSettingsFile);
  if (!file) {
    form.problems[""] = "site.toml cannot be read: " + file.error() + ".";
    return show_settings(form, {}, 422, res);
  }
  const std::string text = normal(file->bytes);
  if (form.base != blob_id(file->bytes)) {
    // Changed elsewhere since the page opened: nothing is written; what it now says is shown, with what was typed.
    const auto now = read_contact(text);
    form.problems[""] = now ? "The settings were changed somewhere else since this page opened. They now read: "
                              "e-mail \"" +
                                  now->first + "\", telephone \"" + now->second +
                                  "\". Your values are still below: choose again to use them."
                            : "site.toml was changed somewhere else, and cannot be read as it is now.";
    form.base = blob_id(file->bytes);
  }
  const auto edited = with_contact(text, form);
  if (form.problems.empty() && !edited)
    form.problems[""] = "Nothing was saved: site.toml cannot take these settings (" + edited.error() + ").";
  if (form.problems.empty() && publish)
    if (const auto can = check_can_commit(source_); !can)
      form.problems[""] = "Nothing was published: " + can.error() + ".";
  const std::string bytes = edited ? as_file_had(*edited, file->bytes) : std::string();  // as it would be written
  if (form.problems.empty() && publish)
    if (const auto only = only_contact_changed(source_, bytes, form); !only)
      form.problems[""] = "Nothing was saved or published: " + only.error() + ".";
  if (!form.problems.empty()) return show_settings(form, {}, 422, res);
  if (*edited != text)
    if (const auto written = write_beneath_atomically(source_dir_, kSettingsFile, bytes); !written) {
      form.problems[""] = "Nothing was saved: " + written.error() + ".";
      return show_settings(form, {}, 422, res);
    }
  if (publish && uncommitted_now(source_, kSettingsFile).value_or(true))
    if (const auto commit = commit_files(source_, {kSettingsFile}, form.message, author_of(req)); !commit) {
      host_.rebuild_now();
      form.base = blob_id(bytes);
      form.problems[""] = "The settings are saved, but they could not be published: " + commit.error() + ".";
      return show_settings(form, {}, 422, res);
    }
  host_.rebuild_now();
  if (publish) (void)recorded_and_live(req, kSettingsFile, "publish settings");
  res.status = 303;
  res.set_header("Location", std::string(kEditorBase) + "settings?done=" + (publish ? "published" : "saved"));
}

}  // namespace portal
