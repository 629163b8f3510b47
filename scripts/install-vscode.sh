#!/usr/bin/env bash
# Installs code-server 4.100.3 (the real VS Code 1.100.3 workbench and extension host, published on
# the npm registry) into .vscode-test/, an ignored cache folder. Idempotent: a finished install is
# marked by a stamp file and skipped. Needs: node 20, npm, g++ (native rebuilds), ripgrep on PATH
# (scripts/system-packages.mjs, run first by npm start and npm test, installs or names them).
# Why the odd steps: code-server's postinstall refuses to run as root and downloads ripgrep from the
# internet, so scripts are skipped and the native modules the server needs are rebuilt by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="4.100.3"
DIR="$ROOT/.vscode-test/code-server-$VERSION"
STAMP="$DIR/.installed"
EXT_STAMP="$DIR/.builtin-extensions"

# The built-in extensions' own dependencies (TypeScript, shared by the JavaScript/TypeScript language
# features, HTML and extension editing) are a separate npm project that code-server's install skips;
# without it opening a .js file shows "VS Code's tsserver was deleted by another application".
install_builtin_extension_deps() {
  [ -f "$EXT_STAMP" ] && return 0
  echo "installing the built-in extensions' dependencies (TypeScript)"
  (cd "$DIR/node_modules/code-server/lib/vscode/extensions" &&
    npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error &&
    node postinstall.mjs >/dev/null)
  touch "$EXT_STAMP"
}

if [ -f "$STAMP" ]; then
  install_builtin_extension_deps
  echo "code-server $VERSION already installed in $DIR"
  exit 0
fi
RG="$(command -v rg || true)"
if [ -z "$RG" ]; then
  echo "ripgrep (rg) is not on PATH: install it first (Debian: apt-get install -y ripgrep; npm start and npm test do it for you as root)" >&2
  exit 1
fi
echo "installing code-server $VERSION into $DIR (about a minute)"
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"vscode-host","private":true}' > package.json
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$VERSION"
npm rebuild --loglevel=error argon2
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
npm rebuild --loglevel=error @vscode/spdlog @parcel/watcher native-watchdog
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$RG" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
install_builtin_extension_deps
touch "$STAMP"
echo "code-server $VERSION installed"
