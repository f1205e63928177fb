// Writes a build into a staging folder beside the output folder, then swaps it
// in, so a failed build never leaves a half-written site.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace portal {

struct OutputFile {
  std::string path;                  // relative to the output folder, '/'-separated
  std::string content;               // written as is, unless copy_from is set
  std::filesystem::path copy_from;   // a file copied byte for byte
};

// Name of the marker file that tells a folder was made by a build.
inline constexpr const char* kOutputMarker = ".portal-output";

// Refuses an output folder that would overwrite the source: the source folder
// itself, anything inside content/ or themes/, or an existing non-empty folder
// that no build made. Returns an empty string when the folder is fine.
std::string validate_output_folder(const std::filesystem::path& source, const std::filesystem::path& output);

// Writes `files` (sorted by path first) and swaps them in. Returns an empty
// string on success, else what went wrong; the previous output is then intact.
// `progress` (optional) hears how many files are written.
std::string publish(const std::filesystem::path& output, std::vector<OutputFile> files, int jobs = 1,
                    const std::function<void(std::size_t done, std::size_t total)>& progress = {});

}  // namespace portal
