// HTTP written by hand, for the tests that send what no client library would
// (a head without its body, a request the gate must refuse).
#pragma once

#include <string>
#include <string_view>

namespace portal::test {

// A TCP connection to `port` on this computer; reads wait 60 s at most, as a safety net only.
int connect_to(int port);
void send_all(int fd, std::string_view bytes);
// Everything the server sends until it closes its side.
std::string read_to_end(int fd);
// Sends `request` on a new connection and returns the whole answer.
std::string exchange(int port, const std::string& request);
// The same over the Unix socket at `path`.
std::string exchange_unix(const std::string& path, const std::string& request);

}  // namespace portal::test
