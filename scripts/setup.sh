# Shared set-up for scripts/moesim, scripts/test and scripts/bench (sourced, not run).
# Installs the Debian packages the build needs when any is missing, then configures and
# builds one build directory. Build output goes to <build dir>/build.log and is printed only
# when the build fails, so a run's stdout stays the simulator's.

MOESIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Compiler, build tools and the libraries of the design card, and gnuplot for `moesim plot`
# (all Debian packages).
MOESIM_PACKAGES=(g++ cmake ninja-build libboost-graph-dev libyaml-cpp-dev libfmt-dev
                 libcli11-dev catch2 libeigen3-dev libbenchmark-dev libzstd-dev
                 pkg-config gnuplot-nox)

moesim_install_missing_packages() {
  local missing=()
  local pkg
  for pkg in "${MOESIM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "moesim: installing missing packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "moesim: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2 || { echo "moesim: apt-get update failed" >&2; exit 1; }
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { echo "moesim: apt-get install ${missing[*]} failed" >&2; exit 1; }
}

# moesim_build DIR BUILD_TYPE TARGET [extra cmake -D options...]
# Configures DIR when it has no cache yet, then builds TARGET (ninja skips what is up to date).
moesim_build() {
  local dir="$1" type="$2" target="$3"
  shift 3
  local log="$dir/build.log"
  mkdir -p "$dir"
  # ccache, where installed, keeps compiled objects across clones (CI builds a fresh clone);
  # paths under the clone are hashed relative to it, so another clone of the same sources hits.
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR="$MOESIM_ROOT" CCACHE_NOHASHDIR=true
  fi
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    echo "moesim: configuring $type build in ${dir#"$MOESIM_ROOT"/}" >&2
    cmake -S "$MOESIM_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" "$@" \
      >"$log" 2>&1 \
      || { cat "$log" >&2; echo "moesim: cmake configure failed (log: $log)" >&2; exit 1; }
  fi
  if ! cmake --build "$dir" --target "$target" -j "${MOESIM_JOBS:-2}" >"$log" 2>&1; then
    cat "$log" >&2
    echo "moesim: build failed (log: $log)" >&2
    exit 1
  fi
  grep -q "no work to do" "$log" || echo "moesim: built $target (${dir#"$MOESIM_ROOT"/})" >&2
}
