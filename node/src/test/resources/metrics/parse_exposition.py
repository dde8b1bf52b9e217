"""Parses a Prometheus exposition with the Prometheus Python client's own parsers (tests of GET /metrics).

Usage: python3 parse_exposition.py text|openmetrics < exposition
Prints one line per sample: family<TAB>type<TAB>sample name<TAB>labels as JSON (sorted)<TAB>value.
Exits non-zero, with the parser's error on stderr, when the exposition does not parse.
"""
import json
import sys

fmt = sys.argv[1]
text = sys.stdin.read()
if fmt == "openmetrics":
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families

out = []
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        out.append("\t".join([family.name, family.type, sample.name,
                              json.dumps(sample.labels, sort_keys=True, separators=(",", ":")),
                              repr(float(sample.value))]))
sys.stdout.write("\n".join(out) + "\n")
