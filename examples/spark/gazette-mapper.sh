#!/bin/sh
# gazette as a Hadoop Streaming mapper (docs/scale-out.md), or as any pipe
# stage whose runner takes every non-zero exit for a failure.
#
#   -files gazette,gazette-mapper.sh [-archives rules.zip#rules]
#   -mapper "sh gazette-mapper.sh [--rules rules] [more extract options]"
#
# Runs ./gazette (beside this script) as `gazette extract --threads 1` over
# stdin. Exit status 1 only says that some lines became error records, which
# are in the output like any record: it becomes 0 here. Anything else (2:
# bad options or rules; a crash) still fails the task.
d=$(dirname "$0")
"$d/gazette" extract --threads 1 "$@"
s=$?
[ "$s" -le 1 ] || exit "$s"
