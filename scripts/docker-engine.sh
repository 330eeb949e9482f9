#!/usr/bin/env bash
# The Docker engine of the containers path. `make test` calls it before the build:
#  - a Docker engine that already answers (DOCKER_HOST, or /var/run/docker.sock) is used as it is,
#    its images pulled from their registries; PREFLIGHT_LOCAL_IMAGES=1 builds the local images into it;
#  - else, as root with apt-get, it installs Debian's docker.io and debootstrap, starts dockerd with
#    its data under the cache folder, and builds the local images (scripts/local-images/), because a
#    machine without an engine of its own is taken to have no registry either (this project's CI);
#  - else it says why the containers tests will be skipped, and what to install.
# What the build needs to reach the engine goes into .preflight/docker-engine.env (the Makefile reads it).
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${PREFLIGHT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/preflight}/docker"
ENV_FILE=.preflight/docker-engine.env
PREFIX=preflight.local/
mkdir -p .preflight
rm -f "$ENV_FILE"

say() { echo "docker-engine: $*"; }
skip() { say "$*; the containers tests will be skipped"; exit 0; }

answers() { timeout 10 docker info >/dev/null 2>&1; }

own_engine=""
if [ -n "${DOCKER_HOST:-}" ] || [ -S /var/run/docker.sock ]; then
  if command -v docker >/dev/null && answers; then
    say "using the running Docker engine ($(docker info --format '{{.ServerVersion}}' 2>/dev/null))"
  else
    skip "a Docker engine is configured (${DOCKER_HOST:-/var/run/docker.sock}) but does not answer. Fix: start it"
  fi
else
  if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      say "installing docker.io and debootstrap (Debian's packages)"
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap; } >/dev/null 2>&1 \
        || skip "could not install docker.io and debootstrap. Fix: apt-get install docker.io debootstrap"
    else
      skip "no Docker engine. Fix: install and start Docker (Docker Desktop, Colima or Rancher Desktop on macOS; the docker.io or docker-ce package on Linux)"
    fi
  fi
  mkdir -p "$CACHE"
  export DOCKER_HOST="unix://$CACHE/docker.sock"
  bridge_has_gateway() { [ -n "$(docker network inspect bridge --format '{{range .IPAM.Config}}{{.Gateway}}{{end}}' 2>/dev/null)" ]; }
  if ! answers || ! bridge_has_gateway; then
    if [ -f "$CACHE/dockerd.pid" ] && kill -0 "$(cat "$CACHE/dockerd.pid")" 2>/dev/null; then
      kill "$(cat "$CACHE/dockerd.pid")" 2>/dev/null || true
      sleep 2
    fi
    rm -f "$CACHE/docker.sock" "$CACHE/dockerd.pid"
    start_dockerd() { # $1: storage driver, or empty for Docker's choice (overlay2 where the kernel allows)
      local driver=()
      [ -n "$1" ] && driver=(--storage-driver "$1")
      # --bip: Docker's default bridge, with its gateway recorded. Testcontainers inside a container
      # (/.dockerenv) takes the Docker host's address from it; where dockerd recorded none it runs
      # alpine to find one, an image no registry here serves.
      setsid dockerd "${driver[@]}" --bip 172.17.0.1/16 --data-root "$CACHE/data" --exec-root "$CACHE/exec" --pidfile "$CACHE/dockerd.pid" \
        -H "$DOCKER_HOST" >"$CACHE/dockerd.log" 2>&1 < /dev/null &
      for _ in $(seq 1 30); do answers && return 0; sleep 1; done
      kill "$(cat "$CACHE/dockerd.pid" 2>/dev/null)" 2>/dev/null || true
      sleep 2
      return 1
    }
    start_dockerd "" || { say "dockerd did not start with its default storage; trying vfs"; start_dockerd vfs; } \
      || skip "dockerd did not start (its log: $CACHE/dockerd.log)"
    say "started dockerd $(docker info --format '{{.ServerVersion}}, storage {{.Driver}}') with its data in $CACHE"
  fi
  own_engine=1
fi

{
  echo "DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}"
  # Ryuk is an image from a registry; Preflight's ledger removes what a killed run leaves instead.
  echo "TESTCONTAINERS_RYUK_DISABLED=true"
} > "$ENV_FILE.tmp"

if [ -z "$own_engine" ] && [ "${PREFLIGHT_LOCAL_IMAGES:-}" != 1 ]; then
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  exit 0
fi

# ---- local images: built once, rebuilt when their Dockerfile (or the installed moto) changes ----
LABEL=dev.preflight.local-image.key
key_of() { cat "$@" | sha256sum | cut -c1-16; }
current_key() { docker image inspect --format "{{index .Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null || true; }

debian_base() { # $1: suite
  local image="${PREFIX}debian:$1" key
  key=$(echo "debootstrap minbase $1 v1" | sha256sum | cut -c1-16)
  [ "$(current_key "$image")" = "$key" ] && return 0
  say "building $image (debootstrap, about 30 s)"
  local root
  root=$(mktemp -d "$CACHE/rootfs-$1.XXXX")
  debootstrap --variant=minbase "$1" "$root" http://deb.debian.org/debian >"$CACHE/debootstrap-$1.log" 2>&1 \
    || { rm -rf "$root"; skip "debootstrap $1 failed (log: $CACHE/debootstrap-$1.log)"; }
  tar -C "$root" -c . | docker import --change "LABEL $LABEL=$key" --change 'CMD ["bash"]' - "$image" >/dev/null
  rm -rf "$root"
}

image() { # $1: folder under scripts/local-images, $2...: the public names it stands in for
  local dir="scripts/local-images/$1" key
  shift
  key=$(key_of "$dir"/* "${EXTRA_KEY_FILES[@]}")
  local first="${PREFIX}$1"
  if [ "$(current_key "$first")" != "$key" ]; then
    say "building $first"
    local context
    context=$(mktemp -d "$CACHE/context.XXXX")
    cp -r "$dir"/. "$context"/
    if [ -n "${PREPARE:-}" ]; then "$PREPARE" "$context"; fi
    docker build -q --label "$LABEL=$key" -t "$first" "$context" >"$CACHE/build-$(basename "$dir").log" 2>&1 \
      || { cat "$CACHE/build-$(basename "$dir").log" >&2; rm -rf "$context"; say "building $first failed"; exit 1; }
    rm -rf "$context"
  fi
  for name in "${@:2}"; do docker tag "$first" "${PREFIX}${name}"; done
}

# moto's image holds this machine's moto and the packages it needs (PyPI is not reachable here).
moto_packages() {
  python3 - "$1/site-packages" <<'PY'
import importlib.metadata as md, os, re, shutil, sys
from packaging.markers import Marker
out, seen = sys.argv[1], {}
def add(name, extras=()):
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        return
    dist = md.distribution(name)
    seen[key] = dist
    for req in dist.requires or []:
        spec, _, marker = req.partition(";")
        m = re.match(r"\s*([A-Za-z0-9_.-]+)(\[([^\]]*)\])?", spec)
        if marker and not any(Marker(marker).evaluate({"extra": e}) for e in (extras or ("",))):
            continue
        add(m.group(1), tuple(e.strip() for e in (m.group(3) or "").split(",") if e.strip()))
add("moto", ("server",))
for dist in seen.values():
    for f in dist.files or []:
        src = dist.locate_file(f)
        if os.path.isfile(src) and "__pycache__" not in str(f):
            dst = os.path.join(out, str(f))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
PY
}
moto_key=$(mktemp)
python3 -c 'import moto; print(moto.__version__, moto.__file__)' > "$moto_key" 2>/dev/null \
  || skip "python3 cannot import moto, which the local moto image is made of. Fix: run scripts/setup.sh"

start=$SECONDS
debian_base bookworm
debian_base trixie
EXTRA_KEY_FILES=()
image postgres postgres:17-alpine
image redis redis:7.2-alpine redis:7.4-alpine
image eclipse-temurin eclipse-temurin:17-jre
image python python:3.11-slim
image node node:22-slim
EXTRA_KEY_FILES=("$moto_key")
PREPARE=moto_packages image moto motoserver/moto:5.2.1
rm -f "$moto_key"
say "local images ready ($((SECONDS - start)) s): Testcontainers and task builds use ${PREFIX}<name>"

echo "TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX=$PREFIX" >> "$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
