# Sourced by packaging/dist-check.sh after dist-tools.sh: a Debian 12 (bookworm) arm64
# file tree holding CPython 3.11 and OpenJDK 17, so that make dist-check runs the aarch64
# wheel and the JAR's linux-aarch64 library with `qemu-aarch64-static -L "$ARM64_ROOT" ...`, as an ARM server
# would. debootstrap's first stage resolves and downloads the packages; they are unpacked
# with dpkg-deb only: nothing runs as root inside the tree and nothing is configured.
ARM64_ROOT="$DIST_TOOLS/arm64-root"
_arm64_pin="bookworm arm64 python3.11-minimal libpython3.11-stdlib openjdk-17-jre-headless"
if [[ "$(cat "$ARM64_ROOT/.pin" 2>/dev/null)" != "$_arm64_pin" ]]; then
  command -v debootstrap >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  echo "dist-tools: a Debian arm64 tree (CPython 3.11, OpenJDK 17) in $ARM64_ROOT"
  rm -rf "$ARM64_ROOT" && mkdir -p "$ARM64_ROOT"
  debootstrap --foreign --arch=arm64 --variant=minbase \
    --include=python3.11-minimal,libpython3.11-stdlib,openjdk-17-jre-headless \
    bookworm "$ARM64_ROOT" http://deb.debian.org/debian >"$DIST_TOOLS/arm64-root.log" 2>&1 ||
    { tail -n 20 "$DIST_TOOLS/arm64-root.log" >&2; return 1; }
  for _deb in "$ARM64_ROOT"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$_deb" "$ARM64_ROOT"; done
  rm -rf "$ARM64_ROOT"/var/cache/apt/archives/*.deb
  echo "$_arm64_pin" >"$ARM64_ROOT/.pin"
fi
ARM64_PYTHON=(qemu-aarch64-static -L "$ARM64_ROOT" "$ARM64_ROOT/usr/bin/python3.11")
ARM64_JAVA=(qemu-aarch64-static -L "$ARM64_ROOT" "$ARM64_ROOT/usr/lib/jvm/java-17-openjdk-arm64/bin/java")
