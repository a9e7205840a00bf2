#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those that are missing:
#   postgresql  - the store suite starts a throwaway PostgreSQL 15 cluster
#   pango, harfbuzz, fonts - WeasyPrint (PDF export)
#   chromium    - the web UI suite drives a real browser
#   poppler-utils - pdftoppm turns exported PDF pages into pictures the tests measure
# Does nothing when everything is present, or when not root / not Debian (tests then skip
# with a clear reason).
set -euo pipefail

needed=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || needed+=(postgresql)
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "install ok installed" || needed+=("$lib")
done
[ -x /usr/bin/chromium ] || needed+=(chromium)
[ -x /usr/bin/pdftoppm ] || needed+=(poppler-utils)

if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing ${needed[*]} (install them, or the tests that need them skip)" >&2
  exit 0
fi
echo "system-deps: installing ${needed[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
