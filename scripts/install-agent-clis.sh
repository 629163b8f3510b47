#!/usr/bin/env bash
# Installs the real agent CLIs (Claude Code, Codex, Gemini CLI) into an ignored cache folder of the
# project, not as dependencies of the extension: the live tests (test/live/) run them up to their
# sign-in. Idempotent: a stamp file records what was installed, and a second run with the same
# versions does nothing. Prints the folder whose node_modules/.bin holds `claude`, `codex`, `gemini`.
#
#   scripts/install-agent-clis.sh            # into .agent-clis/ at the repository root
#   PODIUM_AGENT_CLIS=/some/dir scripts/install-agent-clis.sh
#   CLAUDE_CODE_VERSION=… CODEX_VERSION=… GEMINI_CLI_VERSION=… to try other versions
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${PODIUM_AGENT_CLIS:-$root/.agent-clis}"

# Pinned to the versions the adapters were checked against: a CLI update can change its output.
packages=(
  "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION:-2.1.330}"
  "@openai/codex@${CODEX_VERSION:-0.169.0}"
  "@google/gemini-cli@${GEMINI_CLI_VERSION:-0.61.0}"
)
want="${packages[*]}"
stamp="$dir/.installed"

all_there() {
  for bin in claude codex gemini; do
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
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error --save-exact "${packages[@]}" >&2)
all_there || { echo "install-agent-clis: npm finished but a CLI binary is missing in $dir/node_modules/.bin" >&2; exit 1; }
printf '%s' "$want" > "$stamp"
echo "install-agent-clis: installed in $(( $(date +%s) - started )) s" >&2
echo "$dir"
