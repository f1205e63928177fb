// What the last build drew each page from, so that a page whose template and
// context are the same as then is not drawn again: its file is handed on.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <mstch/mstch.hpp>

#include "theme.h"

namespace portal {

struct PageMemo {
  // Output path → the key of what it was drawn from, by the last build.
  std::unordered_map<std::string, std::uint64_t> previous;
  // Hands the last build's file at `path` on as this build's; false when it cannot.
  std::function<bool(const std::string& path)> reuse;
  // The last build's files under `folder` ("search/"), when every one is
  // still as that build wrote it; nullopt otherwise.
  std::function<std::optional<std::vector<std::string>>(std::string_view folder)> live_under;

  // What this build drew its pages from, and how many it drew: filled by
  // render_pages from several threads, under `mutex`.
  std::unordered_map<std::string, std::uint64_t> now;
  std::size_t drawn = 0;
  std::mutex mutex;
};

// The key of each template of a theme, with the partials it uses: a change to
// one template changes the keys of the pages it draws alone.
std::unordered_map<std::string, std::uint64_t> template_keys(const Theme& theme);

// The key of a page drawn with the template keyed `drawn_with`, at `url` of
// the site at `base_url`, from `context`: two pages of equal keys are the
// same bytes. nullopt when the context holds what has no key (a
// lambda or an object of code): such a page is always drawn. `body`: the
// HTML the page shows as its context's "body", when `context` leaves it out.
std::optional<std::uint64_t> page_key(std::uint64_t drawn_with, const std::string& url, const std::string& base_url,
                                      const mstch::map& context, const std::string* body = nullptr);

}  // namespace portal
