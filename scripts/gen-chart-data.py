#!/usr/bin/env python3
"""Regenerate the embedded chart defaults (crates/lint-core/data/charts/*.json).

Reads a chart's values.yaml and writes only its data (no comments) as compact JSON,
one file per chart version. The output is committed; the build never runs this.

usage: scripts/gen-chart-data.py UPSTREAM_DIR
where UPSTREAM_DIR holds <chart>-chart-<version>-values.yaml files.
"""
import json
import pathlib
import sys

import yaml  # PyYAML resolves YAML 1.1 scalars as go-yaml v2 (Helm) does for these files

CHARTS = [
    ("oncall", "1.9.22"),
    ("oncall", "1.12.1"),
    ("oncall", "1.16.9"),
    ("grafana", "6.57.1"),
    ("grafana", "8.4.6"),
    # the grafana chart as users run it alone or under kube-prometheus-stack: the last of
    # grafana/helm-charts, the first with `plugins` as GF_PLUGINS_PREINSTALL_SYNC
    # (grafana-community/helm-charts 0548273110830ad330803c29f0f54306f65d9b82, not in
    # ../shared/upstream: `git show <commit>:charts/grafana/values.yaml`), and the newest
    ("grafana", "10.5.15"),
    ("grafana", "11.1.1"),
    ("grafana", "12.11.1"),
]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = pathlib.Path(sys.argv[1])
    out = pathlib.Path(__file__).resolve().parent.parent / "crates/lint-core/data/charts"
    out.mkdir(parents=True, exist_ok=True)
    for chart, version in CHARTS:
        with open(src / f"{chart}-chart-{version}-values.yaml", encoding="utf-8") as f:
            data = yaml.safe_load(f)
        target = out / f"{chart}-{version}.json"
        target.write_text(json.dumps(data, sort_keys=False, separators=(",", ":")) + "\n")
        print(f"wrote {target} ({target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
