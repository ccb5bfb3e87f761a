#!/bin/bash
# Builds, in the current directory, a tree with every awkward case a copy must keep:
# odd names, long names, deep paths, empty files and directories, files larger than one
# memcached item, sparse files, symlinks of every kind, hard links, modes, old times, xattrs.
set -euo pipefail
printf 'hello\n' > plain.txt
printf 'with spaces' > 'a name with spaces.txt'
printf 'percent' > '100%.txt'
printf 'percent escapes' > 'a%20b%zz.txt'
printf 'question' > 'what?.txt'
printf 'reserved suffix' > 'x%attr'
printf 'reserved suffix' > 'x?attr'
printf 'hash' > 'hash#tag'
printf 'plus' > 'a+b=c&d.txt'
printf 'dot' > 'trailing.'
printf 'utf-8' > 'héllo wörld 日本語.txt'
printf 'tab' > $'tab\there'
printf 'newline' > $'new\nline'
name255=$(printf 'n%.0s' $(seq 1 255))
printf 'longest name' > "$name255"
deep=deep; for i in $(seq -w 1 40); do deep="$deep/level-$i-$(printf 'x%.0s' $(seq 1 12))"; done
mkdir -p "$deep"
printf 'deep down' > "$deep/file at the bottom.txt"
: > empty.txt
mkdir emptydir
mkdir -p 'dir with space/sub%dir'
printf 'inside' > 'dir with space/sub%dir/inner.txt'
head -c 3000000 /dev/urandom > big.bin
head -c 1048064 /dev/urandom > one-part.bin
head -c 1048065 /dev/urandom > one-byte-over.bin
truncate -s 5M sparse.bin
printf 'middle' | dd of=sparse.bin bs=1 seek=2500000 conv=notrunc status=none
truncate -s 100k sparse-small.bin
ln -s plain.txt rel-link
ln -s /etc/hostname abs-link
ln -s does-not-exist dangling
ln -s emptydir dir-link
ln -s ../../plain.txt 'dir with space/sub%dir/up-link'
ln plain.txt hard1
ln plain.txt 'dir with space/hard2'
ln big.bin big-hard
printf 'secret' > secret; chmod 600 secret
printf '#!/bin/sh\necho hi\n' > script.sh; chmod 755 script.sh
printf 'ro' > readonly; chmod 444 readonly
printf 'suid' > setuid; chmod 4755 setuid
mkdir private; printf 'p' > private/file; chmod 700 private
mkdir sticky; chmod 1777 sticky
mkdir setgid; chmod 2775 setgid
printf 'old' > old.txt
touch -d '2001-02-03 04:05:06.123456789' old.txt
touch -h -d '1999-01-01 00:00:00.5' rel-link
touch -d '1980-06-15 12:00:00' emptydir
setfattr -n user.color -v blue plain.txt
setfattr -n user.binary -v 0x00ff10fe big.bin
setfattr -n user.dir -v yes emptydir
setfattr -n user.empty one-part.bin
mkfifo fifo
