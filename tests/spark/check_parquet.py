"""Check the Spark job's Parquet output against its JSON Lines output.

    spark-submit check_parquet.py OUT/records.parquet OUT/records

Every record must come back from Parquet with the same values as gazette
wrote them: nothing lost to the schema in examples/spark/gazette_spark.py
(a field gazette adds one day, a type that does not fit). Nulls are left out
on both sides (Spark's JSON leaves them out). Prints `parquet: N records
identical` or the first differences, and exits 1 on any.
"""
import glob
import json
import os
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def main(parquet_dir, jsonl_dir):
    spark = SparkSession.builder.appName("gazette parquet check").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    got = {}
    df = spark.read.parquet(parquet_dir)
    for row in df.select(F.to_json(F.struct("*")).alias("json")).collect():
        rec = json.loads(row.json)
        got[rec.get("id")] = rec
    spark.stop()

    want = {}
    for part in sorted(glob.glob(os.path.join(jsonl_dir, "part-*"))):
        with open(part, encoding="utf-8") as f:
            for line in f:
                rec = strip(json.loads(line))
                want[rec["id"]] = rec

    bad = [i for i in sorted(set(want) | set(got)) if want.get(i) != got.get(i)]
    for i in bad[:5]:
        print("parquet: differs for id %r\n  jsonl:   %s\n  parquet: %s"
              % (i, json.dumps(want.get(i))[:300], json.dumps(got.get(i))[:300]), file=sys.stderr)
    if bad or not want:
        print("parquet: %d of %d records differ" % (len(bad), len(want)))
        sys.exit(1)
    print("parquet: %d records identical" % len(want))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
