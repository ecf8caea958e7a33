#!/usr/bin/env bash
# Installs the report consumers the tests feed restore-drill's output to: real readers, not
# string matching. Only what is missing; safe to run any number of times.
#   - xmllint (libxml2-utils): XML well-formedness and the JUnit schema
#   - rsvg-convert (librsvg2-bin): renders the SVG charts to PNG
#   - openssl: verifies a signature with a tool that is not ours
#   - a Python venv at .build-tools/venv with junitparser (JUnit reader), markdown-it-py
#     (CommonMark + tables renderer), prometheus-client (textfile parser) and check-jsonschema
#     (GitHub Actions and GitLab CI schemas, bundled, no network at check time), and Pillow
#     (reads the pixels of the PNG that rsvg-convert drew)
#   - in the same venv, Flask-Security with its SQLAlchemy models, argon2 and psycopg2: a real
#     two-factor login for the login-flow tests to drill
#   - .build-tools/junit-10.xsd: the common JUnit schema (Jenkins xunit-plugin's, MIT), taken
#     from pytest's source distribution on PyPI, which validates its own JUnit output with it
# Prints the venv's bin folder on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libxml2-utils librsvg2-bin openssl python3-venv)
missing=()
for name in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-test-tools: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >&2
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

venv=.build-tools/venv
wanted=(junitparser==3.2.0 markdown-it-py==3.0.0 prometheus-client==0.21.1 check-jsonschema==0.29.4 pillow==11.0.0
  # The two-factor login nobody here wrote, run as an app by the login-flow tests
  # (Tests/Apps/flask-security/shop.py): Flask-Security on PostgreSQL.
  "flask-security[fsqla,mfa]==5.9.2" flask-sqlalchemy==3.1.1 sqlalchemy==2.1.9 argon2-cffi==25.1.0 psycopg2-binary==2.9.13)
stamp="$venv/.installed-$(printf '%s\n' "${wanted[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "install-test-tools: creating $venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${wanted[@]}" >&2
  touch "$stamp"
fi
schema=.build-tools/junit-10.xsd
if [ ! -s "$schema" ]; then
  echo "install-test-tools: fetching the JUnit schema from pytest's sdist" >&2
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: pytest==8.3.3 -d "$scratch" >&2
  tar -xzf "$scratch/pytest-8.3.3.tar.gz" -C "$scratch" pytest-8.3.3/testing/example_scripts/junit-10.xsd
  mv "$scratch/pytest-8.3.3/testing/example_scripts/junit-10.xsd" "$schema"
fi
echo "$PWD/$venv/bin"
