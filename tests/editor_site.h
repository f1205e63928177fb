// A running preview of a copy of the every-kind fixture, with the editor's
// key and the headers of its own pages: for the tests of the editor.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <httplib.h>
#include <catch2/catch.hpp>

#include "git_commit.h"
#include "git_repo.h"
#include "serve.h"
#include "support.h"

namespace portal::test {

// A preview of a copy of the fixture, and the editor's key.
struct EditorSite {
  TempDir dir;
  std::filesystem::path site;
  std::unique_ptr<PreviewServer> server;
  std::unique_ptr<httplib::Client> client;
  std::string secret;
  httplib::Headers own;
  std::unique_ptr<GitRepo> repo;

  // `committed`: the site in a git repository with one commit, as a team's content is.
  explicit EditorSite(bool committed = false) {
    site = copy_fixture("every-kind", dir.path());
    if (committed) {
      repo = std::make_unique<GitRepo>(site);
      repo->commit_all("The fixture site", at_noon(2024, 1, 1));
      // Who publishes: the editor commits as the repository's user.
      write_file(site / ".git/config",
                 read_file(site / ".git/config") + "[user]\n\tname = Comms Officer\n\temail = comms@example.org\n");
    }
    ServeOptions options;
    options.source = site;
    options.port = 0;
    server = std::make_unique<PreviewServer>(options);
    REQUIRE(failure_text(server->start()) == "");
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    const auto start = client->Get("/__portal/edit/");
    REQUIRE(start);
    const auto at = start->body.find("data-secret=\"") + 13;
    secret = start->body.substr(at, start->body.find('"', at) - at);
    own = {{"Origin", "http://127.0.0.1:" + std::to_string(server->port())}, {"X-Portal-Secret", secret}};
  }
  ~EditorSite() { server->stop(); }
  httplib::Result save(const std::string& path, httplib::Params params) {
    params.emplace("path", path);
    params.emplace("base", blob_id(read_file(site / path)));
    return client->Post("/__portal/edit/save", own, params);
  }
  httplib::Result publish(const std::string& path, httplib::Params params, const std::string& message) {
    params.emplace("path", path);
    params.emplace("base", blob_id(read_file(site / path)));
    params.emplace("message", message);
    return client->Post("/__portal/edit/publish", own, params);
  }
};

}  // namespace portal::test
