#!/usr/bin/env bash
# The deploy/ examples, checked and run:
#  - the GitHub Actions workflow and the GitLab CI file parse as YAML, run on
#    what they say (every push and pull request; main daily and on demand),
#    fetch the whole history, and their portal commands run in a clone of this
#    repository;
#  - the systemd service and timer pass `systemd-analyze verify` (which must
#    first fail on a service whose command is missing), and the publish script
#    they run pulls, builds and copies into a web root: files gone from the
#    site go from it, and a build with errors leaves it as it was;
#  - the nginx server block passes `nginx -t` and, serving a built site,
#    answers a missing nested address with the 404 page and status 404, sends
#    the cache headers it says, a calendar as a calendar, and byte ranges;
#  - the team editor's unit verifies, its nginx front passes `nginx -t` and
#    its Apache front (mod_auth_openidc) Apache's configuration test.
# Usage: tests/deploy/run.sh PATH_TO_PORTAL
set -euo pipefail
portal=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
deploy=$root/deploy
work=$(mktemp -d)
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "deploy: $*" >&2; exit 1; }
mkdir -p "$work/bin"
ln -s "$portal" "$work/bin/portal"
export PATH="$work/bin:$PATH"

# A clone of this repository with its whole history, as CI checks it out.
git clone -q "$root" "$work/repo"

# The CI files: what they say, and their portal commands run.
/usr/bin/python3 - "$deploy" "$work/commands" <<'PY'
import sys, yaml
deploy, out = sys.argv[1], sys.argv[2]
def fail(why):
    sys.exit("deploy: " + why)
gh = yaml.safe_load(open(f"{deploy}/github/portal.yml"))
on = gh.get("on", gh.get(True))  # YAML 1.1 reads a bare `on` as true
for trigger in ("push", "pull_request", "schedule", "workflow_dispatch"):
    if trigger not in on:
        fail(f"the GitHub workflow does not run on {trigger}")
if not on["schedule"] or "cron" not in on["schedule"][0]:
    fail("the GitHub workflow has no daily schedule")
steps = [s for job in gh["jobs"].values() for s in job.get("steps", [])]
checkout = [s for s in steps if s.get("uses", "").startswith("actions/checkout")]
if not checkout or checkout[0].get("with", {}).get("fetch-depth") != 0:
    fail("the GitHub workflow does not fetch the whole history (fetch-depth: 0): pages would have none")
runs = [s["run"] for s in steps if "run" in s]
if not any("portal check --format github" in r for r in runs):
    fail("the GitHub workflow does not check with --format github")
builds = [s for s in steps if "run" in s and s["run"].startswith("portal build")]
if not builds or "refs/heads/main" not in builds[0].get("if", ""):
    fail("the GitHub workflow does not build on main")
if "PORTAL_BASE_URL" not in builds[0].get("env", {}):
    fail("the GitHub workflow builds without the site's public address (PORTAL_BASE_URL)")
gl = yaml.safe_load(open(f"{deploy}/gitlab/.gitlab-ci.yml"))
if gl["variables"].get("GIT_DEPTH") != "0":
    fail("the GitLab CI file does not fetch the whole history (GIT_DEPTH: 0)")
if "CI_PAGES_URL" not in gl["pages"].get("variables", {}).get("PORTAL_BASE_URL", ""):
    fail("the GitLab pages job builds without the site's public address (PORTAL_BASE_URL from CI_PAGES_URL)")
if gl["pages"]["artifacts"]["paths"] != ["public"]:
    fail("the GitLab pages job does not publish public/")
commands = [r for r in runs if r.startswith("portal ")]
commands += [c for job in ("check", "pages") for c in gl[job]["script"] if c.startswith("portal ")]
open(out, "w").write("\n".join(commands) + "\n")
PY
while IFS= read -r command; do
  rm -rf "$work/repo/public"
  (cd "$work/repo" && bash -c "$command" > "$work/command.log" 2>&1) || { cat "$work/command.log" >&2; fail "\"$command\" failed"; }
  if [[ $command == "portal build"* ]]; then [ -f "$work/repo/public/index.html" ] || fail "\"$command\" made no public/index.html"; fi
done < "$work/commands"
[ "$(grep -c . "$work/commands")" -ge 4 ] || fail "fewer portal commands than expected in the CI files: $(cat "$work/commands")"

# systemd: verified where units are installed, first failing on a broken one.
units=$work/systemd-root
mkdir -p "$units/usr/local/bin" "$units/etc/systemd/system" "$units/usr/share/man/man1" "$units/usr/lib/systemd"
cp -r /usr/lib/systemd/system "$units/usr/lib/systemd/"
cp "$deploy/systemd/portal-publish" "$units/usr/local/bin/"
sed "s/@PROJECT_VERSION@/0/" "$root/generator/app/install/portal.1.in" > "$units/usr/share/man/man1/portal.1"
sed 's|^ExecStart=.*|ExecStart=/usr/local/bin/not-there|' "$deploy/systemd/portal-publish.service" > "$units/etc/systemd/system/portal-publish.service"
if MANPATH="$units/usr/share/man" systemd-analyze --root="$units" verify portal-publish.service > "$work/verify.log" 2>&1; then
  fail "systemd-analyze verify passed a service whose command is missing"
fi
grep -q "not-there is not executable" "$work/verify.log" || { cat "$work/verify.log" >&2; fail "systemd-analyze did not say why the broken service fails"; }
cp "$deploy/systemd/portal-publish.service" "$deploy/systemd/portal-publish.timer" "$units/etc/systemd/system/"
MANPATH="$units/usr/share/man" systemd-analyze --root="$units" verify portal-publish.service portal-publish.timer > "$work/verify.log" 2>&1 ||
  { cat "$work/verify.log" >&2; fail "systemd-analyze verify failed on the service and timer"; }

# The publish script, against a repository it pulls from.
git clone -q --bare "$root" "$work/origin.git"
git clone -q "$work/origin.git" "$work/server-repo"
mkdir -p "$work/www"
echo stale > "$work/www/left-over.html"
publish() {
  PORTAL_REPOSITORY=$work/server-repo PORTAL_WEB_ROOT=$work/www PORTAL_OUTPUT=$work/state/public \
    "$deploy/systemd/portal-publish" > "$work/publish.log" 2>&1
}
publish || { cat "$work/publish.log" >&2; fail "portal-publish failed"; }
[ -f "$work/www/index.html" ] && [ -f "$work/www/404.html" ] || fail "portal-publish did not put the site in the web root"
[ ! -e "$work/www/left-over.html" ] || fail "portal-publish left a file the site does not have in the web root"
# A new commit upstream is pulled and published.
git clone -q "$work/origin.git" "$work/author"
printf '\nThis sentence was published by the daily run.\n' >> "$work/author/content/about.md"
git -C "$work/author" -c user.name=Author -c user.email=author@example.org commit -qam "About: one more sentence"
git -C "$work/author" push -q origin HEAD
publish || { cat "$work/publish.log" >&2; fail "portal-publish failed after a new commit"; }
grep -rq "This sentence was published by the daily run." "$work/www/about/" || fail "portal-publish did not publish the new commit"
# A commit with an error publishes nothing.
cp -r "$work/www" "$work/www-before"
printf '\nA [broken link](@/nowhere.md).\n' >> "$work/author/content/about.md"
git -C "$work/author" -c user.name=Author -c user.email=author@example.org commit -qam "About: a broken link"
git -C "$work/author" push -q origin HEAD
if publish; then fail "portal-publish succeeded with a broken link"; fi
diff -r "$work/www-before" "$work/www" > /dev/null || fail "a build with errors changed the web root"

# nginx, serving what was published.
conf=$work/nginx
mkdir -p "$conf"
chmod 755 "$work" "$work/www"
sed -e "s|listen 80;|listen 127.0.0.1:18080;|" -e "/listen \[::\]:80;/d" -e "s|root /var/www/portal;|root $work/www;|" \
  "$deploy/nginx/portal.conf" > "$conf/portal.conf"
user_line=$([ "$(id -u)" = 0 ] && echo "user root;" || true)
cat > "$conf/nginx.conf" <<CONF
$user_line
daemon off;
pid $conf/nginx.pid;
error_log $conf/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $conf/body;
  proxy_temp_path $conf/proxy;
  fastcgi_temp_path $conf/fastcgi;
  uwsgi_temp_path $conf/uwsgi;
  scgi_temp_path $conf/scgi;
  include $conf/portal.conf;
}
CONF
nginx -t -p "$conf" -c "$conf/nginx.conf" > "$work/nginx-t.log" 2>&1 || { cat "$work/nginx-t.log" >&2; fail "nginx -t refuses the server block"; }
nginx -p "$conf" -c "$conf/nginx.conf" &
nginx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18080/ && break; sleep 0.1; done
status=$(curl -s -o "$work/404.body" -w '%{http_code}' http://127.0.0.1:18080/meetings/nowhere/papers/none/)
[ "$status" = 404 ] || fail "a missing nested address is answered $status, not 404"
cmp -s "$work/404.body" "$work/www/404.html" || fail "a missing nested address is not answered with the portal's 404 page"
header() { curl -s -D - -o /dev/null "${@:2}" "http://127.0.0.1:18080$1" | tr -d '\r'; }
header / | grep -qi "^cache-control: no-cache" || fail "pages are not sent with Cache-Control: no-cache"
header /assets/portal.css | grep -qi "^cache-control: public, max-age=3600" || fail "the stylesheet is not sent with its cache time"
header /events/upcoming.ics | grep -qi "^content-type: text/calendar" || fail "the calendar is not sent as text/calendar"
header /assets/portal.css -H "Accept-Encoding: gzip" | grep -qi "^content-encoding: gzip" || fail "the stylesheet is not compressed"
text=$(cd "$work/www" && find search/docs -name '*.txt' | head -1)
[ -n "$text" ] || fail "the site has no search texts"
header "/$text" -H "Range: bytes=0-99" -H "Accept-Encoding: gzip" | grep -q "^HTTP/1.1 206" || fail "a search text's byte range is not answered 206"
# The team editor (deploy/team/): its unit verifies, its nginx front passes `nginx -t`, its Apache front with
# mod_auth_openidc passes Apache's configuration test (which must first fail on a directive it does not have).
mkdir -p "$units/usr/bin" "$work/team"
cp "$portal" "$units/usr/bin/portal"
cp "$deploy/team/portal-team.service" "$units/etc/systemd/system/"
MANPATH="$units/usr/share/man" systemd-analyze --root="$units" verify portal-team.service > "$work/verify.log" 2>&1 ||
  { cat "$work/verify.log" >&2; fail "systemd-analyze verify failed on the team editor's unit"; }
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=editor.portal.example.org -days 1 \
  -keyout "$work/team/editor.key" -out "$work/team/editor.pem" 2> /dev/null
touch "$work/team/editor.htpasswd"
certificates=(-e "s|/etc/ssl/certs/editor.portal.example.org.pem|$work/team/editor.pem|"
              -e "s|/etc/ssl/private/editor.portal.example.org.key|$work/team/editor.key|")
sed "${certificates[@]}" -e "s|listen 443 ssl;|listen 127.0.0.1:18443 ssl;|" -e "/listen \[::\]:443 ssl;/d" \
  -e "s|/etc/portal/editor.htpasswd|$work/team/editor.htpasswd|" "$deploy/team/nginx-team.conf" > "$conf/team.conf"
sed -i "s|include $conf/portal.conf;|include $conf/portal.conf;\n  include $conf/team.conf;|" "$conf/nginx.conf"
nginx -t -p "$conf" -c "$conf/nginx.conf" > "$work/nginx-t.log" 2>&1 ||
  { cat "$work/nginx-t.log" >&2; fail "nginx -t refuses the team editor's front"; }
modules=/usr/lib/apache2/modules
apache_test() {
  cat > "$work/team/httpd.conf" <<CONF
ServerRoot $work/team
ServerName localhost
PidFile $work/team/apache.pid
ErrorLog $work/team/apache-error.log
Listen 127.0.0.1:18444
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule authz_user_module $modules/mod_authz_user.so
LoadModule authn_core_module $modules/mod_authn_core.so
LoadModule socache_shmcb_module $modules/mod_socache_shmcb.so
LoadModule ssl_module $modules/mod_ssl.so
LoadModule headers_module $modules/mod_headers.so
LoadModule proxy_module $modules/mod_proxy.so
LoadModule proxy_http_module $modules/mod_proxy_http.so
LoadModule auth_openidc_module $modules/mod_auth_openidc.so
Include $work/team/apache-team.conf
CONF
  apache2 -t -f "$work/team/httpd.conf" > "$work/apache-t.log" 2>&1
}
sed "${certificates[@]}" -e "s|<VirtualHost \*:443>|<VirtualHost 127.0.0.1:18444>|" \
  "$deploy/team/apache-team.conf" > "$work/team/apache-team.conf"
cp "$work/team/apache-team.conf" "$work/team/apache-team.good"
sed -i 's|^    OIDCRemoteUserClaim email|    OIDCScrubRequestHeaders On\n&|' "$work/team/apache-team.conf"
if apache_test; then fail "Apache's configuration test passed a directive mod_auth_openidc does not have"; fi
grep -q "OIDCScrubRequestHeaders" "$work/apache-t.log" || { cat "$work/apache-t.log" >&2; fail "Apache did not name the wrong directive"; }
cp "$work/team/apache-team.good" "$work/team/apache-team.conf"
apache_test || { cat "$work/apache-t.log" >&2; fail "Apache's configuration test refuses the team editor's front"; }
grep -q "Syntax OK" "$work/apache-t.log" || { cat "$work/apache-t.log" >&2; fail "Apache did not say Syntax OK"; }

echo "deploy: CI files parse and their $(grep -c . "$work/commands") portal commands run; units verify; the publish script publishes, deletes and refuses as it should; nginx serves the site, its 404 page and its headers; the team editor's unit and fronts pass systemd-analyze, nginx -t and Apache's test"
