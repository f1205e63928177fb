#include "photo.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>

#include <vips/vips8>

namespace portal::test {

namespace {

// Little-endian TIFF fields, as EXIF stores them.
void put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void entry(std::string& s, std::uint16_t tag, std::uint16_t type, std::uint32_t count, std::uint32_t value) {
  put16(s, tag);
  put16(s, type);
  put32(s, count);
  put32(s, value);
}

// An APP1 EXIF segment: IFD0 with the camera model and a GPS IFD (latitude 51° 17' N, longitude 0° 31' E).
std::string exif_segment() {
  std::string tiff = "II";
  put16(tiff, 42);
  put32(tiff, 8);  // IFD0 at 8
  const std::string model = std::string(kPhotoCamera) + '\0';
  const std::uint32_t ifd0_size = 2 + 2 * 12 + 4, gps_at = 8 + ifd0_size, gps_size = 2 + 4 * 12 + 4;
  const std::uint32_t model_at = gps_at + gps_size, lat_at = model_at + static_cast<std::uint32_t>(model.size());
  const std::uint32_t lon_at = lat_at + 24;
  put16(tiff, 2);
  entry(tiff, 0x0110, 2, static_cast<std::uint32_t>(model.size()), model_at);  // Model
  entry(tiff, 0x8825, 4, 1, gps_at);                                           // GPSInfo
  put32(tiff, 0);
  put16(tiff, 4);
  entry(tiff, 0x0001, 2, 2, 'N');     // GPSLatitudeRef
  entry(tiff, 0x0002, 5, 3, lat_at);  // GPSLatitude
  entry(tiff, 0x0003, 2, 2, 'E');     // GPSLongitudeRef
  entry(tiff, 0x0004, 5, 3, lon_at);  // GPSLongitude
  put32(tiff, 0);
  tiff += model;
  for (std::uint32_t v : {51u, 1u, 17u, 1u, 0u, 1u, 0u, 1u, 31u, 1u, 0u, 1u}) put32(tiff, v);
  std::string segment = "\xff\xe1";
  const std::size_t length = 2 + 6 + tiff.size();
  segment += static_cast<char>(length >> 8);
  segment += static_cast<char>(length & 0xff);
  segment += std::string("Exif\0\0", 6) + tiff;
  return segment;
}

}  // namespace

std::string jpeg_with_gps(int width, int height) {
  if (VIPS_INIT("portal-tests") != 0) throw std::runtime_error("libvips did not start");
  // A gradient, so that the photo is not one flat colour.
  const vips::VImage x = vips::VImage::xyz(width, height)[0];
  const vips::VImage photo = (x * (255.0 / width)).cast(VIPS_FORMAT_UCHAR).bandjoin_const({120.0, 60.0});
  void* buffer = nullptr;
  std::size_t length = 0;
  photo.write_to_buffer(".jpg", &buffer, &length, vips::VImage::option()->set("strip", true));
  std::string jpeg(static_cast<const char*>(buffer), length);
  g_free(buffer);
  // After the start-of-image marker, the EXIF.
  return jpeg.substr(0, 2) + exif_segment() + jpeg.substr(2);
}

}  // namespace portal::test
