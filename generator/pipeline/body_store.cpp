#include "body_store.h"

#include <cstring>
#include <memory>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_state.h"
#include "files.h"
#include "markdown_wire.h"
#include "output.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

// The store's first line: its format and the program's identity (hashed), so
// that a store written by another program is never taken.
std::string heading(const std::string& program) { return "portal texts 1 " + content_hash_hex(program) + "\n"; }

// Each text follows as its length, the hash of its bytes and its bytes
// (wire::Writer::body with its key): a store cut short or changed on the disk
// is seen text by text, and the store is then not taken at all.
void append_entry(std::string& out, std::string_view bytes) {
  const std::uint64_t head[2] = {bytes.size(), content_hash(bytes)};
  out.append(reinterpret_cast<const char*>(head), sizeof head);
  out.append(bytes);
}

// Whether every file `body` links to is published by a build without
// drafts: a text that names one withheld (its path is in the text's links)
// is not kept.
bool names_only_released(const Site& site, const RenderedMarkdown& body) {
  for (const auto& link : body.links) {
    if (!link.internal) continue;
    if (const auto doc = site.by_path.find(link.target_path); doc != site.by_path.end()) {
      if (!site.released(doc->second)) return false;
    } else if (const auto asset = site.asset_by_path.find(link.target_path); asset != site.asset_by_path.end()) {
      if (!site.assets[asset->second].published) return false;
    }
  }
  return true;
}

// The store's bytes, into memory of its own, asked for in huge pages where
// the system gives them (the store is tens of megabytes: page by page, its
// memory's faults cost more than its reading); null when it is not a regular
// file (never read through a link, nor from a FIFO or a device) or cannot be
// read whole.
std::shared_ptr<const char> read_whole(const fs::path& file, std::size_t& size) {
  // Far more than the texts of any site (73 MB at 10,000 pages): not a store this program wrote.
  constexpr std::size_t kLargest = std::size_t{1} << 32;
  std::shared_ptr<const char> bytes;
  const auto read = read_regular_file(file, kLargest, [&](std::size_t n) -> char* {
    if (n == 0) return nullptr;
    void* memory = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return nullptr;
    ::madvise(memory, n, MADV_HUGEPAGE);  // a hint: without it, ordinary pages
    bytes.reset(static_cast<const char*>(memory), [n](const char* at) { ::munmap(const_cast<char*>(at), n); });
    return static_cast<char*>(memory);
  });
  if (!read) return nullptr;
  size = *read;
  return bytes;
}

// Notes in `memo` the texts that follow the heading, by key, each checked
// against its hash (read later, by the load that uses it); false, with
// nothing taken as true, when any of them is cut short or not as written.
bool read_entries(std::string_view rest, BodyMemo& memo) {
  while (!rest.empty()) {
    std::uint64_t size_and_hash[2];
    if (rest.size() < sizeof size_and_hash) return false;
    std::memcpy(size_and_hash, rest.data(), sizeof size_and_hash);
    rest.remove_prefix(sizeof size_and_hash);
    if (size_and_hash[0] > rest.size()) return false;
    const std::string_view entry = rest.substr(0, size_and_hash[0]);
    rest.remove_prefix(entry.size());
    const auto key = content_hash(entry) == size_and_hash[1] ? wire::Reader(entry).number() : std::nullopt;
    if (!key) return false;
    memo.stored.emplace(*key, entry);
  }
  return true;
}

}  // namespace

BodyMemo read_body_store(const fs::path& output) {
  BodyMemo memo;
  memo.salt = program_identity();
  if (memo.salt.empty()) return memo;
  std::size_t size = 0;
  auto bytes = read_whole(body_store_file(output), size);
  const std::string head = heading(memo.salt);
  const std::string_view text(bytes.get(), bytes ? size : 0);
  if (!text.starts_with(head)) return memo;
  if (read_entries(text.substr(head.size()), memo))
    memo.bytes = std::move(bytes);
  else
    memo.stored.clear();
  return memo;
}

void save_body_store(const fs::path& output, const Site& site, const BodyMemo& memo) {
  const fs::path file = body_store_file(output);
  std::error_code ec;
  fs::remove(file, ec);
  if (memo.salt.empty() || memo.keys.size() != site.size()) return;
  // Without waiting for the disk: after a power cut a store cut short is seen as such, and not taken.
  replace_file_unsynced(file, [&](int fd) {
    bool ok = write_all(fd, heading(memo.salt));
    std::string chunk;
    // Released texts only, naming only released files: what the public site shows anyway.
    for (std::size_t i = 0; ok && i < site.size(); ++i) {
      if (!site.released(i) || !names_only_released(site, site.body(i))) continue;
      wire::Writer writer;
      writer.body(memo.keys[i], site.body(i));
      append_entry(chunk, writer.bytes());
      if (chunk.size() >= (1u << 20)) {
        ok = write_all(fd, chunk);
        chunk.clear();
      }
    }
    return ok && write_all(fd, chunk);
  });
}

}  // namespace portal
