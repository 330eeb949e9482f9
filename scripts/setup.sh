#!/usr/bin/env bash
# Checks the tools Preflight needs and installs what is missing, so that `make run` and
# `make test` work on a fresh machine: Java 17+, Maven, and moto_server 5.2.x (the embedded AWS
# engine). moto is taken from the machine when it is there; otherwise it goes into .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.1"

fail() { echo "setup: $*" >&2; exit 1; }

command -v java >/dev/null || fail "java not found. Fix: install a JDK 17 or newer (apt-get install openjdk-17-jdk-headless)"
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || fail "Java ${java_major} found, 17 or newer needed. Fix: install openjdk-17-jdk-headless or set JAVA_HOME"
command -v mvn >/dev/null || fail "mvn not found. Fix: apt-get install maven"

# The sample app's container health check is `curl -f http://localhost:8080/health`, run as ECS runs it.
if ! command -v curl >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing curl (container health checks run it)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null \
      || fail "could not install curl. Fix: apt-get install curl"
  else
    fail "curl not found; container health checks run it. Fix: install curl"
  fi
fi

moto_ok() {
  # moto_server on the PATH, importable by the same Python, at the pinned minor version
  command -v moto_server >/dev/null && python3 - <<'PY' 2>/dev/null
import moto, flask, sys
sys.exit(0 if moto.__version__.startswith("5.2.") else 1)
PY
}

if [ -x .venv/bin/moto_server ]; then
  echo "setup: moto_server from .venv"
elif moto_ok; then
  echo "setup: moto_server $(python3 -c 'import moto; print(moto.__version__)') from the machine"
else
  command -v python3 >/dev/null || fail "python3 not found. Fix: apt-get install python3 python3-venv"
  echo "setup: installing moto[server]==${MOTO_VERSION} into .venv"
  python3 -m venv .venv || fail "cannot create .venv. Fix: apt-get install python3-venv"
  .venv/bin/pip install --quiet "moto[server]==${MOTO_VERSION}" \
    || { rm -rf .venv; fail "pip could not install moto[server]==${MOTO_VERSION}. Fix: give pip access to PyPI, or install moto 5.2.x yourself and set PREFLIGHT_MOTO_COMMAND=/path/to/moto_server"; }
fi
