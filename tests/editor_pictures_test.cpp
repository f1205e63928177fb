// Pictures through the editor: an upload goes through the gate's guard before
// its body is read, is kept beside its document under a clean name, resized
// and without its metadata; a picture a document shows is never deleted.
#include <catch2/catch.hpp>

#include "editor_site.h"
#include "photo.h"
#include "raw_http.h"
#include "support.h"

using namespace portal;
using namespace portal::test;
namespace fs = std::filesystem;

namespace {

httplib::Result upload(EditorSite& e, const std::string& document, const std::string& name, const std::string& bytes,
                       const httplib::Headers& headers) {
  const httplib::MultipartFormDataItems items = {{"path", document, "", ""}, {"picture", bytes, name, "image/jpeg"}};
  return e.client->Post("/__portal/edit/upload", headers, items);
}

httplib::Result delete_picture(EditorSite& e, const std::string& file) {
  return e.client->Post("/__portal/edit/delete-picture", e.own, httplib::Params{{"file", file}});
}

}  // namespace

TEST_CASE("an uploaded photo is kept beside its document, resized, without its location", "[editor][serve][pictures]") {
  EditorSite e(true);
  const std::string bulletin = "content/bulletins/2024-06.md";
  const std::string photo = jpeg_with_gps(3000, 2000);
  auto r = upload(e, bulletin, "IMG 2041 (Final).JPG", photo, e.own);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(contains(r->body, "\"link\" : \"@/bulletins/img-2041-final.jpg\""));
  CHECK(contains(r->body, "\"width\" : 1280"));
  const std::string kept = read_file(e.site / "content/bulletins/img-2041-final.jpg");
  CHECK_FALSE(kept.empty());
  CHECK_FALSE(contains(kept, kPhotoCamera));
  CHECK_FALSE(contains(kept, std::string("Exif\0\0", 6)));
  // The same name again never replaces the first.
  r = upload(e, bulletin, "IMG 2041 (Final).JPG", photo, e.own);
  REQUIRE(r);
  CHECK(contains(r->body, "\"link\" : \"@/bulletins/img-2041-final-2.jpg\""));
  CHECK(read_file(e.site / "content/bulletins/img-2041-final.jpg") == kept);
  // Not a picture: refused in words, nothing written.
  r = upload(e, bulletin, "notes.jpg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", e.own);
  REQUIRE(r);
  CHECK(r->status == 422);
  CHECK(contains(r->body, "not a picture the portal can use"));
  CHECK_FALSE(fs::exists(e.site / "content/bulletins/notes.jpg"));
  // Beside no document: refused.
  r = upload(e, "site.toml", "x.jpg", photo, e.own);
  REQUIRE(r);
  CHECK(r->status == 404);
}

TEST_CASE("an upload without the editor's key, or too large, is refused before its body is read",
          "[editor][serve][pictures][attack]") {
  EditorSite e(true);
  httplib::Headers stranger = {{"Origin", "http://127.0.0.1:" + std::to_string(e.server->port())}};
  auto r = upload(e, "content/bulletins/2024-06.md", "a.jpg", jpeg_with_gps(300, 200), stranger);
  REQUIRE(r);
  CHECK(r->status == 403);
  CHECK(fs::directory_iterator(e.site / "content/bulletins") != fs::directory_iterator());
  CHECK_FALSE(fs::exists(e.site / "content/bulletins/a.jpg"));
  // A head announcing 30 MB: answered 413 at once, with no byte of the body sent.
  const std::string head =
      "POST /__portal/edit/upload HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(e.server->port()) +
      "\r\nOrigin: http://127.0.0.1:" + std::to_string(e.server->port()) + "\r\nX-Portal-Secret: " + e.secret +
      "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 31457280\r\n\r\n";
  const std::string answer = exchange(e.server->port(), head);
  CHECK(answer.starts_with("HTTP/1.1 413"));
  // 20 MB is a photo's size: the gate takes it (the picture library then says what it is).
  r = upload(e, "content/bulletins/2024-06.md", "big.jpg", std::string(20 * 1024 * 1024, 'x'), e.own);
  REQUIRE(r);
  CHECK(r->status == 422);
}

TEST_CASE("a picture a document shows is never deleted, and one in the record is deleted by a commit",
          "[editor][serve][pictures]") {
  EditorSite e(true);
  const std::string bulletin = "content/bulletins/2024-06.md";
  auto r = upload(e, bulletin, "team.jpg", jpeg_with_gps(640, 480), e.own);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const std::string file = "content/bulletins/team.jpg";
  const std::string text = read_file(e.site / bulletin);
  r = e.save(bulletin, {{"mode", "text"}, {"text", text + "\n![The team at the conference](@/bulletins/team.jpg)\n"}});
  REQUIRE(r);
  REQUIRE(r->status == 200);
  r = delete_picture(e, file);
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(contains(r->body, "E-bulletin June 2024"));
  CHECK(fs::exists(e.site / file));
  // Named only by a document the site cannot read (an error in its front matter): kept for when it is put right.
  const std::string other = "content/bulletins/2024-05-broken.md";
  write_file(e.site / other, "+++\ntitle = \"Broken\ndate = 2024-05-01\n+++\n\n![The team](@/bulletins/team.jpg)\n");
  r = e.save(bulletin, {{"mode", "text"}, {"text", text}});
  REQUIRE(r->status == 200);
  r = delete_picture(e, file);
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(contains(r->body, other + " (which the site cannot read as it is)"));
  CHECK(fs::exists(e.site / file));
  fs::remove(e.site / other);
  r = e.save(bulletin, {{"mode", "text"}, {"text", text + "\n![The team at the conference](@/bulletins/team.jpg)\n"}});
  REQUIRE(r->status == 200);
  // Published with its picture, then taken out of the text: the deletion is recorded.
  r = e.publish(bulletin, {{"mode", "text"}, {"text", read_file(e.site / bulletin)}}, "The team's photo");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  r = e.save(bulletin, {{"mode", "text"}, {"text", text}});
  REQUIRE(r->status == 200);
  r = delete_picture(e, file);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(contains(r->body, "\"recorded\" : true"));
  CHECK_FALSE(fs::exists(e.site / file));
  // Only pictures: a document is not deleted this way.
  r = delete_picture(e, bulletin);
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(fs::exists(e.site / bulletin));
}
