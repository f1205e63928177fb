// Builds a site once and prints when each phase of the build began and how
// long it took (wall time), and the memory in use when it ended (resident,
// and the peak so far): where a build's time and memory go.
// Usage: phases SOURCE OUTPUT [JOBS]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "build.h"
#include "parallel.h"

namespace {

// "VmRSS" or "VmHWM" from /proc/self/status, in MB (0 where there is none).
double memory_mb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(field + ":")) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: phases SOURCE OUTPUT [JOBS]\n");
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto since = [&](Clock::time_point t) { return std::chrono::duration<double>(t - start).count(); };
  std::string phase;
  Clock::time_point began = start;
  auto report = [&](Clock::time_point now) {
    if (phase.empty()) return;
    std::printf("%-16s %6.3f s  (from %.3f s)  memory %4.0f MB, peak %4.0f MB\n", phase.c_str(),
                since(now) - since(began), since(began), memory_mb("VmRSS"), memory_mb("VmHWM"));
  };
  portal::BuildOptions options;
  options.source = argv[1];
  options.output = argv[2];
  options.jobs = argc == 4 ? std::stoi(argv[3]) : portal::default_jobs();
  options.fork_bodies_from = portal::kForkBodiesFrom;  // as `portal build` does
  options.progress = [&](const std::string& name, std::size_t, std::size_t) {
    if (name == phase) return;
    const auto now = Clock::now();
    report(now);
    phase = name;
    began = now;
  };
  const auto result = portal::run_build(options);
  report(Clock::now());
  std::printf("%-16s %6.3f s  (%zu pages, %zu files)\n", "total", since(Clock::now()), result.pages, result.files);
  return result.outcome == portal::Outcome::ok ? 0 : 1;
}
