#!/bin/sh
# npm run test:agents: the real coding-agent CLIs through the proxy (see scripts/test-agents.ts).
# AGENT_CLIS_DIR names the folder holding claude, codex, gemini, opencode; without it, it skips.
set -e
cd "$(dirname "$0")/.."
exec npx --no-install vite-node scripts/test-agents.ts "$@"
