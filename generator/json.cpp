#include "json.h"

#include <sstream>

namespace portal {

std::string to_json(const toml::table& root, JsonLayout layout) {
  std::ostringstream stream;
  if (layout == JsonLayout::compact) stream << toml::json_formatter{root, toml::format_flags::none} << '\n';
  else stream << toml::json_formatter{root} << '\n';
  const std::string written = stream.str();
  std::string out;
  out.reserve(written.size());
  for (const char c : written) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace portal
