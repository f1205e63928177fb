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
std::string heading(const std::string& program) { return "portal texts 2 " + content_hash_hex(program) + "\n"; }

// Each text follows as its length, the hash of its bytes and its bytes
// (wire::Writer::kept_body): a file of the store cut short or changed
// on the disk is seen text by text, and that file is then not taken at all.
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

// Memory for the whole store (`size` bytes, more than none), asked for in
// huge pages where the system gives them: the store is tens of megabytes, and
// page by page its memory's faults cost more than its reading.
std::shared_ptr<char> store_memory(std::size_t size) {
  void* memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  ::madvise(memory, size, MADV_HUGEPAGE);  // a hint: without it, ordinary pages
  return {static_cast<char*>(memory), [size](char* at) { ::munmap(at, size); }};
}

// The texts that follow the heading, by key, each checked against its hash
// (read later, by the load that uses it), in order; none when any of them is
// cut short or not as written.
std::optional<std::vector<std::pair<std::uint64_t, std::string_view>>> read_entries(std::string_view rest) {
  std::vector<std::pair<std::uint64_t, std::string_view>> entries;
  while (!rest.empty()) {
    std::uint64_t size_and_hash[2];
    if (rest.size() < sizeof size_and_hash) return std::nullopt;
    std::memcpy(size_and_hash, rest.data(), sizeof size_and_hash);
    rest.remove_prefix(sizeof size_and_hash);
    if (size_and_hash[0] > rest.size()) return std::nullopt;
    const std::string_view entry = rest.substr(0, size_and_hash[0]);
    rest.remove_prefix(entry.size());
    const auto key = content_hash(entry) == size_and_hash[1] ? wire::Reader(entry).number() : std::nullopt;
    if (!key) return std::nullopt;
    entries.emplace_back(*key, entry);
  }
  return entries;
}

// The file_identity() of the regular file at `file` now (never through a link); "" when there is none.
std::string identity_of(const fs::path& file) {
  struct stat st {};
  return ::lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? file_identity(st) : std::string();
}

// Notes in `memo` the texts of the store's file `which` (its bytes read into
// `bytes`, the file as `identity` gives it), and the keys it holds; nothing
// when it is not whole.
void read_store_file(std::string_view bytes, std::size_t which, const std::string& head, std::string identity,
                     BodyMemo& memo) {
  if (!bytes.starts_with(head)) return;
  const auto entries = read_entries(bytes.substr(head.size()));
  if (!entries) return;
  auto& kept = memo.kept_files[which].emplace();
  kept.identity = std::move(identity);
  for (const auto& [key, entry] : *entries) {
    memo.stored.emplace(key, entry);
    kept.keys.push_back(key);
  }
}

// The file of the store a text's key puts it in.
std::size_t store_file_of(std::uint64_t key) { return static_cast<std::size_t>(key % kBodyStoreFiles); }

}  // namespace

BodyMemo read_body_store(const fs::path& output) {
  BodyMemo memo;
  memo.salt = program_identity();
  if (memo.salt.empty()) return memo;
  const std::string head = heading(memo.salt);
  memo.kept_files.resize(kBodyStoreFiles);
  // The files' sizes first, then each file read into its part of one piece of memory (its identity that of the
  // file read, not of the one whose size was taken).
  std::size_t total = 0;
  for (std::size_t which = 0; which < kBodyStoreFiles; ++which) {
    struct stat st {};
    if (::lstat(body_store_file(output, which).c_str(), &st) == 0 && S_ISREG(st.st_mode))
      total += static_cast<std::size_t>(st.st_size);
  }
  // Far more than the texts of any site (73 MB at 10,000 pages): not a store this program wrote.
  constexpr std::size_t kLargest = std::size_t{1} << 32;
  if (total == 0 || total > kLargest) return memo;
  const auto bytes = store_memory(total);
  if (!bytes) return memo;
  memo.bytes = bytes;
  std::size_t used = 0;
  for (std::size_t which = 0; which < kBodyStoreFiles; ++which) {
    char* at = bytes.get() + used;
    // A file grown since its size was taken is not read.
    std::string identity;
    const auto read = read_regular_file(
        body_store_file(output, which), total - used, [&](std::size_t size) { return size ? at : nullptr; }, &identity);
    if (!read) continue;
    used += *read;
    read_store_file({at, *read}, which, head, std::move(identity), memo);
  }
  return memo;
}

void save_body_store(const fs::path& output, const Site& site, const BodyMemo& memo) {
  std::error_code ec;
  if (memo.salt.empty() || memo.keys.size() != site.size()) {
    for (std::size_t which = 0; which < kBodyStoreFiles; ++which) fs::remove(body_store_file(output, which), ec);
    return;
  }
  // Released texts only, naming only released files: what the public site shows anyway.
  std::vector<std::vector<std::size_t>> texts(kBodyStoreFiles);
  for (std::size_t i = 0; i < site.size(); ++i)
    if (site.released(i) && names_only_released(site, site.body(i))) texts[store_file_of(memo.keys[i])].push_back(i);
  std::vector<char> spoiled(kBodyStoreFiles, 0);  // a file holding a text not taken: spoiled, or stale
  for (const auto key : memo.not_taken) spoiled[store_file_of(key)] = 1;
  for (std::size_t which = 0; which < kBodyStoreFiles; ++which) {
    std::vector<std::uint64_t> keys;
    for (const std::size_t i : texts[which]) keys.push_back(memo.keys[i]);
    const fs::path file = body_store_file(output, which);
    // The same keys in the same order: the same bytes (a key is its text's inputs' hash), if the file is still
    // the one read (another build, waiting for this one's lock, may have written it since).
    const auto* kept = which < memo.kept_files.size() && memo.kept_files[which] ? &*memo.kept_files[which] : nullptr;
    if (kept && kept->keys == keys && !spoiled[which] && identity_of(file) == kept->identity) continue;
    // Without waiting for the disk: after a power cut a file cut short is seen as such, and not taken.
    const bool written = replace_file_unsynced(file, [&](int fd) {
      std::string bytes = heading(memo.salt);
      for (const std::size_t i : texts[which]) {
        wire::Writer writer;
        // Every text here was rendered, or checked, in this site: its hash is there (0 would never be taken).
        writer.kept_body(memo.keys[i], site.addresses_of(site.body(i)).value_or(0), site.body(i));
        append_entry(bytes, writer.bytes());
      }
      return write_all(fd, bytes);
    });
    // Never an old file left: it may hold a text no longer released.
    if (!written) fs::remove(file, ec);
  }
}

}  // namespace portal
