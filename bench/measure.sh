# Sourced by the benchmarks that time a program. Needs $work, a folder for
# their scratch files.
#   measure CMD...  runs CMD, its output kept in $work/stdout, and prints "wall cpu peak_kb"
#                   (CPU: user and system); a failure shows CMD's errors and exits
#   median          the median of the numbers read, one a line

measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > "$work/stdout" 2> "$work/log" || {
    echo "failed: $*" >&2
    cat "$work/log" >&2
    exit 1
  }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/time"
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
