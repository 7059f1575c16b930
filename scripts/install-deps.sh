#!/usr/bin/env bash
# Installs the Debian packages trendgraph builds against, and only those that
# are missing. A no-op (no apt-get call at all) when everything is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  librocksdb-dev
  libcpprest-dev libssl-dev
  rapidjson-dev
  libboost-program-options-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libyaml-cpp-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev
  python3
  time
  tzdata  # named time zones in datetime values (/usr/share/zoneinfo)
  libhowardhinnant-date-dev  # date/tz: reads those zones (Debian builds it with USE_OS_TZDB, no downloads)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
