// The files of generator/preview/editor/ (the editor's stylesheet, script,
// templates and the list of ids they share), built into the program by
// cmake/Embed.cmake.
#pragma once

#include <map>
#include <string_view>

namespace portal {

// Each file's bytes, by its name without its folder: "editor.css".
const std::map<std::string_view, std::string_view>& editor_assets();

}  // namespace portal
