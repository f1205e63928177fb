// Pictures made ready for the site from what a person uploads: read by
// libvips with only the loaders it trusts (JPEG, PNG, WebP, HEIF), turned
// upright as their orientation tag says, made no wider than the theme's
// widest picture, and written again (JPEG, or PNG for a PNG) without any of
// their metadata: no EXIF, no GPS location, no XMP, IPTC or comments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.h"

namespace portal {

struct Picture {
  std::string bytes;
  std::string extension;  // "jpg" or "png", as written
  int width = 0;
  int height = 0;
};

struct PictureLimits {
  int widest = 1280;                        // pixels: wider pictures are made this wide
  std::uint64_t most_pixels = 120'000'000;  // more is refused before it is decoded (a phone's photo is 50 million)
};

// The picture in `bytes`, made ready; a failure says in plain words why it cannot be used.
Result<Picture> prepare_picture(std::string_view bytes, const PictureLimits& limits);

}  // namespace portal
