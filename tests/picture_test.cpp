// Pictures made ready for the site: no wider than the theme's widest, no
// metadata left, and nothing but photographs and graphics taken.
#include <catch2/catch.hpp>

#include <vips/vips8>

#include "photo.h"
#include "picture.h"
#include "support.h"

using namespace portal;
using namespace portal::test;

namespace {

vips::VImage read_back(const std::string& bytes) {
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "");
}

}  // namespace

TEST_CASE("a phone's photo is made the theme's width, upright, without its EXIF or location", "[pictures]") {
  const std::string photo = jpeg_with_gps(3000, 2000);
  // The photo as uploaded does hold a camera and a location.
  const auto original = read_back(photo);
  REQUIRE(original.get_typeof("exif-ifd0-Model") != 0);
  REQUIRE(original.get_typeof("exif-ifd3-GPSLatitude") != 0);
  REQUIRE(contains(photo, kPhotoCamera));

  const auto picture = prepare_picture(photo, PictureLimits{});
  REQUIRE(picture);
  CHECK(picture->extension == "jpg");
  CHECK(picture->width == 1280);
  CHECK(picture->height == 853);
  const auto made = read_back(picture->bytes);
  CHECK(made.width() == 1280);
  CHECK(made.get_typeof("exif-data") == 0);
  CHECK(made.get_typeof("exif-ifd3-GPSLatitude") == 0);
  CHECK(made.get_typeof("xmp-data") == 0);
  CHECK_FALSE(contains(picture->bytes, kPhotoCamera));
  CHECK_FALSE(contains(picture->bytes, std::string("Exif\0\0", 6)));
}

TEST_CASE("a small picture keeps its size, and a PNG stays a PNG", "[pictures]") {
  const auto small = prepare_picture(jpeg_with_gps(800, 600), PictureLimits{});
  REQUIRE(small);
  CHECK(small->width == 800);
  CHECK_FALSE(contains(small->bytes, kPhotoCamera));

  const vips::VImage graphic = vips::VImage::black(300, 100).bandjoin_const({0.0, 0.0, 128.0});
  void* buffer = nullptr;
  std::size_t length = 0;
  graphic.write_to_buffer(".png", &buffer, &length);
  const std::string png(static_cast<const char*>(buffer), length);
  g_free(buffer);
  const auto made = prepare_picture(png, PictureLimits{});
  REQUIRE(made);
  CHECK(made->extension == "png");
  CHECK(made->width == 300);
  CHECK(read_back(made->bytes).bands() == 4);  // its transparency kept
}

TEST_CASE("what is not a photo or a graphic is refused in plain words", "[pictures][attack]") {
  for (const std::string& bytes :
       {std::string(), std::string("hello"), std::string("<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>"),
        std::string("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), jpeg_with_gps(400, 300).substr(0, 600)}) {
    const auto refused = prepare_picture(bytes, PictureLimits{});
    REQUIRE_FALSE(refused);
    CHECK((contains(refused.error(), "not a picture the portal can use") ||
           contains(refused.error(), "could not be read")));
  }
  // Too many pixels: refused before they are decoded.
  PictureLimits few;
  few.most_pixels = 1000;
  const auto large = prepare_picture(jpeg_with_gps(400, 300), few);
  REQUIRE_FALSE(large);
  CHECK(contains(large.error(), "400 by 300 pixels"));
}
