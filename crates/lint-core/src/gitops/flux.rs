//! Flux `HelmRelease` (`helm.toolkit.fluxcd.io` v2beta1, v2beta2, v2). Flux's
//! helm-controller installs the chart `spec.chart.spec` names under `spec.releaseName` or
//! a name it derives, merging the `valuesFrom` objects in order and `spec.values` last: the
//! values a repository declares for the release are only known by reading them the same way.

use super::{Declared, NameFrom, ObjectKind, Tool, ValuesSource, Written, map_at};
use crate::yaml::{Document, NodeId};

/// Helm's limit on a release name, past which Flux shortens the name it uses.
const MAX_NAME: usize = 53;

/// How Flux derives a release name nobody wrote.
const DEFAULT_NAME: &str = "Flux: [<spec.targetNamespace>-]<metadata.name>, over 53 characters \
                            cut to 40 and `-` and 12 hex digits of its SHA-256";

/// The releases document `index` declares: one, or none without a `metadata.name`.
pub(super) fn declared(doc: &Document, index: usize) -> Vec<Declared> {
    let Some(root) = doc.root else {
        return Vec::new();
    };
    let Some(object) = super::written(doc, root, &["metadata", "name"]) else {
        return Vec::new();
    };
    let mut release = Declared::new(Tool::Flux, index, object.clone());
    let name = release.known(
        doc,
        root,
        &["metadata", "name"],
        "metadata.name",
        substituted,
    );
    let own_namespace = release
        .known(
            doc,
            root,
            &["metadata", "namespace"],
            "metadata.namespace",
            substituted,
        )
        .map(|w| w.text);
    let target_written = super::written(doc, root, &["spec", "targetNamespace"]);
    let target = release
        .known(
            doc,
            root,
            &["spec", "targetNamespace"],
            "spec.targetNamespace",
            substituted,
        )
        .map(|w| w.text);
    // A templated targetNamespace leaves the namespace unknown: it is not the fallback's.
    release.namespace = match target_written {
        Some(_) => target.clone(),
        None => own_namespace.clone(),
    };
    release.release_name = release_name(doc, root, &mut release, name, target.as_deref());
    release.chart = release.known(
        doc,
        root,
        &["spec", "chart", "spec", "chart"],
        "chart",
        substituted,
    );
    release.chart_version = release.known(
        doc,
        root,
        &["spec", "chart", "spec", "version"],
        "version",
        substituted,
    );
    // `spec.chartRef` (v2) names an OCIRepository or HelmChart object: the chart is not
    // written here, so it stays unknown.
    for &entry in super::items_at(doc, root, &["spec", "valuesFrom"]) {
        release
            .sources
            .push(values_from(doc, entry, own_namespace.as_deref()));
    }
    if let Some(values) = map_at(doc, root, &["spec", "values"]) {
        release.sources.push(ValuesSource::Inline { node: values });
    }
    vec![release]
}

/// The release name Flux uses: `spec.releaseName`, else `[<targetNamespace>-]<name>`,
/// shortened as helm-controller does (`internal/release/name.go`, `ShortenName`, applied to
/// `GetReleaseName()` on install and upgrade). `name` and `target` are `None` when templated
/// (a targetNamespace that is absent is `None` too, and written is how it was seen).
fn release_name(
    doc: &Document,
    root: NodeId,
    release: &mut Declared,
    name: Option<Written>,
    target: Option<&str>,
) -> Option<(String, NameFrom)> {
    if super::written(doc, root, &["spec", "releaseName"]).is_some() {
        let written = release.known(
            doc,
            root,
            &["spec", "releaseName"],
            "spec.releaseName",
            substituted,
        )?;
        return Some((shorten_name(&written.text), NameFrom::Written));
    }
    let name = name?;
    let target_written = super::written(doc, root, &["spec", "targetNamespace"]).is_some();
    let full = match target {
        Some(target) => format!("{target}-{}", name.text),
        None if target_written => return None,
        None => name.text,
    };
    Some((shorten_name(&full), NameFrom::Default(DEFAULT_NAME)))
}

/// One `spec.valuesFrom` entry: a ConfigMap's or Secret's key in the HelmRelease's own
/// namespace (helm-controller reads them there, not in `targetNamespace`).
fn values_from(doc: &Document, entry: NodeId, namespace: Option<&str>) -> ValuesSource {
    let at = doc.node(entry).span.clone();
    let text = |key: &str| super::scalar(doc, entry, &[key]);
    let kind = match text("kind") {
        Some("ConfigMap") => ObjectKind::ConfigMap,
        Some("Secret") => ObjectKind::Secret,
        other => {
            let what = format!("valuesFrom of kind `{}`", other.unwrap_or_default());
            return ValuesSource::Unresolved { what, at };
        }
    };
    let Some(name) = text("name").filter(|name| !substituted(name)) else {
        let what = format!("valuesFrom name `{}`", text("name").unwrap_or_default());
        return ValuesSource::Unresolved { what, at };
    };
    ValuesSource::Object {
        kind,
        name: name.to_owned(),
        namespace: namespace.map(str::to_owned),
        key: text("valuesKey").unwrap_or("values.yaml").to_owned(),
        target_path: text("targetPath").map(str::to_owned),
        optional: super::is_true(doc, entry, &["optional"]),
        at,
    }
}

/// Whether a text is left for someone else to fill: Flux post-build substitution
/// (`${var}`) or a template (`{{ }}`).
fn substituted(text: &str) -> bool {
    text.contains("${") || super::is_templated(text)
}

/// helm-controller's `ShortenName`: a name over 53 characters becomes its first 40, `-`,
/// and the first 12 hex digits of the SHA-256 of the whole name. A name that cannot be cut
/// at byte 40 (not ASCII there, which Kubernetes names never are) is left as is.
fn shorten_name(name: &str) -> String {
    const HASH: usize = 12;
    if name.len() <= MAX_NAME {
        return name.to_owned();
    }
    let Some(head) = name.get(..MAX_NAME - (HASH + 1)) else {
        return name.to_owned();
    };
    let digest = sha256(name.as_bytes());
    let hex: String = digest[..HASH / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{head}-{hex}")
}

/// SHA-256 (FIPS 180-4) of `data`: only for [`shorten_name`], too small a need for a crate.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            (hh, g, f, e, d, c, b, a) = (g, f, e, d.wrapping_add(t1), c, b, a, t1.wrapping_add(t2));
        }
        for (state, add) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *state = state.wrapping_add(add);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn read(text: &str) -> Vec<Declared> {
        let docs = parse(text, &Limits::default()).expect("test manifest parses");
        super::super::declared(&docs[0], 0, "release.yaml")
    }

    const RELEASE: &str = r#"apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: oncall
  namespace: flux-apps
spec:
  interval: 10m
  targetNamespace: oncall
  chart:
    spec:
      chart: oncall
      version: ">=1.15.0 <2.0.0"
      sourceRef:
        kind: HelmRepository
        name: grafana
  valuesFrom:
    - kind: ConfigMap
      name: oncall-values
    - kind: Secret
      name: oncall-secrets
      valuesKey: secret.yaml
      targetPath: database.password
      optional: true
  values:
    base_url: oncall.example.com
"#;

    #[test]
    fn reads_chart_name_namespace_and_sources_in_order() {
        let found = read(RELEASE);
        assert_eq!(found.len(), 1);
        let r = &found[0];
        assert_eq!(r.tool, Tool::Flux);
        assert_eq!(r.object.text, "oncall");
        assert_eq!(&RELEASE[r.object.span.clone()], "oncall");
        let chart = r.chart.as_ref().expect("chart");
        assert_eq!(chart.text, "oncall");
        assert!(RELEASE[chart.span.clone()].eq("oncall"));
        let version = r.chart_version.as_ref().expect("version");
        assert_eq!(&RELEASE[version.span.clone()], "\">=1.15.0 <2.0.0\"");
        assert_eq!(version.text, ">=1.15.0 <2.0.0");
        assert_eq!(r.namespace.as_deref(), Some("oncall"));
        assert_eq!(
            r.release_name,
            Some(("oncall-oncall".to_owned(), NameFrom::Default(DEFAULT_NAME)))
        );
        assert_eq!(r.sources.len(), 3);
        match &r.sources[0] {
            ValuesSource::Object {
                kind,
                name,
                namespace,
                key,
                target_path,
                optional,
                at,
            } => {
                assert_eq!(*kind, ObjectKind::ConfigMap);
                assert_eq!(name, "oncall-values");
                assert_eq!(namespace.as_deref(), Some("flux-apps"));
                assert_eq!(key, "values.yaml");
                assert_eq!(*target_path, None);
                assert!(!optional);
                assert!(RELEASE[at.clone()].starts_with("kind: ConfigMap"));
            }
            other => panic!("expected an object, got {other:?}"),
        }
        match &r.sources[1] {
            ValuesSource::Object {
                kind,
                key,
                target_path,
                optional,
                ..
            } => {
                assert_eq!(*kind, ObjectKind::Secret);
                assert_eq!(key, "secret.yaml");
                assert_eq!(target_path.as_deref(), Some("database.password"));
                assert!(optional);
            }
            other => panic!("expected an object, got {other:?}"),
        }
        let docs = parse(RELEASE, &Limits::default()).expect("parses");
        match r.sources[2] {
            ValuesSource::Inline { node } => {
                assert_eq!(
                    super::super::scalar(&docs[0], node, &["base_url"]),
                    Some("oncall.example.com")
                );
            }
            ref other => panic!("expected inline values, got {other:?}"),
        }
        assert!(r.templated.is_empty());
    }

    #[test]
    fn written_release_name_and_own_namespace() {
        let text = "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: oncall\n  namespace: monitoring\nspec:\n  releaseName: grafana-oncall\n  chart:\n    spec:\n      chart: oncall\n";
        let r = &read(text)[0];
        assert_eq!(
            r.release_name,
            Some(("grafana-oncall".to_owned(), NameFrom::Written))
        );
        assert_eq!(r.namespace.as_deref(), Some("monitoring"));
        assert_eq!(r.chart_version, None);
        assert!(r.sources.is_empty());
    }

    #[test]
    fn default_name_without_target_namespace_is_the_object_name() {
        let text = "apiVersion: helm.toolkit.fluxcd.io/v2beta2\nkind: HelmRelease\nmetadata:\n  name: oncall\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: oncall\n";
        let r = &read(text)[0];
        assert_eq!(
            r.release_name,
            Some(("oncall".to_owned(), NameFrom::Default(DEFAULT_NAME)))
        );
        assert_eq!(r.chart, None);
        assert_eq!(r.namespace, None);
    }

    #[test]
    fn long_default_names_are_shortened_as_helm_controller_does() {
        // helm-controller's own test cases (internal/release/name_test.go).
        assert_eq!(
            shorten_name("release-name-with-very-long-name-which-is-longer-than-53-characters"),
            "release-name-with-very-long-name-which-i-788ca0d0d7b0"
        );
        assert_eq!(
            shorten_name(
                "another-release-name-with-very-long-name-which-is-longer-than-53-characters"
            ),
            "another-release-name-with-very-long-name-7e72150d5a36"
        );
        assert_eq!(shorten_name("release-name"), "release-name");
        let text = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: with-very-long-name-which-is-longer-than-53-characters\nspec:\n  targetNamespace: release-name\n";
        let r = &read(text)[0];
        assert_eq!(
            r.release_name.as_ref().map(|(name, _)| name.as_str()),
            Some("release-name-with-very-long-name-which-i-788ca0d0d7b0")
        );
    }

    #[test]
    fn sha256_matches_the_standard_vectors() {
        let hex = |d: [u8; 32]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(
            hex(sha256(long)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn substituted_fields_are_unknown_and_said() {
        let text = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: oncall\n  namespace: apps\nspec:\n  targetNamespace: ${tenant}\n  chart:\n    spec:\n      chart: oncall\n      version: ${oncall_version}\n  valuesFrom:\n    - kind: ConfigMap\n      name: values-${cluster}\n    - kind: Kustomization\n      name: other\n";
        let r = &read(text)[0];
        assert_eq!(r.namespace, None);
        assert_eq!(r.release_name, None);
        assert_eq!(r.chart_version, None);
        assert_eq!(
            r.templated,
            vec![
                "spec.targetNamespace: ${tenant}".to_owned(),
                "version: ${oncall_version}".to_owned()
            ]
        );
        assert!(matches!(
            &r.sources[0],
            ValuesSource::Unresolved { what, .. } if what == "valuesFrom name `values-${cluster}`"
        ));
        assert!(matches!(
            &r.sources[1],
            ValuesSource::Unresolved { what, at } if what == "valuesFrom of kind `Kustomization`"
                && text[at.clone()].starts_with("kind: Kustomization")
        ));
    }

    #[test]
    fn a_release_without_a_name_declares_nothing() {
        assert!(
            read("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec: {}\n").is_empty()
        );
    }
}
