#!/bin/sh
# As the official image: a server started without a config file listens to everyone (no protected mode).
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
