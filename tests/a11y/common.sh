# What the accessibility checks (tests/a11y/run.sh) and the browser journeys
# (tests/browser/run.sh) share, sourced by both with the portal's path: the
# portal's own content and the every-kind fixture site (as published, and as a
# --drafts preview) built into a folder removed on exit; the Node packages; and
# the proof that a check fails on pages with known faults.
# One package.json and lock file, tests/a11y/'s, serves both folders: .ci/install-deps
# installs it, and it is installed here when it has not been.
portal=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$portal" build --source "$root" --output "$out/portal" --quiet
"$portal" build --source "$root/tests/sites/every-kind" --output "$out/fixture" --quiet
"$portal" build --source "$root/tests/sites/every-kind" --output "$out/fixture-drafts" --drafts --quiet
(cd "$root/tests/a11y" && { [ -d node_modules ] || npm ci --ignore-scripts --no-audit --no-fund; })

# expect LOG MESSAGE...: each message must be in the log of a run that failed.
expect() {
  local log=$1
  shift
  for message in "$@"; do
    grep -qF -- "$message" "$log" || {
      echo "a check did not report \"$message\" on the pages with known faults:" >&2
      cat "$log" >&2
      exit 1
    }
  done
}
# must_fail LOG COMMAND...: the command, run on pages with known faults, must fail.
must_fail() {
  local log=$1
  shift
  if "$@" > "$log" 2>&1; then
    echo "a check passed pages with known faults: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}
