// The site's public address: site.toml's base_url, or --base-url, or the
// environment variable PORTAL_BASE_URL (for CI); a placeholder address is
// built, and named, with where to set the real one.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "config.h"
#include "support.h"

using namespace portal::test;

namespace {

// Sets an environment variable for the life of the object.
class Environment {
 public:
  Environment(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~Environment() { ::unsetenv(name_); }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

 private:
  const char* name_;
};

}  // namespace

TEST_CASE("a placeholder address is one that leads to no real site", "[cli]") {
  for (const char* placeholder :
       {"https://example.org/portal/", "https://EXAMPLE.COM./", "http://www.example.net/x/", "http://localhost:8080/",
        "http://127.0.0.1/portal/", "http://[::1]:1313/", "https://user@example.org/"}) {
    INFO(placeholder);
    CHECK(portal::is_placeholder_address(placeholder));
  }
  for (const char* real : {"https://portal.partnership.test/safer/", "https://example.org.uk/",
                           "https://notexample.org/", "https://www.kent.gov.uk/"}) {
    INFO(real);
    CHECK_FALSE(portal::is_placeholder_address(real));
  }
}

TEST_CASE("portal build takes the address from --base-url, else PORTAL_BASE_URL, else site.toml", "[cli]") {
  TempDir tmp;
  const auto site = copy_fixture("every-kind", tmp.path() / "site");
  auto build = [&](const std::string& out, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"build", "--source", site.string(), "--output", (tmp.path() / out).string()};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  };
  auto sitemap = [&](const std::string& out) { return read_file(tmp.path() / out / "sitemap.xml"); };

  // site.toml's placeholder: built, and named, with where to set the real address.
  const auto placeholder = build("placeholder");
  CHECK(placeholder.status == 0);
  CHECK(
      contains(placeholder.err, "portal: warning: the site's address is https://example.org/fixture/, a placeholder"));
  CHECK(contains(placeholder.err, "--base-url"));
  CHECK(contains(sitemap("placeholder"), "<loc>https://example.org/fixture/"));

  const std::string real = "https://portal.partnership.test/safer";
  const auto given = build("given", {"--base-url", real});
  CHECK(given.status == 0);
  CHECK_FALSE(contains(given.err, "placeholder"));  // (outside a repository, it says the history is missing)
  CHECK(contains(sitemap("given"), "<loc>https://portal.partnership.test/safer/about/</loc>"));
  CHECK_FALSE(contains(sitemap("given"), "example.org"));
  CHECK(contains(read_file(tmp.path() / "given/feeds/bulletins.xml"), "https://portal.partnership.test/safer/"));

  {
    const Environment ci("PORTAL_BASE_URL", "https://ci.partnership.test/");
    const auto from_environment = build("environment");
    CHECK(from_environment.status == 0);
    CHECK(contains(sitemap("environment"), "<loc>https://ci.partnership.test/about/</loc>"));
    // The command line wins over the environment.
    CHECK(build("both", {"--base-url", real}).status == 0);
    CHECK(contains(sitemap("both"), "<loc>https://portal.partnership.test/safer/about/</loc>"));
  }
  {
    // A CI variable left empty is no address: site.toml's stands.
    const Environment unset("PORTAL_BASE_URL", "");
    CHECK(build("empty", {}).status == 0);
    CHECK(contains(sitemap("empty"), "<loc>https://example.org/fixture/about/</loc>"));
  }
}

TEST_CASE("an address that is not one is refused, naming where it came from", "[cli]") {
  const auto site = fixture("every-kind").string();
  const auto bad = run({"check", "--source", site, "--base-url", "javascript:alert(1)"});
  CHECK(bad.status == 2);
  CHECK(contains(bad.err, "--base-url"));
  CHECK(contains(run({"check", "--source", site, "--base-url", "https://x.test/a?b"}).err, "without ? or #"));
  const Environment ci("PORTAL_BASE_URL", "ftp://files.partnership.test/");
  const auto from_environment = run({"check", "--source", site});
  CHECK(from_environment.status == 2);
  CHECK(contains(from_environment.err, "PORTAL_BASE_URL"));
}
