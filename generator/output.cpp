#include "output.h"

#include <algorithm>
#include <fstream>

namespace portal {

namespace fs = std::filesystem;

namespace {

fs::path absolute_normal(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return abs.lexically_normal();
}

bool is_within(const fs::path& inner, const fs::path& outer) {
  const auto rel = inner.lexically_relative(outer);
  return !rel.empty() && *rel.begin() != "..";
}

std::string write_all(const fs::path& staging, const std::vector<OutputFile>& files,
                      const std::function<void(std::size_t, std::size_t)>& progress) {
  std::error_code ec;
  std::size_t written = 0;
  for (const auto& f : files) {
    if (progress && (++written % 256 == 0 || written == files.size())) progress(written, files.size());
    const fs::path target = staging / fs::path(f.path);
    if (!is_within(absolute_normal(target), absolute_normal(staging)))
      return "refusing to write " + f.path + " outside the output folder";
    fs::create_directories(target.parent_path(), ec);
    if (ec) return "cannot create " + target.parent_path().string() + ": " + ec.message();
    if (!f.copy_from.empty()) {
      fs::copy_file(f.copy_from, target, fs::copy_options::overwrite_existing, ec);
      if (ec) return "cannot copy " + f.copy_from.string() + ": " + ec.message();
      continue;
    }
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
    out.close();
    if (!out) return "cannot write " + target.string();
  }
  std::ofstream marker(staging / kOutputMarker, std::ios::binary | std::ios::trunc);
  marker << "This folder is made by `portal build`; it is replaced whole by each build.\n";
  return marker ? "" : "cannot write " + (staging / kOutputMarker).string();
}

}  // namespace

std::string validate_output_folder(const fs::path& source, const fs::path& output) {
  const fs::path src = absolute_normal(source);
  const fs::path out = absolute_normal(output);
  if (out == src || is_within(src, out))
    return "the output folder " + output.string() + " would replace the source folder; choose another --output";
  for (const char* protected_dir : {"content", "themes"}) {
    const fs::path dir = src / protected_dir;
    if (out == dir || is_within(out, dir))
      return "the output folder " + output.string() + " lies inside " + protected_dir +
             "/; choose a folder outside content/ and themes/";
  }
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) return "the output path " + output.string() + " exists and is not a folder";
    const bool empty = fs::directory_iterator(out, ec) == fs::directory_iterator();
    if (!empty && !fs::exists(out / kOutputMarker, ec))
      return "the output folder " + output.string() +
             " already holds files that no build made; empty it or choose another --output";
  }
  return {};
}

std::string publish(const fs::path& output, std::vector<OutputFile> files,
                    const std::function<void(std::size_t, std::size_t)>& progress) {
  std::sort(files.begin(), files.end(), [](const OutputFile& a, const OutputFile& b) { return a.path < b.path; });
  const fs::path out = absolute_normal(output);
  const fs::path parent = out.parent_path();
  const std::string name = out.filename().string();
  const fs::path staging = parent / ("." + name + ".staging");
  const fs::path previous = parent / ("." + name + ".previous");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return "cannot create " + parent.string() + ": " + ec.message();
  fs::remove_all(staging, ec);
  fs::remove_all(previous, ec);
  if (auto err = write_all(staging, files, progress); !err.empty()) {
    fs::remove_all(staging, ec);
    return err;
  }
  const bool had_output = fs::exists(out, ec);
  if (had_output) {
    fs::rename(out, previous, ec);
    if (ec) {
      fs::remove_all(staging, ec);
      return "cannot move the previous output aside: " + ec.message();
    }
  }
  fs::rename(staging, out, ec);
  if (ec) {
    const std::string err = "cannot move the new output into place: " + ec.message();
    if (had_output) fs::rename(previous, out, ec);
    return err;
  }
  fs::remove_all(previous, ec);
  return {};
}

}  // namespace portal
