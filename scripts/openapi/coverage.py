#!/usr/bin/env python3
"""Fails unless every operation of an OpenAPI document answered at least one 2xx in the
schemathesis runs whose network logs (`st run --cassette-path --cassette-format har`) are
given. HAR, not the default VCR: schemathesis 3.39 writes a URI with a `'` in it unescaped
into VCR's YAML, which then does not parse.

schemathesis 3.39 only warns when an operation answers nothing but 4xx ("returned only 4xx
responses") and exits 0; a fuzzer that never gets past validation tests nothing behind it,
so fuzz.sh holds the runs to this instead.

Usage: coverage.py OPENAPI_JSON HAR...
"""

import json
import re
import sys
from urllib.parse import urlsplit

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def operations(document):
    """(method, path template, regex matching the concrete path) for each operation."""
    found = []
    for template, item in document["paths"].items():
        pattern = re.compile(
            "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        )
        for method in item:
            if method in METHODS:
                found.append((method.upper(), template, pattern))
    return found


def main(document_path, har_paths):
    with open(document_path, encoding="utf-8") as f:
        ops = operations(json.load(f))
    answers = {(method, template): set() for method, template, _ in ops}
    for har_path in har_paths:
        with open(har_path, encoding="utf-8") as f:
            entries = json.load(f)["log"]["entries"]
        for entry in entries:
            method = entry["request"]["method"].upper()
            path = urlsplit(entry["request"]["url"]).path  # still encoded: `%2F` is no `/`
            status = entry["response"]["status"]
            matches = [t for m, t, p in ops if m == method and p.match(path)]
            # A literal segment wins over a template (`/v1/admin/clock` over `/v1/{x}/clock`).
            for template in sorted(matches, key=lambda t: t.count("{"))[:1]:
                answers[(method, template)].add(status)
    missing = [
        f"{method} {template}: answered {sorted(statuses) or 'nothing'}"
        for (method, template), statuses in sorted(answers.items())
        if not any(200 <= s < 300 for s in statuses)
    ]
    for method, template in sorted(answers):
        print(f"{method:6} {template:45} {sorted(answers[(method, template)])}")
    if missing:
        print("operations that never answered 2xx:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    print(f"every one of the {len(answers)} operations answered 2xx at least once")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
