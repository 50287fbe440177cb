#!/usr/bin/env python3
"""Derive the values schema of a grafana chart version from the schema of an older one.

The schemas of the grafana chart 6.57.1 and 8.4.6 (schemas/grafana-*.values.schema.json)
were written by hand from the chart's values and templates: every map the chart reads key
by key is closed (`additionalProperties: false`), Kubernetes objects and free-form maps
(`grafana.ini`, `env`, annotations, `datasources`, ...) are open. A newer chart version
gets its schema from the one before it, by what its own values.yaml and templates say:

- a key of a closed map is kept when the new values.yaml has it, when a template reads it
  (`.Values.a.b`, `$.Values`, `index .Values "grafana.ini"`, or relative to a `with` or
  `range` over a values path, or through a variable set from one), or, being
  conservative, when its name still appears anywhere in the templates;
- a key the new values.yaml has, or a template reads, that the older schema lacks is
  added: its type from the default (a map is open, a string or number has no type), so a
  new key is never called unknown and never called the wrong type;
- open maps, `$defs` and descriptions are kept; a type the new default does not fit is
  widened to fit it.

The output is committed; the build never runs this. Regenerate with:

  scripts/gen-grafana-schema.py BASE_SCHEMA CHART_DIR VERSION APP_VERSION SOURCE > OUT

where CHART_DIR holds the version's values.yaml and templates/ (from `git show
<commit>:charts/grafana/...` of grafana-community/helm-charts, which holds grafana/helm-
charts' history), SOURCE says where they come from. `--check OLD_SCHEMA` instead prints
what the derivation of OLD_SCHEMA's version from BASE_SCHEMA misses or adds (used to check
the derivation against the hand-written 8.4.6 schema).
"""
import copy
import json
import pathlib
import re
import sys

import yaml  # PyYAML resolves YAML 1.1 as Helm's go-yaml v2 does for these files

NOT_VALUES = {"Values", "Release", "Chart", "Capabilities", "Template", "Files"}
ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
CHAIN = re.compile(r"(?<![\w)\]])(\$[A-Za-z0-9_]*)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
INDEX = re.compile(r"index\s+(\$?[A-Za-z0-9_.]*)((?:\s+\"[^\"]+\")+)")
ASSIGN = re.compile(r"^\s*(\$[A-Za-z0-9_]+)\s*:?=\s*(\$?[A-Za-z0-9_.]*)")


def template_reads(templates):
    """Every values path the templates read, as tuples of keys."""
    reads = set()
    for path in sorted(pathlib.Path(templates).rglob("*")):
        if path.is_file():
            reads |= reads_of(path.read_text(encoding="utf-8"))
    return reads


def resolve(var, chain, context, variables):
    """The values path a chain reads (`None`: not a values path)."""
    parts = [p for p in chain.split(".") if p]
    if "Values" in parts:
        return tuple(parts[parts.index("Values") + 1 :])
    if var:
        if var in variables and variables[var] is not None:
            return variables[var] + tuple(parts)
        return None
    if parts and parts[0] in NOT_VALUES:
        return None
    if context is None:
        return None
    return context + tuple(parts)


def reads_of(text):
    reads = set()
    stack = [()]  # `.` at the top of a template file is the root: `.Values` reads
    variables = {"$": ()}
    for match in ACTION.finditer(text):
        action = match.group(1).strip()
        if action.startswith("/*"):
            continue
        word = action.split(None, 1)[0] if action else ""
        rest = action[len(word) :].strip()
        context = stack[-1]
        for found in INDEX.finditer(action):
            base = resolve("", found.group(1), context, variables) if found.group(1).startswith(".") else (
                variables.get(found.group(1)) if found.group(1).startswith("$") else None
            )
            if base is not None:
                keys = tuple(re.findall(r"\"([^\"]+)\"", found.group(2)))
                reads.add(base + keys)
        chains = []
        for found in CHAIN.finditer(action):
            path = resolve(found.group(1) or "", found.group(2), context, variables)
            if path and path[0] in NOT_VALUES and "Values" not in found.group(2):
                path = None  # `$.Capabilities`, `$.Release`: not a value
            chains.append(path)
            if path:
                reads.add(path)
        assign = ASSIGN.match(rest if word in ("with", "range", "if") else action)
        if assign and assign.group(2):
            value = assign.group(2)
            var = value.split(".")[0] if value.startswith("$") else ""
            tail = value[len(var) :]
            target = resolve(var, tail, context, variables) if tail or var else None
            if var and not tail:
                target = variables.get(var)
            if word == "range":
                target = None  # an item, not the map
            variables[assign.group(1)] = target
        if word in ("define", "block"):
            stack.append(None)
        elif word == "with":
            stack.append(chains[0] if chains and not assign else None)
        elif word == "range":
            stack.append(None)
        elif word == "if":
            stack.append(context)
        elif word == "end" and len(stack) > 1:
            stack.pop()
    return reads


def at(values, path):
    for key in path:
        if not isinstance(values, dict) or key not in values:
            return None
        values = values[key]
    return values


def json_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def inferred(value, note):
    """The schema of a key the older schema lacks: never narrower than the chart reads."""
    schema = {"description": note}
    kind = json_type(value)
    if kind in ("boolean", "array"):
        schema["type"] = kind
    elif kind == "object":
        schema["type"] = "object"
    return schema


def widen(schema, value):
    """Widens `type` so the default fits it."""
    if value is None or "type" not in schema:
        return
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    kind = json_type(value)
    fits = kind in types or (kind == "integer" and "number" in types)
    if not fits:
        schema["type"] = types + [kind]
    if "enum" in schema and value not in schema["enum"] and kind != "object":
        schema["enum"] = schema["enum"] + [value]


class Deriver:
    def __init__(self, base, values, reads, template_text, version):
        self.base = base
        self.values = values
        self.reads = reads
        self.text = template_text
        self.version = version
        self.defs_paths = {}

    def children(self, path):
        out = set()
        value = at(self.values, path)
        if isinstance(value, dict):
            out |= set(value)
        n = len(path)
        for read in self.reads:
            if len(read) > n and read[:n] == tuple(path):
                out.add(read[n])
        return out

    def used(self, key):
        return re.search(r"[.\"]" + re.escape(key) + r"\b", self.text) is not None

    def node(self, schema, paths):
        """Derives `schema` in place for the values at each of `paths`."""
        if "$ref" in schema:
            name = schema["$ref"].split("/")[-1]
            self.defs_paths.setdefault(name, []).extend(paths)
            return
        props = schema.get("properties")
        if props is not None:
            closed = schema.get("additionalProperties") is False
            present = set()
            for path in paths:
                present |= self.children(path)
            for key in list(props):
                if closed and key not in present and not self.used(key):
                    del props[key]
                    continue
                self.node(props[key], [p + (key,) for p in paths])
                for path in paths:
                    widen(props[key], at(self.values, path + (key,)))
            if closed:
                for key in sorted(present - set(props)):
                    value = next(
                        (at(self.values, p + (key,)) for p in paths if at(self.values, p + (key,)) is not None),
                        None,
                    )
                    where = "values.yaml" if value is not None else "the templates"
                    props[key] = inferred(
                        value,
                        f"Read by the grafana chart {self.version} (found in its {where}; "
                        "derived by scripts/gen-grafana-schema.py).",
                    )
        if isinstance(schema.get("items"), dict):
            self.node(schema["items"], [p + ("[]",) for p in paths])

    def derive(self):
        schema = copy.deepcopy(self.base)
        self.node(schema, [()])
        for name, paths in self.defs_paths.items():
            self.node(schema["$defs"][name], paths)
        return schema


def main(argv):
    if len(argv) >= 3 and argv[1] == "--check":
        old = json.loads(pathlib.Path(argv[2]).read_text())
        argv = [argv[0]] + argv[3:]
    else:
        old = None
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    base_file, chart_dir, version, app_version, source = argv[1:]
    base = json.loads(pathlib.Path(base_file).read_text())
    chart = pathlib.Path(chart_dir)
    values = yaml.safe_load((chart / "values.yaml").read_text(encoding="utf-8"))
    reads = template_reads(chart / "templates")
    text = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((chart / "templates").rglob("*")) if p.is_file()
    )
    schema = Deriver(base, values, reads, text, version).derive()
    if old is not None:
        report(old, schema)
        return 0
    schema["$id"] = schema["$id"].rsplit("/", 1)[0] + f"/grafana-{version}.values.schema.json"
    schema["title"] = f"Values of the grafana Helm chart {version}"
    schema["description"] = (
        f"Values of the grafana chart {version} (Grafana {app_version}), derived by "
        f"scripts/gen-grafana-schema.py from {pathlib.Path(base_file).name} and the chart's "
        f"values.yaml and templates ({source}). Kubernetes objects passed through as written "
        "and free-form maps (`grafana.ini`, `env`, annotations, ...) are open; every other map "
        "lists the keys the chart reads."
    )
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def closed_keys(schema, root=None, path=()):
    root = root or schema
    out = {}
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].split("/")[-1]]
    if "properties" in schema:
        if schema.get("additionalProperties") is False:
            out[path] = set(schema["properties"])
        for key, sub in schema["properties"].items():
            out.update(closed_keys(sub, root, path + (key,)))
    return out


def report(old, new):
    a, b = closed_keys(old), closed_keys(new)
    for path in sorted(set(a) | set(b)):
        missing = a.get(path, set()) - b.get(path, set())
        added = b.get(path, set()) - a.get(path, set())
        if missing or added:
            print("/".join(path) or "<root>", "missing:", sorted(missing), "added:", sorted(added))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
