#!/bin/sh
# The concurrency test at length: two mounts of one namespace, WRITERS writer processes on
# each, for SECONDS seconds, then every listing, file, mode, link and inode checked against
# what the writers logged, from both mounts and from a fresh one (see
# src/test/java/io/memfis/mount/ConcurrentMountsTest.java; CI runs it for 20 s).
#
#   tests/concurrency.sh [SECONDS [WRITERS]]      default: 600 s, 8 writers per mount
#
# Needs what the test suite needs: FUSE, memcached, root. Prints one summary line
# (operations, files, tolerated ENOENT on the shared files) and exits 0 when all held.
set -eu
seconds=${1:-600}
writers=${2:-8}
cd "$(dirname "$0")/.."
report=target/surefire-reports/io.memfis.mount.ConcurrentMountsTest-output.txt
if mvn -B -q test -Dtest=ConcurrentMountsTest -Dsurefire.failIfNoSpecifiedTests=false \
        -Dmemfis.concurrency.seconds="$seconds" -Dmemfis.concurrency.writers="$writers"; then
    grep -h '^concurrency:' "$report" || true
else
    status=$?
    grep -h '^concurrency:' "$report" 2>/dev/null || true
    echo "concurrency: FAILED (see target/surefire-reports/io.memfis.mount.ConcurrentMountsTest.txt)" >&2
    exit "$status"
fi
