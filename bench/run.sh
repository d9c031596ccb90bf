#!/bin/sh
# Launcher for `deno task bench`: raises the open-file limit so that the idle
# scenario can hold 10,000 connections (server + load generators), then runs
# bench/main.ts with the given arguments.
cd "$(dirname "$0")/.." || exit 1
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# /proc/PID/stat of child processes needs --allow-all in Deno 2.
exec deno run --allow-all bench/main.ts "$@"
