// Reading files whole.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace portal {

// The bytes of a file, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& path);

}  // namespace portal
