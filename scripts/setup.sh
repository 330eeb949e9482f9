#!/usr/bin/env bash
# Checks the tools Preflight needs and installs what is missing, so that `make run` and
# `make test` work on a fresh machine: Java 17+, Maven, curl, and moto_server 5.2.x (the embedded AWS
# engine); Chromium for the report's browser test where it can. moto is taken from the machine when
# it is there; otherwise it goes into .venv/.
#
# It installs system packages only as root with apt-get (Debian, Ubuntu). Elsewhere (not root, macOS,
# Fedora) it installs none: it says what to install and the command for this machine (Homebrew on
# macOS, apt-get or dnf on Linux). Written for macOS's bash 3.2 too: no arrays, no bash-4 syntax.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.1"

fail() { echo "setup: $*" >&2; exit 1; }

# Debian packages are installed only as root with apt-get; the package lists are refreshed once.
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq >/dev/null || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The command that installs a tool by hand on this machine: how_to_install DEBIAN FEDORA HOMEBREW,
# each the package names for that package manager.
how_to_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo "
  if [ "$(uname -s)" = Darwin ]; then
    echo "brew install $3"
  elif command -v apt-get >/dev/null; then
    echo "${sudo}apt-get install $1"
  elif command -v dnf >/dev/null; then
    echo "${sudo}dnf install $2"
  else
    echo "install it with your package manager (Debian: apt-get install $1; Fedora: dnf install $2; macOS: brew install $3)"
  fi
}

# Homebrew's JDKs are not linked into the PATH (macOS has a /usr/bin/java of its own), hence the export.
java_fix() {
  if [ "$(uname -s)" = Darwin ]; then
    # shellcheck disable=SC2016 # printed for the user to run, not expanded here
    echo 'brew install openjdk@17 && export PATH="$(brew --prefix openjdk@17)/bin:$PATH"'
  else
    how_to_install openjdk-17-jdk-headless java-21-openjdk-devel openjdk@17
  fi
}

command -v java >/dev/null || fail "java not found. Fix: install a JDK 17 or newer: $(java_fix)"
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}') || true
# macOS's /usr/bin/java is there without a JDK: it only says that none is installed.
[ -n "$java_major" ] || fail "$(command -v java) does not run a JDK ($(java -version 2>&1 | head -n 1)). Fix: install a JDK 17 or newer: $(java_fix)"
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || fail "Java ${java_major} found, 17 or newer needed. Fix: $(java_fix), or set JAVA_HOME and PATH to a JDK 17+"
command -v mvn >/dev/null || fail "mvn not found. Fix: $(how_to_install maven maven maven)"

# The sample app's container health check is `curl -f http://localhost:8080/health`, run as ECS runs it.
if ! command -v curl >/dev/null; then
  if can_apt; then
    echo "setup: installing curl (container health checks run it)"
    apt_install curl || fail "could not install curl. Fix: apt-get install curl"
  else
    fail "curl not found; container health checks run it. Fix: $(how_to_install curl curl curl)"
  fi
fi

# Optional: the report's browser test (PageRenderingTest) renders a page in headless Chromium and is
# skipped without one. Installed where we can; elsewhere one line says so and setup goes on.
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  if can_apt; then
    echo "setup: installing chromium (the report's browser test renders a page with it)"
    apt_install --no-install-recommends chromium && command -v chromium >/dev/null \
      || echo "setup: could not install chromium; the report's browser test will be skipped. Fix: apt-get install chromium"
  else
    echo "setup: chromium not found; the report's browser test will be skipped. To run it: $(how_to_install chromium chromium '--cask chromium'), so that \`chromium\` is on the PATH"
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
  command -v python3 >/dev/null || fail "python3 not found. Fix: $(how_to_install 'python3 python3-venv' python3 python)"
  echo "setup: installing moto[server]==${MOTO_VERSION} into .venv"
  python3 -m venv .venv || fail "cannot create .venv. Fix: $(how_to_install python3-venv python3 python)"
  .venv/bin/pip install --quiet "moto[server]==${MOTO_VERSION}" \
    || { rm -rf .venv; fail "pip could not install moto[server]==${MOTO_VERSION}. Fix: give pip access to PyPI, or install moto 5.2.x yourself and set PREFLIGHT_MOTO_COMMAND=/path/to/moto_server"; }
fi

# The CDK fixture (fixtures/cdk) is synthesized by its scenarios with node: install its pinned
# aws-cdk-lib from the lock file once. Without node or npm those scenarios are skipped with the reason.
if [ -f fixtures/cdk/package-lock.json ] && [ ! -d fixtures/cdk/node_modules ]; then
  if command -v npm >/dev/null && command -v node >/dev/null; then
    echo "setup: installing the CDK fixture's aws-cdk-lib (npm ci in fixtures/cdk)"
    (cd fixtures/cdk && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
      || echo "setup: npm ci in fixtures/cdk failed; the CDK scenarios will try again and say why"
  else
    echo "setup: node/npm not found; the CDK scenarios will be skipped. To run them: $(how_to_install 'nodejs npm' 'nodejs npm' node)"
  fi
fi
