#!/usr/bin/env bash
# Fetch a pinned axe-core into var/axe/ (git-ignored) for the accessibility tests.
# The browser tests inject var/axe/axe.min.js with page.add_script_tag(path=...);
# nothing from npm is committed or loaded at runtime by the site itself.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION="${AXE_VERSION:-4.10.3}"
DEST="${AXE_DIR:-var/axe}"
if [ -f "$DEST/axe.min.js" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$AXE_VERSION" ]; then
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null)
tar -xzf "$tmp"/axe-core-"$AXE_VERSION".tgz -C "$tmp"
mkdir -p "$DEST"
cp "$tmp/package/axe.min.js" "$DEST/axe.min.js"
echo "$AXE_VERSION" > "$DEST/VERSION"
echo "axe-core $AXE_VERSION -> $DEST/axe.min.js"
