#!/usr/bin/env bash
# One-step set-up: installs the Debian packages npusim needs (only those missing), then
# configures and builds. Idempotent; safe to run again after every pull.
#
#   bash scripts/setup.sh                      # RelWithDebInfo build in ./build
#   BUILD_TYPE=Sanitize BUILD_DIR=build-san bash scripts/setup.sh   # ASan + UBSan build
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
build_type=${BUILD_TYPE:-RelWithDebInfo}
jobs=${JOBS:-2}

# Every package the project uses, and why.
packages=(
  build-essential cmake git pkg-config   # toolchain
  libyaml-cpp-dev                        # chip configs
  libfmt-dev                             # formatting
  nlohmann-json3-dev                     # report.json, --json outputs
  libcli11-dev                           # the npusim command line
  libgtest-dev libgmock-dev              # tests
  libbenchmark-dev                       # bench/
  libsystemc-dev                         # the chip model
  verilator                              # RTL cross-checks
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
cmake --build "$build_dir" -j"$jobs"
echo "setup: built $build_type in $build_dir"
