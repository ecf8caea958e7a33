#!/usr/bin/env bash
# Installs the system packages restore-drill needs, only those that are missing.
# Safe to run any number of times. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  libpq-dev          # libpq headers: the harness talks to PostgreSQL through libpq
  liboath-dev        # liboath: TOTP codes (RFC 6238)
  libsqlite3-dev     # libsqlite3 headers: SQLite stores (StoreIT) are read through it
  sqlite3            # the sqlite3 shell: how operators take a SQLite backup (.backup), used by the demo and tests
  pkg-config         # lets SwiftPM find the two libraries above
  postgresql         # initdb, pg_ctl, postgres: the local throwaway target
  postgresql-client  # pg_dump, pg_restore, psql
  age                # decrypts an age-protected master key (and encrypts the demo's)
  gpg                # decrypts a gpg-protected master key
  openssh-client     # reaches an ssh:// Docker engine's published ports (a remote drill host)
  openssh-server     # the tests' own sshd on loopback, standing in for that remote host
)

missing=()
for entry in "${packages[@]}"; do
  name=${entry%% *}
  if ! dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$name")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all system packages present"
else
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

command -v swift >/dev/null || [ -x /opt/swift/usr/bin/swift ] || {
  echo "install-deps: Swift 6 is not installed (https://www.swift.org/install/linux/); nothing else is needed" >&2
  exit 2
}
