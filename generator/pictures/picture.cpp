#include "picture.h"

#include <array>
#include <memory>
#include <mutex>

#include <vips/vips8>

namespace portal {

namespace {

// libvips, started once: loaders it marks untrusted (ImageMagick's, MATLAB's, …) blocked,
// and no cache, so that nothing of one person's picture stays in memory after it is made.
bool vips_ready() {
  static const bool ready = [] {
    if (VIPS_INIT("portal") != 0) return false;
    vips_block_untrusted_set(TRUE);
    vips_cache_set_max(0);
    return true;
  }();
  return ready;
}

// The loaders a picture may come through: photographs and graphics, never documents or vector files.
bool accepted_loader(std::string_view loader) {
  static constexpr std::array<std::string_view, 4> accepted = {"VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer",
                                                               "VipsForeignLoadWebpBuffer",
                                                               "VipsForeignLoadHeifBuffer"};
  for (const auto& a : accepted)
    if (loader == a) return true;
  return false;
}

struct BlobUnref {
  void operator()(VipsBlob* b) const { vips_area_unref(VIPS_AREA(b)); }
};

Result<Picture> make(std::string_view bytes, const PictureLimits& limits, bool png) {
  using vips::VImage;
  const VImage header =
      VImage::new_from_buffer(bytes.data(), bytes.size(), "", VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
  if (static_cast<std::uint64_t>(header.width()) * static_cast<std::uint64_t>(header.height()) > limits.most_pixels)
    return fail("the picture is " + std::to_string(header.width()) + " by " + std::to_string(header.height()) +
                " pixels, larger than any photo needs to be: make it smaller and upload it again");
  const std::unique_ptr<VipsBlob, BlobUnref> blob(vips_blob_new(nullptr, bytes.data(), bytes.size()));
  // Shrunk as it loads where the format allows, turned upright, never made larger.
  VImage out = VImage::thumbnail_buffer(blob.get(), limits.widest,
                                        VImage::option()->set("height", VIPS_MAX_COORD)->set("size", VIPS_SIZE_DOWN));
  if (!png && out.has_alpha()) out = out.flatten(VImage::option()->set("background", std::vector<double>{255.0}));
  void* buffer = nullptr;
  std::size_t length = 0;
  if (png)
    out.write_to_buffer(".png", &buffer, &length, VImage::option()->set("strip", true));
  else
    out.write_to_buffer(".jpg", &buffer, &length, VImage::option()->set("strip", true)->set("Q", 85));
  Picture picture;
  picture.bytes.assign(static_cast<const char*>(buffer), length);
  g_free(buffer);
  picture.extension = png ? "png" : "jpg";
  picture.width = out.width();
  picture.height = out.height();
  return picture;
}

}  // namespace

Result<Picture> prepare_picture(std::string_view bytes, const PictureLimits& limits) {
  // libvips keeps its errors per thread; one picture at a time keeps them apart and the memory low.
  static std::mutex one_at_a_time;
  const std::lock_guard lock(one_at_a_time);
  if (!vips_ready()) return fail("pictures cannot be read on this computer: libvips did not start");
  const char* loader = bytes.empty() ? nullptr : vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  vips_error_clear();
  if (!loader || !accepted_loader(loader))
    return fail("this file is not a picture the portal can use: choose a JPEG, PNG, WebP or HEIC photo");
  try {
    return make(bytes, limits, std::string_view(loader) == "VipsForeignLoadPngBuffer");
  } catch (const vips::VError&) {
    vips_error_clear();
    return fail("the picture could not be read: the file may be damaged or only partly copied; try another");
  }
}

}  // namespace portal
