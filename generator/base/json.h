// JSON written by toml++'s writer, made safe to serve whatever a server
// labels it: `<`, `>` and `&` (which JSON has only inside strings) become
// \u escapes, so no JSON file holds markup.
#pragma once

#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace portal {

enum class JsonLayout { compact, indented };
std::string to_json(const toml::table& root, JsonLayout layout);

// `s` (valid UTF-8) as a JSON string, quotes included, escaped as to_json()
// escapes: control characters, `<`, `>`, `&`, and U+2028 and U+2029 (which
// end a line of JavaScript).
void append_json_string(std::string& out, std::string_view s);

}  // namespace portal
