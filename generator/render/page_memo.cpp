#include "page_memo.h"

#include <boost/variant/static_visitor.hpp>

#include "files.h"
#include "output.h"

namespace portal {

namespace {

// Folds one more value into a key (boost's hash_combine, on 64 bits).
void mix(std::uint64_t& key, std::uint64_t value) { key ^= value + 0x9e3779b97f4a7c15ull + (key << 12) + (key >> 4); }

void mix_text(std::uint64_t& key, std::string_view text) {
  mix(key, text.size());
  mix(key, content_hash(text));
}

// Each kind of value tagged, so that no two contexts that differ give one
// sequence of values; false on a value of code, which has no key.
class KeyOf : public boost::static_visitor<bool> {
 public:
  explicit KeyOf(std::uint64_t& key) : key_(key) {}
  bool operator()(std::nullptr_t) const { return tag(1); }
  bool operator()(const std::string& s) const {
    tag(2);
    mix_text(key_, s);
    return true;
  }
  bool operator()(int i) const {
    tag(3);
    mix(key_, static_cast<std::uint64_t>(i));
    return true;
  }
  bool operator()(double d) const {
    tag(4);
    mix_text(key_, std::to_string(d));
    return true;
  }
  bool operator()(bool b) const { return tag(b ? 5 : 6); }
  bool operator()(const mstch::lambda&) const { return false; }
  bool operator()(const std::shared_ptr<mstch::object>&) const { return false; }
  bool operator()(const mstch::map& m) const {
    tag(7);
    mix(key_, m.size());
    for (const auto& [name, value] : m) {
      mix_text(key_, name);
      if (!boost::apply_visitor(*this, value)) return false;
    }
    return true;
  }
  bool operator()(const mstch::array& a) const {
    tag(8);
    mix(key_, a.size());
    for (const auto& value : a)
      if (!boost::apply_visitor(*this, value)) return false;
    return true;
  }

 private:
  bool tag(std::uint64_t t) const {
    mix(key_, t);
    return true;
  }
  std::uint64_t& key_;
};

}  // namespace

std::unordered_map<std::string, std::uint64_t> template_keys(const Theme& theme) {
  std::unordered_map<std::string, std::uint64_t> keys;
  for (const auto& [name, text] : theme.templates) {
    std::uint64_t key = 0;
    mix_text(key, name);
    mix_text(key, text);
    if (const auto partials = theme.partials_of.find(name); partials != theme.partials_of.end()) {
      for (const auto& [partial, partial_text] : partials->second) {
        mix_text(key, partial);
        mix_text(key, partial_text);
      }
    }
    keys.emplace(name, key);
  }
  return keys;
}

std::optional<std::uint64_t> page_key(std::uint64_t drawn_with, const std::string& url, const std::string& base_url,
                                      const mstch::map& context, const std::string* body) {
  std::uint64_t key = drawn_with;
  mix_text(key, url);
  mix_text(key, base_url);
  if (!KeyOf(key)(context)) return std::nullopt;
  mix(key, body ? 9 : 10);  // tagged as KeyOf tags its values
  if (body) mix_text(key, *body);
  return key;
}

}  // namespace portal
