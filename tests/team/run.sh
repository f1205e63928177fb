#!/usr/bin/env bash
# The team editor behind a real nginx with basic auth, as deploy/team/ sets it
# up: the portal on a Unix socket, nginx in front of it at the editor's
# address and serving the public site at another. Then:
#  - team.mjs: two people in two browser contexts, signed in as themselves:
#    Alice writes a bulletin and sends it for review; Bob sees it, approves;
#    Alice publishes; the page is live at the public address with the text,
#    and the editor says so;
#  - the commit is Alice's, the audit log names each step and who took it;
#  - a forged X-Remote-User through nginx is ignored: the request is the
#    signed-in person's; without signing in, nginx answers 401; the preview's
#    drafts are shown to the team, and to nobody else signed in at the front;
#  - the pages a reviewer meets pass the accessibility checks (tests/a11y/);
#  - a request to the socket that does not come through nginx (no front key)
#    is refused and changes nothing;
#  - publishing to a remote that refuses the push (a hook, over git daemon):
#    the commit stays, the person is told what the remote said, and "Try
#    again" pushes it once the remote takes it.
# Usage: tests/team/run.sh PATH_TO_PORTAL
set -euo pipefail
portal=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
portal_pid= nginx_pid= daemon_pid= smtp_pid=
cleanup() {
  # Every process is stopped whatever each stop returns (a portal built with sanitizers exits non-zero
  # on its leak report): one left running would hold the test's output open.
  set +e
  [ -n "$portal_pid" ] && kill "$portal_pid" 2> /dev/null && wait "$portal_pid" 2> /dev/null
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2> /dev/null
  [ -n "$smtp_pid" ] && kill "$smtp_pid" 2> /dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "team: $*" >&2
  [ -f "$work/portal.log" ] && sed 's/^/  portal: /' "$work/portal.log" >&2
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

editor_port=$(free_port)
public_port=$(free_port)
smtp_port=$(free_port)
# The content clone the editor writes to, its public address the one nginx serves it at.
cp -r "$root/tests/sites/every-kind" "$work/content"
sed -i "s|^base_url = .*|base_url = \"http://127.0.0.1:$public_port/\"|" "$work/content/site.toml"
git -C "$work/content" init -q -b main
git -C "$work/content" add -A
git -C "$work/content" -c user.name=Setup -c user.email=setup@example.org commit -qm "The site as it starts"

secret=$(openssl rand -hex 32)
mkdir -p "$work/run" "$work/public" "$work/nginx/logs" "$work/nginx/temp"
# deploy/team/team.toml with this test's paths and addresses.
sed -e "s|/var/lib/portal/content|$work/content|" -e "s|/run/portal/team.sock|$work/run/team.sock|" \
  -e "s|https://editor.portal.example.org|http://127.0.0.1:$editor_port|" \
  -e "s|REPLACE-WITH-THE-OUTPUT-OF-openssl-rand-hex-32|$secret|" -e "s|/var/lib/portal/state|$work/state|" \
  -e "s|/var/www/portal|$work/public|" -e "s|https://portal.example.org|http://127.0.0.1:$public_port|" \
  -e "s|smtp://mail.example.org:587|smtp://127.0.0.1:$smtp_port|" -e "s|^# starttls = false|starttls = false|" \
  "$root/deploy/team/team.toml" > "$work/team.toml"
# Carol may sign in at the front, but is not on the editor's team.
printf 'alice:%s\nbob:%s\ncarol:%s\n' "$(openssl passwd -apr1 alice-password)" "$(openssl passwd -apr1 bob-password)" \
  "$(openssl passwd -apr1 carol-password)" > "$work/editor.htpasswd"

# deploy/team/nginx-team.conf's location, word for word, in a server on this test's port.
location=$(sed -n '/^    location \/ {/,/^    }/p' "$root/deploy/team/nginx-team.conf" |
  sed -e "s|/run/portal/team.sock|$work/run/team.sock|" -e "s|REPLACE-WITH-THE-OUTPUT-OF-openssl-rand-hex-32|$secret|")
[ -n "$location" ] || fail "deploy/team/nginx-team.conf has no location /"
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
# Its workers as this test's user: they read the password file and connect to the socket (0660) as it.
user $(id -un) $(id -gn);
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx/temp/body;
  proxy_temp_path $work/nginx/temp/proxy;
  fastcgi_temp_path $work/nginx/temp/fastcgi;
  uwsgi_temp_path $work/nginx/temp/uwsgi;
  scgi_temp_path $work/nginx/temp/scgi;
  include /etc/nginx/mime.types;
  server {
    listen 127.0.0.1:$editor_port;
    auth_basic "Portal editor";
    auth_basic_user_file $work/editor.htpasswd;
    client_max_body_size 27m;
$location
  }
  server {
    listen 127.0.0.1:$public_port;
    root $work/public;
    index index.html;
  }
}
CONF
nginx -t -q -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e stderr || fail "nginx -t refused the configuration"

start_portal() {
  rm -f "$work/run/team.sock"
  "$portal" serve --team "$work/team.toml" > "$work/portal.log" 2>&1 &
  portal_pid=$!
  for _ in $(seq 1 600); do
    [ -S "$work/run/team.sock" ] && break
    kill -0 "$portal_pid" 2> /dev/null || fail "portal serve --team stopped"
    sleep 0.1
  done
  [ -S "$work/run/team.sock" ] || fail "the team editor's socket never appeared"
}
# A real SMTP server (aiosmtpd) keeps every message it is given in a Maildir.
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$work/mail" \
  2> "$work/smtp.log" &
smtp_pid=$!
for _ in $(seq 1 100); do
  (exec 3<> "/dev/tcp/127.0.0.1/$smtp_port") 2> /dev/null && break
  kill -0 "$smtp_pid" 2> /dev/null || fail "the SMTP server did not start: $(cat "$work/smtp.log")"
  sleep 0.1
done
start_portal
[ "$(stat -c %a "$work/run/team.sock")" = 660 ] || fail "the socket is not 0660: $(stat -c %a "$work/run/team.sock")"
nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e stderr &
nginx_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$editor_port/" && break
  sleep 0.1
done
editor=http://127.0.0.1:$editor_port
export EDITOR_ADDRESS=$editor PUBLIC_ADDRESS=http://127.0.0.1:$public_port

# Without signing in: 401 from nginx.
status=$(curl -s -o /dev/null -w '%{http_code}' "$editor/__portal/edit/")
[ "$status" = 401 ] || fail "without signing in the editor answered $status, not 401"
# Signed in as Bob, claiming to be Alice: the page is Bob's.
page=$(curl -s -u bob:bob-password -H 'X-Remote-User: alice' "$editor/__portal/edit/")
grep -q 'Signed in as Bob Example (reviewer)' <<< "$page" || fail "a forged X-Remote-User was believed: $(grep -o 'Signed in as[^<]*' <<< "$page")"
# The preview's pages, drafts included, are the team's: Bob sees a draft; Carol, signed in but not on the team,
# sees neither the editor nor the preview.
grep -q LEAKTOKEN-DRAFT-PAGE <<< "$(curl -s -u bob:bob-password "$editor/draft-page/")" ||
  fail "a person of the team does not see a draft in the preview"
for address in /__portal/edit/ /draft-page/ /; do
  status=$(curl -s -o "$work/carol.html" -w '%{http_code}' -u carol:carol-password "$editor$address")
  [ "$status" = 403 ] || fail "Carol, not on the team, was answered $status at $address"
  ! grep -q LEAKTOKEN "$work/carol.html" || fail "Carol, not on the team, was shown a draft at $address"
done
# A request to the socket that does not come through nginx: refused, nothing changes.
before=$(git -C "$work/content" rev-parse HEAD)
direct=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$work/run/team.sock" \
  -H "Host: 127.0.0.1:$editor_port" -H "Origin: $editor" -H 'X-Remote-User: alice' \
  --data 'kind=bulletin&date-day=1&date-month=1&date-year=2030' "http://127.0.0.1:$editor_port/__portal/edit/new")
[ "$direct" = 403 ] || fail "a request to the socket without the front's key answered $direct, not 403"
[ "$(git -C "$work/content" status --porcelain)" = "" ] || fail "a request without the front's key changed the content"

# The two people's journey.
(cd "$root/tests/browser" && SNAPSHOTS="$work/pages" node team.mjs) || fail "the two people's journey failed"
# TEAM_PAGES=DIR keeps them, to look at.
[ -z "${TEAM_PAGES:-}" ] || cp -r "$work/pages/." "$TEAM_PAGES"
# The pages the reviewer met, by the accessibility checks (axe, vnu, and a person's at 320 px and more).
(cd "$root/tests/a11y" && node check.mjs "$work/pages" && node person.mjs --local "$work/pages") ||
  fail "the team editor's pages failed the accessibility checks"

# The commit is Alice's; the log says who did what.
author=$(git -C "$work/content" log -1 --format='%an <%ae>')
[ "$author" = "Alice Example <alice@example.org>" ] || fail "the published commit's author is $author, not Alice"
[ "$(git -C "$work/content" rev-parse HEAD)" != "$before" ] || fail "nothing was committed"
for step in "alice	save" "alice	review send" "bob	review approve" "alice	publish" "alice	live" "bob	session"; do
  grep -q "$step" "$work/state/audit.log" || fail "the audit log has no \"$step\": $(cat "$work/state/audit.log")"
done
# The e-mails: Alice told of each approval; a test to Alice, then the bulletin to the list; each one multipart message of the plain-text and
# HTML copies, every link of its HTML absolute and to the public address; the list's with List-Unsubscribe.
/usr/bin/python3 - "$work/mail" "http://127.0.0.1:$public_port/" <<'PY' || fail "the e-mails sent are not what they should be"
import mailbox, re, sys
box, public = mailbox.Maildir(sys.argv[1], create=False), sys.argv[2]
told = sorted(m["Subject"] for m in box if m["Subject"].startswith("Approved: "))
assert told == ["Approved: April 2023 e-bulletin", "Approved: March 2023 e-bulletin"], told
messages = sorted((m for m in box if not m["Subject"].startswith("Approved: ")), key=lambda m: m["To"])
assert [m["To"] for m in messages] == ["alice@example.org", "bulletin@lists.example.org"], [m["To"] for m in messages]
for m in messages:
    assert m.is_multipart()
    parts = {p.get_content_type(): p for p in m.walk() if not p.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}, set(parts)
    html = parts["text/html"].get_payload(decode=True).decode("utf-8")
    assert "Partners met in Maidstone" in html and "Partners met in Maidstone" in parts["text/plain"].get_payload(decode=True).decode("utf-8")
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert links and all(l.startswith(public) or l.startswith("mailto:") for l in links), [l for l in links if not l.startswith(public)]
test, sent = messages
assert test["Subject"] == "Test: March 2023 e-bulletin", test["Subject"]
assert test["List-Unsubscribe"] is None and sent["List-Unsubscribe"] == "<mailto:bulletin-leave@lists.example.org>"
PY
grep -q "alice	send to list	content/bulletins/2023-03.md to bulletin@lists.example.org" "$work/state/audit.log" ||
  fail "the send to the list is not in the audit log"

# Withdrawn by Alice: recorded as hers, logged, and gone from the public site at once.
as_person() { local who=$1; shift; curl -s -u "$who:$who-password" -H "Origin: $editor" "$@"; }
key=$(as_person alice "$editor/__portal/edit/" | grep -o 'data-secret="[0-9a-f]*"' | cut -d'"' -f2)
[ "$(curl -s -o /dev/null -w '%{http_code}' "$PUBLIC_ADDRESS/contact/")" = 200 ] || fail "the contact page is not live"
as_person alice --data "path=content/contact.md" "$editor/__portal/edit/withdraw?secret=$key" > /dev/null
[ "$(git -C "$work/content" log -1 --format='%an %s')" = "Alice Example Withdrawn from the site: Contact" ] ||
  fail "the withdrawal is not Alice's: $(git -C "$work/content" log -1 --format='%an %s')"
grep -q "alice	withdraw	content/contact.md" "$work/state/audit.log" || fail "the withdrawal is not in the audit log"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$PUBLIC_ADDRESS/contact/")" = 404 ] || fail "the withdrawn page is still live"
# Bob may not approve what he wrote himself, though Alice sent it for review.
base=$(git -C "$work/content" hash-object content/events/webinar.md)
as_person bob --data "path=content/events/webinar.md&base=$base&body=Bob%27s%20own%20words." \
  "$editor/__portal/edit/save?secret=$key" > /dev/null
as_person alice --data "path=content/events/webinar.md" "$editor/__portal/edit/review/send?secret=$key" > /dev/null
base=$(git -C "$work/content" hash-object content/events/webinar.md)
where=$(as_person bob -o /dev/null -w '%{redirect_url}' --data "path=content/events/webinar.md&base=$base" \
  "$editor/__portal/edit/review/approve?secret=$key")
grep -q "review_problem=own" <<< "$where" || fail "Bob approved what he wrote himself: $where"

# Publishing by pushing to the content repository, which refuses at first: a bare repository served by git
# daemon, whose pre-receive hook refuses while $work/closed exists.
kill "$portal_pid"
wait "$portal_pid" 2> /dev/null || true
git clone -q --bare "$work/content" "$work/remote.git"
printf '#!/bin/sh\nif [ -e "%s/closed" ]; then echo "Pushes are closed for maintenance" >&2; exit 1; fi\n' "$work" \
  > "$work/remote.git/hooks/pre-receive"
chmod +x "$work/remote.git/hooks/pre-receive"
touch "$work/closed"
git_port=$(free_port)
git daemon --reuseaddr --listen=127.0.0.1 --port="$git_port" --base-path="$work" --export-all \
  --enable=receive-pack "$work" 2> "$work/daemon.log" &
daemon_pid=$!
git -C "$work/content" remote add origin "git://127.0.0.1:$git_port/remote.git"
sed -i -e 's/^review = .*/review = "off"/' -e 's/^\[publish\]/[publish]\nto = "push"/' "$work/team.toml"
start_portal
for _ in $(seq 1 100); do
  git ls-remote "git://127.0.0.1:$git_port/remote.git" > /dev/null 2>&1 && break
  sleep 0.1
done
key=$(as_person alice "$editor/__portal/edit/" | grep -o 'data-secret="[0-9a-f]*"' | cut -d'"' -f2)
printf '\nThe partnership meets again in the spring.\n' >> "$work/content/content/about.md"
base=$(git -C "$work/content" hash-object content/about.md)
answer=$(as_person alice --data "path=content/about.md&base=$base&message=About%20the%20partnership%2C%20updated" \
  "$editor/__portal/edit/publish?secret=$key")
python3 - "$answer" <<'PY' || fail "a refused push: $answer"
import json, sys
a = json.loads(sys.argv[1])
assert a["published"] is True, "not published here"
assert "refused" in a["live_error"] and "closed for maintenance" in a["live_error"], "the person is not told why"
assert a["retry"] is True, "no way to try again"
PY
committed=$(git -C "$work/content" rev-parse HEAD)
[ "$(git -C "$work/content" log -1 --format=%s)" = "About the partnership, updated" ] || fail "the commit is not there"
[ "$(git -C "$work/remote.git" rev-parse main)" != "$committed" ] || fail "the refused push reached the remote"
grep -q "alice	not pushed	content/about.md" "$work/state/audit.log" || fail "the refused push is not in the audit log"
rm "$work/closed"
answer=$(as_person alice --data "path=content/about.md" "$editor/__portal/edit/go-live?secret=$key")
python3 - "$answer" <<'PY' || fail "trying again: $answer"
import json, sys
a = json.loads(sys.argv[1])
assert "live at" in a["pushed"], "not pushed"
assert a["retry"] is False
PY
[ "$(git -C "$work/remote.git" rev-parse main)" = "$committed" ] || fail "trying again did not push the commit"
[ "$(git -C "$work/content" rev-parse HEAD)" = "$committed" ] || fail "trying again made another commit"
echo "team: two people, one review, one publish through nginx: live, Alice's, logged; a refused push kept and pushed again"
