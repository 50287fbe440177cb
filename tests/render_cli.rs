//! `oncall-lint render provisioning|airgap|networkpolicy|setup` as a user runs them: help,
//! exit codes, hostile flags (exit 2 with one clear line, or an output that still parses),
//! `--merge-into` (comments kept, idempotent, the result lints clean), and the generated
//! scripts run for real against stand-ins (an HTTP server for Grafana, a fake `oras`).

mod exe;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use exe::{Run, TempDir, oncall_lint};
use oncall_lint_core::values::{Value, to_value};
use oncall_lint_core::yaml::{Limits, parse};

const NAMES: [&str; 4] = ["--release", "oncall", "--namespace", "oncall"];

fn render(args: &[&str]) -> Run {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    oncall_lint(all).run()
}

fn values_of(text: &str) -> Value {
    let docs = parse(text, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    let doc = docs
        .into_iter()
        .find(|d| d.root.is_some())
        .expect("a document");
    to_value(&doc, doc.root.unwrap(), 0, &|r| r, 1_000_000).expect("Helm can load it")
}

fn comments(text: &str) -> Vec<String> {
    let docs = parse(text, &Limits::default()).unwrap();
    docs.iter()
        .flat_map(|d| d.comments.iter().map(|c| c.text.trim().to_owned()))
        .collect()
}

#[test]
fn help_lists_and_documents_every_artifact() {
    let run = render(&["--help"]);
    run.assert_code(0);
    let help = run.stdout();
    for artifact in ["values", "provisioning", "airgap", "networkpolicy", "setup"] {
        assert!(help.contains(artifact), "{artifact} missing:\n{help}");
    }
    for (artifact, flags) in [
        (
            "provisioning",
            &[
                "--merge-into",
                "--release",
                "--namespace",
                "--grafana-namespace",
                "--grafana-url",
                "helm-testing",
            ][..],
        ),
        (
            "airgap",
            &[
                "--registry",
                "--plugin-version",
                "--oras-image",
                "--plugin-artifact",
                "--pull-secret",
                "--allow-unsigned",
                "--merge-into",
                "--manifest",
            ][..],
        ),
        (
            "networkpolicy",
            &["--allow-cidr", "DNS", "--allow-plugin-download"][..],
        ),
        (
            "setup",
            &["--grafana-url", "--oncall-api-url", "GRAFANA_TOKEN"][..],
        ),
    ] {
        let run = render(&[artifact, "--help"]);
        run.assert_code(0);
        for flag in flags {
            assert!(
                run.stdout().contains(flag),
                "{artifact} --help lacks {flag}:\n{}",
                run.stdout()
            );
        }
    }
    // the top-level help names the render command
    let top = oncall_lint(["--help"]).run();
    assert!(top.stdout().contains("render provisioning"));
}

#[test]
fn every_artifact_renders_and_parses() {
    for args in [
        &["provisioning"][..],
        &["airgap", "--registry", "harbor.example.com"][..],
        &["airgap", "--registry", "harbor.example.com", "--manifest"][..],
        &[
            "networkpolicy",
            "--allow-cidr",
            "10.0.0.0/8",
            "--allow-plugin-download",
        ][..],
        &["network-policy", "--allow-plugin-download"][..],
    ] {
        let mut all = args.to_vec();
        all.extend_from_slice(&NAMES);
        let run = render(&all);
        run.assert_code(0);
        values_of(&run.stdout());
    }
    let run = render(&["setup", "--release", "oncall", "--namespace", "oncall"]);
    run.assert_code(0);
    assert!(run.stdout().starts_with("#!/bin/sh\n"));
}

#[test]
fn missing_or_unusable_input_exits_2_with_a_reason() {
    for (args, expected) in [
        (
            &["provisioning", "--namespace", "oncall"][..],
            "--release NAME is required",
        ),
        (
            &["provisioning", "--release", "oncall"][..],
            "--namespace NS is required",
        ),
        (
            &["airgap", "--release", "oncall", "--namespace", "oncall"][..],
            "--registry",
        ),
        (
            &[
                "provisioning",
                "--release",
                "oncall",
                "--namespace",
                "oncall",
                "--chart-version",
                "1.9.22",
            ][..],
            "Grafana 9.5.3",
        ),
        (
            &[
                "provisioning",
                "--release",
                "oncall",
                "--namespace",
                "oncall",
                "--chart-version",
                "~1.16.0",
            ][..],
            "is not a version",
        ),
        (
            &[
                "provisioning",
                "--release",
                "oncall",
                "--namespace",
                "oncall",
                "--grafana-namespace",
                "monitoring",
            ][..],
            "namespaceOverride",
        ),
        (
            &[
                "provisioning",
                "--release",
                "oncall",
                "--namespace",
                "oncall",
                "--set",
                "grafana.enabled=false",
            ][..],
            "`grafana.enabled` is false",
        ),
        (
            &[
                "networkpolicy",
                "--release",
                "oncall",
                "--namespace",
                "oncall",
                "--merge-into",
                "x.yaml",
            ][..],
            "--merge-into",
        ),
        (
            &[
                "airgap",
                "--release",
                "oncall",
                "--namespace",
                "oncall",
                "--registry",
                "r.io",
                "--manifest",
                "--merge-into",
                "v.yaml",
            ][..],
            "--merge-into",
        ),
        (
            &[
                "provisioning",
                "--release",
                "oncall",
                "--namespace",
                "oncall",
                "--merge-into",
                "does-not-exist.yaml",
            ][..],
            "does-not-exist.yaml",
        ),
    ] {
        let run = render(args);
        run.assert_code(2);
        assert!(run.stdout().is_empty(), "{args:?}: nothing on stdout");
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
}

/// Every string and key in a value.
fn strings(value: &Value) -> Vec<String> {
    match &value.kind {
        oncall_lint_core::values::Kind::Str(s) => vec![s.clone()],
        oncall_lint_core::values::Kind::Seq(items) => items.iter().flat_map(strings).collect(),
        oncall_lint_core::values::Kind::Map(map) => map
            .iter()
            .flat_map(|(k, v)| std::iter::once(k.clone()).chain(strings(v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Hostile values for every flag.
fn hostile() -> Vec<String> {
    vec![
        "a\"b".into(),
        "a'b".into(),
        "a: b".into(),
        "a\nb: c".into(),
        "{{ .Release.Name }}".into(),
        "x # y".into(),
        "$(touch pwned)".into(),
        "\u{1b}[31mred".into(),
        "-- --".into(),
        "".into(),
        "x".repeat(5000),
        "oncall\n---\nkind: Secret".into(),
    ]
}

/// A run with a hostile value: exit 2 with one line on stderr and nothing on stdout, or
/// exit 0 with an output that parses (for overlays and manifests) and in which the value,
/// when it appears, is a string.
fn assert_rejected_or_inert(run: &Run, value: &str, what: &str) {
    run.assert_sane();
    assert!(
        !run.stderr.contains('\u{1b}'),
        "{what}: raw escape on stderr: {:?}",
        run.stderr
    );
    match run.code() {
        Some(2) => {
            assert!(run.stdout().is_empty(), "{what}: output despite the error");
            let line = run.stderr.trim_end();
            assert!(!line.is_empty(), "{what}: no reason given");
            if line.starts_with("oncall-lint: error:") {
                assert!(
                    !line.contains('\n'),
                    "{what}: the reason is one line: {line:?}"
                );
            }
        }
        Some(0) => {
            let out = run.stdout();
            if out.starts_with("#!") {
                assert!(
                    value.is_empty() || !out.contains(value),
                    "{what}: {value:?} reached the script"
                );
            } else {
                let parsed = values_of(&out);
                if !value.is_empty() && out.contains(value) {
                    assert!(
                        strings(&parsed).iter().any(|s| s.contains(value)),
                        "{what}: {value:?} is in the output but not inside a string"
                    );
                }
            }
        }
        other => panic!("{what}: exit {other:?}"),
    }
}

#[test]
fn hostile_flags_exit_2_or_stay_inert() {
    let artifacts: [(&str, &[&str]); 5] = [
        ("provisioning", &[]),
        ("airgap", &["--registry", "harbor.example.com"]),
        ("networkpolicy", &["--allow-plugin-download"]),
        ("setup", &[]),
        (
            "airgap",
            &["--registry", "harbor.example.com", "--manifest"],
        ),
    ];
    let common = [
        "--release",
        "--namespace",
        "--grafana-namespace",
        "--chart-version",
        "--values-root",
    ];
    let specific: [(&str, &[&str]); 4] = [
        ("provisioning", &["--grafana-url"]),
        (
            "airgap",
            &[
                "--registry",
                "--plugin-version",
                "--plugin-artifact",
                "--oras-image",
                "--pull-secret",
                "--registry-auth-secret",
            ],
        ),
        ("networkpolicy", &["--allow-cidr"]),
        ("setup", &["--grafana-url", "--oncall-api-url"]),
    ];
    for value in hostile() {
        let shown: String = format!("{:?}", value.chars().take(30).collect::<String>());
        for (artifact, extra) in artifacts {
            let flags = common.iter().chain(
                specific
                    .iter()
                    .filter(|(a, _)| *a == artifact)
                    .flat_map(|(_, f)| f.iter()),
            );
            for flag in flags {
                let mut args: Vec<String> = vec!["render".into(), artifact.into()];
                args.extend(extra.iter().map(|s| (*s).to_owned()));
                for (name, default) in [("--release", "oncall"), ("--namespace", "oncall")] {
                    if *flag != name {
                        args.push(name.into());
                        args.push(default.into());
                    }
                }
                args.push(format!("{flag}={value}"));
                let run = oncall_lint(&args).run();
                let what = format!("render {artifact} {flag}={shown}");
                assert_rejected_or_inert(&run, &value, &what);
                // names, versions, registries, images, URLs and CIDRs are always validated
                if !matches!(*flag, "--values-root") {
                    assert_eq!(run.code(), Some(2), "{what}: accepted\n{}", run.stdout());
                }
            }
        }
        // a --set that is not KEY=VALUE, or is: refused with a printable reason, or data
        let run = render(&[
            "provisioning",
            "--release",
            "oncall",
            "--namespace",
            "oncall",
            "--set",
            &value,
        ]);
        assert_rejected_or_inert(&run, &value, &format!("render provisioning --set {shown}"));
        // data through --set-string: carried over as data, or refused
        for set in [
            "fullnameOverride",
            "grafana.fullnameOverride",
            "nameOverride",
            "grafana.extraVolumes[0].name",
        ] {
            for artifact in ["provisioning", "setup"] {
                let arg = format!("{set}={value}");
                let run = render(&[
                    artifact,
                    "--release",
                    "oncall",
                    "--namespace",
                    "oncall",
                    "--set-string",
                    &arg,
                ]);
                assert_rejected_or_inert(
                    &run,
                    &value,
                    &format!("render {artifact} --set-string {set}={shown}"),
                );
            }
        }
    }
}

/// A team's values, with the platform settled at the end (testdata/settled/platform.yaml:
/// the Bitnami images from bitnamilegacy, the bundled ingress-nginx and cert-manager off,
/// the engine's keys from a Secret), so that a merged overlay lints clean for the release.
const VALUES: &str = concat!(
    r#"# Team values for OnCall (keep this header)
base_url: oncall.example.com  # public host
grafana:
  # the bundled Grafana
  persistence:
    enabled: true  # keep plugin state
  plugins:
    - grafana-oncall-app  # from grafana.com, for now
  env:
    GF_SECURITY_DISABLE_GRAVATAR: "true"  # no outbound calls
# the engine
engine:
  replicaCount: 2
"#,
    include_str!("../testdata/settled/platform.yaml"),
    "\n"
);

fn lint_file(dir: &Path, file: &str, profile: Option<&str>) -> Run {
    let mut args = vec![
        "--no-config",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
        "--fail-on",
        "error",
        "--format",
        "concise",
    ];
    if let Some(profile) = profile {
        args.extend(["--profile", profile]);
    }
    args.push(file);
    oncall_lint(args).cwd(dir).run()
}

#[test]
fn merge_into_keeps_comments_is_idempotent_and_lints_clean() {
    let dir = TempDir::new("render-merge");
    let path = dir.write("values.yaml", VALUES);
    let before = comments(VALUES);
    let merge = |args: &[&str]| {
        let mut all = vec!["render"];
        all.extend_from_slice(args);
        all.extend_from_slice(&NAMES);
        all.extend(["--merge-into", "values.yaml"]);
        oncall_lint(all).cwd(dir.path()).run()
    };

    let run = merge(&["provisioning"]);
    run.assert_code(0);
    assert!(run.stdout().is_empty());
    assert!(
        run.stderr
            .contains("merged the provisioning overlay into values.yaml"),
        "{}",
        run.stderr
    );
    let once = std::fs::read_to_string(&path).unwrap();
    assert!(once.starts_with(
        "# Team values for OnCall (keep this header)\nbase_url: oncall.example.com  # public host\n"
    ));
    let after = comments(&once);
    for comment in &before {
        assert!(after.contains(comment), "lost `#{comment}`:\n{once}");
    }
    assert!(once.contains("name: oncall-plugin-provisioning"), "{once}");
    let lint = lint_file(dir.path(), "values.yaml", None);
    assert_eq!(lint.code(), Some(0), "{}\n{once}", lint.stdout());
    // the merged file is exactly the old values with the overlay on top
    let overlay = render(&[
        "provisioning",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
        "-f",
        path.to_str().unwrap(),
    ]);
    overlay.assert_code(0);

    let again = merge(&["provisioning"]);
    again.assert_code(0);
    assert!(
        again.stderr.contains("nothing to change"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), once);

    let run = merge(&["airgap", "--registry", "harbor.example.com/mirror"]);
    run.assert_code(0);
    let twice = std::fs::read_to_string(&path).unwrap();
    for comment in &before {
        assert!(
            comments(&twice).contains(comment),
            "lost `#{comment}`:\n{twice}"
        );
    }
    // the comment of the replaced list's item stays on its line
    assert!(
        twice.contains("  plugins: []  # from grafana.com, for now\n"),
        "{twice}"
    );
    assert!(
        twice.contains("name: oncall-plugin-provisioning"),
        "the provisioning stays:\n{twice}"
    );
    assert!(twice.contains("install-oncall-plugin"));
    let lint = lint_file(dir.path(), "values.yaml", Some("air-gapped"));
    assert_eq!(lint.code(), Some(0), "{}\n{twice}", lint.stdout());
    let again = merge(&["airgap", "--registry", "harbor.example.com/mirror"]);
    again.assert_code(0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), twice);
    // provisioning again after airgap: still nothing to change
    merge(&["provisioning"]).assert_code(0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), twice);
}

#[test]
fn merge_into_with_other_files_crlf_and_a_bom() {
    let dir = TempDir::new("render-merge-crlf");
    let base = dir.write("base.yaml", "grafana:\n  namespaceOverride: monitoring\n");
    let text = format!("\u{feff}{}", VALUES.replace('\n', "\r\n"));
    let path = dir.write("prod.yaml", &text);
    let run = oncall_lint([
        "render",
        "provisioning",
        "--release",
        "prod",
        "--namespace",
        "alerting",
        "-f",
        base.to_str().unwrap(),
        "-f",
        path.to_str().unwrap(),
        "--merge-into",
        path.to_str().unwrap(),
    ])
    .run();
    run.assert_code(0);
    let merged = std::fs::read_to_string(&path).unwrap();
    assert!(merged.starts_with('\u{feff}'));
    assert!(
        !merged.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );
    assert!(merged.contains("http://prod-grafana.monitoring.svc/grafana/"));
    assert!(merged.contains("namespace: monitoring"));
    let lint = oncall_lint([
        "--no-config",
        "--release",
        "prod",
        "--namespace",
        "alerting",
        "--grafana-namespace",
        "monitoring",
        "--fail-on",
        "error",
        "-f",
        base.to_str().unwrap(),
        "-f",
        path.to_str().unwrap(),
    ])
    .run();
    assert_eq!(lint.code(), Some(0), "{}", lint.stdout());
}

#[test]
fn merge_into_refuses_what_it_cannot_do_safely() {
    let dir = TempDir::new("render-merge-refuse");
    let aliased = "base: &g\n  persistence:\n    enabled: true\ngrafana: *g\n";
    let path = dir.write("values.yaml", aliased);
    let run = oncall_lint([
        "render",
        "provisioning",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
        "--merge-into",
        path.to_str().unwrap(),
    ])
    .run();
    run.assert_code(2);
    assert!(run.stderr.contains("alias"), "{}", run.stderr);
    assert!(run.stderr.contains("unchanged"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), aliased);
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// One request as a stand-in Grafana saw it.
#[derive(Debug)]
struct Request {
    method: String,
    path: String,
    authorization: String,
    body: String,
}

#[test]
fn the_setup_script_makes_the_three_calls_with_this_release_s_settings() {
    if !have("curl") || !have("base64") || !have("mktemp") {
        eprintln!("skipped: curl, base64 or mktemp is missing");
        return;
    }
    let run = render(&["setup", "--release", "my-oncall", "--namespace", "oncall"]);
    run.assert_code(0);
    let dir = TempDir::new("render-setup");
    let script = dir.write("setup.sh", run.stdout());
    let syntax = Command::new("sh").arg("-n").arg(&script).output().unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for stream in listener.incoming().take(3) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_owned();
            let path = parts.next().unwrap_or_default().to_owned();
            let (mut length, mut authorization) = (0, String::new());
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "authorization" => authorization = value.trim().to_owned(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let reply = if path.ends_with("/status") {
                "{\"pluginConnection\":\"ok\"}"
            } else {
                "{}"
            };
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            )
            .unwrap();
            seen.push(Request {
                method,
                path,
                authorization,
                body: String::from_utf8(body).unwrap(),
            });
        }
        seen
    });
    let password = "p'w\"d $(x)";
    let out = Command::new("sh")
        .arg(&script)
        .env("GRAFANA_URL", format!("http://127.0.0.1:{port}/grafana"))
        .env("GRAFANA_USER", "admin")
        .env("GRAFANA_PASSWORD", password)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("pluginConnection"));
    let seen = server.join().unwrap();
    let calls: Vec<(&str, &str)> = seen
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("POST", "/grafana/api/plugins/grafana-oncall-app/settings"),
            (
                "POST",
                "/grafana/api/plugins/grafana-oncall-app/resources/plugin/install"
            ),
            (
                "GET",
                "/grafana/api/plugins/grafana-oncall-app/resources/plugin/status"
            ),
        ]
    );
    let expected_auth = format!("Basic {}", base64(format!("admin:{password}").as_bytes()));
    assert!(
        seen.iter().all(|r| r.authorization == expected_auth),
        "{seen:?}"
    );
    let settings: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(
        settings,
        serde_json::json!({
            "enabled": true,
            "jsonData": {
                "stackId": 5,
                "orgId": 100,
                "onCallApiUrl": "http://my-oncall-engine.oncall.svc:8080",
                "grafanaUrl": "http://my-oncall-grafana.oncall.svc/grafana/",
                "license": "OpenSource",
            },
        })
    );
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip (stored, no compression) of `files`.
fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes());
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(0u16.to_le_bytes()); // stored
            h.extend(0u32.to_le_bytes()); // time, date
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes());
            if central {
                // comment length, disk number, internal and external attributes
                h.extend([0u8; 10]);
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(*data);
        central.extend(header(0x0201_4b50, true));
    }
    let start = out.len() as u32;
    let size = central.len() as u32;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((files.len() as u16).to_le_bytes());
    out.extend((files.len() as u16).to_le_bytes());
    out.extend(size.to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

#[test]
fn the_install_script_unpacks_the_pulled_plugin_into_the_plugins_path() {
    if !have("unzip") || !have("find") {
        eprintln!("skipped: unzip or find is missing");
        return;
    }
    let run = render(&[
        "airgap",
        "--registry",
        "harbor.example.com",
        "--manifest",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
    ]);
    run.assert_code(0);
    let manifest = values_of(&run.stdout());
    let script = manifest
        .get(&["data", "install-plugin.sh"])
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let dir = TempDir::new("render-install");
    let script_path = dir.write("install-plugin.sh", &script);
    let plugin = zip(&[
        (
            "grafana-oncall-app/plugin.json",
            b"{\"id\":\"grafana-oncall-app\"}",
        ),
        ("grafana-oncall-app/module.js", b"// the plugin"),
    ]);
    dir.write("plugin.zip", &plugin);
    // a stand-in oras: `oras pull [--plain-http] --output DIR REF` copies the zip there
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let oras = bin.join("oras");
    std::fs::write(
        &oras,
        format!(
            "#!/bin/sh\necho \"$@\" > {log}\nwhile [ $# -gt 0 ]; do case $1 in --output) out=$2; shift 2;; *) shift;; esac; done\ncp {zip} \"$out/grafana-oncall-app-1.16.9.zip\"\n",
            log = dir.path().join("oras.log").display(),
            zip = dir.path().join("plugin.zip").display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&oras, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let plugins = dir.path().join("var/lib/grafana/plugins");
    std::fs::create_dir_all(plugins.join("grafana-oncall-app")).unwrap();
    std::fs::write(plugins.join("grafana-oncall-app/stale.js"), "old").unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg(&script_path)
        .env("PATH", path)
        .env(
            "PLUGIN_ARTIFACT",
            "harbor.example.com/grafana/grafana-oncall-app:1.16.9",
        )
        .env("PLUGINS_DIR", &plugins)
        .env("ORAS_PLAIN_HTTP", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(plugins.join("grafana-oncall-app/plugin.json")).unwrap(),
        "{\"id\":\"grafana-oncall-app\"}"
    );
    assert!(
        !plugins.join("grafana-oncall-app/stale.js").exists(),
        "the old plugin is replaced"
    );
    assert!(
        !plugins.join(".grafana-oncall-app.install").exists(),
        "the work dir is cleaned up"
    );
    let log = std::fs::read_to_string(dir.path().join("oras.log")).unwrap();
    assert!(log.starts_with("pull --plain-http --output "), "{log}");
    assert!(
        log.trim_end()
            .ends_with("harbor.example.com/grafana/grafana-oncall-app:1.16.9")
    );
}
