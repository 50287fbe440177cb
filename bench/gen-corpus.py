#!/usr/bin/env python3
"""Generate a realistic benchmark corpus of OnCall values files.

usage: bench/gen-corpus.py OUT_DIR [COUNT]

Writes COUNT (default 1000) values files in the style of public GitOps repositories
(bundled and external Grafana, umbrella charts, air-gapped overlays, comments, anchors,
block scalars), and one umbrella values file of about 5 MB (umbrella-values.yaml).
Deterministic: the same arguments give the same bytes.
"""
import os
import random
import sys

NAMESPACES = ["oncall", "monitoring", "observability", "alerting", "platform"]
REGISTRIES = ["harbor.corp.example", "registry.lab.internal", "docker.io"]


def oncall_values(r: random.Random, indent: str = "") -> list:
    ns = r.choice(NAMESPACES)
    lines = [
        "# OnCall values managed by the platform team",
        f"base_url: oncall-{r.randint(1, 999)}.example.com",
        "base_url_protocol: https",
        "",
        "image:",
        f"  tag: v1.16.{r.randint(0, 9)}",
        "  pullPolicy: IfNotPresent",
        "",
        "engine:",
        f"  replicaCount: {r.randint(1, 4)}",
        "  resources:",
        "    limits:",
        f"      cpu: {r.choice(['500m', '1', '2'])}",
        f"      memory: {r.choice(['512Mi', '1Gi', '2Gi'])}",
        "    requests:",
        "      cpu: 100m",
        "      memory: 256Mi",
        "  podLabels:",
        f"    team: sre-{r.randint(1, 20)}",
        "",
        "celery:",
        f"  replicaCount: {r.randint(1, 3)}",
        "  worker_queue: default,critical,long,slack,telegram,webhook,celery,grafana,retry",
        "  resources: &celery_resources",
        "    limits: {cpu: '1', memory: 1Gi}",
        "",
        "oncall:",
        "  slack:",
        f"    enabled: {r.choice(['true', 'false'])}",
        "    clientId: \"123456.789\"",
        "  telegram:",
        "    enabled: false",
        "  smtp:",
        "    enabled: true",
        f"    host: smtp.{r.choice(['corp', 'lab'])}.example",
        "    port: 587",
        "    username: oncall",
        "    fromEmail: oncall@example.com",
        "",
        "database:",
        "  type: postgresql",
        "mariadb:",
        "  enabled: false",
        "postgresql:",
        "  enabled: false",
        "externalPostgresql:",
        f"  host: pg-{r.randint(1, 50)}.db.svc.cluster.local",
        "  port: 5432",
        "  db_name: oncall",
        "  user: oncall",
        "  existingSecret: oncall-db",
        "  passwordKey: password",
        "",
        "rabbitmq:",
        "  enabled: false",
        "broker:",
        "  type: redis",
        "",
        "ingress:",
        "  enabled: true",
        "  annotations:",
        "    kubernetes.io/ingress.class: nginx",
        "    cert-manager.io/cluster-issuer: letsencrypt",
        "  tls:",
        "    - hosts: [oncall.example.com]",
        "      secretName: oncall-tls",
        "ingress-nginx:",
        "  enabled: false",
        "cert-manager:",
        "  enabled: false",
        "",
    ]
    external = r.random() < 0.4
    if external:
        lines += [
            "grafana:",
            "  enabled: false",
            "externalGrafana:",
            f"  url: http://grafana.{ns}.svc.cluster.local:80",
        ]
    else:
        lines += [
            "grafana:",
            "  enabled: true",
            "  persistence:",
            "    enabled: true",
            "    size: 10Gi",
            "  grafana.ini:",
            "    server:",
            f"      domain: grafana-{r.randint(1, 99)}.example.com",
            "      root_url: \"%(protocol)s://%(domain)s/grafana/\"",
            "      serve_from_sub_path: true",
            "    feature_toggles:",
            "      enable: externalServiceAccounts",
            "      accessControlOnCall: false",
            "    analytics:",
            "      check_for_updates: false",
            "  env:",
            "    GF_AUTH_MANAGED_SERVICE_ACCOUNTS_ENABLED: true",
            "  plugins:",
            f"    - grafana-oncall-app 1.16.{r.randint(0, 9)}",
        ]
        if r.random() < 0.3:
            lines += [
                "  extraObjects:",
                "    - apiVersion: v1",
                "      kind: ConfigMap",
                "      metadata:",
                "        name: oncall-plugin-provisioning",
                "      data:",
                "        grafana-oncall-app-provisioning.yaml: |",
                "          apiVersion: 1",
                "          apps:",
                "            - type: grafana-oncall-app",
                "              jsonData:",
                "                stackId: 5",
                "                orgId: 100",
                f"                onCallApiUrl: http://oncall-{r.randint(1, 9)}-engine:8080",
            ]
    # padding: per-team annotations and tolerations, like real files accumulate
    lines += ["podAnnotations:"]
    for i in range(r.randint(5, 60)):
        lines += [
            f"  # team {i}: reviewed {2020 + r.randint(0, 6)}-0{r.randint(1, 9)}",
            f"  teams.example.com/team-{i}-owner: team-{i}",
            f"  teams.example.com/team-{i}-tier: \"{r.choice(['gold', 'silver', 'bronze'])}\"",
        ]
    return [indent + l if l else l for l in lines]


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(out, exist_ok=True)
    r = random.Random(20261121)
    total = 0
    for i in range(count):
        text = "\n".join(oncall_values(r)) + "\n"
        path = os.path.join(out, f"env-{i:04d}-values.yaml")
        with open(path, "w") as f:
            f.write(text)
        total += len(text)
    # one umbrella file of ~5 MB: the oncall chart under `oncall:` plus many components
    parts = ["# umbrella chart values", "oncall:"] + oncall_values(r, "  ")
    size = sum(len(p) + 1 for p in parts)
    n = 0
    while size < 5_000_000:
        block = [
            f"component{n:05d}:",
            "  enabled: true",
            "  image:",
            f"    repository: {r.choice(REGISTRIES)}/platform/component-{n}",
            f"    tag: \"{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}\"",
            "  resources:",
            "    limits: {cpu: 500m, memory: 512Mi}",
            "  env:",
            f"    - name: LOG_LEVEL",
            f"      value: \"{r.choice(['info', 'debug', 'warn'])}\"",
            "  annotations:",
            f"    prometheus.io/scrape: \"true\"  # scraped by the platform Prometheus",
            "  config: |",
            "    server:",
            f"      port: {8000 + n % 1000}",
            "",
        ]
        parts += block
        size += sum(len(p) + 1 for p in block)
        n += 1
    text = "\n".join(parts) + "\n"
    with open(os.path.join(out, "umbrella-values.yaml"), "w") as f:
        f.write(text)
    print(f"wrote {count} files ({total} bytes) and umbrella-values.yaml ({len(text)} bytes) to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
