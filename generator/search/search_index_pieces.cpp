// The files of the search index, from what IndexBuilder gathered: the
// vocabulary's pieces, the stems' pieces and their positions, the pages'
// pieces and texts, the directories listing the pieces, and meta.json.
#include "search_index_builder.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <initializer_list>

#include "files.h"
#include "json.h"
#include "output.h"
#include "parallel.h"
#include "search_kinds.h"
#include "search_text.h"

namespace portal::search {

namespace {

// Pieces: what one fetch brings. Sizes are of the uncompressed text.
constexpr std::size_t kDocsPerPiece = 32;
constexpr std::size_t kWordsPieceBytes = 8 * 1024;
constexpr std::size_t kStemsPieceBytes = 16 * 1024;
// Entries of a directory piece (a list of pieces).
constexpr std::size_t kDirectory = 64;
// Pieces of pages made at a time, each page's text let go once in its piece: the texts are held once, not twice.
constexpr std::size_t kDocsBatch = 64;

std::string hash_name(std::string_view bytes) {
  char name[9];
  std::snprintf(name, sizeof name, "%08x", static_cast<unsigned>(content_hash(bytes) >> 32));
  return name;
}

void json_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out += ':';
}

// A JSON array of strings.
std::string json_array(std::initializer_list<std::string_view> parts) {
  std::string e = "[";
  for (const auto part : parts) {
    if (e.size() > 1) e += ',';
    append_json_string(e, part);
  }
  return e + "]";
}

// Cuts `n` items, each of the given size, into pieces of about `target` bytes.
std::vector<std::size_t> cut(std::size_t n, std::size_t target, const std::function<std::size_t(std::size_t)>& size) {
  std::vector<std::size_t> starts;
  std::size_t filled = target;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = size(i);
    if (filled + s > target && filled > 0) {
      starts.push_back(i);
      filled = 0;
    }
    filled += s;
  }
  if (starts.empty()) starts.push_back(0);
  return starts;
}

}  // namespace

// Vocabulary pieces.
void IndexBuilder::write_words() {
  const auto word_starts = cut(words_.size(), kWordsPieceBytes, [&](std::size_t i) {
    return words_[i].first.size() +
           (words_[i].first == stem_at(words_[i].second) ? 3 : stem_at(words_[i].second).size() + 8);
  });
  for (std::size_t p = 0; p < word_starts.size(); ++p) {
    const std::size_t from = word_starts[p], to = p + 1 < word_starts.size() ? word_starts[p + 1] : words_.size();
    std::string body = "{\"words\":[";
    for (std::size_t i = from; i < to; ++i) {
      if (i > from) body += ',';
      const std::string_view stem = stem_at(words_[i].second);
      if (words_[i].first == stem) {
        append_json_string(body, words_[i].first);
      } else {
        body += '[';
        append_json_string(body, words_[i].first);
        body += ',';
        append_json_string(body, stem);
        body += ']';
      }
    }
    body += "]}\n";
    const std::string name = std::to_string(p) + "-" + hash_name(body);
    word_pieces_.emplace_back(p == 0 ? std::string() : std::string(words_[from].first), name);
    emit_({"search/words/" + name + ".json", std::move(body)});
  }
}

// Stem pieces and their positions.
void IndexBuilder::write_stems() {
  const auto stem_starts = cut(stem_count_, kStemsPieceBytes, [&](std::size_t r) {
    const auto& p = postings_[r];
    return stem_names_[order_[r]].size() + p.docs.size() + p.impacts.size() + p.offsets.size() + 48;
  });
  std::vector<RenderedFile> stem_files(stem_starts.size() * 2);
  stem_pieces_.resize(stem_starts.size());
  parallel_for(stem_starts.size(), jobs_, [&](std::size_t p) {
    const std::size_t from = stem_starts[p], to = p + 1 < stem_starts.size() ? stem_starts[p + 1] : stem_count_;
    write_stem_piece(p, from, to, stem_files);
  });
  for (auto& f : stem_files) emit_(std::move(f));
  std::vector<RenderedFile>().swap(stem_files);
  std::vector<Postings>().swap(postings_);
}

// The piece of stems `from` to `to` and its positions, into files[2p] and
// files[2p + 1]; each stem's positions let go once in their piece.
void IndexBuilder::write_stem_piece(std::size_t p, std::size_t from, std::size_t to, std::vector<RenderedFile>& files) {
  std::string body = "{\"stems\":{", places = "{\"stems\":{";
  for (std::size_t r = from; r < to; ++r) {
    if (r > from) {
      body += ',';
      places += ',';
    }
    const auto name = stem_names_[order_[r]];
    json_key(body, name);
    body += "{\"forms\":[";
    for (std::size_t f = 0; f < forms_[r].size(); ++f) {
      if (f) body += ',';
      append_json_string(body, forms_[r][f]);
    }
    body += "],\"docs\":\"" + postings_[r].docs + "\",\"impacts\":\"" + postings_[r].impacts + "\",\"offsets\":\"" +
            postings_[r].offsets + "\"}";
    json_key(places, name);
    places += '"';
    places += postings_[r].places;
    places += '"';
    std::string().swap(postings_[r].places);
  }
  body += "}}\n";
  places += "}}\n";
  const std::string name = std::to_string(p) + "-" + hash_name(body);
  const std::string places_name = std::to_string(p) + "-" + hash_name(places);
  stem_pieces_[p] = {from == 0 ? std::string() : std::string(stem_names_[order_[from]]), name, places_name};
  files[2 * p] = {"search/stems/" + name + ".json", std::move(body)};
  files[2 * p + 1] = {"search/places/" + places_name + ".json", std::move(places)};
}

// Pages: what a result shows, and their texts (fetched a passage at a time).
void IndexBuilder::write_docs() {
  const std::size_t doc_pieces = (n_ + kDocsPerPiece - 1) / kDocsPerPiece;
  doc_names_.resize(doc_pieces);
  for (std::size_t batch = 0; batch < doc_pieces; batch += kDocsBatch) {
    const std::size_t batch_end = std::min(doc_pieces, batch + kDocsBatch);
    std::vector<RenderedFile> doc_files((batch_end - batch) * 2);
    parallel_for(batch_end - batch, jobs_,
                 [&](std::size_t k) { write_doc_piece(batch + k, doc_files[2 * k], doc_files[2 * k + 1]); });
    for (auto& f : doc_files) emit_(std::move(f));
  }
}

// Piece `p` of the pages, and their texts, each page's text let go once in it.
void IndexBuilder::write_doc_piece(std::size_t p, RenderedFile& info_file, RenderedFile& texts_file) {
  std::string info = "{\"docs\":[", texts;
  const std::size_t first = p * kDocsPerPiece, end = std::min(n_, (p + 1) * kDocsPerPiece);
  std::size_t bytes = 0;
  for (std::size_t d = first; d < end; ++d) bytes += entries_[d].text.size();
  texts.reserve(bytes);
  for (std::size_t d = first; d < end; ++d) {
    Entry& e = entries_[d];
    if (d > first) info += ',';
    info += "{\"url\":";
    append_json_string(info, e.url);
    info += ",\"title\":";
    append_json_string(info, e.title);
    info += ",\"kind\":" + std::to_string(e.kind) + ",\"date\":";
    append_json_string(info, e.date);
    info += ",\"text\":[" + std::to_string(texts.size()) + "," + std::to_string(e.text.size()) + "],\"sections\":[";
    for (std::size_t s = 0; s < e.sections.size(); ++s) {
      if (s) info += ',';
      info += '[' + std::to_string(e.sections[s].offset) + ',';
      append_json_string(info, e.sections[s].anchor);
      info += ',';
      append_json_string(info, e.sections[s].heading);
      info += ']';
    }
    info += "]}";
    texts += e.text;
    std::string().swap(e.text);
  }
  info += "]}\n";
  doc_names_[p] = {std::to_string(p) + "-" + hash_name(info), std::to_string(p) + "-" + hash_name(texts)};
  info_file = {"search/docs/" + doc_names_[p].first + ".json", std::move(info)};
  texts_file = {"search/docs/" + doc_names_[p].second + ".txt", std::move(texts)};
}

// meta.json: everything a query needs first, and the names of the pieces.
void IndexBuilder::write_meta() {
  meta_ = "{\"format\":1,\"fingerprint\":\"" + fingerprint_ + "\",\"documents\":" + std::to_string(n_) +
          ",\"per_piece\":" + std::to_string(kDocsPerPiece) + ",\"per_directory\":" + std::to_string(kDirectory) +
          ",\"impact_range\":" + std::to_string(static_cast<int>(kImpactRange)) + ",\"typos\":[4,9],\"stop\":[";
  for (std::size_t i = 0; i < stop_words().size(); ++i) {
    if (i) meta_ += ',';
    append_json_string(meta_, stop_words()[i]);
  }
  meta_ += "],\"kinds\":[";
  for (std::size_t k = 0; k < kinds().size(); ++k) {
    if (k) meta_ += ',';
    meta_ += "{\"id\":";
    append_json_string(meta_, kinds()[k].id);
    meta_ += ",\"label\":";
    append_json_string(meta_, kinds()[k].label);
    meta_ += '}';
  }
  meta_ += "],\"priorities\":" + priorities_json_;
  write_meta_groups();
  write_piece_lists();
  meta_ += "}\n";
  emit_({"search/meta.json", std::move(meta_)});
}

// The runs of consecutive pages of the same kind, year and priorities.
void IndexBuilder::write_meta_groups() {
  meta_ += ",\"groups\":[";
  for (std::size_t d = 0; d < n_;) {
    std::size_t to = d + 1;
    while (to < n_ && entries_[to].kind == entries_[d].kind && entries_[to].year == entries_[d].year &&
           entries_[to].priorities == entries_[d].priorities)
      ++to;
    if (d) meta_ += ',';
    meta_ += '[' + std::to_string(entries_[d].kind) + ',' + std::to_string(entries_[d].year) + ",[";
    for (std::size_t i = 0; i < entries_[d].priorities.size(); ++i) {
      if (i) meta_ += ',';
      meta_ += std::to_string(entries_[d].priorities[i]);
    }
    meta_ += "]," + std::to_string(to - d) + ']';
    d = to;
  }
  meta_ += ']';
}

// The lists of pieces, kDirectory entries to a directory piece: meta.json
// names the directories (with the first word or stem of each, for words
// and stems), so that it grows 64 times slower than the index.
void IndexBuilder::write_directories(const char* what, const std::vector<std::string>& entries_json,
                                     const std::vector<std::string>* keys) {
  meta_ += ",\"";
  meta_ += what;
  meta_ += "\":[";
  for (std::size_t from = 0, d = 0; from < entries_json.size(); from += kDirectory, ++d) {
    std::string body = "{\"entries\":[";
    for (std::size_t i = from; i < std::min(entries_json.size(), from + kDirectory); ++i) {
      if (i > from) body += ',';
      body += entries_json[i];
    }
    body += "]}\n";
    const std::string name = std::string(what) + "-" + std::to_string(d) + "-" + hash_name(body);
    if (d) meta_ += ',';
    if (keys) {
      meta_ += '[';
      append_json_string(meta_, (*keys)[from]);
      meta_ += ',';
      append_json_string(meta_, name);
      meta_ += ']';
    } else {
      append_json_string(meta_, name);
    }
    emit_({"search/dirs/" + name + ".json", std::move(body)});
  }
  meta_ += ']';
}

// The directories of the words', the stems' and the pages' pieces.
void IndexBuilder::write_piece_lists() {
  std::vector<std::string> keys, listed;
  for (const auto& [first, name] : word_pieces_) {
    keys.push_back(first);
    listed.push_back(json_array({first, name}));
  }
  write_directories("words", listed, &keys);
  keys.clear();
  listed.clear();
  for (const auto& [first, name, places] : stem_pieces_) {
    keys.push_back(first);
    listed.push_back(json_array({first, name, places}));
  }
  write_directories("stems", listed, &keys);
  listed.clear();
  for (const auto& [info, texts] : doc_names_) listed.push_back(json_array({info, texts}));
  write_directories("docs", listed, nullptr);
}

}  // namespace portal::search
