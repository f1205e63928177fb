// What the preview answers: its pages (with the problems of a failed build
// and the links to the editor written in), the reload script, the editor's
// addresses, and the answer when a handler fails. start() adds these routes.
#include "serve.h"

#include <httplib.h>

#include "files.h"
#include "search_index.h"
#include "text.h"

namespace portal {

namespace {

const char* content_type(const std::string& path) {
  static const std::map<std::string, const char*> types = {{".html", "text/html; charset=utf-8"},
                                                           {".css", "text/css; charset=utf-8"},
                                                           {".js", "text/javascript; charset=utf-8"},
                                                           {".xml", "application/xml; charset=utf-8"},
                                                           {".json", "application/json"},
                                                           {".ics", "text/calendar; charset=utf-8"},
                                                           {".txt", "text/plain; charset=utf-8"},
                                                           {".svg", "image/svg+xml"},
                                                           {".png", "image/png"},
                                                           {".jpg", "image/jpeg"},
                                                           {".jpeg", "image/jpeg"},
                                                           {".gif", "image/gif"},
                                                           {".pdf", "application/pdf"}};
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  const auto it = types.find(text::to_lower_ascii(path.substr(dot)));
  return it == types.end() ? "application/octet-stream" : it->second;
}

// Reloads the page when the site is rebuilt. Only `portal serve` adds it, as
// a file of its own: no preview page runs a script written into it.
// A refused poll (the preview is busy, or stopped) is tried again later.
constexpr const char* kReloadPath = "/__portal/reload.js";
constexpr const char* kReloadScript =
    "(function(){var v=document.currentScript.getAttribute('data-version');"
    "function poll(){fetch('/__portal/wait?since='+v).then(function(r){if(!r.ok)throw r;return r.text()})"
    ".then(function(t){if(t!==v){location.reload()}else{poll()}})"
    ".catch(function(){setTimeout(poll,2000)})}poll()})();\n";

std::string reload_script(std::uint64_t version) {
  return std::string("<script src=\"") + kReloadPath + "\" data-version=\"" + std::to_string(version) + "\"></script>";
}

// Every preview page: scripts only from the preview's own files (the theme's,
// this reload), so nothing written in content runs where the editor lives.
constexpr const char* kPagePolicy =
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

std::string problems_panel(const std::string& problems) {
  return "<div role=\"alert\" style=\"background:#fff;color:#0b0c0c;border:5px solid #d4351c;padding:15px;margin:15px;"
         "font-family:Arial,sans-serif\"><h2 style=\"margin-top:0\">The site was not rebuilt: fix these problems</h2>"
         "<p>These pages are the last good build. They will update as soon as the problems are fixed.</p>"
         "<pre style=\"white-space:pre-wrap\">" +
         text::html_escape(problems) + "</pre></div>";
}

}  // namespace

std::string PreviewServer::panel_text() const {
  // A restricted file's message may quote it: pages name the file, line and rule only.
  std::string out;
  for (const auto& d : problems_.items()) {
    if (!restricted_files_.count(d.file)) {
      out += format_text(d) + "\n";
      continue;
    }
    Diagnostic named = d;
    named.message = "(this file is restricted: its message is shown only in the terminal running portal serve)";
    named.hint.clear();
    out += format_text(named) + "\n";
  }
  if (!problems_.items().empty())
    out += std::to_string(problems_.errors()) + " errors, " + std::to_string(problems_.warnings()) + " warnings\n";
  return out + problem_error_;
}

std::string PreviewServer::editor_link(const std::string& output_path) const {
  if (!editor_) return {};
  std::string source;
  if (built_ && built_->site) {
    std::string url = "/" + output_path;
    if (url.ends_with("index.html")) url.resize(url.size() - 10);
    for (const auto& d : built_->site->documents())
      if (d.url == url) source = d.path;
  }
  std::string out =
      "<p class=\"preview-editor-link\" style=\"margin:0;padding:10px 15px;background:#f3f2f1;color:#0b0c0c;"
      "font-family:Arial,sans-serif;border-top:1px solid #b1b4b6\">Preview: ";
  if (!source.empty())
    out += "<a href=\"" + text::html_escape(Editor::address_of(source)) +
           "\" style=\"color:#1d70b8\">Edit this page</a> or ";
  return out + "<a href=\"/__portal/edit/\" style=\"color:#1d70b8\">open the editor</a></p>";
}

std::string PreviewServer::respond(const std::string& request_path, std::string& type, int& status,
                                   bool& from_content) {
  std::string path = request_path.empty() ? "/" : request_path;
  if (path.ends_with('/')) path += "index.html";
  path = path.substr(1);
  const std::lock_guard lock(mutex_);
  // The index is made again, whole, when a search begins after a change:
  // meta.json first, and the pieces it names with it.
  if (path == "search/meta.json" && search_stale_ && built_ok_ && built_ && built_->site) {
    std::erase_if(files_, [](const auto& file) {
      return file.first.starts_with("search/") && file.first != "search/index.html";
    });
    for (auto& f : render_search_index(*built_->site, options_.jobs)) files_[f.path] = {std::move(f.content), {}};
    search_stale_ = false;
  }
  auto it = files_.find(path);
  if (it == files_.end() && files_.count(path + "/index.html")) {
    status = 301;  // a folder without its slash
    return "/" + path + "/";
  }
  status = 200;
  if (it == files_.end()) {
    status = 404;
    it = files_.find("404.html");
  }
  const std::string panel = panel_text();
  if (!have_site_ || it == files_.end()) {
    type = "text/html; charset=utf-8";
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Preview</title></head><body>" +
           problems_panel(panel.empty() ? "No page here.\n" : panel) + reload_script(version_) + "</body></html>";
  }
  type = content_type(it->first);
  from_content =
      !it->second.copy_from.empty() && it->second.copy_from.lexically_normal().generic_string().starts_with(
                                           (options_.source / "content").lexically_normal().generic_string() + "/");
  std::string body =
      it->second.copy_from.empty() ? it->second.content : read_file(it->second.copy_from).value_or(std::string());
  if (type.starts_with("text/html")) {
    if (!panel.empty()) {
      const auto open = body.find("<body>");
      if (open != std::string::npos) body.insert(open + 6, problems_panel(panel));
    }
    const auto close = body.rfind("</body>");
    body.insert(close == std::string::npos ? body.size() : close, editor_link(path) + reload_script(version_));
  }
  return body;
}

void PreviewServer::add_editor_routes() {
  const auto edit = [this](const httplib::Request& req, httplib::Response& res) { editor_->handle(req, res); };
  server_->Get("/__portal/edit/.*", edit);
  server_->Post("/__portal/edit/.*", edit);
}

void PreviewServer::add_reload_route() {
  server_->Get(kReloadPath, [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(kReloadScript, "text/javascript; charset=utf-8");
  });
}

void PreviewServer::add_page_route() {
  server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    // On this computer's own address, the preview answers only that address: a page elsewhere whose name is
    // made to lead here (DNS rebinding) cannot read the drafts. The team editor's shows them only to the team.
    if (editor_) {
      if (const std::string refused = editor_->refuses_preview(req); !refused.empty()) {
        res.status = 403;
        res.set_content(refused + "\n", "text/plain; charset=utf-8");
        return;
      }
    }
    std::string type;
    int status = 200;
    bool from_content = false;
    std::string body = respond(req.path, type, status, from_content);
    res.set_header("X-Content-Type-Options", "nosniff");
    // A file from content/ (an SVG, an HTML file) runs no script in the preview's origin, where the editor is.
    res.set_header("Content-Security-Policy", from_content ? "sandbox" : kPagePolicy);
    // A 200 is left to the library, which answers a byte range with 206 (the search page reads passages so).
    if (status != 200) res.status = status;
    res.set_header("Cache-Control", "no-store");
    if (status == 301) {
      res.set_redirect(body);
      return;
    }
    res.set_content(std::move(body), type.c_str());
  });
}

void PreviewServer::add_failure_handler() {
  server_->set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr e) {
    std::string what = "an unknown error";
    try {
      if (e) std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
    report("the answer to " + req.method + " " + text::escape_controls(req.path) + " failed: " + what);
    res.status = 500;
    res.set_content("The preview could not answer this request; the terminal running portal serve says why.\n",
                    "text/plain; charset=utf-8");
  });
}

}  // namespace portal
