// Pictures in the editor: uploaded from the person's computer and kept
// beside their document under a clean name, made ready on the way in
// (pictures/picture.h: resized, metadata stripped); listed for the picture
// dialog; and deleted only while no document shows them.
#include <cctype>
#include <filesystem>
#include <set>

#include <httplib.h>

#include "beneath.h"
#include "editor.h"
#include "editor_requests.h"
#include "front_matter_edit.h"
#include "git_commit.h"
#include "git_versions.h"
#include "picture.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

constexpr int kMostNamesakes = 100;  // pictures of one name beside a document

// A file name made of what the person's computer called the picture: lower-case
// letters and digits, one hyphen between words, at most 60 characters.
std::string clean_stem(std::string_view filename) {
  if (const auto slash = filename.find_last_of("/\\"); slash != std::string_view::npos)
    filename.remove_prefix(slash + 1);
  if (const auto dot = filename.rfind('.'); dot != std::string_view::npos && dot > 0)
    filename = filename.substr(0, dot);
  std::string out;
  for (const char ch : filename) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 128 && std::isalnum(c))
      out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-')
      out += '-';
    if (out.size() >= 60) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "picture" : out;
}

bool is_picture_file(const std::string& path) {
  for (const char* ext : {".jpg", ".jpeg", ".png", ".webp", ".gif"})
    if (text::to_lower_ascii(path).ends_with(ext)) return true;
  return false;
}

// The documents that show the picture at `file`, by title; and the content files the site could not read (their
// front matter has an error) that name it, by path: those may show it once put right.
std::vector<std::string> shown_by(EditorHost& host, const SourceDir& source, const std::string& file) {
  std::vector<std::string> titles;
  std::set<std::string> read;
  bool loaded = false;
  host.with_site([&](Site* site, const Theme*, const History*) {
    if (!site) return;
    loaded = true;
    for (std::size_t i = 0; i < site->size(); ++i) {
      read.insert(site->document(i).path);
      for (const auto& link : site->links_of(i))
        if (link.internal && link.target_path == file) {
          const Document& d = site->document(i);
          titles.push_back(d.title.value.empty() ? d.path : d.title.value);
          break;
        }
    }
  });
  if (!loaded) titles.push_back("a document of the site, which is not loaded yet (try again in a moment)");
  const std::string name = file.substr(file.rfind('/') + 1);
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(source.path() / "content", ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry;
    const std::string path = fs::relative(it->path(), source.path(), entry).generic_string();
    if (entry || !it->is_regular_file(entry) || !path.ends_with(".md") || read.count(path)) continue;
    if (const auto text = read_beneath(source, path); text && text->bytes.find(name) != std::string::npos)
      titles.push_back(path + " (which the site cannot read as it is)");
  }
  // A folder that cannot be read may hold a document that shows it: not deleted while that cannot be known.
  if (ec) titles.push_back("a file under content/ that cannot be read (" + ec.message() + ")");
  return titles;
}

}  // namespace

void Editor::upload_picture(const httplib::Request& req, httplib::Response& res) {
  const std::string path = param(req, "path");
  if (const auto editable = check_content_path(source_, path); !editable)
    return reply_refusal(res, 404, editable.error());
  if (!req.has_file("picture") || req.get_file_value("picture").content.empty())
    return reply_refusal(res, 400, "Choose a picture to upload.");
  const auto& upload = req.get_file_value("picture");
  PictureLimits limits;
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (site) limits.widest = site->theme_ids.widest_picture;
  });
  const auto picture = prepare_picture(upload.content, limits);
  if (!picture) return reply_refusal(res, 422, text::capitalised(picture.error()) + ".");
  const std::lock_guard one_at_a_time(writing_);
  const std::string folder = path.substr(0, path.rfind('/') + 1), stem = clean_stem(upload.filename);
  for (int n = 1; n <= kMostNamesakes; ++n) {
    const std::string file = folder + stem + (n == 1 ? "" : "-" + std::to_string(n)) + "." + picture->extension;
    const auto written = write_beneath_atomically(source_dir_, file, picture->bytes, IfExists::refuse);
    if (!written && written.failure().error_number == EEXIST) continue;  // never replaces a picture
    if (!written) return reply_refusal(res, 500, "The picture could not be saved: " + written.error());
    host_.rebuild_now();
    toml::table out;
    out.insert("file", file);
    out.insert("link", "@/" + file.substr(8));
    out.insert("width", picture->width);
    out.insert("height", picture->height);
    return reply_json(res, 200, out);
  }
  reply_refusal(res, 409, "There are already many pictures of that name beside the document: rename the file.");
}

void Editor::delete_picture(const httplib::Request& req, httplib::Response& res) {
  const std::string file = param(req, "file");
  if (!file.starts_with("content/") || !is_picture_file(file) || !check_beneath_path(file))
    return reply_refusal(res, 404, "Only a picture under content/ can be deleted here.");
  const std::lock_guard one_at_a_time(writing_);
  if (const auto titles = shown_by(host_, source_dir_, file); !titles.empty())
    return reply_refusal(
        res, 409,
        "The picture is shown by " + text::listed(titles) + ": take it out of the text first, then delete it.");
  const bool committed = static_cast<bool>(file_at(source_, "HEAD", file));  // in the published record now
  if (const auto removed = remove_beneath(source_dir_, file); !removed)
    return reply_refusal(res, removed.failure().missing() ? 404 : 500, text::capitalised(removed.error()) + ".");
  // A picture in the published record leaves it by a commit of its own; a new one was never there.
  std::string commit;
  if (committed) {
    const auto made =
        commit_files(source_, {file}, "Picture deleted: " + file.substr(file.rfind('/') + 1), author_of(req));
    if (!made)
      return reply_refusal(res, 500, "The picture is deleted, but this could not be recorded: " + made.error());
    commit = *made;
  }
  host_.rebuild_now();
  if (!commit.empty()) (void)recorded_and_live(req, file, "delete picture");
  toml::table out;
  out.insert("deleted", file);
  out.insert("recorded", !commit.empty());
  reply_json(res, 200, out);
}

}  // namespace portal
