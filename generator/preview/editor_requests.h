// What the editor's parts share about requests and answers: its address, a
// request's fields, the text a request asks for, and its JSON answers.
#pragma once

#include <string>
#include <string_view>

#include <toml++/toml.h>
#include <mstch/mstch.hpp>

#include "diagnostics.h"
#include "model.h"
#include "result.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace portal {

// Where the editor is in the preview.
constexpr const char* kEditorBase = "/__portal/edit/";

// The header the team editor's front sets to the signed-in user, replacing any a browser sent (deploy/team/).
constexpr const char* kIdentityHeader = "X-Remote-User";

// The largest picture a person may upload (a phone's photo is 3 to 12 MB), and
// the largest request that carries one, its form with it.
constexpr std::size_t kLargestPicture = 25 * 1024 * 1024;
constexpr std::size_t kLargestUpload = kLargestPicture + 64 * 1024;

// A field of a request: of its query or URL-encoded form, or of its
// multipart form (the editor's pages send those: httplib takes URL-encoded
// forms of 8 KB at most).
bool has_param(const httplib::Request& r, const std::string& name);
std::string param(const httplib::Request& r, const std::string& name);

// CRLF from a browser's form becomes LF, as in every content file the portal
// reads; a CR alone is a line break too, never dropped (which would join words).
std::string lf(std::string_view s);

// The bytes to write for `text` (LF, no byte-order mark) to a file that was
// `raw`: its line endings and byte-order mark as they were.
std::string as_file_had(const std::string& text, const std::string& raw);

// The text a request asks for: the whole file (text mode) or the file on
// disk with the form's values; fails when the front matter cannot be read.
Result<std::string> requested_text(const httplib::Request& req, Kind kind, const std::string& disk);

// What is wrong with the line that says what a publish changed, for the
// public; nullptr when nothing is.
const char* message_problem(const std::string& message);

// A page of the editor as the answer (editor_page()).
void reply_page(httplib::Response& res, int status, const std::string& name, mstch::map context,
                const std::string& title, const std::string& secret);

void reply_json(httplib::Response& res, int status, const toml::table& body);
void reply_refusal(httplib::Response& res, int status, const std::string& why);

// Diagnostics as the editor's script shows them, each with the field of the
// form its line is in (of the file `text`, whose body starts at
// `body_first_line`), unless it is about another file (`other_files`).
toml::array diagnostics_json(const Diagnostics& diags, const std::string& text, int body_first_line, bool other_files);

}  // namespace portal
