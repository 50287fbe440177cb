#!/usr/bin/env python3
"""Wrap the values files of a benchmark corpus in the GitOps manifests that deploy them.

usage: bench/gen-manifests.py CORPUS_DIR BARE_DIR MANIFEST_DIR

For each `env-*-values.yaml` in CORPUS_DIR: a copy in BARE_DIR (the same values as bare
files), and in MANIFEST_DIR the same values as a GitOps repository carries them, in turn a
Flux HelmRelease (`spec.values`), an Argo CD Application (`helm.valuesObject`), an Argo CD
Application (`helm.values: |`, a YAML string) and a Flux HelmRelease reading them from a
ConfigMap beside it (`valuesFrom`). Deterministic.
"""
import os
import sys


def indent(text: str, by: int) -> str:
    pad = " " * by
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def flux(name: str, body: str) -> str:
    return (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
        f"metadata:\n  name: {name}\n  namespace: oncall\nspec:\n  interval: 30m\n"
        "  chart:\n    spec:\n      chart: oncall\n      version: 1.16.9\n"
        "      sourceRef:\n        kind: HelmRepository\n        name: grafana\n"
        f"{body}"
    )


def argo(name: str, helm: str) -> str:
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
        f"metadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: default\n"
        "  source:\n    repoURL: https://grafana.github.io/helm-charts\n"
        "    chart: oncall\n    targetRevision: 1.16.9\n    helm:\n"
        f"{helm}"
        "  destination:\n    server: https://kubernetes.default.svc\n    namespace: oncall\n"
    )


def main() -> None:
    corpus, bare, manifests = sys.argv[1:4]
    os.makedirs(bare, exist_ok=True)
    os.makedirs(manifests, exist_ok=True)
    names = sorted(n for n in os.listdir(corpus) if n.startswith("env-") and n.endswith("-values.yaml"))
    for i, name in enumerate(names):
        with open(os.path.join(corpus, name), encoding="utf-8") as f:
            values = f.read()
        with open(os.path.join(bare, name), "w", encoding="utf-8") as f:
            f.write(values)
        release = f"oncall-{i}"
        kind = i % 4
        if kind == 0:
            text = flux(release, "  values:\n" + indent(values, 4))
        elif kind == 1:
            text = argo(release, "      valuesObject:\n" + indent(values, 8))
        elif kind == 2:
            text = argo(release, "      values: |\n" + indent(values, 8))
        else:
            text = flux(release, f"  valuesFrom:\n    - kind: ConfigMap\n      name: {release}-values\n")
            configmap = (
                "apiVersion: v1\nkind: ConfigMap\n"
                f"metadata:\n  name: {release}-values\n  namespace: oncall\n"
                "data:\n  values.yaml: |\n" + indent(values, 4)
            )
            with open(os.path.join(manifests, f"{release}-configmap.yaml"), "w", encoding="utf-8") as f:
                f.write(configmap)
        with open(os.path.join(manifests, f"{release}.yaml"), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
