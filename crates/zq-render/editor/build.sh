#!/bin/sh
# Rebuilds ../static/rte.js from src/ with the exact versions in package-lock.json.
# Needs Node 18+ and npm; the bundle is committed, so the Rust build never runs this.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
node build.mjs
