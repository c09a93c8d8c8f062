#!/usr/bin/python3
"""Checks rtping --json output against tests/json/schema.json.

validate.py SCHEMA FILE...   every line of every FILE must be one JSON
    object (no blank line, no repeated member) that the schema accepts.
    Prints one line per failure ("FILE:LINE: TYPE: why (at PATH)") and
    last "types: NAME=COUNT ..." for what was seen. Exit 1 on a failure.
validate.py SCHEMA --types    the object types the schema defines.
validate.py SCHEMA --members  every member name the schema defines.

Run with Debian's interpreter (/usr/bin/python3), which has python3-jsonschema.
"""
import collections
import json
import sys

import jsonschema


def no_repeats(pairs):
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError("member repeated: " + ", ".join(repeated))
    return dict(pairs)


def members(node, out):
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            out.add(key)
            members(sub, out)
        for key, sub in node.items():
            if key != "properties":
                members(sub, out)
    elif isinstance(node, list):
        for sub in node:
            members(sub, out)
    return out


def leaves(errors):
    """The innermost errors: what is wrong, not which branch failed."""
    for e in errors:
        if e.context:
            yield from leaves(e.context)
        elif e.validator not in ("unevaluatedProperties", "oneOf", "if", "then", "else"):
            yield e


def why(errors):
    found = list(leaves(errors)) or errors
    # A member of the object itself before one deep inside it; null branches last.
    found.sort(key=lambda e: (e.validator == "type" and e.validator_value == "null",
                              len(e.absolute_path)))
    e = found[0]
    return "%s (at %s)" % (e.message[:300], "/".join(str(p) for p in e.absolute_path) or "(top)")


def check_file(validator, path, seen):
    failures = 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = "%s:%d" % (path, n)
            try:
                obj = json.loads(line, object_pairs_hook=no_repeats)
            except ValueError as e:
                print("%s: not one JSON object: %s: %.200s" % (where, e, line.rstrip()))
                failures += 1
                continue
            if not isinstance(obj, dict):
                print("%s: a %s, not an object" % (where, type(obj).__name__))
                failures += 1
                continue
            kind = obj.get("type")
            errors = list(validator.iter_errors(obj))
            if errors:
                print("%s: %s: %s" % (where, kind, why(errors)))
                failures += 1
            seen[str(kind)] += 1
    return failures


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    if argv[2] == "--types":
        print(" ".join(schema["properties"]["type"]["enum"]))
        return 0
    if argv[2] == "--members":
        print(" ".join(sorted(members(schema, set()))))
        return 0
    validator = jsonschema.Draft202012Validator(schema)
    seen = collections.Counter()
    failures = sum(check_file(validator, p, seen) for p in argv[2:])
    print("types: " + " ".join("%s=%d" % kv for kv in sorted(seen.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
