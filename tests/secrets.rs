//! Canary secrets must never appear in any output: every report format, colour on or off,
//! `--diff`, `render values` and stderr; in values files, a file that does not parse,
//! provisioning embedded in any string style, `--set` arguments and GitOps manifests; in
//! every form a secret takes (a value under a secret key, numbers included, URL userinfo
//! with `@` in the password, DSNs, query tokens, well-known token formats, private keys).
//! And the reverse: what is not a secret (the words of a message, secret *names*, switches)
//! is never masked.

mod exe;

use std::process::Command;

use exe::TempDir;

const FILES: [&str; 2] = [
    "testdata/secrets/values.yaml",
    "testdata/secrets/external-values.yaml",
];

/// Every output format `--format` accepts.
const FORMATS: [&str; 7] = [
    "text", "concise", "json", "sarif", "github", "junit", "gitlab",
];

/// (exit code, stdout, stderr) of a run in `dir` (the repository when `None`).
fn exec(dir: Option<&std::path::Path>, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .current_dir(dir.unwrap_or(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))))
        .env_clear()
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(args: &[&str]) -> (String, String) {
    run_in(None, args)
}

fn run_in(dir: Option<&std::path::Path>, args: &[&str]) -> (String, String) {
    let (code, stdout, stderr) = exec(dir, args);
    assert!(matches!(code, Some(0 | 1)), "{args:?}: {stderr}");
    (stdout, stderr)
}

fn assert_no_canary(what: &str, text: &str) {
    assert!(!text.contains("CANARY"), "{what} prints a secret:\n{text}");
}

#[test]
fn the_canaries_are_really_in_the_files() {
    let text: String = FILES
        .iter()
        .map(|f| std::fs::read_to_string(format!("{}/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap())
        .collect();
    assert_eq!(text.matches("CANARY").count(), 9);
}

#[test]
fn no_report_format_prints_a_secret() {
    for format in FORMATS {
        for color in ["never", "always"] {
            let mut args = vec![
                "--profile",
                "air-gapped",
                "--format",
                format,
                "--color",
                color,
                "-v",
            ];
            args.extend(FILES);
            let (stdout, stderr) = run(&args);
            assert!(!stdout.is_empty(), "{format}: there are findings to report");
            assert_no_canary(&format!("--format {format} --color {color}"), &stdout);
            assert_no_canary(&format!("--format {format} (stderr)"), &stderr);
        }
    }
}

#[test]
fn findings_next_to_secrets_still_point_at_the_right_place() {
    let (stdout, _) = run(&["--format", "text", "--color", "never", FILES[1]]);
    // the URL's line is shown with its password masked, and the finding is on it
    assert!(stdout.contains("url: http://admin:****"), "{stdout}");
    assert!(stdout.contains("external-values.yaml:5:8"), "{stdout}");
    let (text, _) = run(&["--format", "text", "--color", "never", FILES[0]]);
    assert!(
        text.contains("GF_SECURITY_ADMIN_PASSWORD: *"),
        "the snippet shows the key, not the value:\n{text}"
    );
}

#[test]
fn diffs_and_rendered_values_mask_secrets_too() {
    let (diff, _) = run(&[
        "--diff",
        "--unsafe-fixes",
        "--profile",
        "air-gapped",
        FILES[0],
    ]);
    assert!(diff.contains("@@"), "there is a diff");
    assert_no_canary("--diff", &diff);
    for format in ["yaml", "json"] {
        let (values, _) = run(&[
            "render",
            "values",
            "-f",
            FILES[0],
            "--format",
            format,
            "--show-origin",
        ]);
        assert!(values.contains("adminPassword"), "{values}");
        assert_no_canary(&format!("render values --format {format}"), &values);
    }
}

/// The generated canaries: each distinctive, each planted once in some form.
struct Canaries {
    all: Vec<String>,
}

impl Canaries {
    /// A new canary of letters and digits (`Cnry07qZx`), or of digits only
    /// (`7391046207`, a numeric password).
    fn word(&mut self) -> String {
        let c = format!("Cnry{:02}qZx", self.all.len());
        self.all.push(c.clone());
        c
    }

    fn number(&mut self) -> String {
        let c = format!("73910462{:02}", self.all.len());
        self.all.push(c.clone());
        c
    }

    /// The canaries `text` shows.
    fn shown_in(&self, text: &str) -> Vec<&str> {
        self.all
            .iter()
            .filter(|c| text.contains(c.as_str()))
            .map(String::as_str)
            .collect()
    }
}

/// The files of the canary tree, and the canaries in them. Every form of secret is here.
#[allow(clippy::too_many_lines)]
fn canary_tree() -> (TempDir, Canaries, Vec<String>) {
    let mut c = Canaries { all: Vec::new() };
    let values = format!(
        r#"base_url: oncall.example.com
externalPostgresql:
  password: {pg}
externalMysql:
  password: {mysql}
externalRedis:
  password: "{redis}"
  passwordKey: password
  existingSecret: my-secret
externalRabbitmq:
  password: '{rabbit}'
rabbitmq:
  auth:
    erlangCookie: {cookie}
    password: {rabbit_pw}
oncall:
  slack:
    clientSecret: {slack}
    signingSecret: {slack_signing}
  telegram:
    token: {telegram}
  twilio:
    authToken: {twilio}
  smtp:
    password: {smtp_num}
env:
  DB_PASSWORD: {env_num}
  SMTP_PASS: {env_pass}
  MAIL_PWD: {env_pwd}
  API_TOKEN: {env_token}
  APP_SECRET: {env_secret}
  STRIPE_KEY: {env_key}
  SIGNING_KEY: {env_signing}
  OTHER_PASSWORD: {env_num2}
  REDIS_URL: redis://:{redis_url}@redis:6379/0
  DATABASE_URL: postgres://oncall:{pg_url}@db:5432/oncall?sslmode=require
  MYSQL_DSN_URL: mysql://root:{mysql_url}@mysql:3306/oncall
  BROKER_URL: amqp://guest:{amqp_url}@rabbit:5672/
  WEBHOOK_URL: https://hooks.example.com/x?token={q_token}&a=b
  CALLBACK_URL: https://cb.example.com/y?access_token={q_access}
  ALERTS_URL: https://alerts.example.com/z?apikey={q_apikey}
  LEGACY_URL: https://legacy.example.com/?user=u&password={q_password}
  BLOB_URL: https://blob.example.com/c?sv=2024&sig={q_sig}
  GH_HEADER: ghp_{gh}
  GL: glpat-{gl}
  SLACK_HOOK: xoxb-{xoxb}
  AWS_ID: AKIA{aws}
  JWT_VALUE: eyJhbGciOiJIUzI1NiJ9.eyJ{jwt}.c2ln
  AUTH_HEADER: Bearer {bearer}
  EXTRA_ARGS: --db-password={arg_pw} --verbose
grafana:
  enabled: true
  adminPassword: {admin_num}
  grafana.ini:
    database:
      password: {ini_db}
    auth.generic_oauth:
      client_secret: {ini_oauth}
      token_url: https://idp.example.com/token
  env:
    GF_SECURITY_ADMIN_PASSWORD: {gf_admin}
  extraObjects:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: provisioning-literal
      data:
        a.yaml: |
          apiVersion: 1
          apps:
            - type: grafana-oncall-app
              secureJsonData:
                onCallApiToken: {prov_literal}
        b.yaml: "apiVersion: 1\napps:\n  - type: grafana-oncall-app\n    secureJsonData:\n      onCallApiToken: {prov_double}\n"
        c.yaml: 'secureJsonData: {{onCallApiToken: {prov_single}}}'
        d.yaml: >
          apiVersion: 1

          secureJsonData:
            onCallApiToken: {prov_folded}
        e.ini: |
          [database]
          password = {ini_embedded}
tls:
  key: |
    -----BEGIN RSA PRIVATE KEY-----
    {pem}
    -----END RSA PRIVATE KEY-----
"#,
        pg = c.word(),
        mysql = c.number(),
        redis = c.word(),
        rabbit = c.word(),
        cookie = c.word(),
        rabbit_pw = c.number(),
        slack = c.word(),
        slack_signing = c.word(),
        telegram = c.word(),
        twilio = c.word(),
        smtp_num = c.number(),
        env_num = c.number(),
        env_pass = c.word(),
        env_pwd = c.word(),
        env_token = c.word(),
        env_secret = c.word(),
        env_key = c.word(),
        env_signing = c.word(),
        env_num2 = c.number(),
        redis_url = c.word(),
        pg_url = c.word(),
        mysql_url = c.word(),
        amqp_url = c.word(),
        q_token = c.word(),
        q_access = c.word(),
        q_apikey = c.word(),
        q_password = c.word(),
        q_sig = c.word(),
        gh = c.word(),
        gl = c.word(),
        xoxb = c.word(),
        aws = {
            let n = c.all.len();
            let id = format!("QQ7X{n:02}ZZ9WW3YY5K");
            c.all.push(id.clone());
            id
        },
        jwt = c.word(),
        bearer = c.word(),
        arg_pw = c.word(),
        admin_num = c.number(),
        ini_db = c.word(),
        ini_oauth = c.word(),
        gf_admin = c.word(),
        prov_literal = c.word(),
        prov_double = c.word(),
        prov_single = c.word(),
        prov_folded = c.word(),
        ini_embedded = c.word(),
        pem = c.word(),
    );
    // a password with `@` in it: masked up to the authority's last `@`
    let at_pw = c.word();
    let external = format!(
        "grafana:\n  enabled: false\nexternalGrafana:\n  url: http://admin:p@{at_pw}@grafana:80\n"
    );
    let broken = format!(
        "password: {b1}\nfoo: [\nenv:\n  - name: DB_PASSWORD\n    value: {b2}\nurl: https://u:{b3}@h/x?token={b4}\nini: |\n  token={b5}\nkey: |\n  -----BEGIN PRIVATE KEY-----\n  {b6}\n  -----END PRIVATE KEY-----\nadminPassword: {b7}\n",
        b1 = c.word(),
        b2 = c.word(),
        b3 = c.word(),
        b4 = c.word(),
        b5 = c.word(),
        b6 = c.word(),
        b7 = c.number(),
    );
    let manifest = format!(
        r"apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: oncall
  namespace: oncall
spec:
  chart:
    spec:
      chart: oncall
      version: 1.16.9
      sourceRef:
        kind: HelmRepository
        name: grafana
  values:
    externalPostgresql:
      password: {m1}
    grafana:
      adminPassword: {m2}
    env:
      DB_PASSWORD: {m3}
",
        m1 = c.word(),
        m2 = c.word(),
        m3 = c.number(),
    );
    let sets = vec![
        format!("oncall.smtp.password={}", c.word()),
        format!("externalRedis.password={}", c.number()),
        format!("env.X_TOKEN={},base_url=set.example.com", c.word()),
        format!("grafana.adminPassword={}", c.word()),
    ];
    let dir = TempDir::with_files(
        "secrets",
        &[
            ("values.yaml", &values),
            ("external.yaml", &external),
            ("broken.yaml", &broken),
            ("deploy/helmrelease.yaml", &manifest),
        ],
    );
    (dir, c, sets)
}

/// The arguments that lint the canary tree with every `--set`.
fn canary_args<'a>(sets: &'a [String], files: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--profile", "air-gapped", "-v"];
    for set in sets {
        args.extend(["--set", set.as_str()]);
    }
    args.extend(files);
    args
}

fn assert_no_generated_canary(canaries: &Canaries, what: &str, text: &str) {
    let shown = canaries.shown_in(text);
    assert!(shown.is_empty(), "{what} prints {shown:?}:\n{text}");
}

#[test]
fn the_generated_canaries_are_many_and_all_planted() {
    let (dir, canaries, sets) = canary_tree();
    assert!(canaries.all.len() >= 60, "{}", canaries.all.len());
    let mut planted: String = ["values.yaml", "external.yaml", "broken.yaml"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap())
        .collect();
    planted.push_str(&std::fs::read_to_string(dir.path().join("deploy/helmrelease.yaml")).unwrap());
    planted.push_str(&sets.join("\n"));
    for canary in &canaries.all {
        assert_eq!(planted.matches(canary.as_str()).count(), 1, "{canary}");
    }
}

#[test]
fn no_format_prints_a_generated_canary() {
    let (dir, canaries, sets) = canary_tree();
    for format in FORMATS {
        for files in [
            &["values.yaml", "external.yaml", "broken.yaml"][..],
            &["deploy/helmrelease.yaml"][..],
            &["."][..],
        ] {
            let mut args = canary_args(&sets, files);
            args.extend(["--format", format, "--color", "never"]);
            let (stdout, stderr) = run_in(Some(dir.path()), &args);
            assert!(!stdout.is_empty(), "{format} {files:?}: findings to report");
            let what = format!("--format {format} {files:?}");
            assert_no_generated_canary(&canaries, &what, &stdout);
            assert_no_generated_canary(&canaries, &format!("{what} (stderr)"), &stderr);
        }
    }
}

#[test]
fn diffs_render_values_and_settings_print_no_generated_canary() {
    let (dir, canaries, sets) = canary_tree();
    let mut args = canary_args(&sets, &["values.yaml", "external.yaml"]);
    args.extend(["--diff", "--unsafe-fixes"]);
    let (diff, stderr) = run_in(Some(dir.path()), &args);
    assert!(diff.contains("@@"), "there is a diff:\n{diff}\n{stderr}");
    assert_no_generated_canary(&canaries, "--diff", &diff);
    assert_no_generated_canary(&canaries, "--diff (stderr)", &stderr);
    for format in ["yaml", "json"] {
        let mut args = vec!["render", "values", "-f", "values.yaml", "--format", format];
        args.push("--show-origin");
        for set in &sets {
            args.extend(["--set", set.as_str()]);
        }
        let (values, stderr) = run_in(Some(dir.path()), &args);
        assert!(values.contains("erlangCookie"), "{values}");
        assert_no_generated_canary(&canaries, &format!("render values {format}"), &values);
        assert_no_generated_canary(&canaries, "render values (stderr)", &stderr);
    }
}

#[test]
fn a_refused_set_argument_is_echoed_without_its_secret() {
    for (flag, arg) in [
        ("--set", "x.password[=CnrySetqZx"),
        ("--set-string", "a.b.token=CnrySetqZx,c[=1"),
        ("--set", "db.url=postgres://u:CnrySetqZx@h/db,[x"),
    ] {
        let (code, stdout, stderr) = exec(None, &[flag, arg, FILES[0]]);
        assert_eq!(code, Some(2), "{arg}: {stderr}");
        assert!(
            stderr.contains(flag),
            "the error names the argument: {stderr}"
        );
        assert!(
            !stdout.contains("CnrySet") && !stderr.contains("CnrySet"),
            "{stderr}"
        );
    }
    // what is not a secret is still shown, to find the mistake
    let (_, _, stderr) = exec(None, &["--set", "a.b[=visible", FILES[0]]);
    assert!(stderr.contains("a.b[=visible"), "{stderr}");
}

#[test]
fn set_values_that_are_not_secrets_are_shown() {
    let dir = TempDir::with_files("set", &[("values.yaml", "base_url: oncall.example.com\n")]);
    let (stdout, _) = run_in(
        Some(dir.path()),
        &[
            "--set",
            "oncall.smtp.password=CnrySmtpqZx",
            "--set",
            "mystery.key=plainly-visible",
            "--color",
            "never",
            "values.yaml",
        ],
    );
    assert!(stdout.contains("<--set>"), "{stdout}");
    assert!(!stdout.contains("CnrySmtp"), "{stdout}");
    assert!(stdout.contains("mystery.key=plainly-visible"), "{stdout}");
    assert!(
        stdout.contains("`oncall.smtp.password` holds a password"),
        "{stdout}"
    );
}

/// What is not a secret is never masked: the words of a message, a secret's *name*, a
/// switch, an empty value, a chart default.
#[test]
fn what_is_not_a_secret_is_shown() {
    let dir = TempDir::with_files(
        "not-secrets",
        &[(
            "values.yaml",
            "base_url: oncall.example.com\nexternalRedis:\n  host: redis\n  password: hunter2-pw\n  existingSecret: my-secret\n  passwordKey: password\ngrafana:\n  enabled: true\n  admin:\n    existingSecret: grafana-admin\n    passwordKey: admin-password\nenv:\n  TOKEN_ENABLED: true\n",
        )],
    );
    let (text, _) = run_in(
        Some(dir.path()),
        &["--color", "never", "--format", "text", "values.yaml"],
    );
    assert!(
        text.contains("`externalRedis.password` holds a password"),
        "{text}"
    );
    assert!(text.contains("passwordKey: password"), "{text}");
    assert!(text.contains("existingSecret: my-secret"), "{text}");
    assert!(!text.contains("hunter2-pw"), "{text}");
    for format in ["yaml", "json"] {
        let (values, _) = run_in(
            Some(dir.path()),
            &["render", "values", "-f", "values.yaml", "--format", format],
        );
        let compact: String = values.split_whitespace().collect::<Vec<_>>().join(" ");
        for shown in [
            "passwordKey: password",
            "existingSecret: my-secret",
            "existingSecret: grafana-admin",
            "passwordKey: admin-password",
            "TOKEN_ENABLED: true",
            "enabled: true",
        ] {
            let json = {
                let (k, v) = shown.split_once(": ").unwrap();
                let v = if v == "true" {
                    v.to_owned()
                } else {
                    format!("\"{v}\"")
                };
                format!("\"{k}\": {v}")
            };
            assert!(
                compact.contains(shown) || compact.contains(&json),
                "render values --format {format} masks `{shown}`:\n{values}"
            );
        }
        assert!(!values.contains("hunter2-pw"), "{values}");
        // an empty chart default under a secret key is shown as it is
        assert!(
            compact.contains("apiKeySecret: \"\"") || compact.contains("\"apiKeySecret\": \"\""),
            "{values}"
        );
    }
}

/// A password Helm reads as a number or a boolean is still a secret: no message, label,
/// help or fix quotes it, neither as written nor as Helm reads it.
#[test]
fn numeric_passwords_are_never_quoted_in_any_form() {
    let dir = TempDir::with_files(
        "numeric",
        &[(
            "values.yaml",
            "base_url: oncall.example.com\nenv:\n  DB_PASSWORD: 739146.50\n  API_TOKEN: 0x7391AB\n  SMTP_PASS: 73914651\noncall:\n  smtp:\n    password: 73914652.0\n  telegram:\n    token: 0735146\nexternalPostgresql:\n  password: 73914653\ngrafana:\n  env:\n    GF_DATABASE_PASSWORD: 739146.70\n  grafana.ini:\n    database:\n      password: 0x7391AD\n",
        )],
    );
    // as written, and as Helm reads them
    let forms = [
        "739146.50",
        "739146.5",
        "0x7391AB",
        "7573931",
        "73914651",
        "73914652",
        "0735146",
        "244326",
        "73914653",
    ];
    for format in FORMATS {
        let (stdout, stderr) = run_in(
            Some(dir.path()),
            &["--format", format, "--color", "never", "values.yaml"],
        );
        assert!(stdout.contains("DB_PASSWORD"), "{format}: {stdout}");
        for form in forms {
            assert!(
                !stdout.contains(form) && !stderr.contains(form),
                "--format {format} quotes `{form}`:\n{stdout}"
            );
        }
    }
    let (text, _) = run_in(Some(dir.path()), &["--color", "never", "values.yaml"]);
    assert!(
        text.contains("`env.DB_PASSWORD` is the number ****"),
        "{text}"
    );
}
