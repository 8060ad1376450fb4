#!/usr/bin/env python3
"""Fails unless every operation of an OpenAPI document answered at least one 2xx in the
schemathesis runs whose network logs (`st run --cassette-path`, VCR format) are given.

schemathesis 3.39 only warns when an operation answers nothing but 4xx ("returned only 4xx
responses") and exits 0; a fuzzer that never gets past validation tests nothing behind it,
so fuzz.sh holds the runs to this instead.

Usage: coverage.py OPENAPI_JSON CASSETTE...
"""

import json
import re
import sys
from urllib.parse import unquote, urlsplit

import yaml

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


def main(document_path, cassette_paths):
    with open(document_path, encoding="utf-8") as f:
        ops = operations(json.load(f))
    answers = {(method, template): set() for method, template, _ in ops}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for cassette_path in cassette_paths:
        with open(cassette_path, encoding="utf-8") as f:
            cassette = yaml.load(f, Loader=loader)
        for interaction in cassette.get("http_interactions") or []:
            request = interaction["request"]
            method = request["method"].upper()
            path = unquote(urlsplit(request["uri"]).path)
            status = int(interaction["response"]["status"]["code"])
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
