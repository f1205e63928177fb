// A photo as a phone takes one, for the tests of pictures: a JPEG of the
// given size whose EXIF holds a camera model and a GPS location.
#pragma once

#include <string>

namespace portal::test {

// The camera model and the latitude written into the photo's EXIF.
inline constexpr char kPhotoCamera[] = "PortalTestCam";

std::string jpeg_with_gps(int width, int height);

}  // namespace portal::test
