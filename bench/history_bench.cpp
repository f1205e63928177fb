// Times read_history() on a repository: bench/history-bench.sh makes one and runs this.
#include <chrono>
#include <cstdio>

#include "git_history.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: history_bench SOURCE_FOLDER [PATH]  (PATH: print its commits' hashes)\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const portal::History h = portal::read_history(argv[1]);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::size_t files = h.by_path.size();
  std::printf("%.3f s  %zu commits  %zu files%s%s\n", elapsed.count(), h.commits.size(), files,
              h.available ? "" : "  (unavailable: ", h.available ? "" : (h.unavailable_because + ")").c_str());
  if (argc == 3) {
    if (const auto* commits = h.of(argv[2]))
      for (auto i : *commits) std::printf("%s\n", h.commits[i].hash.c_str());
  }
  return h.available ? 0 : 1;
}
