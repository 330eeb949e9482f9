#!/usr/bin/env bash
# What `make bench` needs beyond scripts/setup.sh: nginx (the reverse proxy the load balancer is
# compared with) and wrk (the load client of that comparison), both from Debian's packages.
#
# Installs them only where it can: as root, with apt-get (one `apt-get update -qq`). Where it
# cannot, it says so and exits 0: the bench then runs without them (no nginx row; the in-JVM
# ThroughputProbe instead of wrk) and prints why. Installing never starts a service: nginx's
# package would start a server on port 80 of every address, so a policy-rc.d that forbids it is
# put in place for the install when the machine has none (and removed afterwards).
set -uo pipefail

say() { echo "bench-setup: $*"; }

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -eq 0 ]; then
  say "nginx $( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | sed 's/.*nginx\///') and wrk are installed"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  say "not root: cannot install ${missing[*]} (Fix: sudo apt-get install ${missing[*]}); the bench runs without them"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "no apt-get: cannot install ${missing[*]}; the bench runs without them"
  exit 0
fi

policy=/usr/sbin/policy-rc.d
added_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# put here by preflight scripts/bench-setup.sh for one apt-get install\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  added_policy=1
fi
cleanup() { if [ -n "$added_policy" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

say "installing ${missing[*]} from Debian's packages"
if ! apt-get update -qq >/dev/null 2>&1; then
  say "apt-get update failed: cannot install ${missing[*]}; the bench runs without them"
  exit 0
fi
for pkg in "${missing[@]}"; do
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1; then
    say "apt-get install $pkg failed; the bench runs without it"
  fi
done
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] && say "nginx: $(/usr/sbin/nginx -v 2>&1)"
command -v wrk >/dev/null 2>&1 && say "wrk: $(wrk -v 2>&1 | head -1)"
exit 0
