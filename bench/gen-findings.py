#!/usr/bin/env python3
"""Writes OnCall values files that hold about N findings, for the output benchmark.

usage: gen-findings.py DIR N [PER_FILE]

Each file holds PER_FILE (default 1,000) duplicate keys under `podAnnotations`, laid out so
that every duplicate's first occurrence is far from its second (padding keys, then the keys,
then the keys again):
the layout that made the text report draw every line between the two. Every duplicate is
one OC092 finding; each file adds the few findings a bare values file has (an unknown key,
the release name, `base_url`), and one long value and one key with a bidi override, so the
cut and the escape are measured too. Lint with `--chart oncall`.
"""

import os
import sys


def values_file(index: int, keys: int) -> str:
    # under `podAnnotations`, a map of any keys: the keys are not unknown keys too
    lines = ["podAnnotations:"]
    lines.extend(f'  pad{i}: "0"' for i in range(keys))
    for value in (1, 2):
        lines.extend(f'  key{i}: "{value}"' for i in range(keys))
    lines.append(f'base_url: "https://{"h" * 5000}.example.com"')
    lines.append(f"file{index}\u202ekey: 1")
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    out, n = sys.argv[1], int(sys.argv[2])
    per_file = int(sys.argv[3]) if len(sys.argv) == 4 else 1000
    os.makedirs(out, exist_ok=True)
    files, rest = divmod(n, per_file)
    sizes = [per_file] * files + ([rest] if rest else [])
    for index, keys in enumerate(sizes):
        with open(os.path.join(out, f"values-{index:05}.yaml"), "w", encoding="utf-8") as f:
            f.write(values_file(index, keys))


if __name__ == "__main__":
    main()
