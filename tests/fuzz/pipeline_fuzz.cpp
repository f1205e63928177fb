// libFuzzer target: the whole page pipeline. The input becomes a bulletin of a
// small site (front matter, Markdown, links, checks, templates, e-mail and text
// copies), rendered in memory. Nothing may crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "build.h"

namespace {

namespace fs = std::filesystem;

fs::path make_site() {
  const fs::path root = fs::temp_directory_path() / ("portal-fuzz-" + std::to_string(getpid()));
  fs::create_directories(root / "content/bulletins");
  fs::create_directories(root / "content/agreements");
  std::ofstream(root / "site.toml") << "title = \"Fuzz\"\npartnership = \"Fuzz Partnership\"\n"
                                       "base_url = \"https://example.org/\"\n[history]\nmode = \"none\"\n";
  std::ofstream(root / "content/_index.md")
      << "+++\ntitle = \"Home\"\n+++\n\nSee [the bulletin](@/bulletins/fuzz.md).\n";
  std::ofstream(root / "content/agreements/2020-04.md")
      << "+++\ntitle = \"Agreement\"\nversion = \"4.0\"\neffective = 2020-04-01\n\n[[priorities]]\nid = "
         "\"domestic-abuse\"\n"
         "name = \"Domestic Abuse\"\n\n[[leads]]\npriority = \"domestic-abuse\"\nlead = \"Lead\"\n+++\n\n## Leads\n";
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path site = make_site();
  {
    std::ofstream out(site / "content/bulletins/fuzz.md", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  portal::BuildOptions options;
  options.source = site;
  options.drafts = portal::Drafts::show;
  std::vector<portal::OutputFile> files;
  (void)portal::render_site(options, files);
  return 0;
}
