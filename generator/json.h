// JSON written by toml++'s writer, made safe to serve whatever a server
// labels it: `<`, `>` and `&` (which JSON has only inside strings) become
// \u escapes, so no JSON file holds markup.
#pragma once

#include <string>

#include <toml++/toml.h>

namespace portal {

enum class JsonLayout { compact, indented };
std::string to_json(const toml::table& root, JsonLayout layout);

}  // namespace portal
