#include "output.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "files.h"

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

StagedOutput::StagedOutput(const fs::path& output) {
  output_ = absolute_normal(output);
  const fs::path parent = output_.parent_path();
  const std::string name = output_.filename().string();
  staging_ = parent / ("." + name + ".staging");
  previous_ = parent / ("." + name + ".previous");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    fail("cannot create " + parent.string() + ": " + ec.message());
    return;
  }
  fs::remove_all(staging_, ec);
  fs::remove_all(previous_, ec);
  fs::create_directory(staging_, ec);
  if (ec) fail("cannot create " + staging_.string() + ": " + ec.message());
}

StagedOutput::~StagedOutput() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
}

void StagedOutput::fail(std::string message) {
  const std::lock_guard lock(mutex_);
  if (failure_.empty()) failure_ = std::move(message);
}

// Checks the path, makes its folders, and gives where to write it; false
// (with the failure kept) when it must not be written.
bool StagedOutput::prepare(const std::string& path, fs::path& target) {
  if (!safe_relative(path)) {
    fail("refusing to write " + path + " outside the output folder");
    return false;
  }
  std::vector<std::string_view> missing;  // folders to make, deepest first
  {
    const std::lock_guard lock(mutex_);
    if (!failure_.empty()) return false;
    if (!paths_.insert(path).second) {
      failure_ = "two files of the build have the same path: " + path;
      return false;
    }
    for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1)) {
      const std::string_view dir(path.data(), slash);
      if (folders_.contains(dir)) break;
      missing.push_back(dir);
    }
  }
  // Parents first. Another thread may be making the same folder: that is fine.
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    std::error_code ec;
    const fs::path dir = staging_ / fs::path(*it);
    fs::create_directory(dir, ec);
    if (ec) {
      fail("cannot create " + dir.string() + ": " + ec.message());
      return false;
    }
  }
  if (!missing.empty()) {
    const std::lock_guard lock(mutex_);
    for (const auto dir : missing) folders_.emplace(dir);
  }
  target = staging_ / fs::path(path);
  return true;
}

void StagedOutput::write(const std::string& path, std::string_view content) {
  fs::path target;
  if (!prepare(path, target)) return;
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    fail("cannot write " + target.string() + ": " + std::strerror(errno));
    return;
  }
  const bool written = write_all(fd, content);
  const int error = errno;
  if (::close(fd) != 0 || !written) fail("cannot write " + target.string() + ": " + std::strerror(written ? errno : error));
}

void StagedOutput::copy(const std::string& path, const fs::path& from) {
  fs::path target;
  if (!prepare(path, target)) return;
  std::error_code ec;
  fs::copy_file(from, target, fs::copy_options::overwrite_existing, ec);
  if (ec) fail("cannot copy " + from.string() + ": " + ec.message());
}

std::string StagedOutput::commit() {
  write(kOutputMarker, "This folder is made by `portal build`; it is replaced whole by each build.\n");
  {
    const std::lock_guard lock(mutex_);
    if (!failure_.empty()) return failure_;
  }
  std::error_code ec;
  const bool had_output = fs::exists(output_, ec);
  if (had_output) {
    fs::rename(output_, previous_, ec);
    if (ec) return "cannot move the previous output aside: " + ec.message();
  }
  fs::rename(staging_, output_, ec);
  if (ec) {
    const std::string err = "cannot move the new output into place: " + ec.message();
    if (had_output) fs::rename(previous_, output_, ec);
    return err;
  }
  committed_ = true;
  fs::remove_all(previous_, ec);
  return {};
}

}  // namespace portal
