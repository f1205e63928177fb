// The editor's stylesheet and script (generator/editor/), built into the program.
#pragma once

#include <string_view>

namespace portal {

std::string_view editor_css();
std::string_view editor_js();

}  // namespace portal
