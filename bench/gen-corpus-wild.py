#!/usr/bin/env python3
"""Generate a second benchmark corpus, independent of gen-corpus.py: "wild" files.

usage: bench/gen-corpus-wild.py OUT_DIR [COUNT]

Writes COUNT (default 1000) YAML files under OUT_DIR, in the directory layout of GitOps
repositories, about 1.5-2.5 MB in all, and one umbrella chart's values of about 5 MB
(OUT_DIR/umbrella-values.yaml). The mix, by share of files:

  oncall values, bundled Grafana     grafana.ini, plugins, GF_* env, init containers that
                                     curl and unzip the plugin, provisioning ConfigMaps,
                                     sidecar, datasources, extraConfigmapMounts
  oncall values, external Grafana    grafana.enabled: false, externalGrafana.url
  air-gapped oncall values           every image from a private registry, bitnamilegacy,
                                     global.imageRegistry, init containers copying plugins
  umbrella charts                    oncall under an alias (oncall:, alerting:, irm:, ...)
                                     beside other subcharts' sections
  grafana chart values               the grafana chart alone, hosting grafana-oncall-app
  kube-prometheus-stack values       grafana: beside prometheus:, alertmanager:, ...
  Flux HelmRelease                   spec.values, or valuesFrom a ConfigMap file beside it
  Argo CD Application                helm.valuesObject, or helm.values as a `|` string
  helmfile                           helmfile.yaml or helmfile.d/*.yaml, inline values
  Kustomize                          kustomization.yaml helmCharts with valuesInline
  Grafana provisioning files         provisioning/plugins/*.yaml, apiVersion: 1, apps:
  findings-heavy oncall values       hundreds of findings each

The umbrella file holds the oncall chart's values under `oncall:` (a full copy of the
chart's values with hundreds of findings, the key oncall-lint detects as the values root),
and after it, until 5 MB, many aliased oncall subcharts (`oncall-eu0005:`, ...), per-tenant
trees (merge keys, deep maps, alert rules in block scalars), other subcharts and Grafana
sections whose ConfigMaps embed plugin provisioning.

Each file name holds the index of the file (`-0042`), which picks its shape from plan().
Most files carry a few of the mistakes people make (typos, `latest` tags, orgId 1, bad
URLs, wrong types, duplicate keys, unknown GF_ variables and feature toggles, misspelled
provisioning keys); the findings-heavy ones and the umbrella carry hundreds. The style
varies per file: key order, indentation of sequences, comments, anchors and aliases,
merge keys, flow maps and lists, block scalars, quoting.

Deterministic: the same arguments give the same bytes (random.Random(seed) per file).
"""
import os
import re
import sys
import random

SEED = 20261205


# ---------------------------------------------------------------------------------------
# A small YAML writer with per-file style
# ---------------------------------------------------------------------------------------


class M(list):
    """An ordered map: a list of (key, value) or (key, value, trailing comment) entries,
    or C comments. Duplicate keys are allowed (written as given)."""

    def put(self, key, value, comment=None):
        self.append((key, value, comment) if comment else (key, value))
        return self


class C:
    """A comment line in a map or list."""

    def __init__(self, text):
        self.text = text


class Raw:
    """A scalar written exactly as given (`1.10`, `yes`, `0755`, `"5"`)."""

    def __init__(self, text):
        self.text = text


class Q:
    """A string written quoted (q is the quote character)."""

    def __init__(self, text, q='"'):
        self.text = text
        self.q = q


class Block:
    """A block scalar: `|`, `|-`, `>` ..."""

    def __init__(self, text, header="|"):
        self.text = text
        self.header = header


class Anchor:
    def __init__(self, name, value):
        self.name = name
        self.value = value


class Alias:
    def __init__(self, name):
        self.name = name


class Flow:
    """A map or list written in flow style."""

    def __init__(self, value):
        self.value = value


BOOLISH = {
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "",
}
NUMBERISH = re.compile(
    r"^[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|0x[0-9a-fA-F_]+|0b[01_]+"
    r"|\.inf|\.nan|\d+(:[0-5]?\d)+(\.\d*)?)$",
    re.I,
)
DATEISH = re.compile(r"^\d{4}-\d\d?-\d\d?")
PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@` \t")


def plain_ok(s: str, flow: bool = False) -> bool:
    if not s or s != s.strip() or "\n" in s or "\t" in s:
        return False
    if s.lower() in BOOLISH or NUMBERISH.match(s) or DATEISH.match(s):
        return False
    if s[0] in PLAIN_FIRST_BAD and not (s[0] == "-" and len(s) > 1 and s[1] not in " -"):
        return False
    if ": " in s or " #" in s or s.endswith(":") or "{{" in s:
        return False
    if flow and any(c in s for c in ",[]{}"):
        return False
    return True


def dquote(s: str) -> str:
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def squote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


class Style:
    """How one file is written: drawn once per file."""

    def __init__(self, r: random.Random):
        self.r = r
        self.step = r.choice([2, 2, 2, 2, 4])
        # `- ` at the key's indentation (kubectl, helm create) or indented
        self.seq_indent = r.random() < 0.55
        self.quote = r.choice(["plain", "plain", "plain", "double", "single", "mixed"])
        self.flow_p = r.choice([0.0, 0.05, 0.15, 0.3])
        self.null = r.choice(["null", "null", "~"])
        self.bool = r.choice(["lower", "lower", "lower", "lower", "title"])

    def scalar(self, v, flow=False) -> str:
        if isinstance(v, Raw):
            return v.text
        if isinstance(v, Q):
            return squote(v.text) if v.q == "'" else dquote(v.text)
        if v is None:
            return self.null
        if isinstance(v, bool):
            t = "true" if v else "false"
            return t.title() if self.bool == "title" else t
        if isinstance(v, (int, float)):
            return str(v)
        s = str(v)
        if not plain_ok(s, flow):
            if "'" in s or "\\" in s or "\n" in s or self.r.random() < 0.7:
                return dquote(s)
            return squote(s)
        q = self.quote
        if q == "mixed":
            q = self.r.choice(["plain", "plain", "double", "single"])
        if q == "double" and self.r.random() < 0.6:
            return dquote(s)
        if q == "single" and self.r.random() < 0.6:
            return squote(s)
        return s

    def key(self, k) -> str:
        if isinstance(k, Raw):
            return k.text
        if isinstance(k, Q):
            return squote(k.text) if k.q == "'" else dquote(k.text)
        if isinstance(k, bool) or k is None or isinstance(k, int):
            return self.scalar(k)
        s = str(k)
        return s if plain_ok(s) else dquote(s)


def is_leafy(v) -> bool:
    if isinstance(v, M):
        return all(not isinstance(e, C) and not isinstance(e[1], (M, list, Block, Anchor, Flow, Alias))
                   for e in v)
    if isinstance(v, list):
        return all(not isinstance(i, (M, list, Block, Anchor, Flow, Alias, C)) for i in v)
    return False


def flow_text(st: Style, v) -> str:
    if isinstance(v, Flow):
        v = v.value
    if isinstance(v, M):
        parts = []
        for e in v:
            if isinstance(e, C):
                continue
            parts.append(f"{st.key(e[0])}: {flow_text(st, e[1])}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow_text(st, i) for i in v if not isinstance(i, C)) + "]"
    if isinstance(v, Alias):
        return f"*{v.name}"
    if isinstance(v, Block):
        return dquote(v.text)
    return st.scalar(v, flow=True)


def emit_after(st: Style, out: list, prefix: str, v, ind: int, comment=None, in_seq=False):
    """Writes `prefix` (a `key:` or `-`) followed by v, whose children go at ind + step."""
    tail = f"  # {comment}" if comment else ""
    if isinstance(v, Anchor):
        prefix = f"{prefix} &{v.name}"
        v = v.value
    if isinstance(v, Alias):
        out.append(f"{prefix} *{v.name}{tail}")
        return
    if isinstance(v, Flow):
        out.append(f"{prefix} {flow_text(st, v)}{tail}")
        return
    if isinstance(v, Block):
        out.append(f"{prefix} {v.header}{tail}")
        pad = " " * (ind + st.step)
        for line in v.text.split("\n"):
            out.append(pad + line if line else "")
        return
    if isinstance(v, M):
        if not v:
            out.append(f"{prefix} {{}}{tail}")
        elif is_leafy(v) and len(v) <= 4 and st.r.random() < st.flow_p:
            out.append(f"{prefix} {flow_text(st, v)}{tail}")
        else:
            out.append(prefix + tail)
            emit_map(st, out, v, ind + st.step)
        return
    if isinstance(v, list):
        if not v:
            out.append(f"{prefix} []{tail}")
        elif is_leafy(v) and len(v) <= 5 and st.r.random() < st.flow_p:
            out.append(f"{prefix} {flow_text(st, v)}{tail}")
        else:
            out.append(prefix + tail)
            seq_ind = ind if (st.seq_indent and not in_seq) else ind + st.step
            emit_seq(st, out, v, seq_ind)
        return
    out.append(f"{prefix} {st.scalar(v)}{tail}")


def emit_map(st: Style, out: list, m: M, ind: int):
    pad = " " * ind
    for e in m:
        if isinstance(e, C):
            out.append(f"{pad}# {e.text}" if e.text else "")
            continue
        k, v = e[0], e[1]
        comment = e[2] if len(e) > 2 else None
        emit_after(st, out, pad + st.key(k) + ":", v, ind, comment)


def emit_seq(st: Style, out: list, items: list, ind: int):
    pad = " " * ind
    for item in items:
        if isinstance(item, C):
            out.append(f"{pad}# {item.text}")
            continue
        if isinstance(item, M) and item and not isinstance(item[0], C):
            sub = []
            emit_map(st, sub, item, ind + 2)
            first = sub[0]
            sub[0] = pad + "- " + first[ind + 2:]
            out.extend(sub)
        elif isinstance(item, Anchor) and isinstance(item.value, M):
            out.append(f"{pad}- &{item.name}")
            emit_map(st, out, item.value, ind + 2)
        else:
            emit_after(st, out, pad + "-", item, ind, in_seq=True)


def dump(st: Style, doc, header=None) -> str:
    out = []
    for line in header or []:
        out.append(f"# {line}" if line else "")
    if isinstance(doc, M):
        emit_map(st, out, doc, 0)
    else:
        emit_seq(st, out, doc, 0)
    return "\n".join(out) + "\n"


def indent_text(text: str, by: int) -> str:
    pad = " " * by
    return "\n".join(pad + line if line.strip() else "" for line in text.rstrip("\n").split("\n"))


# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------

CLUSTERS = ["prod-eu1", "prod-us1", "prod-ap1", "staging", "dev", "lab", "dr-eu2", "edge-01",
            "mgmt", "sandbox", "perf", "qa", "prod-us2", "gov", "onprem-dc1", "onprem-dc2"]
TEAMS = ["sre", "platform", "observability", "payments", "search", "identity", "data",
         "mobile", "infra", "core", "growth", "security"]
NAMESPACES = ["oncall", "irm", "alerting", "observability", "monitoring", "platform",
              "ops", "grafana-oncall"]
GRAFANA_NAMESPACES = ["monitoring", "grafana", "observability", "lgtm", "kube-prometheus-stack"]
RELEASES = ["oncall", "oncall", "oncall", "irm", "grafana-oncall", "oncall-prod", "alerting",
            "oncall-stg", "ops-oncall"]
DOMAINS = ["example.com", "corp.example", "acme.io", "internal.example.net", "example.org",
           "lab.local", "corp.internal"]
REGISTRIES = ["harbor.corp.internal", "registry.lab.local", "nexus.acme.io:8443",
              "artifactory.example.com/docker-remote", "registry.gitlab.example.com/mirror",
              "quay.internal.example", "ecr.dkr.example:5000", "mirror.gcr.example"]
CHART_VERSIONS = ["1.16.9", "1.16.9", "1.16.9", "1.16.6", "1.15.5", "1.14.4", "1.13.11",
                  "1.12.1", "1.10.2", "1.9.30", "1.9.22", "1.8.13"]
GRAFANA_TAGS = ["11.6.1", "11.5.2", "11.3.1", "11.1.0", "10.4.3", "12.0.2", "12.1.1",
                "11.2.2", "10.3.3", "12.2.0"]
GRAFANA_CHART_VERSIONS = ["8.4.6", "8.5.1", "8.8.2", "9.2.10", "10.1.4", "10.5.15",
                          "11.1.1", "12.11.1"]
KPS_VERSIONS = ["65.1.0", "66.2.1", "67.4.0", "69.8.2", "70.4.2", "72.6.2", "75.11.0"]
TOGGLES_KNOWN = ["externalServiceAccounts", "publicDashboards", "nestedFolders",
                 "correlations", "lokiQuerySplitting", "panelTitleSearch",
                 "featureToggleAdminPage", "tempoSearch", "dataplaneFrontendFallback",
                 "accessControlOnCall", "kubernetesPlaylists", "logsExploreTableVisualisation"]
TOGGLES_WRONG = ["accessControlOncall", "externalServiceAccount", "externalServicesAccounts",
                 "publicDashboard", "nestedFolder", "onCallIntegration", "oncallV2",
                 "externalserviceaccounts", "grafanaOncallApp", "ngalertOncall",
                 "serviceAccountsExternal", "topNav2", "corelations", "unifiedOnCall"]
# Grafana settings people set (section, key, a value): GF_<SECTION>_<KEY> in env, or in
# grafana.ini
GRAFANA_SETTINGS = [
    ("server", "protocol", "http"), ("server", "http_port", "3000"), ("server", "enable_gzip", "true"),
    ("server", "router_logging", "false"), ("server", "static_root_path", "public"),
    ("database", "type", "postgres"), ("database", "host", "grafana-db:5432"),
    ("database", "name", "grafana"), ("database", "user", "grafana"),
    ("database", "ssl_mode", "require"), ("database", "max_open_conn", "20"),
    ("database", "max_idle_conn", "5"), ("database", "conn_max_lifetime", "14400"),
    ("database", "log_queries", "false"), ("security", "admin_user", "admin"),
    ("security", "disable_gravatar", "true"), ("security", "cookie_secure", "true"),
    ("security", "cookie_samesite", "lax"), ("security", "allow_embedding", "false"),
    ("security", "disable_initial_admin_creation", "false"),
    ("security", "content_security_policy", "true"), ("users", "allow_sign_up", "false"),
    ("users", "allow_org_create", "false"), ("users", "auto_assign_org", "true"),
    ("users", "auto_assign_org_role", "Viewer"), ("users", "default_theme", "dark"),
    ("users", "viewers_can_edit", "false"), ("auth", "disable_login_form", "false"),
    ("auth", "oauth_auto_login", "false"), ("auth", "signout_redirect_url", "https://sso.example.com/logout"),
    ("auth", "login_maximum_inactive_lifetime_duration", "7d"),
    ("auth.anonymous", "enabled", "false"), ("auth.anonymous", "org_role", "Viewer"),
    ("auth.generic_oauth", "enabled", "true"), ("auth.generic_oauth", "client_id", "grafana"),
    ("auth.generic_oauth", "scopes", "openid profile email"),
    ("auth.generic_oauth", "auth_url", "https://sso.example.com/auth"),
    ("auth.generic_oauth", "token_url", "https://sso.example.com/token"),
    ("auth.generic_oauth", "api_url", "https://sso.example.com/userinfo"),
    ("auth.generic_oauth", "role_attribute_path", "contains(groups[*], 'admin') && 'Admin' || 'Viewer'"),
    ("analytics", "reporting_enabled", "false"), ("analytics", "check_for_updates", "false"),
    ("analytics", "check_for_plugin_updates", "false"), ("analytics", "feedback_links_enabled", "false"),
    ("log", "mode", "console"), ("log", "level", "info"), ("log.console", "format", "json"),
    ("paths", "data", "/var/lib/grafana"), ("paths", "logs", "/var/log/grafana"),
    ("paths", "plugins", "/var/lib/grafana/plugins"),
    ("paths", "provisioning", "/etc/grafana/provisioning"),
    ("plugins", "allow_loading_unsigned_plugins", "grafana-oncall-app"),
    ("plugins", "enable_alpha", "false"), ("plugins", "plugin_admin_enabled", "true"),
    ("unified_alerting", "enabled", "true"), ("smtp", "enabled", "true"),
    ("smtp", "host", "smtp.example.com:587"), ("smtp", "user", "grafana"),
    ("smtp", "from_address", "grafana@example.com"), ("smtp", "from_name", "Grafana"),
    ("smtp", "skip_verify", "false"), ("dataproxy", "timeout", "60"), ("dataproxy", "logging", "false"),
    ("metrics", "enabled", "true"), ("dashboards", "min_refresh_interval", "10s"),
    ("snapshots", "external_enabled", "false"), ("news", "news_feed_enabled", "false"),
    ("rendering", "server_url", "http://grafana-image-renderer:8081/render"),
    ("rendering", "callback_url", "http://grafana/"), ("live", "max_connections", "100"),
]


def gf_name(section: str, key: str) -> str:
    return "GF_" + section.replace(".", "_").upper() + "_" + key.upper()


GF_KNOWN = [(gf_name(s, k), v) for s, k, v in GRAFANA_SETTINGS]
GF_WRONG = [
    ("GF_PLUGINS_INSTALL", "grafana-oncall-app"), ("GF_SERVER_ROOTURL", "https://grafana.example.com"),
    ("GF_AUTH_ANONYMUS_ENABLED", "false"), ("GF_SECURITY_ADMIN_USR", "admin"),
    ("GF_LOGS_LEVEL", "debug"), ("GF_FEATURE_TOGGLE_ENABLE", "externalServiceAccounts"),
    ("GF_PLUGIN_PREINSTALL_DISABLED", "true"), ("GF_AUTH_MANAGED_SERVICE_ACCOUNT_ENABLED", "true"),
    ("GF_DATABASE_HOSTNAME", "pg.db.svc"), ("GF_SERVER_SERVE_FROM_SUBPATH", "true"),
    ("GF_ANALYTICS_REPORTING", "false"), ("GF_USER_ALLOW_SIGN_UP", "false"),
    ("GF_ONCALL_API_URL", "http://oncall-engine:8080"), ("GF_PLUGINS_ALLOW_UNSIGNED", "grafana-oncall-app"),
]


def typo(r: random.Random, word: str, keep: int = 0) -> str:
    """A plausible slip of the keyboard in `word` after its first `keep` characters: a letter
    dropped, doubled, swapped with the next, or a `_` lost."""
    for _ in range(20):
        i = r.randrange(keep, len(word) - 1)
        op = r.randrange(4)
        if op == 0:
            out = word[:i] + word[i + 1:]
        elif op == 1:
            out = word[:i] + word[i] + word[i:]
        elif op == 2:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            j = word.find("_", max(i, keep))
            out = word[:j] + word[j + 1:] if j > 0 else word[:i] + word[i + 1:]
        if out != word and out.strip("_") == out:
            return out
    return word + "S"


class Ctx:
    """What one file is about: its release, where Grafana lives, which mistakes it has."""

    def __init__(self, r: random.Random, defects: int):
        self.r = r
        self.release = r.choice(RELEASES)
        self.ns = r.choice(NAMESPACES)
        self.gns = r.choice(GRAFANA_NAMESPACES)
        self.domain = r.choice(DOMAINS)
        self.cluster = r.choice(CLUSTERS)
        self.team = r.choice(TEAMS)
        self.chart = r.choice(CHART_VERSIONS)
        self.plugin = self.chart if r.random() < 0.7 else r.choice(CHART_VERSIONS)
        self.gtag = r.choice(GRAFANA_TAGS)
        self.registry = r.choice(REGISTRIES)
        self.defects = set(r.sample(DEFECTS, min(defects, len(DEFECTS))))
        # how much a file spells out: a short per-cluster override to a full copy
        self.verbose = r.choice([0.1, 0.15, 0.25, 0.35, 0.5, 0.8])

    def o(self, p: float) -> bool:
        """An optional setting, written with probability p scaled by the file's verbosity."""
        return self.r.random() < p * self.verbose

    def d(self, name: str) -> bool:
        return name in self.defects

    def engine_url(self) -> str:
        r = self.r
        if self.d("apiurl-noscheme"):
            return f"{self.release}-engine:8080"
        if self.d("apiurl-localhost"):
            return "http://localhost:8080"
        if self.d("apiurl-helmtesting"):
            return "http://helm-testing-oncall-engine:8080"
        return r.choice([
            f"http://{self.release}-engine:8080",
            f"http://{self.release}-engine.{self.ns}.svc.cluster.local:8080",
            f"http://{self.release}-engine.{self.ns}:8080",
            f"http://{self.release}-engine.{self.ns}.svc:8080",
        ])

    def grafana_url(self, bundled=True) -> str:
        if self.d("grafanaurl-noslash"):
            return f"https://grafana.{self.domain}/grafana"
        if bundled:
            return self.r.choice([f"http://{self.release}-grafana/",
                                  f"http://{self.release}-grafana.{self.ns}.svc.cluster.local/"])
        return self.r.choice([f"http://grafana.{self.gns}.svc.cluster.local/",
                              f"http://kube-prometheus-stack-grafana.{self.gns}.svc:80/",
                              f"https://grafana.{self.domain}/"])


DEFECTS = [
    "orgid", "stackid", "apiurl-noscheme", "apiurl-localhost", "apiurl-helmtesting",
    "grafanaurl-noslash", "license-missing", "prov-typo", "prov-config", "toggles-list",
    "toggle-unknown", "gf-unknown", "gf-env-list", "ini-list", "ini-unknown-section",
    "baseurl-scheme", "baseurl-placeholder", "latest-tag", "plugin-v-prefix", "plugin-old",
    "key-typo", "wrong-type", "dup-key", "extgrafana-ignored", "extgrafana-localhost",
    "extgrafana-noscheme", "devmode", "extravolumes-replace", "extracontainers-list",
    "env-map-unquoted", "unsigned-true", "ambiguous", "mirage-iv", "slack-disabled-creds",
    "inline-secret", "db-no-creds", "configmap-map", "grafana-old", "ascii-toggle-off",
    "bitnami-latest", "gf-install-plugins", "ephemeral",
]


# ---------------------------------------------------------------------------------------
# Pieces of values
# ---------------------------------------------------------------------------------------


def resources(r: random.Random, big=False) -> M:
    cpu = r.choice(["100m", "250m", "500m", "1", "2"] if big else ["50m", "100m", "250m"])
    mem = r.choice(["256Mi", "512Mi", "1Gi", "2Gi"] if big else ["128Mi", "256Mi"])
    res = M()
    if r.random() < 0.8:
        res.put("requests", M().put("cpu", cpu).put("memory", mem))
    res.put("limits", M().put("cpu", Raw(cpu) if cpu[0].isdigit() and r.random() < 0.2 else cpu)
            .put("memory", mem))
    return res


def shuffle_tail(r: random.Random, m: M, keep=0) -> M:
    """Shuffles a map's entries after the first `keep` (people write keys in any order)."""
    head, tail = m[:keep], m[keep:]
    if r.random() < 0.5:
        r.shuffle(tail)
    out = M()
    out.extend(head + tail)
    return out


def anchor_first(m: M, anchored: str, alias: str) -> M:
    """Moves the first `anchored` entry before the first `alias` entry (an alias must come
    after its anchor)."""
    keys = [e[0] if not isinstance(e, C) else None for e in m]
    holder = [i for i, e in enumerate(m) if keys[i] == anchored and isinstance(e[1], M)
              and any(not isinstance(x, C) and isinstance(x[1], Anchor) for x in e[1])]
    if holder and alias in keys and keys.index(alias) < holder[0]:
        entry = m.pop(holder[0])
        m.insert(keys.index(alias), entry)
    return m


def maybe_comment(r: random.Random, m: M, texts: list, p=0.3):
    if r.random() < p:
        m.append(C(r.choice(texts)))


COMMENTS = [
    "managed by the platform team, see CODEOWNERS", "TODO: move to the shared base values",
    "bumped after the 2025 incident review", "do not change without talking to #oncall-infra",
    "copied from the upstream chart's values.yaml", "see docs/runbooks/oncall.md",
    "keep in sync with terraform/grafana", "per-cluster override", "ticket OPS-1432",
    "requested by the security review", "FIXME: remove once the plugin is provisioned",
]


def provisioning_doc(ctx: Ctx, bundled=True, heavy=0) -> M:
    """A Grafana plugin provisioning document naming grafana-oncall-app."""
    r = ctx.r
    jd = M()
    keys = ["stackId", "orgId", "onCallApiUrl", "grafanaUrl", "license"]
    if r.random() < 0.4:
        r.shuffle(keys)
    for k in keys:
        if k == "stackId":
            jd.put("stackId", Raw('"5"') if ctx.d("stackid") else 5)
        elif k == "orgId":
            jd.put("orgId", 1 if ctx.d("orgid") else 100,
                   "the Grafana org" if ctx.d("orgid") and r.random() < 0.5 else None)
        elif k == "onCallApiUrl":
            key = "onCallApiUrl"
            if ctx.d("prov-typo"):
                key = r.choice(["oncallAPIURL", "onCallApiURL", "onCallUrl", "oncallApiUrl",
                                "onCallAPIUrl", "apiUrl"])
            jd.put(key, ctx.engine_url())
        elif k == "grafanaUrl":
            if r.random() < 0.6:
                jd.put("grafanaURL" if ctx.d("prov-typo") and r.random() < 0.5 else "grafanaUrl",
                       ctx.grafana_url(bundled))
        elif k == "license":
            if not ctx.d("license-missing") and r.random() < 0.7:
                jd.put("license", "OpenSource")
    for i in range(heavy):
        jd.put(r.choice(["oncallAPIURL", "onCallURL", "stackID", "orgID", "grafanaURL",
                         "license_key", "apiToken", "onCallApiUrl_", "insightDatasource",
                         "onCallApiUri", "stackid", "OrgId"]) + (f"{i}" if i >= 12 else ""),
               r.choice([5, 100, ctx.engine_url(), "OpenSource", ctx.grafana_url(bundled)]))
    app = M().put("type", "grafana-oncall-app")
    if r.random() < 0.5:
        app.put("org_id", 1)
    if r.random() < 0.3:
        app.put("disabled", False)
    if r.random() < 0.15:
        app.put("enabled", True)
    app.put("config" if ctx.d("prov-config") else "jsonData", jd)
    if r.random() < 0.4:
        sj = M().put("onCallApiToken", Raw("$ONCALL_API_TOKEN") if r.random() < 0.5
                     else "${ONCALL_API_TOKEN}")
        if r.random() < 0.3:
            sj.put("grafanaToken", "$__file{/etc/secrets/grafana-token}")
        app.put("secureJsonData", sj)
    doc = M()
    if r.random() < 0.8:
        doc.put("apiVersion", 1)
    apps = [app]
    if r.random() < 0.2:
        apps.append(M().put("type", r.choice(["grafana-incident-app", "grafana-k8s-app",
                                               "grafana-lokiexplore-app"]))
                    .put("org_id", 1).put("disabled", False))
    doc.put("apps", apps)
    return doc


def provisioning_configmap(ctx: Ctx, name: str, key: str, bundled=True, heavy=0) -> M:
    st = Style(ctx.r)
    st.flow_p = 0
    st.step = 2
    st.seq_indent = ctx.r.random() < 0.5
    text = dump(st, provisioning_doc(ctx, bundled, heavy)).rstrip("\n")
    cm = M().put("apiVersion", "v1").put("kind", "ConfigMap")
    md = M().put("name", name)
    if ctx.r.random() < 0.4:
        md.put("labels", M().put("grafana_plugin", Q("1")))
    cm.put("metadata", md)
    cm.put("data", M().put(key, Block(text, ctx.r.choice(["|", "|", "|-"]))))
    return cm


def grafana_ini(ctx: Ctx, bundled: bool, airgap=False, heavy=0) -> M:
    r = ctx.r
    ini = M()
    server = M()
    if ctx.o(0.7):
        server.put("domain", f"grafana.{ctx.domain}")
    if ctx.o(0.5):
        sub = r.random() < 0.5
        server.put("root_url", Q("%(protocol)s://%(domain)s/grafana/") if sub
                   else f"https://grafana.{ctx.domain}/")
        if sub:
            server.put("serve_from_sub_path", True)
    if server:
        ini.put("server", server)
    ft = M()
    toggles = ["externalServiceAccounts"]
    if ctx.o(0.5):
        toggles += r.sample(TOGGLES_KNOWN[1:9], r.randint(1, 3))
    if ctx.d("toggle-unknown"):
        toggles.append(r.choice(TOGGLES_WRONG))
    if ctx.d("ascii-toggle-off"):
        toggles = [t for t in toggles if t != "externalServiceAccounts"]
    if ctx.d("toggles-list"):
        ft.put("enable", toggles)
    else:
        ft.put("enable", " ".join(toggles) if r.random() < 0.2 else ",".join(toggles))
    if ctx.o(0.6):
        ft.put("accessControlOnCall", False)
    seen = {"enable", "accessControlOnCall"}
    for i in range(heavy * 3):
        name = r.choice(TOGGLES_WRONG) if i % 3 == 0 else typo(r, r.choice(TOGGLES_KNOWN), 2)
        if name not in seen:
            seen.add(name)
            ft.put(name, r.choice([True, False]))
    ini.put("feature_toggles", ft)
    if ctx.o(0.5) or airgap:
        an = M().put("reporting_enabled", False).put("check_for_updates", False)
        if airgap or r.random() < 0.5:
            an.put("check_for_plugin_updates", False)
        ini.put("analytics", an)
    if ctx.o(0.5):
        auth = M().put("managed_service_accounts_enabled", True)
        if ctx.o(0.3):
            auth.put("disable_login_form", False)
        ini.put("auth", auth)
    if ctx.o(0.3):
        ini.put("auth.anonymous", M().put("enabled", False))
    if ctx.o(0.4) or airgap:
        pl = M()
        if airgap or ctx.d("unsigned-true"):
            pl.put("allow_loading_unsigned_plugins",
                   True if ctx.d("unsigned-true") else "grafana-oncall-app")
        if airgap:
            pl.put("preinstall_disabled", True)
            if ctx.o(0.5):
                pl.put("public_key_retrieval_disabled", True)
        else:
            pl.put("enable_alpha", False)
        ini.put("plugins", pl)
    if ctx.o(0.3):
        ini.put("log", M().put("mode", "console").put("level", r.choice(["info", "warn", "debug"])))
    if ctx.o(0.3):
        db = M().put("type", "postgres").put("host", f"grafana-db.{ctx.gns}.svc:5432")
        db.put("name", "grafana").put("user", "grafana")
        if ctx.d("inline-secret"):
            db.put("password", "Grafana123!")
        else:
            db.put("password", Raw("$__file{/etc/secrets/grafana-db/password}"))
        ini.put("database", db)
    if ctx.d("ini-list"):
        ini.put("security", M().put("allowed_origins", [f"https://oncall.{ctx.domain}",
                                                        f"https://grafana.{ctx.domain}"]))
    if ctx.d("ini-unknown-section"):
        ini.put("oncall", M().put("api_url", ctx.engine_url()))
    if ctx.o(0.2):
        ini.put("unified_alerting", M().put("enabled", True))
    if ctx.o(0.15):
        ini.put("smtp", M().put("enabled", True).put("host", f"smtp.{ctx.domain}:587")
                .put("from_address", f"grafana@{ctx.domain}"))
    if heavy:
        # every section the file sets, with some keys mistyped
        written = {e[0] for e in ini if not isinstance(e, C)}
        sections = sorted({s for s, _, _ in GRAFANA_SETTINGS} - written)
        for section in r.sample(sections, min(len(sections), heavy)):
            sect = M()
            for _, k, v in r.sample([x for x in GRAFANA_SETTINGS if x[0] == section],
                                    sum(1 for x in GRAFANA_SETTINGS if x[0] == section)):
                sect.put(typo(r, k) if r.random() < 0.5 else k, v)
            ini.put(section, sect)
    return shuffle_tail(r, ini)


def grafana_env(ctx: Ctx, airgap=False, heavy=0):
    r = ctx.r
    env = M()
    if ctx.o(0.6):
        env.put("GF_AUTH_MANAGED_SERVICE_ACCOUNTS_ENABLED", r.choice([True, Q("true"), "true"]))
    if ctx.o(0.3):
        env.put("GF_FEATURE_TOGGLES_ENABLE", "externalServiceAccounts")
    if airgap:
        env.put("GF_PLUGINS_PREINSTALL_DISABLED", Q("true"))
    if ctx.d("gf-install-plugins"):
        env.put("GF_INSTALL_PLUGINS", f"grafana-oncall-app {ctx.plugin}")
    for k, v in r.sample(GF_KNOWN, r.randint(0, 4)):
        env.put(k, Q(v) if r.random() < 0.6 else v)
    if ctx.d("gf-unknown"):
        k, v = r.choice(GF_WRONG)
        env.put(k, Q(v))
    if heavy:
        names = {e[0] for e in env}
        for k, v in r.sample(GF_KNOWN, min(len(GF_KNOWN), heavy * 4)):
            k = typo(r, k, 3) if r.random() < 0.6 else k
            if k not in names:
                names.add(k)
                env.put(k, Q(v))
    if ctx.d("gf-env-list"):
        lst = [M().put("name", k).put("value", v if not isinstance(v, bool) else Q(str(v).lower()))
               for k, v, *_ in env]
        return lst
    return env


def plugin_entry(ctx: Ctx) -> str:
    r = ctx.r
    v = ctx.plugin
    if ctx.d("plugin-old"):
        v = r.choice(["1.3.115", "1.1.40", "1.9.0"])
    if ctx.d("plugin-v-prefix"):
        v = "v" + v
    form = r.random()
    if form < 0.55:
        return f"grafana-oncall-app {v}"
    if form < 0.75:
        return "grafana-oncall-app"
    if form < 0.9:
        return (f"https://grafana.com/api/plugins/grafana-oncall-app/versions/{v}/download;"
                "grafana-oncall-app")
    return f"grafana-oncall-app@{v}"


def plugins_list(ctx: Ctx) -> list:
    r = ctx.r
    items = [plugin_entry(ctx)]
    if ctx.o(0.4):
        items += r.sample(["grafana-piechart-panel", "grafana-clock-panel", "redis-datasource",
                           "grafana-polystat-panel", "yesoreyeram-infinity-datasource",
                           "grafana-github-datasource"], r.randint(1, 2))
        r.shuffle(items)
    return items


def init_container_download(ctx: Ctx) -> M:
    r = ctx.r
    v = ctx.plugin
    tool = r.choice(["curl -fsSL -o", "wget -q -O"])
    host = r.choice(["https://grafana.com/api/plugins/grafana-oncall-app/versions/{v}/download",
                     "https://github.com/grafana/oncall/releases/download/v{v}/grafana-oncall-app-{v}.zip",
                     "https://artifacts.{d}/grafana-plugins/grafana-oncall-app-{v}.zip"])
    url = host.format(v=v, d=ctx.domain)
    dest = r.choice(["/var/lib/grafana/plugins", "/var/lib/grafana/plugins", "/tmp/plugins"])
    script = "\n".join([
        "set -eu",
        f"{tool} /tmp/oncall.zip \"{url}\"",
        f"mkdir -p {dest}",
        f"rm -rf {dest}/grafana-oncall-app",
        f"unzip -q -o /tmp/oncall.zip -d {dest}",
        f"ls -la {dest}",
    ])
    c = M().put("name", r.choice(["download-oncall-plugin", "install-plugins", "fetch-oncall"]))
    c.put("image", r.choice(["curlimages/curl:8.8.0", "alpine:3.20", "busybox:1.36",
                             "docker.io/library/alpine:latest" if ctx.d("latest-tag")
                             else "alpine:3.19"]))
    c.put("command", ["sh", "-c"] if r.random() < 0.5 else Flow(["/bin/sh", "-c"]))
    c.put("args", [Block(script)])
    c.put("volumeMounts", [M().put("name", "storage").put("mountPath", "/var/lib/grafana")])
    if ctx.o(0.4):
        c.put("securityContext", M().put("runAsUser", 472).put("runAsGroup", 472))
    return c


def init_container_copy(ctx: Ctx) -> M:
    r = ctx.r
    reg = ctx.registry
    c = M().put("name", r.choice(["copy-oncall-plugin", "plugins", "oncall-plugin"]))
    c.put("image", f"{reg}/grafana-plugins/grafana-oncall-app:{ctx.plugin}")
    if ctx.o(0.5):
        c.put("imagePullPolicy", "IfNotPresent")
    c.put("command", Flow(["sh", "-c", "cp -r /plugins/grafana-oncall-app /var/lib/grafana/plugins/"])
          if r.random() < 0.4 else
          ["sh", "-c", Block("mkdir -p /var/lib/grafana/plugins\n"
                             "cp -a /plugins/grafana-oncall-app /var/lib/grafana/plugins/\n"
                             "chown -R 472:472 /var/lib/grafana/plugins/grafana-oncall-app")])
    c.put("volumeMounts", [M().put("name", "storage").put("mountPath", "/var/lib/grafana")])
    return c


def grafana_section(ctx: Ctx, airgap=False, heavy=0, for_oncall=True) -> M:
    """The grafana chart's values hosting the OnCall plugin (bundled in the oncall chart,
    or the grafana chart's own)."""
    r = ctx.r
    g = M()
    if for_oncall and r.random() < 0.7:
        g.put("enabled", True)
    image = M()
    if airgap:
        image.put("registry", ctx.registry)
        image.put("repository", "grafana/grafana")
    if ctx.o(0.7) or ctx.d("grafana-old"):
        tag = ctx.gtag
        if ctx.d("grafana-old"):
            tag = r.choice(["9.5.3", "10.2.3", "9.4.7"])
        if ctx.d("latest-tag") and r.random() < 0.4:
            tag = "latest"
        image.put("tag", Raw(tag) if ctx.d("ambiguous") and tag.count(".") == 1 else tag)
    if airgap:
        image.put("pullSecrets", [f"{ctx.registry.split('.')[0]}-pull"])
    if image:
        g.put("image", image)
    if ctx.o(0.3):
        g.put("replicas", r.randint(1, 3))
    pers = M().put("enabled", not ctx.d("ephemeral") and r.random() < 0.85)
    if ctx.o(0.5):
        pers.put("size", r.choice(["5Gi", "10Gi", "20Gi"]))
    if ctx.o(0.3):
        pers.put("storageClassName", r.choice(["gp3", "standard", "longhorn", "local-path"]))
    if ctx.d("wrong-type"):
        pers.put("enabled", Q("true"))
    g.put("persistence", pers)
    if ctx.o(0.5):
        adm = M()
        if ctx.d("inline-secret"):
            g.put("adminUser", "admin")
            g.put("adminPassword", "ch4ngeme")
        else:
            adm.put("existingSecret", "grafana-admin").put("userKey", "admin-user")
            adm.put("passwordKey", "admin-password")
            g.put("admin", adm)
    g.put("grafana.ini", grafana_ini(ctx, True, airgap, heavy))
    if airgap:
        g.put("plugins", [])
    elif not for_oncall or ctx.o(0.85):
        g.put("plugins", plugins_list(ctx))
    env = grafana_env(ctx, airgap, heavy)
    if env:
        g.put("env", env)
    inits = []
    if airgap:
        inits.append(init_container_copy(ctx))
    elif r.random() < 0.25:
        inits.append(init_container_download(ctx))
    if inits:
        g.put("extraInitContainers", inits)
    # provisioning: the oncall chart's own volume, extraObjects, extraConfigmapMounts, sidecar
    how = r.random()
    cm_name = r.choice(["oncall-plugin-provisioning", f"{ctx.release}-plugin-provisioning",
                        "grafana-oncall-app-provisioning"])
    key = r.choice(["grafana-oncall-app-provisioning.yaml", "oncall.yaml", "plugins.yaml"])
    objects = []
    if how < 0.45 or heavy:
        objects.append(provisioning_configmap(ctx, cm_name, key, for_oncall))
        if for_oncall and r.random() < 0.7 and not ctx.d("extravolumes-replace"):
            g.put("extraVolumes", [M().put("name", "provisioning")
                                   .put("configMap", M().put("name", cm_name))])
        elif not for_oncall or ctx.d("configmap-map"):
            g.put("extraConfigmapMounts", [
                M().put("name", cm_name)
                .put("configMap", M().put("name", cm_name) if ctx.d("configmap-map") else cm_name)
                .put("mountPath", f"/etc/grafana/provisioning/plugins/{key}")
                .put("subPath", key).put("readOnly", True)])
    elif how < 0.6:
        sidecar = M()
        sidecar.put("plugins", M().put("enabled", True).put("label", "grafana_plugin")
                    .put("searchNamespace", r.choice(["ALL", ctx.ns])))
        if ctx.o(0.5):
            sidecar.put("dashboards", M().put("enabled", True).put("label", "grafana_dashboard"))
        if ctx.o(0.4):
            sidecar.put("datasources", M().put("enabled", True))
        g.put("sidecar", sidecar)
        objects.append(provisioning_configmap(ctx, cm_name, key, for_oncall))
    if ctx.d("extravolumes-replace"):
        g.put("extraVolumes", [M().put("name", "dashboards").put("emptyDir", M())])
        g.put("extraVolumeMounts", [M().put("name", "dashboards").put("mountPath", "/var/lib/grafana/dashboards")])
    for i in range(heavy // 3 + 1 if heavy else 0):
        objects.append(provisioning_configmap(ctx, f"{cm_name}-{i}", key, for_oncall, heavy=4))
    if ctx.o(0.35):
        ds = M().put("apiVersion", 1).put("datasources", [
            M().put("name", "Prometheus").put("type", "prometheus").put("access", "proxy")
            .put("url", f"http://prometheus-operated.{ctx.gns}.svc:9090").put("isDefault", True),
            M().put("name", "Loki").put("type", "loki")
            .put("url", f"http://loki-gateway.{ctx.gns}.svc").put("jsonData", M().put("maxLines", 1000)),
        ])
        g.put("datasources", M().put("datasources.yaml", ds))
    if objects:
        g.put("extraObjects", objects)
    if ctx.o(0.3):
        g.put("ingress", M().put("enabled", True).put("ingressClassName", "nginx")
              .put("hosts", [f"grafana.{ctx.domain}"]).put("path", "/"))
    if ctx.o(0.25):
        g.put("resources", resources(r))
    if ctx.o(0.2):
        g.put("podAnnotations", M().put("prometheus.io/scrape", Q("true"))
              .put("sidecar.istio.io/inject", Raw("no") if ctx.d("ambiguous") else Q("false")))
    if for_oncall and ctx.d("dup-key"):
        g.put("persistence", M().put("enabled", True).put("size", "20Gi"))
    maybe_comment(r, g, COMMENTS)
    return shuffle_tail(r, g, keep=1)


def oncall_core(ctx: Ctx, airgap=False, heavy=0) -> M:
    """The oncall chart's own keys (everything but grafana/externalGrafana)."""
    r = ctx.r
    v = M()
    if airgap:
        v.put("global", M().put("imageRegistry", ctx.registry)
              .put("imagePullSecrets", [f"{ctx.registry.split('.')[0]}-pull"]))
    base = f"oncall.{ctx.domain}"
    if ctx.d("baseurl-scheme"):
        base = f"https://oncall.{ctx.domain}/"
    elif ctx.d("baseurl-placeholder"):
        base = "example.com"
    v.put("baseUrl" if ctx.d("key-typo") and r.random() < 0.3 else "base_url", base)
    if ctx.o(0.4):
        v.put("base_url_protocol", "https")
    image = M()
    if airgap:
        image.put("repository", f"{ctx.registry}/grafana/oncall")
    tag = f"v{ctx.chart}"
    if ctx.d("latest-tag"):
        tag = "latest"
    elif r.random() < 0.1:
        tag = ctx.chart
    if ctx.o(0.6) or airgap or ctx.d("latest-tag"):
        image.put("tag", tag)
    if ctx.o(0.3):
        image.put("pullPolicy", r.choice(["IfNotPresent", "Always"]))
    if image:
        v.put("image", image)
    if airgap or r.random() < 0.2:
        v.put("imagePullSecrets", [M().put("name", f"{ctx.registry.split('.')[0]}-pull")])
    eng = M().put("replicas" if ctx.d("key-typo") else "replicaCount",
                  Q(str(r.randint(1, 4))) if ctx.d("wrong-type") else r.randint(1, 4))
    eng.put("resources", Anchor("backend_res", resources(r, True)) if r.random() < 0.4
            else resources(r, True))
    write_engine = ctx.o(1.3) or ctx.d("key-typo") or ctx.d("wrong-type") or ctx.d("extracontainers-list")
    anchored = write_engine and isinstance(eng[-1][1], Anchor)
    if not anchored and isinstance(eng[-1][1], Anchor):
        eng[-1] = ("resources", eng[-1][1].value)
    if ctx.o(0.4):
        eng.put("podLabels", M().put("team", ctx.team).put("cost-center", Q(str(r.randint(1000, 9999)))))
    if ctx.d("extracontainers-list"):
        eng.put("extraContainers", [M().put("name", "cloud-sql-proxy")
                                    .put("image", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0")
                                    .put("args", ["--port=5432", f"proj:{ctx.cluster}:oncall-db"])])
    if ctx.o(0.3):
        eng.put("tolerations", [M().put("key", "dedicated").put("operator", "Equal")
                                .put("value", ctx.team).put("effect", "NoSchedule")])
    if write_engine:
        v.put("engine", shuffle_tail(r, eng))
    cel = M().put("replicaCount", r.randint(1, 3))
    cel.put("worker_concurency" if ctx.d("key-typo") else "worker_concurrency", r.choice([2, 3, 4]))
    if ctx.o(0.5):
        cel.put("worker_queue", "default,critical,long,slack,telegram,webhook,celery,grafana,retry")
    cel.put("resources", Alias("backend_res") if anchored else resources(r, True))
    if ctx.o(0.3):
        cel.put("livenessProbe", M().put("enabled", True).put("periodSeconds", 300)
                .put("timeoutSeconds", 10))
    if anchored or ctx.o(1.1) or ctx.d("key-typo"):
        v.put("celery", shuffle_tail(r, cel))
    onc = M()
    sl = M().put("enabled", not ctx.d("slack-disabled-creds") and r.random() < 0.3)
    if sl[0][1] or ctx.d("slack-disabled-creds"):
        sl.put("clientId", Q(f"{r.randint(10**9, 10**10)}.{r.randint(10**11, 10**12)}"))
        if ctx.d("inline-secret"):
            sl.put("clientSecret", "4f1c9e0d8a7b6c5d4e3f2a1b0c9d8e7f")
        else:
            sl.put("existingSecret", "oncall-slack").put("clientSecretKey", "client-secret")
            sl.put("signingSecretKey", "signing-secret")
    onc.put("slack", sl)
    if ctx.o(0.5):
        onc.put("telegram", M().put("enabled", False))
    if ctx.o(0.6):
        smtp = M().put("enabled", True).put("host", f"smtp.{ctx.domain}")
        smtp.put("port", r.choice([25, 587, 465])).put("username", "oncall")
        smtp.put("fromEmail", f"oncall@{ctx.domain}")
        if ctx.d("inline-secret"):
            smtp.put("password", "smtp-P4ss")
        onc.put("smtp", smtp)
    if ctx.o(0.5):
        onc.put("secrets", M().put("existingSecret", "oncall-secrets").put("secretKey", "SECRET_KEY")
                .put("mirageSecretKey", "MIRAGE_SECRET_KEY"))
    if ctx.d("devmode"):
        onc.put("devMode", r.choice([True, Q("false")]))
    if ctx.d("mirage-iv"):
        onc.put("mirageCipherIV", Raw("1234567890123456"))
    if ctx.o(0.2):
        onc.put("exporter", M().put("enabled", True))
    if ctx.o(1.2) or {"devmode", "mirage-iv", "slack-disabled-creds", "inline-secret"} & ctx.defects:
        v.put("oncall", onc)
    # database and broker
    kind = r.choice(["pg", "pg", "mysql", "bundled-mariadb", "bundled-pg"])
    if not (ctx.o(1.5) or airgap or ctx.d("db-no-creds") or ctx.d("inline-secret")):
        kind = "default"
    if kind == "pg":
        v.put("database", M().put("type", "postgresql"))
        v.put("mariadb", M().put("enabled", False))
        if ctx.o(0.7):
            v.put("postgresql", M().put("enabled", False))
        ep = M().put("host", f"pg-{r.randint(1, 40)}.db.{ctx.domain}").put("port", 5432)
        ep.put("db_name", "oncall").put("user", "oncall")
        if ctx.d("inline-secret"):
            ep.put("password", "s3cr3t-oncall")
        elif not ctx.d("db-no-creds"):
            ep.put("existingSecret", "oncall-db").put("passwordKey", "password")
        if ctx.o(0.2):
            ep.put("options", Raw("sslmode=require"))
        v.put("externalPostgresql", ep)
    elif kind == "mysql":
        v.put("mariadb", M().put("enabled", False))
        em = M().put("host", f"mysql.{ctx.domain}").put("port", 3306).put("db_name", "oncall")
        em.put("user", "oncall")
        if not ctx.d("db-no-creds"):
            em.put("existingSecret", "oncall-mysql").put("passwordKey", "mysql-password")
        v.put("externalMysql", em)
    elif kind == "bundled-mariadb":
        md = M()
        if airgap or r.random() < 0.5:
            img = M()
            if airgap:
                img.put("registry", ctx.registry)
            img.put("repository", "bitnamilegacy/mariadb")
            img.put("tag", "latest" if ctx.d("bitnami-latest") else "12.0.2-debian-12-r0")
            md.put("image", img)
            md.put("global", M().put("security", M().put("allowInsecureImages", True)))
        md.put("auth", M().put("existingSecret", "oncall-mariadb"))
        v.put("mariadb", md)
    elif kind == "bundled-pg":
        v.put("database", M().put("type", "postgresql"))
        v.put("mariadb", M().put("enabled", False))
        pg = M().put("enabled", True)
        if airgap or r.random() < 0.5:
            pg.put("image", M().put("registry", ctx.registry if airgap else "docker.io")
                   .put("repository", "bitnamilegacy/postgresql")
                   .put("tag", "latest" if ctx.d("bitnami-latest") else "16.4.0-debian-12-r0"))
        pg.put("auth", M().put("existingSecret", "oncall-pg").put("database", "oncall"))
        v.put("postgresql", pg)
    broker = r.choice(["redis", "redis", "rabbitmq", "external-redis"])
    if not (ctx.o(1.2) or airgap or ctx.d("db-no-creds")):
        broker = "default"
    if broker == "redis":
        v.put("broker", M().put("type", "redis"))
        v.put("rabbitmq", M().put("enabled", False))
        rd = M()
        if airgap or r.random() < 0.5:
            rd.put("image", M().put("registry", ctx.registry if airgap else "docker.io")
                   .put("repository", "bitnamilegacy/redis"))
        rd.put("architecture", r.choice(["standalone", "replication"]))
        rd.put("auth", M().put("existingSecret", "oncall-redis")
               .put("existingSecretPasswordKey", "redis-password"))
        v.put("redis", rd)
    elif broker == "external-redis":
        v.put("broker", M().put("type", "redis"))
        v.put("rabbitmq", M().put("enabled", False))
        v.put("redis", M().put("enabled", False))
        er = M().put("host", f"redis.{ctx.domain}").put("port", 6379)
        if not ctx.d("db-no-creds"):
            er.put("existingSecret", "oncall-redis").put("passwordKey", "redis-password")
        v.put("externalRedis", er)
    elif broker == "rabbitmq":
        rb = M()
        if airgap or r.random() < 0.5:
            rb.put("image", M().put("registry", ctx.registry if airgap else "docker.io")
                   .put("repository", "bitnamilegacy/rabbitmq"))
        rb.put("auth", M().put("existingPasswordSecret", "oncall-rabbitmq"))
        v.put("rabbitmq", rb)
    ing = M().put("enabled", r.random() < 0.8)
    ann = M()
    if ctx.o(0.6):
        ann.put("cert-manager.io/cluster-issuer", r.choice(["letsencrypt", "corp-ca", "letsencrypt-prod"]))
    if ctx.o(0.3):
        ann.put("nginx.ingress.kubernetes.io/proxy-body-size", Q("10m"))
    if ctx.o(0.3):
        ann.put("cert-manager.io/issuer", None)
    if ann:
        ing.put("annotations", ann)
    if ctx.o(0.6):
        ing.put("className", r.choice(["nginx", "nginx-internal", "traefik", "alb"]))
    if ctx.o(0.5):
        ing.put("tls", [M().put("hosts", [f"oncall.{ctx.domain}"]).put("secretName", "oncall-tls")])
    if ctx.o(1.2):
        v.put("ingress", ing)
    if ctx.o(0.8):
        v.put("ingress-nginx", M().put("enabled", False))
    if ctx.o(0.8):
        cm = M().put("enabled", False)
        v.put("cert-manager", cm)
    env = None
    if ctx.d("env-map-unquoted"):
        env = M().put("FEATURE_PROMETHEUS_EXPORTER_ENABLED", True).put("SELF_HOSTED_STACK_ID", 5)
        env.put("SEND_ANONYMOUS_USAGE_STATS", False)
    elif r.random() < 0.4:
        env = [M().put("name", "FEATURE_PROMETHEUS_EXPORTER_ENABLED").put("value", Q("True")),
               M().put("name", "SEND_ANONYMOUS_USAGE_STATS").put("value", Q("False"))]
        if airgap:
            env.append(M().put("name", "GRAFANA_CLOUD_ONCALL_HEARTBEAT_ENABLED").put("value", Q("False")))
            env.append(M().put("name", "GRAFANA_CLOUD_NOTIFICATIONS_ENABLED").put("value", Q("False")))
    if env is not None:
        v.put("env", env)
    if ctx.o(0.3):
        v.put("migrate", M().put("ttlSecondsAfterFinished", 3600).put("useHook", r.random() < 0.5))
    if ctx.o(0.2):
        v.put("detached_integrations", M().put("enabled", True).put("replicaCount", 2))
    if ctx.o(0.15):
        v.put("telegramPolling", M().put("enabled", False))
    if ctx.o(0.2):
        v.put("podAnnotations", M().put("prometheus.io/scrape", Q("true"))
              .put("team", ctx.team).put("linkerd.io/inject", Raw("on") if ctx.d("ambiguous") else "enabled"))
    if ctx.d("dup-key"):
        v.put("engine", M().put("replicaCount", 2))
    if heavy:
        # a decade of per-team annotations merged by hand, many of them twice
        ann = M()
        keys = [f"{t}.teams.{ctx.domain}/{what}" for t in TEAMS
                for what in ("owner", "tier", "slack", "runbook", "escalation")]
        keys = r.sample(keys, min(len(keys), heavy * 3))
        for k in keys + r.sample(keys, len(keys)):
            ann.put(k, Q(r.choice(["gold", "silver", "bronze", "#oncall", "team-lead"])))
        v.put("podAnnotations", ann)
    return v


def oncall_values(ctx: Ctx, external=False, airgap=False, heavy=0) -> M:
    r = ctx.r
    v = oncall_core(ctx, airgap, heavy)
    if external:
        g = M().put("enabled", Q("false") if ctx.d("wrong-type") else False)
        if ctx.d("extgrafana-ignored"):
            g = M().put("enabled", True)
        v.put("grafana", g)
        url = f"http://grafana.{ctx.gns}.svc.cluster.local:80"
        if ctx.d("extgrafana-localhost"):
            url = "http://localhost:3000"
        elif ctx.d("extgrafana-noscheme"):
            url = f"grafana.{ctx.gns}.svc"
        elif r.random() < 0.3:
            url = f"https://grafana.{ctx.domain}"
        v.put("externalGrafana", M().put("URL" if ctx.d("key-typo") and r.random() < 0.5 else "url", url))
    else:
        v.put("grafana", grafana_section(ctx, airgap, heavy))
        if ctx.d("extgrafana-ignored"):
            v.put("externalGrafana", M().put("url", f"http://grafana.{ctx.gns}.svc:80"))
    # the order people write a values file in varies: keep global/base_url first sometimes
    keep = 2 if r.random() < 0.6 else 0
    return anchor_first(shuffle_tail(r, v, keep), "engine", "celery")


def header(ctx: Ctx, what: str) -> list:
    r = ctx.r
    lines = [r.choice([
        f"{what} for {ctx.cluster}",
        f"{what} ({ctx.team} team)",
        f"{ctx.cluster}: {what}",
        f"{what}. Owner: {ctx.team}@{ctx.domain}",
    ])]
    if r.random() < 0.4:
        lines.append(r.choice(COMMENTS))
    if r.random() < 0.2:
        lines.append(f"yaml-language-server: $schema=https://raw.githubusercontent.com/grafana/oncall/v{ctx.chart}/helm/oncall/values.schema.json")
    return lines


# ---------------------------------------------------------------------------------------
# Shapes: each returns (relative path, text) pairs
# ---------------------------------------------------------------------------------------


def shape_bundled(i, r, ctx, st):
    name = r.choice([f"envs/{ctx.cluster}/oncall-{i:04d}-values.yaml",
                     f"envs/{ctx.cluster}/values-{i:04d}.yaml",
                     f"deploy/{ctx.team}/oncall/values-{ctx.cluster}-{i:04d}.yaml"])
    return [(name, dump(st, oncall_values(ctx), header(ctx, "Grafana OnCall with its bundled Grafana")))]


def shape_external(i, r, ctx, st):
    name = r.choice([f"envs/{ctx.cluster}/oncall-{i:04d}-values.yaml",
                     f"apps/oncall/{ctx.cluster}/{i:04d}.values.yaml"])
    return [(name, dump(st, oncall_values(ctx, external=True),
                        header(ctx, "OnCall against the monitoring stack's Grafana")))]


def shape_airgap(i, r, ctx, st):
    ext = r.random() < 0.25
    name = f"airgap/{ctx.cluster}/oncall-{i:04d}-values.yaml"
    hdr = header(ctx, "air-gapped OnCall: every image from " + ctx.registry)
    return [(name, dump(st, oncall_values(ctx, external=ext, airgap=True), hdr))]


OTHER_SUBCHARTS = ["loki", "tempo", "mimir", "promtail", "alloy", "blackbox", "pyroscope",
                   "kube-state-metrics", "postgres-operator", "external-secrets"]


def other_subchart(ctx: Ctx, name: str, depth: int = 3) -> M:
    r = ctx.r
    m = M().put("enabled", r.random() < 0.8)
    if r.random() < 0.6:
        m.put("image", M().put("repository", f"grafana/{name}").put("tag", f"{r.randint(1, 3)}.{r.randint(0, 12)}.{r.randint(0, 9)}"))
    m.put("resources", resources(r))
    if depth > 0:
        cfg = M()
        for j in range(r.randint(2, 4)):
            cfg.put(r.choice(["limits", "server", "storage", "ruler", "compactor", "ingester",
                              "querier", "distributor", "frontend"]) + (f"_{j}" if j else ""),
                    other_subchart_leaf(ctx, depth - 1))
        m.put("config" if r.random() < 0.5 else name.replace("-", "_"), cfg)
    return m


def other_subchart_leaf(ctx: Ctx, depth: int):
    r = ctx.r
    m = M()
    for j in range(r.randint(2, 5)):
        k = r.choice(["max_streams", "retention_period", "replication_factor", "port",
                      "log_level", "chunk_idle_period", "timeout", "concurrency", "bucket",
                      "endpoint", "region", "enabled", "path_prefix", "ttl"])
        v = r.choice([r.randint(1, 100000), "744h", "info", True, f"s3.{ctx.domain}",
                      "eu-west-1", Q("30s"), f"/data/{k}"])
        m.put(f"{k}_{j}" if j else k, v)
    if depth > 0 and r.random() < 0.7:
        m.put(r.choice(["backend", "s3", "gcs", "memberlist", "ring", "kvstore"]),
              other_subchart_leaf(ctx, depth - 1))
    return m


def shape_umbrella(i, r, ctx, st):
    alias = r.choice(["oncall", "alerting", "irm", "oncall-app", "incident", "grafana-oncall",
                      "paging"])
    ext = r.random() < 0.45
    doc = M()
    if r.random() < 0.5:
        doc.put("global", M().put("clusterName", ctx.cluster)
                .put("imagePullSecrets", [M().put("name", "regcred")]))
    if r.random() < 0.3:
        doc.put("x-resources", Anchor("small", resources(r)))
    others = r.sample(OTHER_SUBCHARTS, r.randint(1, 2))
    inner = oncall_values(ctx, external=ext)
    entries = [(alias, inner)] + [(o, other_subchart(ctx, o, r.randint(0, 2))) for o in others]
    r.shuffle(entries)
    for k, v in entries:
        doc.put(k, v)
    if r.random() < 0.2:
        doc.put("alertmanagerConfig", M().put("enabled", True).put("receivers", [
            M().put("name", "oncall").put("webhook_configs", [
                M().put("url", f"http://{ctx.release}-engine.{ctx.ns}:8080/integrations/v1/alertmanager/abc123/")])]))
    name = r.choice([f"platform/{alias}-stack/values-{ctx.cluster}-{i:04d}.yaml",
                     f"umbrella/{ctx.team}/{i:04d}-values.yaml"])
    return [(name, dump(st, doc, header(ctx, f"umbrella chart: OnCall as dependency `{alias}`")))]


def grafana_standalone(ctx: Ctx, airgap=False) -> M:
    r = ctx.r
    g = grafana_section(ctx, airgap, for_oncall=False)
    if r.random() < 0.4:
        g.put("service", M().put("type", "ClusterIP").put("port", 80))
    if r.random() < 0.3:
        g.put("testFramework", M().put("enabled", False))
    if r.random() < 0.4:
        g.put("dashboardProviders", M().put("dashboardproviders.yaml", M().put("apiVersion", 1).put(
            "providers", [M().put("name", "default").put("orgId", 1).put("folder", "")
                          .put("type", "file").put("disableDeletion", False)
                          .put("options", M().put("path", "/var/lib/grafana/dashboards/default"))])))
    if airgap:
        g.put("global", M().put("imageRegistry", ctx.registry))
        g.put("initChownData", M().put("enabled", False))
    return g


def shape_grafana(i, r, ctx, st):
    doc = grafana_standalone(ctx, airgap=r.random() < 0.3)
    name = r.choice([f"monitoring/grafana/{ctx.cluster}-{i:04d}-values.yaml",
                     f"monitoring/grafana/values-{ctx.cluster}-{i:04d}.yaml"])
    return [(name, dump(st, doc, header(ctx, "grafana chart, hosts the OnCall app plugin")))]


def kps_values(ctx: Ctx) -> M:
    r = ctx.r
    doc = M()
    if r.random() < 0.4:
        doc.put("fullnameOverride", r.choice(["kps", "monitoring", "prom"]))
    if r.random() < 0.5:
        doc.put("defaultRules", M().put("create", True).put("rules", M().put("etcd", False)
                                                              .put("kubeScheduler", False)))
    am = M().put("enabled", True)
    cfg = M().put("global", M().put("resolve_timeout", "5m"))
    cfg.put("route", M().put("receiver", "oncall").put("group_by", ["alertname", "namespace"])
            .put("routes", [M().put("receiver", "null").put("matchers", [Q('alertname = "Watchdog"')])]))
    cfg.put("receivers", [
        M().put("name", "null"),
        M().put("name", "oncall").put("webhook_configs", [
            M().put("url", f"http://{ctx.release}-engine.{ctx.ns}.svc:8080/integrations/v1/alertmanager/{r.randrange(16**12):012x}/")
            .put("send_resolved", True)])])
    am.put("config", cfg)
    am.put("alertmanagerSpec", M().put("replicas", r.randint(1, 3)).put("retention", "120h"))
    doc.put("alertmanager", am)
    prom = M().put("prometheusSpec", M().put("retention", r.choice(["15d", "30d"]))
                   .put("serviceMonitorSelectorNilUsesHelmValues", False)
                   .put("resources", resources(r, True)))
    doc.put("prometheus", prom)
    g = grafana_section(ctx, for_oncall=False)
    g.put("enabled", True)
    if r.random() < 0.4:
        g.put("forceDeployDatasources", False)
        g.put("defaultDashboardsTimezone", "utc")
    doc.put("grafana", g)
    doc.put("kubeStateMetrics", M().put("enabled", True))
    doc.put("nodeExporter", M().put("enabled", r.random() < 0.9))
    if r.random() < 0.5:
        doc.put("prometheusOperator", M().put("admissionWebhooks", M().put("enabled", True)))
    return shuffle_tail(r, doc)


def shape_kps(i, r, ctx, st):
    name = f"monitoring/kube-prometheus-stack/{ctx.cluster}-{i:04d}-values.yaml"
    return [(name, dump(st, kps_values(ctx), header(ctx, "kube-prometheus-stack, Grafana hosts OnCall")))]


def dump_nested(st: Style, values: M, by: int) -> str:
    return indent_text(dump(st, values), by)


def flux_helmrelease(ctx: Ctx, st: Style, name: str, chart: str, version, values_text: str,
                     values_from=None) -> str:
    r = ctx.r
    api = r.choice(["helm.toolkit.fluxcd.io/v2", "helm.toolkit.fluxcd.io/v2",
                    "helm.toolkit.fluxcd.io/v2beta2", "helm.toolkit.fluxcd.io/v2beta1"])
    lines = [f"apiVersion: {api}", "kind: HelmRelease", "metadata:", f"  name: {name}",
             f"  namespace: {ctx.ns if chart == 'oncall' else ctx.gns}", "spec:",
             f"  interval: {r.choice(['5m', '10m', '30m', '1h'])}"]
    if r.random() < 0.4:
        lines.append(f"  releaseName: {ctx.release if chart == 'oncall' else name}")
    if r.random() < 0.3:
        lines += ["  install:", "    remediation:", "      retries: 3", "  upgrade:",
                  "    remediation:", "      remediateLastFailure: true"]
    lines += ["  chart:", "    spec:", f"      chart: {chart}"]
    if version:
        lines.append(f"      version: {version}")
    lines += ["      sourceRef:", "        kind: HelmRepository",
              f"        name: {r.choice(['grafana', 'grafana-charts', 'prometheus-community'] if chart != 'oncall' else ['grafana', 'grafana-charts'])}",
              "        namespace: flux-system"]
    if values_from:
        lines += ["  valuesFrom:", "    - kind: ConfigMap", f"      name: {values_from}"]
        if r.random() < 0.5:
            lines.append("      valuesKey: values.yaml")
    if values_text:
        lines.append("  values:")
        lines.append(values_text)
    return "\n".join(lines) + "\n"


def shape_flux(i, r, ctx, st):
    d = f"clusters/{ctx.cluster}/{r.choice(['oncall', 'apps', 'irm'])}"
    kind = r.random()
    out = []
    name = r.choice(["oncall", "grafana-oncall", "irm", f"oncall-{ctx.team}"]) + f"-{i:04d}"
    if kind < 0.6:
        values = oncall_values(ctx, external=r.random() < 0.5)
        text = flux_helmrelease(ctx, st, name, "oncall", r.choice([ctx.chart, ctx.chart, "1.16.x", "~1.16.0", None]),
                                dump_nested(st, values, 4))
    elif kind < 0.8:
        cm = f"{name}-values"
        values = oncall_values(ctx, external=r.random() < 0.5)
        cm_text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                   f"  name: {cm}\n  namespace: {ctx.ns}\ndata:\n  values.yaml: |\n"
                   + indent_text(dump(st, values), 4) + "\n")
        out.append((f"{d}/{name}-values-configmap.yaml", cm_text))
        small = M().put("ingress", M().put("enabled", True))
        text = flux_helmrelease(ctx, st, name, "oncall", ctx.chart, dump_nested(st, small, 4)
                                if r.random() < 0.5 else "", values_from=cm)
    else:
        # the monitoring stack's Grafana hosts the plugin
        values = kps_values(ctx) if r.random() < 0.6 else grafana_standalone(ctx)
        chart = "kube-prometheus-stack" if values.__class__ is M and any(
            not isinstance(e, C) and e[0] == "prometheus" for e in values) else "grafana"
        ver = r.choice(KPS_VERSIONS) if chart == "kube-prometheus-stack" else r.choice(GRAFANA_CHART_VERSIONS)
        text = flux_helmrelease(ctx, st, f"{chart}-{i:04d}", chart, ver, dump_nested(st, values, 4))
    if r.random() < 0.3:
        repo = ("apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n"
                "  name: grafana\n  namespace: flux-system\nspec:\n  interval: 1h\n"
                "  url: https://grafana.github.io/helm-charts\n---\n")
        text = repo + text
    if r.random() < 0.3:
        text = "---\n" + text
    out.append((f"{d}/{name}-helmrelease.yaml", text))
    return out


def argo_app(ctx: Ctx, st: Style, name: str, chart: str, version: str, helm_lines: list) -> str:
    r = ctx.r
    lines = ["apiVersion: argoproj.io/v1alpha1", "kind: Application", "metadata:",
             f"  name: {name}", "  namespace: argocd"]
    if r.random() < 0.4:
        lines += ["  finalizers:", "    - resources-finalizer.argocd.argoproj.io"]
    lines += ["spec:", f"  project: {r.choice(['default', ctx.team, 'platform'])}", "  source:",
              f"    repoURL: {r.choice(['https://grafana.github.io/helm-charts', 'https://grafana-community.github.io/helm-charts'] if chart == 'grafana' else ['https://grafana.github.io/helm-charts'])}",
              f"    chart: {chart}", f"    targetRevision: {version}", "    helm:"]
    if r.random() < 0.4:
        lines.append(f"      releaseName: {ctx.release}")
    lines += helm_lines
    lines += ["  destination:", "    server: https://kubernetes.default.svc",
              f"    namespace: {ctx.ns}"]
    if r.random() < 0.6:
        lines += ["  syncPolicy:", "    automated:", "      prune: true", "      selfHeal: true",
                  "    syncOptions:", "      - CreateNamespace=true"]
    return "\n".join(lines) + "\n"


def shape_argo_object(i, r, ctx, st):
    name = f"{r.choice(['oncall', 'irm', 'grafana-oncall'])}-{ctx.cluster}-{i:04d}"
    values = oncall_values(ctx, external=r.random() < 0.5, airgap=r.random() < 0.1)
    helm = ["      valuesObject:", dump_nested(st, values, 8)]
    if r.random() < 0.3:
        helm = ["      parameters:", "        - name: image.pullPolicy", "          value: IfNotPresent"] + helm
    return [(f"argocd/apps/{ctx.cluster}/{name}.yaml",
             argo_app(ctx, st, name, "oncall", r.choice([ctx.chart, ctx.chart, "1.16.*"]), helm))]


def shape_argo_string(i, r, ctx, st):
    name = f"{r.choice(['oncall', 'irm'])}-{ctx.cluster}-{i:04d}"
    values = oncall_values(ctx, external=r.random() < 0.5)
    helm = ["      values: |", indent_text(dump(st, values, header(ctx, "values")), 8)]
    return [(f"argocd/apps/{ctx.cluster}/{name}.yaml",
             argo_app(ctx, st, name, "oncall", ctx.chart, helm))]


def shape_helmfile(i, r, ctx, st):
    doc = M()
    doc.put("repositories", [M().put("name", "grafana").put("url", "https://grafana.github.io/helm-charts"),
                             M().put("name", "podinfo").put("url", "https://stefanprodan.github.io/podinfo")])
    if r.random() < 0.4:
        doc.put("helmDefaults", M().put("wait", True).put("timeout", 600).put("createNamespace", True))
    use_anchor = r.random() < 0.4
    if use_anchor:
        doc.put("templates", M().put("default", Anchor("default", M().put("namespace", ctx.ns)
                                                     .put("missingFileHandler", "Warn"))))
    rel = M()
    if use_anchor:
        rel.put("<<", Alias("default"))
    rel.put("name", ctx.release)
    if not use_anchor:
        rel.put("namespace", ctx.ns)
    rel.put("chart", "grafana/oncall").put("version", ctx.chart)
    vals = []
    if r.random() < 0.3:
        vals.append(f"values/{ctx.cluster}/oncall.yaml")
    vals.append(oncall_values(ctx, external=r.random() < 0.5))
    rel.put("values", vals)
    if r.random() < 0.4:
        rel.put("set", [M().put("name", "externalGrafana.url").put("value", f"http://grafana.{ctx.gns}.svc:80")])
    rels = [rel]
    if r.random() < 0.5:
        rels.append(M().put("name", "podinfo").put("namespace", "podinfo").put("chart", "podinfo/podinfo")
                    .put("values", [M().put("replicaCount", 2)]))
    if r.random() < 0.3:
        rels.append(M().put("name", "grafana").put("namespace", ctx.gns).put("chart", "grafana/grafana")
                    .put("version", r.choice(GRAFANA_CHART_VERSIONS))
                    .put("values", [grafana_standalone(ctx)]))
    doc.put("releases", rels)
    if r.random() < 0.6:
        path = f"helmfile/{ctx.cluster}-{i:04d}/helmfile.yaml"
    else:
        path = f"helmfile/{ctx.cluster}/helmfile.d/{i:04d}-oncall.yaml"
    return [(path, dump(st, doc, header(ctx, "helmfile")))]


def shape_kustomize(i, r, ctx, st):
    doc = M()
    if r.random() < 0.8:
        doc.put("apiVersion", "kustomize.config.k8s.io/v1beta1").put("kind", "Kustomization")
    doc.put("namespace", ctx.ns)
    if r.random() < 0.5:
        doc.put("resources", ["namespace.yaml", "secrets.enc.yaml"])
    hc = M().put("name", "oncall").put("repo", "https://grafana.github.io/helm-charts")
    hc.put("version", ctx.chart).put("releaseName", ctx.release).put("namespace", ctx.ns)
    if r.random() < 0.3:
        hc.put("includeCRDs", False)
    hc.put("valuesInline", oncall_values(ctx, external=r.random() < 0.5))
    charts = [hc]
    doc.put("helmCharts", charts)
    if r.random() < 0.3:
        doc.put("commonLabels", M().put("app.kubernetes.io/part-of", "oncall").put("team", ctx.team))
    return [(f"kustomize/{ctx.cluster}-{i:04d}/kustomization.yaml", dump(st, doc, header(ctx, "kustomize overlay")))]


def shape_provisioning(i, r, ctx, st):
    doc = provisioning_doc(ctx, bundled=r.random() < 0.5)
    path = r.choice([f"grafana/provisioning/plugins/oncall-{i:04d}.yaml",
                     f"ansible/roles/grafana/files/provisioning/plugins/{ctx.cluster}-{i:04d}.yaml"])
    return [(path, dump(st, doc, header(ctx, "Grafana plugin provisioning: OnCall app")))]


HEAVY_TYPOS = {
    "engine": ["replica_count", "replicas", "resource", "tolleration", "nodeselector",
               "podLabel", "affinty", "extraContainer", "extraVolume", "priorityClass",
               "updateStratergy", "topologySpreadConstraint"],
    "celery": ["worker_concurency", "worker_queues", "worker_beat_enable", "replicas",
               "resource", "liveness_probe", "worker_max_task_per_child", "nodeselector"],
    "oncall": ["slak", "telegarm", "smpt", "twillio", "secret", "devmode", "exporters",
               "mirageCipherIv"],
    "ingress": ["enable", "annotation", "classname", "tlss", "extraPath", "hosts", "host"],
    "migrate": ["enable", "ttlSecondsAfterFinish", "usehook", "annotation", "resource"],
    "image": ["tags", "repo", "pullpolicy", "registry"],
}
TOP_TYPOS = ["baseURL", "base_uri", "externalGrafanaUrl", "grafna", "celery_workers", "engines",
             "imagePullSecret", "ingres", "podAnnotation", "nodeSelector", "tolerations",
             "affinity", "externalPostgres", "externalRedis_", "database_type", "brokers",
             "telegram", "slack", "smtp", "resources", "replicaCount", "serviceMonitor"]


def make_heavy(ctx: Ctx):
    """The mistakes of a file merged from years of copy-paste."""
    r = ctx.r
    ctx.defects |= set(r.sample(DEFECTS, 14)) | {"bitnami-latest", "gf-unknown", "toggle-unknown"}
    # mistakes that would hide the per-key ones (a list for `env`, an unknown Grafana)
    ctx.defects -= {"gf-env-list", "toggles-list", "grafana-old", "latest-tag"}
    ctx.gtag = r.choice(["12.0.2", "12.1.1", "12.2.0"])
    ctx.verbose = 1.0


def shape_heavy(i, r, ctx, st):
    """A values file merged from years of copy-paste: hundreds of findings."""
    make_heavy(ctx)
    v = oncall_values(ctx, heavy=r.randint(13, 20))
    # typos of keys, at many levels, one section at a time (each is an unknown key)
    sections = {e[0]: e[1] for e in v if not isinstance(e, C) and isinstance(e[1], M)}
    for name, typos in HEAVY_TYPOS.items():
        section = sections.get(name)
        if section is None:
            section = M()
            v.put(name, section)
        for k in r.sample(typos, r.randint(len(typos) // 2, len(typos))):
            section.put(k, r.choice([r.randint(1, 5), True, "enabled", M().put("x", 1)]))
    for k in r.sample(TOP_TYPOS, r.randint(8, len(TOP_TYPOS))):
        v.put(k, r.choice([r.randint(1, 5), f"https://oncall.{ctx.domain}", M().put("enabled", True)]))
    return [(f"legacy/{ctx.team}/oncall-{i:04d}-values.yaml",
             dump(st, v, header(ctx, "legacy values, merged from every team's fork")))]


SHAPES = [
    ("oncall-bundled", 22, shape_bundled, (0, 4)),
    ("oncall-external", 13, shape_external, (0, 3)),
    ("oncall-airgap", 10, shape_airgap, (0, 4)),
    ("umbrella", 10, shape_umbrella, (0, 3)),
    ("grafana-chart", 6, shape_grafana, (0, 3)),
    ("kube-prometheus-stack", 7, shape_kps, (0, 3)),
    ("flux", 8, shape_flux, (0, 3)),
    ("argo-valuesObject", 5, shape_argo_object, (0, 3)),
    ("argo-values-string", 4, shape_argo_string, (0, 3)),
    ("helmfile", 4, shape_helmfile, (0, 3)),
    ("kustomize", 3, shape_kustomize, (0, 3)),
    ("provisioning", 5, shape_provisioning, (0, 3)),
    ("heavy", 3, shape_heavy, (6, 10)),
]


def plan(count: int) -> list:
    """Which shape each file index gets: the shares above, interleaved deterministically."""
    total = sum(s[1] for s in SHAPES)
    shapes = []
    for name, share, fn, defects in SHAPES:
        shapes += [(name, fn, defects)] * max(1, round(count * share / total))
    r = random.Random(SEED)
    r.shuffle(shapes)
    while len(shapes) < count:
        shapes.append(shapes[len(shapes) % max(1, len(shapes))])
    return shapes


# ---------------------------------------------------------------------------------------
# The umbrella: ~5 MB
# ---------------------------------------------------------------------------------------


def umbrella(target: int) -> str:
    r = random.Random(SEED + 1)
    parts = ["# platform umbrella chart: OnCall per region (aliased dependencies), the LGTM",
             "# stack and per-tenant overrides. Generated from the tenant registry; edited by hand",
             "# ever since.", ""]
    size = sum(len(p) + 1 for p in parts)
    st = Style(r)
    st.step, st.flow_p, st.quote = 2, 0.1, "plain"
    head = M()
    head.put("global", M().put("imageRegistry", "harbor.corp.internal")
             .put("imagePullSecrets", [M().put("name", "harbor-pull")]))
    head.put("x-defaults", Anchor("defaults", M().put("resources", resources(r)).put("podLabels", M().put("tier", "platform"))))
    ctx = Ctx(r, 0)
    make_heavy(ctx)
    ctx.release, ctx.ns = "platform-oncall", "oncall"
    main = oncall_values(ctx, heavy=40)
    # the region everyone copies from spells out the chart's values in full, so it is the
    # one a reader (and oncall-lint) takes for the oncall chart's
    main.put("fullnameOverride", "oncall")
    main.put("service", M().put("enabled", True).put("type", "ClusterIP").put("port", 8080)
             .put("annotations", M()))
    main.put("serviceAccount", M().put("create", True).put("annotations", M())
             .put("name", None))
    main.put("podSecurityContext", M().put("runAsNonRoot", True).put("runAsUser", 1000))
    main.put("securityContext", M().put("readOnlyRootFilesystem", False)
             .put("allowPrivilegeEscalation", False))
    main.put("uwsgi", M().put("listen", 1024))
    main.put("ui", M().put("enabled", False))
    main.put("prometheus", M().put("enabled", False))
    main.put("detached_integrations_service", M().put("enabled", False))
    main.put("telegramPolling", M().put("enabled", False))
    main.put("migrate", M().put("enabled", True).put("ttlSecondsAfterFinished", 20))
    head.put("oncall", main)
    text = dump(st, head)
    parts.append(text)
    size += len(text) + 1
    n = 0
    while size < target:
        ctx = Ctx(r, r.randint(1, 6))
        kind = n % 5
        block = M()
        if kind == 0:
            alias = f"oncall-{r.choice(['eu', 'us', 'ap', 'sa', 'me'])}{n:04d}"
            inner = oncall_values(ctx, external=r.random() < 0.5, heavy=r.randint(0, 2))
            block.put(alias, inner)
        elif kind in (1, 2):
            t = M().put("<<", Alias("defaults")).put("enabled", True)
            t.put("limits", other_subchart_leaf(ctx, 4))
            t.put("ruler", M().put("alertmanager_url", f"http://{ctx.release}-engine.{ctx.ns}:8080/integrations/v1/alertmanager/{n:06x}/")
                  .put("rules", [M().put("alert", f"Tenant{n}High").put("expr", Block(f"sum(rate(errors_total{{tenant=\"t{n}\"}}[5m]))\n  > {r.randint(1, 99)}"))
                                 .put("for", "5m").put("labels", M().put("severity", r.choice(["critical", "warning"])))]))
            t.put("overrides", other_subchart(ctx, "mimir", 4))
            block.put(f"tenant-{n:05d}", t)
        elif kind == 3:
            block.put(f"{r.choice(OTHER_SUBCHARTS)}-{n:05d}", other_subchart(ctx, "loki", 5))
        else:
            cms = [provisioning_configmap(ctx, f"oncall-provisioning-{n}-{j}", "oncall.yaml", True,
                                          heavy=r.randint(0, 2)) for j in range(3)]
            block.put(f"grafana-{n:05d}", M().put("enabled", True)
                      .put("plugins", plugins_list(ctx)).put("grafana.ini", grafana_ini(ctx, True, heavy=2))
                      .put("env", grafana_env(ctx, heavy=4)).put("extraObjects", cms))
        text = dump(st, block)
        parts.append(text)
        size += len(text) + 1
        n += 1
    return "\n".join(parts)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(out, exist_ok=True)
    written = 0
    total = 0
    by_shape = {}
    for i, (name, fn, (lo, hi)) in enumerate(plan(count)):
        if written >= count:
            break
        r = random.Random(SEED * 1000 + i)
        ctx = Ctx(r, r.randint(lo, hi))
        st = Style(r)
        files = fn(i, r, ctx, st)
        if len(files) > count - written:
            # a release in two files (HelmRelease and its ConfigMap) does not fit: one file
            r = random.Random(SEED * 1000 + i)
            ctx = Ctx(r, r.randint(lo, hi))
            st = Style(r)
            name, files = "oncall-bundled", shape_bundled(i, r, ctx, st)
        for rel, text in files[: count - written]:
            path = os.path.join(out, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            total += len(text.encode())
            written += 1
            by_shape[name] = by_shape.get(name, 0) + 1
    text = umbrella(5_000_000)
    with open(os.path.join(out, "umbrella-values.yaml"), "w", encoding="utf-8") as f:
        f.write(text)
    shapes = ", ".join(f"{k} {v}" for k, v in sorted(by_shape.items()))
    print(f"wrote {written} files ({total} bytes) and umbrella-values.yaml "
          f"({len(text.encode())} bytes) to {out}: {shapes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
