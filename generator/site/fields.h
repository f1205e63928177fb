// Typed, position-aware reading of a TOML table: each read marks its key as
// known, wrong types become diagnostics, and finish() reports unknown keys.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "date.h"
#include "diagnostics.h"
#include "urls.h"

namespace portal {

template <class T>
struct Located {
  T value{};
  Pos pos;
};

enum class Required { no, yes };
enum class TimeOfDay { forbidden, allowed };

// What a reader asked for, in the order it asked: the fields a kind of
// document takes, as the loader reads them (the editor's forms are made from it).
enum class FieldType { string, url, boolean, integer, date, date_time, strings, table, tables };
struct FieldSpec {
  std::string key;
  FieldType type = FieldType::string;
  bool required = false;
};
using FieldSchema = std::vector<FieldSpec>;

// A TOML date as the portal's; a date-time's seconds and offset are not kept.
Date date_of(const toml::date& d);
Date date_of(const toml::date_time& dt);

// How messages name a document's own front matter (a reader's default context).
inline constexpr char kFrontMatter[] = "the front matter";

class FieldReader {
 public:
  // `context` names the table in messages ("the front matter", "this [[items]] entry").
  FieldReader(const toml::table& table, std::string path, int first_line, const char* rule, Diagnostics& diags,
              std::string context = kFrontMatter);

  // Strings never hold control characters other than tab and line feed.
  std::optional<Located<std::string>> string(const std::string& key, Required required = Required::no);
  // A string that becomes a link: an https:// or http:// address, or where
  // `also` allows an `@/` link (urls.h); anything else is reported, and absent.
  std::optional<Located<std::string>> url(const std::string& key, UrlAlso also = UrlAlso::nothing);
  // A string that must be one of `allowed`; anything else is reported, and absent.
  std::optional<Located<std::string>> one_of(const std::string& key, const std::vector<std::string>& allowed);
  bool boolean(const std::string& key, bool absent = false);
  // Whether the table has `key` at all (reading nothing).
  [[nodiscard]] bool table_has(const std::string& key) const { return table_->contains(key); }
  std::optional<Located<std::int64_t>> integer(const std::string& key);
  std::optional<Located<Date>> date(const std::string& key, TimeOfDay time, Required required = Required::no);
  // A list of strings; a single string is accepted as a list of one.
  std::vector<Located<std::string>> strings(const std::string& key);
  // A sub-table (`[key]`), or nullptr when absent or of the wrong type (reported).
  const toml::table* table(const std::string& key);
  // An array of tables (`[[key]]`), each read by its own reader.
  std::vector<FieldReader> tables(const std::string& key);

  // Reports every key that no read asked for.
  void finish();

  // From now on, every read also notes its key and type in `schema`.
  void describe_into(FieldSchema* schema) { schema_ = schema; }

  [[nodiscard]] Pos position_of(const toml::node& node) const;
  [[nodiscard]] Pos key_pos(const std::string& key) const;
  [[nodiscard]] Pos table_pos() const { return position_of(*table_); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  const toml::node* take(const std::string& key);
  void note(const std::string& key, FieldType type, bool required);
  void wrong_type(const std::string& key, const char* wanted, const std::string& example);
  // An error about `key`, a field of the document when this reads its front matter.
  void report(Pos pos, const std::string& key, FieldProblem what, std::string message, std::string hint);
  // False, with the problem reported, when a string holds a control character.
  bool printable(const std::string& key, const std::string& value, Pos pos);

  const toml::table* table_;
  std::string path_;
  int first_line_;
  const char* rule_;
  Diagnostics* diags_;
  std::string context_;
  std::set<std::string> known_;
  FieldSchema* schema_ = nullptr;
};

}  // namespace portal
