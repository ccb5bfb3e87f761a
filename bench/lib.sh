# Shared by the scripts of bench/: a work directory in tmpfs, a memcached of their own on a
# free port, memfis and bindfs mounts, and a cleanup that removes all of it on exit, however
# the script ends. Source it, then call bench_setup.
#
# Sets: work (tmpfs directory), servers (HOST:PORT), port, log (everything the tools said),
# memfis (the command, an array), memfis_pid (the mount's JVM while mounted).

bench_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
read -r -a memfis <<< "${MEMFIS:-$bench_here/bin/memfis}"
work=
own_tmpfs=0
memcached_pid=
memfis_pid=
mounts=()

say() { printf '%s\n' "$*" >&2; }

bench_cleanup() {
    set +e
    for m in "${mounts[@]}"; do
        mountpoint -q "$m" 2>/dev/null && { fusermount -u "$m" 2>/dev/null || fusermount -u -z "$m"; }
    done
    [ -n "$memfis_pid" ] && kill "$memfis_pid" 2>/dev/null && wait "$memfis_pid" 2>/dev/null
    [ -n "$memcached_pid" ] && kill "$memcached_pid" 2>/dev/null && wait "$memcached_pid" 2>/dev/null
    if [ -n "$work" ]; then
        [ "$own_tmpfs" = 1 ] && umount "$work" 2>/dev/null
        rm -rf "$work"
    fi
}

# bench_setup MEMCACHED_MB: checks the tools, makes the work directory, starts memcached
bench_setup() {
    local tool
    for tool in memcached bindfs memccp fusermount mountpoint tar dd; do
        command -v "$tool" >/dev/null || {
            say "bench: $tool is missing (apt-get install memcached bindfs libmemcached-tools fuse3)"; exit 1; }
    done
    [ -e /dev/fuse ] || { say "bench: /dev/fuse is missing"; exit 1; }
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
        work=$(mktemp -d /dev/shm/memfis-bench.XXXXXX)
    else
        work=$(mktemp -d /tmp/memfis-bench.XXXXXX)
        mount -t tmpfs -o size=50% tmpfs "$work"
        own_tmpfs=1
    fi
    log=$work/log
    : > "$log"
    mkdir -p "$work/mnt" "$work/bind" "$work/back"
    start_memcached "$1"
}

# memcached on a free port, never evicting (-M)
start_memcached() {
    local attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$(( 20000 + RANDOM % 40000 ))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
        memcached -l 127.0.0.1 -p "$port" -U 0 -M -m "$1" -t 2 $( [ "$(id -u)" = 0 ] && echo -u root ) >>"$log" 2>&1 &
        memcached_pid=$!
        for _ in $(seq 50); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { servers=127.0.0.1:$port; return 0; }
            sleep 0.1
        done
        kill "$memcached_pid" 2>/dev/null; wait "$memcached_pid" 2>/dev/null || true; memcached_pid=
    done
    say "bench: could not start memcached"; exit 1
}

# memcached_command COMMAND: sends one command, prints the answer up to END (or its one line)
memcached_command() {
    local line
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf '%s\r\n' "$1" >&3
    while read -r -t 5 line <&3; do
        line=${line%$'\r'}
        printf '%s\n' "$line"
        case "$line" in END|OK|ERROR*|CLIENT_ERROR*|SERVER_ERROR*) break ;; esac
    done
    exec 3>&-
}

# make_tree DIR DOC_DIRS: a copy of /usr/share/doc, or of its first DOC_DIRS entries (0: all)
make_tree() {
    if [ "$2" = 0 ]; then
        cp -a /usr/share/doc "$1"
    else
        local entries
        mkdir "$1"
        # no head in a pipeline: under pipefail, a writer it cuts off fails the script
        mapfile -t entries < <(find /usr/share/doc -mindepth 1 -maxdepth 1 | LC_ALL=C sort)
        cp -a "${entries[@]:0:$2}" "$1/"
    fi
}

# mount_memfis NAMESPACE [OPTIONS...]: mounts at $work/mnt in the foreground (the JVM is memfis_pid)
mount_memfis() {
    local ns=$1; shift
    "${memfis[@]}" -s "$servers" -n "$ns" "$@" --foreground "$work/mnt" >>"$log" 2>&1 &
    memfis_pid=$!
    mounts+=("$work/mnt")
    for _ in $(seq 600); do
        mountpoint -q "$work/mnt" && return 0
        kill -0 "$memfis_pid" 2>/dev/null || break
        sleep 0.1
    done
    say "bench: memfis did not mount; its last words:"; tail -20 "$log" >&2; exit 1
}
umount_memfis() {
    fusermount -u "$work/mnt"
    wait "$memfis_pid" || true
    memfis_pid=
}
# peak_rss_mb PID: the process's peak resident memory (VmHWM) in MB
peak_rss_mb() {
    awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"
}
memfis_peak_rss_mb() { peak_rss_mb "$memfis_pid"; }
mount_bindfs() {
    bindfs "$work/back" "$work/bind"
    mounts+=("$work/bind")
}
umount_bindfs() {
    fusermount -u "$work/bind"
}

# --- measuring: pairs of runs, and the table's rows ---------------------------------------
# seconds SECONDS_VAR COMMAND...: runs COMMAND (output discarded), stores its wall time
seconds() {
    local var=$1; shift
    local t0=$EPOCHREALTIME
    "$@" >/dev/null
    printf -v "$var" '%s' "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }')"
}
declare -A memfis_times ref_times ratios
record() { # name memfis_seconds reference_seconds
    memfis_times[$1]+="$2 "; ref_times[$1]+="$3 "
    ratios[$1]+="$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", a / b }') "
    say "  $1: memfis $2 s, reference $3 s"
}

# pair NAME ROUND MEMFIS_FN REFERENCE_FN ARG: runs both, in alternating order
pair() {
    local name=$1 r=$2 mf=$3 rf=$4 arg=${5:-} tm tr
    if (( r % 2 )); then "$mf" "$r" tm "$arg"; "$rf" "$r" tr "$arg"; else "$rf" "$r" tr "$arg"; "$mf" "$r" tm "$arg"; fi
    record "$name" "$tm" "$tr"
}

missed=0  # rows whose target was missed
stat3() { # min median max of the numbers on stdin
    tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%s %s %s", v[1], (m >= 10000 ? sprintf("%.0f", m) : sprintf("%.4g", m)), v[NR] }'
}
row() { # label target_op(<=, >=, =) target reference_label memfis_values reference_values ratio_values
    local label=$1 op=$2 target=$3 refname=$4 mmin mmed mmax rmin rmed rmax qmin qmed qmax verdict
    read -r mmin mmed mmax <<< "$(stat3 <<< "$5")"
    read -r rmin rmed rmax <<< "$(stat3 <<< "$6")"
    read -r qmin qmed qmax <<< "$(stat3 <<< "$7")"
    verdict=$(awk -v q="$qmed" -v t="$target" -v op="$op" 'BEGIN { print ((op == "<=" ? q <= t : op == ">=" ? q >= t : q == t) ? "ok" : "MISSED") }')
    [ "$verdict" = ok ] || missed=$(( missed + 1 ))
    printf '%-34s %9s %-7s %9s  %6s %6s %6s  %-8s %s\n' "$label" "$mmed" "$refname" "$rmed" "$qmin" "$qmed" "$qmax" "$op $target" "$verdict"
}
table_header() {
    printf '%-34s %9s %-7s %9s  %6s %6s %6s  %-8s %s\n' benchmark "memfis" ref "ref" "min" "median" "max" target ""
    printf '%-34s %9s %-7s %9s  %20s  %s\n' "" "(median)" "" "(median)" "ratio memfis/ref" ""
}
