// Times `portal serve`'s rebuild after a change to one file's text, on a site
// the caller names: bench/incremental.sh makes a corpus and runs this.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "serve.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: serve_bench SOURCE_FOLDER CONTENT_FILE  (the file relative to the source)\n");
    return 2;
  }
  portal::ServeOptions options;
  options.source = argv[1];
  options.port = 0;
  options.jobs = 2;
  portal::PreviewServer server(options);
  const auto started = std::chrono::steady_clock::now();
  if (const auto done = server.start(); !done) {
    std::fprintf(stderr, "%s\n", done.error().c_str());
    return 1;
  }
  const std::chrono::duration<double> first = std::chrono::steady_clock::now() - started;
  const std::string file = argv[2];
  std::vector<double> direct, watched;
  for (int run = 0; run < 7; ++run) {
    // The rebuild itself, as the watcher calls it.
    std::ofstream(std::string(argv[1]) + "/" + file, std::ios::app) << "\nA sentence added in run " << run << ".\n";
    auto t0 = std::chrono::steady_clock::now();
    server.rebuild({file});
    direct.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    // From saving the file to the new page being served, through inotify.
    const auto seen = server.wait_for_change(0, std::chrono::milliseconds(0));
    std::ofstream(std::string(argv[1]) + "/" + file, std::ios::app) << "\nAnother sentence in run " << run << ".\n";
    t0 = std::chrono::steady_clock::now();
    server.wait_for_change(seen, std::chrono::seconds(30));
    watched.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(direct.begin(), direct.end());
  std::sort(watched.begin(), watched.end());
  std::printf(
      "first build %.2f s; one file's text changed, median of 7: rebuild %.1f ms, save to served page %.1f ms "
      "(text rebuilds: %zu)\n",
      first.count(), direct[3], watched[3], server.text_rebuilds());
  server.stop();
  return 0;
}
