#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite: the normal
# build, then the same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
#   scripts/test.sh            everything
#   SANITIZE=0 scripts/test.sh skip the sanitizer build
#   FAULT=0 scripts/test.sh    without the crash and stall test (label fault,
#                              about 4 minutes; docs/guarantees.md)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
if [ "${FAULT:-1}" = "1" ]; then
  (cd build && ctest --output-on-failure -j2)
else
  (cd build && ctest --output-on-failure -j2 -LE fault)
fi
if [ "${SANITIZE:-1}" != "0" ]; then
  BUILD_TYPE=Debug scripts/build.sh build-asan -DABUSEFLOW_SANITIZE=ON
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j2 -LE slow)
fi
echo "test: all passed"
