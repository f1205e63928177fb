// The editor's own parts: its key, the addresses it answers at, and the
// routes of its requests. Its pages are in editor_pages.cpp, checking in
// editor_checking.cpp, saving and publishing in editor_saving.cpp.
#include "editor.h"

#include <algorithm>
#include <cstring>
#include <random>

#include <httplib.h>

#include "content_tree.h"
#include "editor_assets.h"
#include "editor_requests.h"
#include "editor_templates.h"
#include "text.h"

namespace portal {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kLargestRequest = 2 * 1024 * 1024;  // a content file and its form, with room to spare

std::string make_secret() {
  std::random_device device;  // the kernel's randomness
  std::string out;
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) {
    const auto byte = device();
    out += digits[byte & 15];
    out += digits[(byte >> 4) & 15];
  }
  return out;
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Editor::Editor(EditorHost& host, fs::path source, int jobs, Team* team)
    : host_(host), team_(team), source_(std::move(source)), source_dir_(source_), jobs_(jobs), secret_(make_secret()) {}

void Editor::set_port(int port) { port_ = port; }

std::string Editor::address_of(const std::string& path) {
  return std::string(kEditorBase) + "doc/" + text::encode_url_path(path);
}

bool Editor::is_own_host(const std::string& host, int port_number) {
  // The name decides (a name that only resolves here is someone else's); the port, when given, is the preview's.
  std::string name = host;
  const auto colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    if (host.substr(colon + 1) != std::to_string(port_number)) return false;
    name = host.substr(0, colon);
  }
  return name == "localhost" || name == "[::1]" || (name != "::1" && is_loopback(name));
}

std::string Editor::refuses_preview(const httplib::Request& req) const {
  const std::string host = req.get_header_value("Host");
  if (!team_)
    return is_own_host(host, port_)
               ? ""
               : "The preview answers only at this computer's own address, e.g. http://127.0.0.1:" +
                     std::to_string(port_) + "/";
  if (host != team_->config.editor_host()) return "The editor answers only at " + team_->config.editor_address + "/";
  if (!signed_in(req)) return "You are signed in, but not on the editor's team: ask whoever runs it to add you.";
  return {};
}

bool Editor::allowed(const httplib::Request& req, httplib::Response& res, bool changes, std::size_t largest) const {
  // The Host a browser sends names the address it meant: a name that only
  // resolves here (DNS rebinding) is not one of ours.
  const std::string host = req.get_header_value("Host");
  const std::string port = ":" + std::to_string(port_);
  const bool own_host = team_ ? host == team_->config.editor_host() : is_own_host(host, port_);
  if (!own_host) {
    reply_refusal(
        res, 403,
        "the editor answers only at " +
            (team_ ? team_->config.editor_address : "this computer's own address, e.g. http://127.0.0.1" + port) +
            "/__portal/edit/");
    return false;
  }
  if (!changes) return true;
  // Only the editor's own pages may ask it to change anything.
  if (req.get_header_value("Origin") != (team_ ? team_->config.editor_address : "http://" + host)) {
    reply_refusal(res, 403, "this request did not come from the editor's own pages");
    return false;
  }
  if (const auto site = req.get_header_value("Sec-Fetch-Site"); !site.empty() && site != "same-origin") {
    reply_refusal(res, 403, "this request did not come from the editor's own pages");
    return false;
  }
  std::string secret = req.get_header_value("X-Portal-Secret");
  if (secret.empty()) secret = param(req, "secret");
  if (!same_secret(secret, secret_)) {
    reply_refusal(res, 403, "this request does not carry the editor's key: reload the editor's page and try again");
    return false;
  }
  // The gate has the whole body, and its length, before httplib sees the request.
  const std::string length = req.get_header_value("Content-Length");
  if (req.body.size() > largest || (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > largest)) {
    reply_refusal(res, 413,
                  largest == kLargestRequest ? "the request is larger than any content file may be"
                                             : "the picture is larger than " + std::to_string(kLargestPicture >> 20) +
                                                   " MB: make it smaller and upload it again");
    return false;
  }
  return true;
}

void Editor::handle(const httplib::Request& req, httplib::Response& res) {
  const std::string route = req.path.substr(std::strlen(kEditorBase));
  const bool post = req.method == "POST";
  if (!allowed(req, res, post, route == "upload" ? kLargestUpload : kLargestRequest)) return;
  if (team_ && !team_allows(req, res, route, post)) return;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'");
  if (!post && route == "editor.css")
    return res.set_content(std::string(editor_assets().at("editor.css")), "text/css; charset=utf-8");
  if (!post && route == "editor.js") return res.set_content(editor_script(), "text/javascript; charset=utf-8");
  if (!post && route.empty()) return start_page(req, res);
  if (!post && route.starts_with("doc/")) return edit_page(route.substr(4), req, res);
  if (!post && route == "changes") return changes_page(res);
  if (!post && route == "settings") return settings_page(req, res);
  if (post && route == "settings") return save_settings(req, res);
  if (!post && route == "pages") return find_pages(req, res);
  if (!post && route == "version") return version_page(param(req, "path"), param(req, "commit"), res, {}, {});
  if (post && route == "new") return create(req, res);
  if (post && route == "check") return check(req, res);
  if (post && route == "save") return save(req, res, false);
  if (post && route == "publish") return save(req, res, true);
  if (post && route == "upload") return upload_picture(req, res);
  if (post && route == "restore") return restore(req, res);
  if (post && route == "withdraw") return withdraw(req, res);
  if (post && route == "delete-picture") return delete_picture(req, res);
  if (post && route.starts_with("review/")) return review(req, res, route.substr(7));
  if (post && route == "go-live" && team_) return retry_going_live(req, res);
  if (post && route == "schedule" && team_) return schedule(req, res);
  if (post && route == "unschedule" && team_) return unschedule(req, res);
  if (post && (route == "send-test" || route == "send-list") && team_)
    return send_mail_of(req, res, route == "send-list");
  res.status = 404;
  res.set_content(editor_page("not-found", {{"no_page", true}}, "Not found", secret_), "text/html; charset=utf-8");
}

std::optional<Kind> Editor::kind_of(const std::string& path) {
  std::optional<Kind> kind;
  host_.with_site([&](Site* site, const Theme*, const History*) {
    if (site && site->by_path.count(path)) kind = site->document(site->by_path.at(path)).kind;
  });
  if (kind) return kind;
  // Not read by the site (its front matter has an error, say): its kind from its place.
  Diagnostics unused;
  if (const auto entry = classify(path.substr(8), unused); entry && entry->type == EntryType::document)
    return entry->kind;
  return std::nullopt;
}

}  // namespace portal
