#!/bin/bash
# One writer process of the concurrency test (ConcurrentMountsTest, tests/concurrency.sh).
#
#   writer.sh MOUNT ID SECONDS LOG ERRORS LOCK SHARED_LOG SEED
#
# Owns the names "ID-0 é%" .. "ID-7 é%", each in at most one of the shared directories
# d0 d1 d2, and the directory "ID-dir"; for SECONDS seconds it writes (in place, or to a
# temporary name renamed over the old), renames (across directories, over other names),
# removes, hard-links, chmods and reads back its names, and logs every operation that
# succeeded, in order, to LOG, so that the final state can be replayed from the logs.
# The files d0/shared-0..3 belong to every writer of every mount: they are written, read
# back and removed one writer at a time under LOCK (flock), and logged to SHARED_LOG; a
# read there checks what another mount wrote (close-to-open). Failures go to ERRORS; an
# ENOENT on a shared file is expected (another mount's unlink, or create, shows within the
# attribute timeout) and only counted.
set -u
mnt=$1 id=$2 duration=$3 log=$4 errors=$5 lock=$6 shared_log=$7
RANDOM=$8
touch "$shared_log"
cd "$mnt" || { echo "FAIL $id: cannot enter $mnt" >> "$errors"; exit 1; }
umask 022
K=8
declare -a loc grp      # per name: its directory (0-2; unset when absent), its file (group)
declare -A gseq gsize   # per file: the write that made its content
ngroups=0 seq=0 dirloc="" tolerated=0 ops=0

name() { printf '%s-%s é%%' "$id" "$1"; }
content() { yes "$id $1" | head -c "$2"; }      # the content of write number $1, $2 bytes
size() { if (( RANDOM % 40 == 0 )); then echo $(( 1100000 + RANDOM )); else echo $(( RANDOM % 3000 )); fi; }
fail() { printf 'FAIL %s: %s\n' "$id" "$*" >> "$errors"; }
store() { content "$1" "$2" | dd of="$3" bs=1M status=none; }   # dd reports a failed close

op_write() {
    local k=$1 d=${loc[$1]:-$(( RANDOM % 3 ))} s; s=$(size); seq=$(( seq + 1 ))
    if store $seq "$s" "d$d/$(name "$k")"; then
        if [[ -z ${loc[$k]:-} ]]; then loc[$k]=$d; ngroups=$(( ngroups + 1 )); grp[$k]=$ngroups; fi
        gseq[${grp[$k]}]=$seq; gsize[${grp[$k]}]=$s
        echo "W $k $d $seq $s" >> "$log"
    else fail "write $k in d$d"; fi
}

op_replace() {    # write a temporary file, rename it over the name: a new file
    local k=$1 d=${loc[$1]:-$(( RANDOM % 3 ))} s tmp; s=$(size); seq=$(( seq + 1 )); tmp="d$d/.tmp-$id"
    if store $seq "$s" "$tmp" && mv -f -T "$tmp" "d$d/$(name "$k")"; then
        loc[$k]=$d; ngroups=$(( ngroups + 1 )); grp[$k]=$ngroups; gseq[$ngroups]=$seq; gsize[$ngroups]=$s
        echo "T $k $d $seq $s" >> "$log"
    else fail "replace $k in d$d"; fi
}

op_rename() {
    local k=$1 d=${loc[$1]} k2=$(( RANDOM % K )) d2=$(( RANDOM % 3 ))
    if [[ -n ${loc[$k2]:-} && $k2 != "$k" ]]; then
        [[ ${grp[$k2]} == "${grp[$k]}" ]] && return    # two names of one file: mv refuses
        d2=${loc[$k2]}                                 # a name lives in one directory only
    fi
    [[ $k2 == "$k" && $d2 == "$d" ]] && return
    if mv -f -T "d$d/$(name "$k")" "d$d2/$(name "$k2")"; then
        local g=${grp[$k]}; unset "loc[$k]"; loc[$k2]=$d2; grp[$k2]=$g
        echo "R $k $d $k2 $d2" >> "$log"
    else fail "rename $k d$d -> $k2 d$d2"; fi
}

op_remove() {
    local k=$1 d=${loc[$1]}
    if rm "d$d/$(name "$k")"; then unset "loc[$k]"; echo "D $k $d" >> "$log"; else fail "remove $k in d$d"; fi
}

op_link() {
    local k=$1 d=${loc[$1]} k2=$(( RANDOM % K )) d2=$(( RANDOM % 3 ))
    [[ -n ${loc[$k2]:-} ]] && return
    if ln "d$d/$(name "$k")" "d$d2/$(name "$k2")"; then
        loc[$k2]=$d2; grp[$k2]=${grp[$k]}; echo "L $k $d $k2 $d2" >> "$log"
    else fail "link $k d$d -> $k2 d$d2"; fi
}

op_chmod() {
    local k=$1 d=${loc[$1]} modes=(600 640 644 664); local m=${modes[$(( RANDOM % 4 ))]}
    if chmod "$m" "d$d/$(name "$k")"; then echo "M $k $d $m" >> "$log"; else fail "chmod $k in d$d"; fi
}

op_read() {
    local k=$1 d=${loc[$1]} g=${grp[$1]}
    cmp -s <(content "${gseq[$g]}" "${gsize[$g]}") "d$d/$(name "$k")" \
        || fail "read $k in d$d: not write ${gseq[$g]} of ${gsize[$g]} bytes"
}

op_dir() {
    local dn="$id-dir" d2=$(( RANDOM % 3 )) s=$(( RANDOM % 3000 ))
    if [[ -z $dirloc ]]; then
        seq=$(( seq + 1 ))
        if mkdir "d$d2/$dn" && store $seq $s "d$d2/$dn/inner"; then dirloc=$d2; echo "DM $d2 $seq $s" >> "$log"
        else fail "mkdir d$d2/$dn"; fi
    elif (( RANDOM % 2 )) && [[ $d2 != "$dirloc" ]]; then
        if mv -T "d$dirloc/$dn" "d$d2/$dn"; then echo "DV $dirloc $d2" >> "$log"; dirloc=$d2
        else fail "move d$dirloc/$dn to d$d2"; fi
    else
        if rm -r "d$dirloc/$dn"; then echo "DR $dirloc" >> "$log"; dirloc=""; else fail "rm -r d$dirloc/$dn"; fi
    fi
}

tolerate() {   # $1: what the command said
    if [[ $1 == *"No such file or directory"* ]]; then tolerated=$(( tolerated + 1 )); else fail "shared: $1"; fi
}

op_shared() {
    local j=$(( RANDOM % 4 )) r=$(( RANDOM % 20 )) f out
    f="d0/shared-$j"
    exec 9>>"$lock"
    flock 9
    if (( r < 13 )); then
        local s=$(( RANDOM % 2000 )); seq=$(( seq + 1 ))
        if out=$(store $seq $s "$f" 2>&1); then echo "SW $j $id $seq $s" >> "$shared_log"; else tolerate "$out"; fi
    elif (( r < 17 )); then
        local last; last=$(grep "^S[WD] $j " "$shared_log" | tail -n 1)
        if [[ $last == SW* ]]; then
            local w=($last)
            if ! out=$(cat "$f" 2>&1 >/dev/null); then
                # a name another mount made within the attribute timeout may not show yet
                if [[ $out == *"No such file or directory"* ]]; then tolerated=$(( tolerated + 1 ))
                else fail "shared read $f: $out (expected write ${w[3]} of ${w[2]})"; fi
            elif ! cmp -s <(yes "${w[2]} ${w[3]}" | head -c "${w[4]}") "$f"; then
                fail "shared read $f: not write ${w[3]} of ${w[2]} (${w[4]} bytes) but $(wc -c < "$f") bytes" \
                    "starting '$(head -n 1 "$f")'"
            fi
        fi
    else
        if out=$(rm "$f" 2>&1); then echo "SD $j $id" >> "$shared_log"; else tolerate "$out"; fi
    fi
    flock -u 9
}

while (( SECONDS < duration )); do
    k=$(( RANDOM % K )) r=$(( RANDOM % 100 ))
    if (( r >= 90 )); then op_shared
    elif (( r >= 85 )); then op_dir
    elif [[ -z ${loc[$k]:-} ]]; then
        if (( r % 3 )); then op_write "$k"; else op_replace "$k"; fi
    elif (( r < 25 )); then op_write "$k"
    elif (( r < 33 )); then op_replace "$k"
    elif (( r < 48 )); then op_rename "$k"
    elif (( r < 58 )); then op_remove "$k"
    elif (( r < 66 )); then op_link "$k"
    elif (( r < 72 )); then op_chmod "$k"
    else op_read "$k"
    fi
    ops=$(( ops + 1 ))
done
echo "DONE $ops $tolerated" >> "$log"
