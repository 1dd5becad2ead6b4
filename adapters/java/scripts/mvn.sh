#!/usr/bin/env bash
# Runs Maven for the Zinc Java adapter on the newest JDK >= 22, quietly and batch-mode.
# Usage: [ZINC_MVN_QUIET=0] scripts/mvn.sh <maven args...>
# Offline first: when every artifact is already in the local repository (~/.m2, or whatever
# settings say) nothing is asked of the network; only when the offline run fails because an
# artifact was never downloaded does it retry once online (so a fresh machine fills the cache and
# every later run is offline). Idempotent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

JAVA_HOME=$("$here/scripts/find-jdk.sh")
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

if ! command -v mvn >/dev/null 2>&1; then
  echo "zinc-java: installing maven (apt)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null; fi
fi

# Maven 3.8's own libraries (guice, jansi) touch sun.misc.Unsafe / native access; on JDK >= 24
# that prints warnings about Maven itself, not about Zinc. Silence them for Maven's JVM only.
major=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${major%%.*}" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
fi

cd "$here"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# -q hides Surefire's "Tests run:" summary, so test runs set ZINC_MVN_QUIET=0 (batch mode,
# no transfer progress: still short).
# The package version is the repository's VERSION file; the bundled core is the stripped
# target/native/libzinc_core.so (a canonical path: the enforcer's file rule rejects "..").
root=$(cd "$here/../.." && pwd -P)
flags=(-B -ntp -Dstyle.color=never "-Drevision=$(cat "$root/VERSION")" "-Dzinc.native.dir=$root/target/native")
[ "${ZINC_MVN_QUIET:-1}" = 0 ] || flags+=(-q)
set +e
mvn "${flags[@]}" -o "$@" >"$log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ] && grep -qE "in offline mode|has not been downloaded from it before" "$log"; then
  echo "zinc-java: local Maven repository incomplete, resolving online once" >&2
  set +e
  mvn "${flags[@]}" "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
  exit "${PIPESTATUS[0]}"
fi
# Debian's Maven 3.8 writes ANSI resets even in batch mode: strip them.
sed 's/\x1b\[[0-9;]*m//g' "$log"
exit "$rc"
