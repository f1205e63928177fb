// Going live on the team's server: the published copy (a clone of the
// content in the state folder, never touched by the editor) is brought to
// the commit just made and built into the served folder, whose generations
// keep the swap atomic. What is saved but not published in the editor's
// clone never reaches it. Then the page is fetched from the public address.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "result.h"
#include "team_config.h"

namespace portal {

struct LiveResult {
  std::string commit;  // the commit now live
  std::size_t pages = 0;
};

// Brings `copy` to the HEAD of `source` (cloning it the first time) and builds it into `output`.
Result<LiveResult> go_live(const std::filesystem::path& source, const std::filesystem::path& copy,
                           const std::filesystem::path& output, int jobs);

// Pushes the HEAD of `source` to the branch `config.branch` of its remote `config.remote`, with the
// configuration's token or key when the remote asks. Done only when the remote took it: a push it refused (a
// hook, a protected branch, a branch moved on) fails, saying what the remote said; the commit stays, to push again.
Done push_to_remote(const std::filesystem::path& source, const TeamConfig& config);

// Fetches `url`: done when it answers 200 with a page that contains `expect`; otherwise says what it got.
Done confirm_live(const std::string& url, const std::string& expect);

}  // namespace portal
