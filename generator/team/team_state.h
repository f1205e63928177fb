// What the team editor keeps in its state folder, never under content/
// (which is published): the audit log a manager reads, and each document's
// last change and review.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "result.h"

namespace portal {

// The time as the log and the pages write it: 2026-12-05T10:04:00Z.
std::string utc_stamp(std::chrono::system_clock::time_point when);
// A utc_stamp as a person reads it: "2026-12-05 10:04 UTC".
std::string readable_stamp(const std::string& stamp);

// One line a thing done, appended: time (UTC), who, what, and its details,
// separated by tabs (a spreadsheet opens it); no value in it holds a tab or
// a line break.
class AuditLog {
 public:
  explicit AuditLog(std::filesystem::path file) : file_(std::move(file)) {}
  Done record(const std::string& who, const std::string& what, const std::string& detail);
  // A request from `who`: their first in `idle` or more is logged as the start of a session.
  void heard_from(const std::string& who, std::chrono::system_clock::time_point now,
                  std::chrono::minutes idle = std::chrono::minutes(30));
  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::mutex mutex_;
  std::map<std::string, std::chrono::system_clock::time_point> last_heard_;
};

enum class ReviewStatus { none, waiting, approved, sent_back };

struct DocumentState {
  std::string changed_by, changed_at;  // the last save or publish through the editor: a user, and utc_stamp
  ReviewStatus review = ReviewStatus::none;
  std::string author;    // who sent it for review
  std::string reviewer;  // who approved it or sent it back
  std::string comment;   // the reviewer's, when sent back
  std::string blob;      // the file's bytes (blob_id) as sent for review, and as approved
  std::string review_at;
  std::string sent;  // the last send to the list: to whom, by whom, when
  // "Publish at": when (utc_stamp), by whom, with what line for the public, the file's bytes (blob_id) then.
  std::string scheduled_at, scheduled_by, scheduled_message, scheduled_blob;
};

[[nodiscard]] const char* review_words(ReviewStatus status);

// Every document's DocumentState, in one TOML file, written whole and atomically at each change.
class DocumentStates {
 public:
  explicit DocumentStates(std::filesystem::path file) : file_(std::move(file)) {}
  // Reads the file; one that is not there is an empty state. Fails, naming it, when it cannot be read.
  Done load();
  [[nodiscard]] DocumentState of(const std::string& path) const;
  [[nodiscard]] std::map<std::string, DocumentState> all() const;
  // Changes the state of `path` by `change`, and writes the file; nothing changes when it cannot be written.
  Done update(const std::string& path, const std::function<void(DocumentState&)>& change);

 private:
  Done write_locked(const std::map<std::string, DocumentState>& states) const;
  std::filesystem::path file_;
  mutable std::mutex mutex_;
  std::map<std::string, DocumentState> states_;
};

}  // namespace portal

#include "team_config.h"

namespace portal {

// The team editor's server: its configuration and what it keeps in its state folder.
struct Team {
  explicit Team(TeamConfig c)
      : config(std::move(c)), audit(config.state / "audit.log"), documents(config.state / "documents.toml") {}
  // Makes the state folder (private to the server) and reads what it holds.
  Done open();
  // The clone the public site is built from: what is committed, never what is only saved.
  [[nodiscard]] std::filesystem::path published_copy() const { return config.state / "published"; }

  TeamConfig config;
  AuditLog audit;
  DocumentStates documents;
};

}  // namespace portal
