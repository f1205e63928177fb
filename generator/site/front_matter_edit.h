// What the editor does to a content file's text: reads its front matter into
// the values of a form made from the loader's own fields (model.h fields_of),
// and writes a form's values back by changing only the values that changed,
// so that comments, key order and layout stay as the file had them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fields.h"
#include "model.h"
#include "result.h"

namespace portal {

// A form's values, by key, as the browser sends them: a string's text; "true"
// or "" for a box; YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time of day; a list
// one entry a line.
using FormValues = std::map<std::string, std::string>;

// The entries of a list field as the form sends it: one a line, trimmed, the blank ones dropped.
std::vector<std::string> form_list(std::string_view value);

// Whether a file of `kind` with this (normalised) text can be edited as a
// form; when not, why, in words for the person.
Done form_accepts(Kind kind, std::string_view text);

// The values of the form for a file that form_accepts().
FormValues form_values(Kind kind, std::string_view text);

// An edit of one top-level key of the front matter: its new TOML value, or
// nullopt to remove the key (with its line).
using FrontMatterEdits = std::map<std::string, std::optional<std::string>>;

// `text` with the edits made to its front matter and, when `body` is given,
// its body replaced. Keys not yet in the file are added at the end of the
// front matter. Fails when the front matter cannot be read.
Result<std::string> edit_front_matter(std::string_view text, const FrontMatterEdits& edits,
                                      const std::optional<std::string>& body = std::nullopt);

// `text`, a whole TOML file such as site.toml, with the edits made to the keys
// of its table [`name`]; keys it lacks are added after its last, and a table it
// lacks is added at the end. Comments, order and layout stay. Fails when the
// text is not TOML, or the table is not written as lines of its own.
Result<std::string> edit_toml_table(std::string_view text, const std::string& name, const FrontMatterEdits& edits);

// The edits that give the file `values`: only keys whose value differs from
// the file's. A value the field cannot hold (a date that is not one) is
// written as a string, so that the checks say what is wrong beside it.
FrontMatterEdits form_edits(Kind kind, std::string_view text, const FormValues& values);

// The value as TOML: a string in double quotes, every character but the
// control ones as typed.
std::string toml_quoted(std::string_view value);

// What a file marks restricted: "the document", "agenda item E1"…; empty when
// nothing is, or the front matter cannot be read.
std::set<std::string> restricted_marks(std::string_view text);

// The top-level key of the front matter whose lines hold file line `line`,
// empty when none does (front matter starts on line 1, its fence).
std::string key_at_line(std::string_view text, int line);

// Whether `path` may be edited: not when it is not a Markdown file under
// content/, has a name that climbs out or is hidden, a symbolic link on the
// way, or is not a regular file.
Done check_content_path(const std::filesystem::path& source, const std::string& path);

}  // namespace portal
