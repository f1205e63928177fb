#!/usr/bin/env bash
# The portal as Debian installs it: `cpack -G DEB` makes the package, whose
# dependencies come from the program's libraries (dpkg-shlibdeps); unpacked
# into a root of its own (dpkg -x), its `portal` finds the themes installed
# beside it and, run from a folder outside the checkout, builds the
# partnership's content byte for byte as build/portal does; `man portal`
# shows its page; `portal --version` its version; bash completes its commands.
# Usage: tests/install/run.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "install: $*" >&2; exit 1; }

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/package" > "$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$(ls "$work"/package/*.deb)
[ -f "$deb" ] || fail "cpack made no .deb"
depends=$(dpkg-deb -f "$deb" Depends)
for library in libgit2 libcmark-gfm libcpp-httplib libtomlplusplus libstemmer libcurl libc6 libstdc++; do
  grep -q "$library" <<< "$depends" || fail "the package's dependencies ($depends) do not name $library"
done
dpkg-deb -c "$deb" > "$work/contents"
for path in ./usr/bin/portal ./usr/share/portal/themes/default/templates/page.mustache \
            ./usr/share/man/man1/portal.1 ./usr/share/bash-completion/completions/portal \
            ./usr/lib/systemd/system/portal-team.service ./usr/share/doc/portal/examples/team/team.toml \
            ./usr/share/doc/portal/examples/team/nginx-team.conf ./usr/share/doc/portal/examples/team/apache-team.conf; do
  grep -q " $path\$" "$work/contents" || fail "the package does not hold $path"
done
dpkg -x "$deb" "$work/root"
# cmake --install puts the same files in the same places.
cmake --install "$build" --prefix "$work/prefix" > /dev/null
for path in bin/portal share/portal/themes/default/templates/page.mustache share/man/man1/portal.1 \
            share/bash-completion/completions/portal; do
  [ -f "$work/prefix/$path" ] || fail "cmake --install did not install $path"
  cmp -s "$work/prefix/$path" "$work/root/usr/$path" || fail "cmake --install and the package differ on $path"
done
installed=$work/root/usr/bin/portal

# The version, with the checkout's git description.
version=$("$installed" --version)
grep -Eq "^portal [0-9]+\.[0-9]+\.[0-9]+( \(git [0-9A-Za-z._+-]+\))?$" <<< "$version" || fail "portal --version says \"$version\""
[ "$version" = "$("$build/portal" --version)" ] || fail "the installed portal's version differs from build/portal's"
if git -C "$root" rev-parse --git-dir > /dev/null 2>&1; then
  described=$(git -C "$root" describe --always --dirty --tags)
  grep -qF "(git $described)" <<< "$version" || fail "portal --version (\"$version\") does not give the git description $described"
fi

# The partnership's site, byte for byte, from a folder outside the checkout.
mkdir "$work/elsewhere"
(cd "$work/elsewhere" && "$installed" build --source "$root" --output "$work/installed-site" --quiet)
"$build/portal" build --source "$root" --output "$work/build-site" --quiet
diff -r "$work/installed-site" "$work/build-site" > "$work/diff" || { head -40 "$work/diff" >&2; fail "the installed portal builds another site"; }
# A site without a theme of its own (the fixture) gets the themes installed
# beside the program: the same pages as build/portal makes from the
# checkout's, and a mark put in an installed template shows in them.
cp -r "$root/tests/sites/every-kind" "$work/fixture"
(cd "$work/elsewhere" && "$installed" build --source "$work/fixture" --output "$work/fixture-installed" --quiet 2> "$work/fixture.log")
"$build/portal" build --source "$work/fixture" --output "$work/fixture-build" --quiet 2>> "$work/fixture.log"
diff -r "$work/fixture-installed" "$work/fixture-build" > "$work/diff" || { head -40 "$work/diff" >&2; fail "with the installed themes, the fixture's pages differ"; }
sed -i 's/<main/<main data-installed-theme/' "$work/root/usr/share/portal/themes/default/templates/header.mustache"
grep -q "data-installed-theme" "$work/root/usr/share/portal/themes/default/templates/header.mustache" || fail "the header template has no <main"
(cd "$work/elsewhere" && "$installed" build --source "$work/fixture" --output "$work/marked-site" --quiet 2>> "$work/fixture.log")
grep -rq "data-installed-theme" "$work/marked-site" || fail "the installed portal does not read the themes installed beside it"

# The manual page, as man shows it.
page=$(MANPATH="$work/root/usr/share/man" MANWIDTH=80 man -P cat portal 2> "$work/man.err") || { cat "$work/man.err" >&2; fail "man portal shows nothing"; }
for words in "portal - build, check, preview and edit" "portal check" "--format" "EXIT STATUS"; do
  grep -qF -- "$words" <<< "$page" || fail "man portal does not show \"$words\""
done
if grep -q "warning" "$work/man.err"; then cat "$work/man.err" >&2; fail "man portal warns"; fi

# Bash completion.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _portal; echo "${COMPREPLY[*]}"' _ \
    "$work/root/usr/share/bash-completion/completions/portal" "$@"
}
[ "$(complete_words portal ch)" = "check" ] || fail "portal ch<Tab> gives \"$(complete_words portal ch)\""
[ "$(complete_words portal check --format "")" = "text json github" ] || fail "--format <Tab> gives \"$(complete_words portal check --format "")\""
[ "$(complete_words portal new e)" = "event" ] || fail "portal new e<Tab> gives \"$(complete_words portal new e)\""
[ "$(complete_words portal new event --t)" = "--title --time" ] || fail "portal new event --t<Tab> gives \"$(complete_words portal new event --t)\""
[ "$(complete_words portal serve --)" = "--source --host --port" ] || fail "portal serve --<Tab> gives \"$(complete_words portal serve --)\""
echo "install: $(basename "$deb"): Depends: $depends; the installed portal builds the same $(find "$work/build-site" -type f | wc -l) files"
