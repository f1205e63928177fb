// Renderings of Markdown as bytes and back: what a worker process sends its
// parent (markdown_workers.cpp) and what a build keeps of each text for the
// next (body_store.h). Numbers are in the machine's own order: the bytes are
// read by the same program on the same machine, and checked as they are read.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "markdown.h"

namespace portal::wire {

// For each rendering, a number (a body's index, or its key) and the rendering.
class Writer {
 public:
  void number(std::uint64_t n) { bytes_.append(reinterpret_cast<const char*>(&n), sizeof n); }
  void text(const std::string& s) {
    number(s.size());
    bytes_ += s;
  }
  void pos(const Pos& p) {
    number(static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.line)));
    number(static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.column)));
  }
  void body(std::size_t index, const RenderedMarkdown& r) {
    number(index);
    rendering(r);
  }
  // A kept text: its key, the hash of the addresses its links resolved to (Site::addresses_of), its rendering.
  void kept_body(std::uint64_t key, std::uint64_t addresses, const RenderedMarkdown& r) {
    number(key);
    number(addresses);
    rendering(r);
  }
  void rendering(const RenderedMarkdown& r) {
    text(r.html);
    number(r.headings.size());
    for (const auto& h : r.headings) {
      number(static_cast<std::uint64_t>(h.level));
      text(h.text);
      text(h.id);
      pos(h.pos);
    }
    number(r.links.size());
    for (const auto& l : r.links) {
      text(l.url);
      text(l.target_path);
      text(l.anchor);
      text(l.text);
      number((l.image ? 1u : 0u) | (l.internal ? 2u : 0u) | (l.resolved ? 4u : 0u));
      pos(l.pos);
    }
    texts(r.paragraph_ids);
    number(r.resolutions.size());
    for (const auto& x : r.resolutions) {
      text(x.words);
      text(x.id);
      text(x.heading);
      pos(x.pos);
    }
    texts(r.printed_missing);
  }
  void texts(const std::vector<std::string>& list) {
    number(list.size());
    for (const auto& s : list) text(s);
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  std::size_t position() const { return at_; }
  std::optional<std::uint64_t> number() {
    std::uint64_t n = 0;
    if (bytes_.size() - at_ < sizeof n) return std::nullopt;
    std::memcpy(&n, bytes_.data() + at_, sizeof n);
    at_ += sizeof n;
    return n;
  }
  bool text(std::string& s) {
    const auto size = number();
    if (!size || bytes_.size() - at_ < *size) return false;
    s.assign(bytes_.data() + at_, static_cast<std::size_t>(*size));
    at_ += static_cast<std::size_t>(*size);
    return true;
  }
  bool pos(Pos& p) {
    const auto line = number(), column = number();
    if (!line || !column) return false;
    p = {static_cast<int>(static_cast<std::uint32_t>(*line)), static_cast<int>(static_cast<std::uint32_t>(*column))};
    return true;
  }
  // One body and its number, below `limit`; false when the bytes end early or make no sense.
  bool body(std::size_t& index, RenderedMarkdown& r, std::size_t limit) {
    const auto i = number();
    if (!i || *i >= limit) return false;
    index = static_cast<std::size_t>(*i);
    return rendering(r);
  }
  // The whole of `entry`, as Writer::kept_body writes it: its key, the hash
  // of its links' addresses (into `addresses`) and one rendering, and nothing
  // after; false when the bytes make no sense.
  static bool kept_body(std::string_view entry, std::uint64_t& addresses, RenderedMarkdown& r) {
    Reader reader(entry);
    if (!reader.number()) return false;
    const auto hash = reader.number();
    if (!hash || !reader.rendering(r) || reader.position() != entry.size()) return false;
    addresses = *hash;
    return true;
  }
  // One rendering, as Writer::rendering writes it.
  bool rendering(RenderedMarkdown& r) {
    if (!text(r.html)) return false;
    // Each list's length is checked against the bytes left, at the fewest bytes an element takes.
    const auto headings = count(40);
    if (!headings) return false;
    r.headings.resize(*headings);
    for (auto& h : r.headings) {
      const auto level = number();
      if (!level || *level < 1 || *level > 6 || !text(h.text) || !text(h.id) || !pos(h.pos)) return false;
      h.level = static_cast<int>(*level);
    }
    const auto links = count(56);
    if (!links) return false;
    r.links.resize(*links);
    for (auto& l : r.links) {
      if (!text(l.url) || !text(l.target_path) || !text(l.anchor) || !text(l.text)) return false;
      const auto flags = number();
      if (!flags || !pos(l.pos)) return false;
      l.image = (*flags & 1u) != 0;
      l.internal = (*flags & 2u) != 0;
      l.resolved = (*flags & 4u) != 0;
    }
    if (!texts(r.paragraph_ids)) return false;
    const auto resolutions = count(40);
    if (!resolutions) return false;
    r.resolutions.resize(*resolutions);
    for (auto& x : r.resolutions)
      if (!text(x.words) || !text(x.id) || !text(x.heading) || !pos(x.pos)) return false;
    return texts(r.printed_missing);
  }
  bool texts(std::vector<std::string>& list) {
    const auto n = count(8);
    if (!n) return false;
    list.resize(*n);
    for (auto& s : list)
      if (!text(s)) return false;
    return true;
  }

 private:
  // A list's length, when the bytes left could hold that many elements of at least `smallest` bytes.
  std::optional<std::size_t> count(std::size_t smallest) {
    const auto n = number();
    if (!n || *n > (bytes_.size() - at_) / smallest) return std::nullopt;
    return static_cast<std::size_t>(*n);
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace portal::wire
