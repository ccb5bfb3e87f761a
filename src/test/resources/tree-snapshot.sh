#!/bin/bash
# Prints what must be equal between two copies of a tree, sorted: every entry's type, mode,
# size (not for directories: each filesystem sizes them its own way), mtime in ns, link
# target and link count; the user xattrs; the groups of names that share an inode.
set -euo pipefail
cd "$1"
find . -printf '%P|%y|%m|%s|%T@|%l|%n|%U|%G\n' | awk -F'|' 'BEGIN{OFS="|"} $2=="d"{$4="-"} {print}' | LC_ALL=C sort
echo '--- xattrs'
getfattr -R -h -d -m '^user\.' -e hex . 2>/dev/null | awk '/^# file: /{f=substr($0,9); next} NF{print f "|" $0}' | LC_ALL=C sort
echo '--- hard links'
find . -type f -links +1 -printf '%i %P\n' | LC_ALL=C sort -k1,1n -k2 | awk '{i=$1; $1=""; g[i]=g[i] $0 ";"} END{for (i in g) print g[i]}' | LC_ALL=C sort
