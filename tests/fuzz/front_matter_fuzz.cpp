// libFuzzer target: a content file's text through normalisation, the front
// matter parser and the typed reader of every kind. Nothing may crash, hang or
// trip a sanitizer, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "front_matter.h"
#include "model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  portal::Diagnostics diags;
  const auto text = portal::normalise_source(raw, "content/fuzz.md", "front-matter", diags);
  if (!text) return 0;
  const auto fm = portal::parse_front_matter(*text, "content/fuzz.md", diags);
  if (!fm) return 0;
  for (const auto kind :
       {portal::Kind::home, portal::Kind::page, portal::Kind::agreement, portal::Kind::meeting, portal::Kind::notes,
        portal::Kind::paper, portal::Kind::dhr, portal::Kind::bulletin, portal::Kind::event}) {
    const auto doc = portal::read_document(kind, fm->table, fm->table_first_line, "content/fuzz.md", diags);
    (void)doc;
  }
  diags.sort();
  (void)portal::format_text(diags);
  (void)portal::format_json(diags);
  return 0;
}
