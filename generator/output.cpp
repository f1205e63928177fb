#include "output.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "parallel.h"

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

// A file's path must stay inside the output folder: relative, with no "..".
bool safe_relative(const std::string& path) {
  const fs::path p(path);
  if (path.empty() || p.is_absolute() || p.has_root_name()) return false;
  return std::none_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".." || part == "."; });
}

// Writes every file: folders first, level by level, then the files, each step
// on `jobs` threads — creating ten thousand folders and files one after
// another leaves the build waiting on the file system.
std::string write_all(const fs::path& staging, const std::vector<OutputFile>& files, int jobs,
                      const std::function<void(std::size_t, std::size_t)>& progress) {
  std::set<fs::path> folders;
  for (const auto& f : files) {
    if (!safe_relative(f.path)) return "refusing to write " + f.path + " outside the output folder";
    for (fs::path dir = fs::path(f.path).parent_path(); !dir.empty(); dir = dir.parent_path()) folders.insert(dir);
  }
  std::error_code ec;
  fs::create_directories(staging, ec);
  if (ec) return "cannot create " + staging.string() + ": " + ec.message();
  std::map<std::size_t, std::vector<fs::path>> by_depth;
  for (const auto& dir : folders)
    by_depth[static_cast<std::size_t>(std::distance(dir.begin(), dir.end()))].push_back(dir);
  std::mutex failure_mutex;
  std::string failure;
  auto fail = [&](std::string message) {
    const std::lock_guard lock(failure_mutex);
    if (failure.empty()) failure = std::move(message);
  };
  for (const auto& [depth, dirs] : by_depth) {
    parallel_for(dirs.size(), jobs, [&](std::size_t i) {
      std::error_code dir_ec;
      fs::create_directory(staging / dirs[i], dir_ec);
      if (dir_ec) fail("cannot create " + (staging / dirs[i]).string() + ": " + dir_ec.message());
    });
    if (!failure.empty()) return failure;
  }
  std::atomic<std::size_t> written{0};
  std::mutex report;
  parallel_for(files.size(), jobs, [&](std::size_t i) {
    const auto& f = files[i];
    const fs::path target = staging / fs::path(f.path);
    if (!f.copy_from.empty()) {
      std::error_code copy_ec;
      fs::copy_file(f.copy_from, target, fs::copy_options::overwrite_existing, copy_ec);
      if (copy_ec) fail("cannot copy " + f.copy_from.string() + ": " + copy_ec.message());
    } else {
      std::ofstream out(target, std::ios::binary | std::ios::trunc);
      out.write(f.content.data(), static_cast<std::streamsize>(f.content.size()));
      out.close();
      if (!out) fail("cannot write " + target.string());
    }
    const std::size_t n = ++written;
    if (progress && (n % 256 == 0 || n == files.size())) {
      const std::lock_guard lock(report);
      progress(n, files.size());
    }
  });
  if (!failure.empty()) return failure;
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

std::string publish(const fs::path& output, std::vector<OutputFile> files, int jobs,
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
  if (auto err = write_all(staging, files, jobs, progress); !err.empty()) {
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
