// Which addresses a URL field may hold (url_problem), each answer read
// directly: the address that passes, and the message and hint of each refusal.
#include <catch2/catch.hpp>

#include "support.h"
#include "urls.h"

using namespace portal::test;
using portal::url_problem;
using portal::UrlAlso;

TEST_CASE("url_problem passes web addresses, and nothing at all", "[urls]") {
  CHECK_FALSE(url_problem("", "url", UrlAlso::nothing));
  CHECK_FALSE(url_problem("https://www.kent.gov.uk/", "url", UrlAlso::nothing));
  CHECK_FALSE(url_problem("http://example.org/a?b=c#d", "url", UrlAlso::nothing));
  // The scheme is read as a browser reads it, whatever its case.
  CHECK_FALSE(url_problem("HTTPS://example.org", "url", UrlAlso::nothing));
}

TEST_CASE("url_problem passes an @/ link only where a field may link a file under content/", "[urls]") {
  CHECK_FALSE(url_problem("@/dhr/summary.pdf", "source", UrlAlso::content_links));
  const auto problem = url_problem("@/dhr/summary.pdf", "base_url", UrlAlso::nothing);
  REQUIRE(problem);
  CHECK(problem->message == "`base_url` must be a web address, not a link to a file under content/");
  CHECK(problem->hint == "write a full address starting https://, e.g. https://www.kent.gov.uk/");
}

TEST_CASE("url_problem refuses every other scheme, and says what the field takes", "[urls]") {
  const auto plain = url_problem("javascript:alert(1)", "url", UrlAlso::nothing);
  REQUIRE(plain);
  CHECK(plain->message ==
        "`url` is a javascript: address, which the portal never links to; only https: and http: addresses are allowed");
  const auto content = url_problem("JavaScript:alert(1)", "source", UrlAlso::content_links);
  REQUIRE(content);
  CHECK(content->message ==
        "`source` is a javascript: address, which the portal never links to; only https: and "
        "http: addresses are allowed, and @/ links");
  CHECK(content->hint ==
        "write a full address starting https://, or link a file under content/ as @/ and its path, "
        "e.g. @/dhr/summary.pdf");
  const auto data = url_problem("data:text/html,x", "url", UrlAlso::nothing);
  REQUIRE(data);
  CHECK(contains(data->message, "is a data: address"));
}

TEST_CASE("url_problem refuses a web address without its host", "[urls]") {
  for (const char* url : {"https:/www.kent.gov.uk", "https://", "http:///path", "https:www.kent.gov.uk"}) {
    INFO(url);
    const auto problem = url_problem(url, "url", UrlAlso::nothing);
    REQUIRE(problem);
    CHECK(contains(problem->message, "`url` is not a complete web address: "));
    CHECK(contains(problem->message, ": must be followed by // and a host name"));
    CHECK(problem->hint == "write it like https://www.kent.gov.uk/");
  }
}

TEST_CASE("url_problem refuses addresses that lead somewhere other than they seem", "[urls]") {
  const auto any_host = url_problem("//evil.example/", "url", UrlAlso::nothing);
  REQUIRE(any_host);
  CHECK(any_host->message == "`url` starts with //, which leads to whatever host follows");
  const auto relative = url_problem("about/", "url", UrlAlso::nothing);
  REQUIRE(relative);
  CHECK(relative->message == "`url` must be a full address, not a relative one (\"about/\")");
  const auto backslash = url_problem("https:\\\\evil.example", "url", UrlAlso::nothing);
  REQUIRE(backslash);
  CHECK(backslash->message == "`url` holds a backslash, which browsers read as a slash");
}

TEST_CASE("url_problem refuses characters no address may hold as written", "[urls]") {
  // A tab hidden inside a scheme would be dropped by the browser: it is refused, not read past.
  const auto tab = url_problem("java\tscript:alert(1)", "url", UrlAlso::nothing);
  REQUIRE(tab);
  CHECK(tab->message == "`url` holds U+0009 (tab), which an address cannot hold as it is");
  CHECK(tab->hint == "write the address without spaces or hidden characters; a space in it is written %20");
  const auto space = url_problem("https://example.org/a b", "url", UrlAlso::nothing);
  REQUIRE(space);
  CHECK(contains(space->message, "`url` holds U+0020"));
  const auto invisible = url_problem("https://exa\xE2\x80\x8Bmple.org/", "url", UrlAlso::nothing);  // U+200B
  REQUIRE(invisible);
  CHECK(contains(invisible->message, "`url` holds U+200B (zero-width space)"));
  const auto bytes = url_problem("https://example.org/\xFF", "url", UrlAlso::nothing);
  REQUIRE(bytes);
  CHECK(bytes->message == "`url` is not valid UTF-8");
}
