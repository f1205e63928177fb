// The editor's pages, made from its Mustache templates (editor/*.mustache),
// and the list of ids they share with its script (editor/ids.toml): all of
// them built into the program.
#pragma once

#include <string>

#include <mstch/mstch.hpp>

namespace portal {

// An id of the list that the templates and editor.js share, by its name
// there: editor_id("field") is "field-". The list must have it.
const std::string& editor_id(const std::string& name);

// A page of the editor: template `name` made with `context` (given the ids as
// `ids` and a line break as `newline`), inside the frame every page has, with
// its title and the key its requests carry.
std::string editor_page(const std::string& name, mstch::map context, const std::string& title,
                        const std::string& secret);

// editor.js as it is served: the list of ids as `editorIds`, then the script.
const std::string& editor_script();

}  // namespace portal
