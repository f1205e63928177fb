// Writes a phone's photo for the browser journeys: make_photo WIDTH HEIGHT FILE.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "photo.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: make_photo WIDTH HEIGHT FILE\n";
    return 2;
  }
  std::ofstream(argv[3], std::ios::binary) << portal::test::jpeg_with_gps(std::atoi(argv[1]), std::atoi(argv[2]));
  return 0;
}
