# Shared by scripts/serve and scripts/test: a virtual environment with the package installed,
# front-end packages from the npm registry copied into static/vendor, translations compiled.
# Each step is skipped when what it depends on has not changed since the last run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

check_python() {
  local py="${PYTHON:-python3}"
  if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Python 3.11 or newer is needed (set PYTHON to its path)." >&2
    exit 1
  fi
  echo "$py"
}

install_python() {
  local extras="$1" stamp
  if [ ! -x "$PY" ]; then
    say "Creating the virtual environment in .venv"
    "$(check_python)" -m venv "$VENV"
    "$PY" -m pip install --quiet --upgrade pip
  fi
  stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${extras:-base}"
  if [ ! -f "$stamp" ]; then
    say "Installing the package${extras:+ with [$extras]}"
    "$PY" -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}

install_frontend() {
  [ -f package.json ] || return 0
  local stamp="static/vendor/.installed-$(cat package.json package-lock.json scripts/lib/vendor.mjs 2>/dev/null | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "Node.js with npm is needed for the front-end packages (see README)." >&2
    exit 1
  fi
  say "Installing front-end packages from the npm registry"
  npm ci --no-audit --no-fund --loglevel=error
  rm -rf static/vendor && mkdir -p static/vendor
  node scripts/lib/vendor.mjs
  touch "$stamp"
}

# Debian packages the pages and printed tickets need, installed when missing and apt-get may
# run (as root, or with sudo that asks no password); else one line says what to install.
# fonts-noto-core: Noto Sans, Noto Sans Arabic and Noto Sans Tifinagh (tickets in Tamazight).
install_debian_packages() {
  local missing=() sudo=""
  [ -f /usr/share/fonts/truetype/noto/NotoSansTifinagh-Regular.ttf ] || missing+=(fonts-noto-core)
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "Missing Debian packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]})." >&2
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing packages: ${missing[*]} (Debian's names; install their fonts with your system's tools)." >&2
    return 0
  fi
  say "Installing Debian's ${missing[*]}"
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "Could not install ${missing[*]}: printed tickets will lack some scripts." >&2
}

# The pages' Tifinagh font, served from static/vendor (git-ignored) to visitors whose system
# lacks it (static/css/app.css asks for the local one first).
vendor_fonts() {
  local font=/usr/share/fonts/truetype/noto/NotoSansTifinagh-Regular.ttf
  [ -f "$font" ] || return 0
  [ -f static/vendor/fonts/NotoSansTifinagh-Regular.ttf ] && return 0
  mkdir -p static/vendor/fonts
  cp "$font" static/vendor/fonts/
}

# The .mo files, compiled again only when a catalogue changed (a stamp names the catalogues'
# hash): two test runs started side by side never rewrite a file the other is reading.
compile_translations() {
  [ -d festival/translations ] || return 0
  local stamp
  stamp="festival/translations/.compiled-$(cat festival/translations/*/LC_MESSAGES/messages.po | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ]; then
    local po missing=""
    for po in festival/translations/*/LC_MESSAGES/messages.po; do
      [ -f "${po%.po}.mo" ] || missing=1
    done
    [ -z "$missing" ] && return 0
  fi
  "$VENV/bin/pybabel" compile -d festival/translations 2> >(grep -v "^compiling catalog" >&2)
  rm -f festival/translations/.compiled-*
  touch "$stamp"
}

flask_cmd() { "$VENV/bin/flask" --app festival "$@"; }

# The port the local server listens on (PORT, 5000 by default), and PUBLIC_URL on that port
# when it is not set: links printed on the command line (`flask devices pair`) and in
# e-mails then lead to this server, whatever the port.
local_addresses() {
  export PORT="${PORT:-5000}"
  export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$PORT}"
}
