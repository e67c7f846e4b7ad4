#!/usr/bin/env python3
"""Run `gazette extract` over JSON Lines articles on Apache Spark.

Ship the binary (and, optionally, a zip of custom rules) with spark-submit,
then run this job:

    spark-submit --master local[2] \\
        --files target/release/gazette \\
        --archives rules.zip#rules \\
        examples/spark/gazette_spark.py --rules rules articles.jsonl out/

Each partition of the input is piped through one `gazette extract --threads 1`
process (RDD.pipe): one JSON line in, one record line out, in order. Writes

    out/records/        part-NNNNN files: gazette's records, byte for byte;
                        read in file-name order they are in input order
    out/records.parquet the same records as Parquet   (--format ...,parquet)
    out/errors/         the error records ({"id", "error": {"kind", "message"}})

An error record whose position gazette could only give as `<stdin>:N` (a
line that is not JSON, or has no `text`) gets N renumbered from the line of
the partition to the line of the whole input, so Spark's output equals
`cat INPUT... | gazette extract` line for line, in another order (but for
invalid UTF-8 and lone carriage returns: docs/scale-out.md, section 5).

Options:
  --rules NAME        the shipped rules folder (the `#NAME` of --archives)
  --partitions N      at least N input partitions (sc.textFile minPartitions)
  --format F[,F]      jsonl (default), parquet, or jsonl,parquet
  --gazette-args ARGS more options for `gazette extract`, one string
                      (e.g. "--reference-date 2024-07-31 --date-order dmy")
  --ship-binary PATH  SparkContext.addFile(PATH) here instead of --files
  --ship-rules ZIP    SparkContext.addArchive(ZIP#rules) here instead of
                      --archives (implies --rules rules)

See docs/scale-out.md.
"""
import argparse
import itertools
import json
import os
import re
import shlex
import sys

from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import types as T

# The command every partition is piped through. RDD.pipe runs it from the
# executor's working directory, with an empty environment:
#   * on a cluster (YARN, Kubernetes, standalone), files shipped with --files
#     and --archives sit in that working directory;
#   * in local mode they sit in the driver's SparkFiles directory, passed as $0.
# gazette exits 1 when some lines became error records: that is success here
# (the records are in the output); any other failure fails the task.
PIPE_SCRIPT = (
    'd=$0; [ -f "$d/gazette" ] || d=.; cd "$d" || exit 3; '
    '[ -x ./gazette ] || chmod u+x ./gazette || exit 3; '
    './gazette "$@"; s=$?; [ "$s" -le 1 ] || exit "$s"'
)

# A record, as gazette writes it (README "record format").
MENTION = T.StructType([
    T.StructField("start", T.LongType()),
    T.StructField("end", T.LongType()),
    T.StructField("text", T.StringType()),
    T.StructField("rule", T.StringType()),  # with --explain only
])
RECORD_SCHEMA = T.StructType([
    T.StructField("id", T.StringType()),
    T.StructField("reference_date", T.StringType()),
    T.StructField("parties", T.ArrayType(T.StructType([
        T.StructField("name", T.StringType()),
        T.StructField("kind", T.StringType()),
        T.StructField("roles", T.ArrayType(T.StringType())),
        T.StructField("mentions", T.ArrayType(MENTION)),
    ]))),
    T.StructField("courts", T.ArrayType(T.StructType([
        T.StructField("name", T.StringType()),
        T.StructField("id", T.StringType()),
        T.StructField("country", T.StringType()),
        T.StructField("mentions", T.ArrayType(MENTION)),
    ]))),
    T.StructField("dates", T.ArrayType(T.StructType([
        T.StructField("text", T.StringType()),
        T.StructField("value", T.StringType()),
        T.StructField("grain", T.StringType()),
        T.StructField("mod", T.StringType()),
        T.StructField("start", T.LongType()),
        T.StructField("end", T.LongType()),
        T.StructField("rule", T.StringType()),
    ]))),
    T.StructField("products", T.ArrayType(T.StructType([
        T.StructField("name", T.StringType()),
        T.StructField("owner", T.StringType()),
        T.StructField("mentions", T.ArrayType(MENTION)),
    ]))),
    T.StructField("quotes", T.ArrayType(T.StructType([
        T.StructField("text", T.StringType()),
        T.StructField("speaker", T.StringType()),
        T.StructField("start", T.LongType()),
        T.StructField("end", T.LongType()),
        T.StructField("speaker_mention", MENTION),
    ]))),
    T.StructField("cases", T.ArrayType(T.StructType([
        T.StructField("plaintiffs", T.ArrayType(T.StringType())),
        T.StructField("defendants", T.ArrayType(T.StringType())),
        T.StructField("court", T.StringType()),
        T.StructField("filed", T.StringType()),
        T.StructField("subject", T.StringType()),
    ]))),
])

POSITION = re.compile(r"<stdin>:(\d+)")


def is_error(line):
    """True for an error record. Cheap: a record's strings cannot hold an
    unescaped `"error":{`, so only error records are parsed."""
    return '"error":{' in line and "error" in json.loads(line)


def renumber(offset, line):
    """Moves `<stdin>:N` in an error record's id and message by `offset`
    lines: from the partition's line number to the input's."""
    if not offset or '"error":{' not in line:
        return line
    rec = json.loads(line)
    if not isinstance(rec.get("error"), dict):
        return line
    for old, field in ((rec["id"], '{"id":'), (rec["error"].get("message", ""), '"message":')):
        m = POSITION.match(old)
        if m and (old == m.group(0) or old[m.end()] == ":"):
            new = "<stdin>:%d" % (int(m.group(1)) + offset)
            line = line.replace(field + '"' + m.group(0), field + '"' + new, 1)
    return line


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rules", metavar="NAME", help="the shipped rules folder (#NAME of --archives)")
    p.add_argument("--partitions", type=int, metavar="N", help="at least N input partitions")
    p.add_argument("--format", default="jsonl", metavar="F[,F]", help="jsonl, parquet or jsonl,parquet")
    p.add_argument("--gazette-args", default="", metavar="ARGS", help="more options for gazette extract")
    p.add_argument("--ship-binary", metavar="PATH", help="addFile the gazette binary from here")
    p.add_argument("--ship-rules", metavar="ZIP", help="addArchive ZIP#rules from here")
    p.add_argument("input", nargs="+", help="JSON Lines files, folders or globs (any Hadoop path)")
    p.add_argument("output", help="output folder (must not exist)")
    args = p.parse_args(argv)
    formats = args.format.split(",")
    if not formats or any(f not in ("jsonl", "parquet") for f in formats):
        p.error("--format takes jsonl, parquet or jsonl,parquet")
    args.formats = formats
    if args.ship_rules:
        args.rules = args.rules or "rules"
    return args


def main(argv):
    args = parse_args(argv)
    spark = SparkSession.builder.appName("gazette extract").getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")

    if args.ship_binary:
        sc.addFile(os.path.abspath(args.ship_binary))
    if args.ship_rules:
        sc.addArchive(os.path.abspath(args.ship_rules) + "#" + args.rules)
    # Local mode runs the pipe here, from SparkFiles' directory: make sure the
    # copy there is executable (on a cluster the script above sees to it).
    here = SparkFiles.get("gazette")
    if os.path.exists(here) and not os.access(here, os.X_OK):
        os.chmod(here, 0o755)

    gazette = ["extract", "--threads", "1"]  # Spark gives the parallelism
    if args.rules:
        gazette += ["--rules", args.rules]
    gazette += shlex.split(args.gazette_args)
    command = " ".join(shlex.quote(a) for a in
                       ["sh", "-c", PIPE_SCRIPT, SparkFiles.getRootDirectory()] + gazette)

    # The RDD's elements are the raw lines: JSON Lines never hold a raw newline.
    lines = sc.textFile(",".join(args.input), minPartitions=args.partitions)
    # Lines per partition (a cheap read-only pass), to number error records'
    # positions across the whole input.
    counts = lines.mapPartitions(lambda it: [sum(1 for _ in it)]).collect()
    starts = [0] + list(itertools.accumulate(counts))[:-1]

    out = (lines.pipe(command, checkCode=True)
           .mapPartitionsWithIndex(lambda i, it: (renumber(starts[i], l) for l in it),
                                   preservesPartitioning=True)
           .persist(StorageLevel.MEMORY_AND_DISK))
    records = out.filter(lambda l: not is_error(l))
    errors = out.filter(is_error)

    if "jsonl" in args.formats:
        records.saveAsTextFile(os.path.join(args.output, "records"))
    if "parquet" in args.formats:
        (spark.read.schema(RECORD_SCHEMA).json(records)
         .write.parquet(os.path.join(args.output, "records.parquet")))
    errors.coalesce(1).saveAsTextFile(os.path.join(args.output, "errors"))

    n_lines, n_errors, n_out = sum(counts), errors.count(), out.count()
    print("gazette-spark: %d lines in %d partitions -> %d records, %d error records -> %s"
          % (n_lines, len(counts), n_out - n_errors, n_errors, args.output))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
