#!/usr/bin/env bash
# Installs the real agent CLIs (Claude Code, Codex, Gemini CLI, the Claude ACP bridge) into an ignored
# cache folder of the project, not as dependencies of the extension: the live tests (test/live/) run
# them. The versions are pinned in scripts/agent-clis.json (the one place to change them).
# Idempotent: a stamp file records what was installed, and a second run with the same versions does
# nothing. Prints the folder whose node_modules/.bin holds the CLIs' binaries.
#
#   scripts/install-agent-clis.sh            # into .agent-clis/ at the repository root
#   PODIUM_AGENT_CLIS=/some/dir scripts/install-agent-clis.sh
#   CLAUDE_CODE_VERSION=… CODEX_VERSION=… GEMINI_CLI_VERSION=… CLAUDE_AGENT_ACP_VERSION=… to try others
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${PODIUM_AGENT_CLIS:-$root/.agent-clis}"

# package@version and the binary of each CLI, from the pins (an env variable named there overrides one).
mapfile -t lines < <(node -e '
  const { clis } = require(process.argv[1]);
  for (const c of clis) console.log(`${c.package}@${process.env[c.env] || c.version} ${c.bin}`);
' "$root/scripts/agent-clis.json")
packages=()
bins=()
for line in "${lines[@]}"; do
  packages+=("${line% *}")
  bins+=("${line##* }")
done
[ ${#packages[@]} -gt 0 ] || { echo "install-agent-clis: no CLI pinned in scripts/agent-clis.json" >&2; exit 1; }
want="${packages[*]}"
stamp="$dir/.installed"

all_there() {
  for bin in "${bins[@]}"; do
    [ -x "$dir/node_modules/.bin/$bin" ] || return 1
  done
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && all_there; then
  echo "$dir"
  exit 0
fi

mkdir -p "$dir"
# A package.json of its own, so npm installs here and never touches the project's dependencies.
cat > "$dir/package.json" <<JSON
{ "name": "podium-agent-clis", "private": true, "description": "Real agent CLIs for Podium's live tests (not shipped)." }
JSON
rm -f "$stamp"
started=$(date +%s)
if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error --save-exact "${packages[@]}" >&2); then
  echo "install-agent-clis: npm could not install ${packages[*]} into $dir (is the npm registry reachable?)" >&2
  exit 1
fi
all_there || { echo "install-agent-clis: npm finished but a CLI binary (${bins[*]}) is missing in $dir/node_modules/.bin" >&2; exit 1; }
printf '%s' "$want" > "$stamp"
echo "install-agent-clis: installed ${packages[*]} in $(( $(date +%s) - started )) s" >&2
echo "$dir"
