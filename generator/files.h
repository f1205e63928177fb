// Reading files whole, and writing bytes whole.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace portal {

// The bytes of a file, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& path);

// Writes all of `bytes` to the open descriptor `fd`, resuming after signals;
// false (with errno set) when it cannot.
bool write_all(int fd, std::string_view bytes);

}  // namespace portal
