//! Every built-in rule's code, and the facts about it a run needs without reading its text:
//! its name, severity, profile and the values it claims from OC091. The facts come from the
//! rule's file, read at build time (see `build.rs`); the text itself ([`RuleMeta`]) is parsed
//! the first time something prints it.

use std::sync::OnceLock;

use super::list::for_each_rule;
use super::meta::RuleMeta;
use super::severity::{Profile, Severity};

/// What every run knows about a rule.
#[derive(Debug)]
pub struct RuleInfo {
    /// Kebab-case name, `plugin-org-id`.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// The profile the rule runs under only, if any.
    pub profile: Option<Profile>,
    /// Values whose wrong type this rule reports, so OC091 wrong-type does not.
    pub claims: &'static [Claim],
}

/// A value a rule reports the wrong type of, so OC091 leaves it alone.
#[derive(Debug)]
pub struct Claim {
    /// The release path: keys joined by dots, `[]` for any list item
    /// (`grafana.plugins[]`).
    pub path: &'static str,
    /// Claimed only when the value is a list or a map (a wrong scalar stays OC091's).
    pub collections_only: bool,
}

macro_rules! define_codes {
    ($($code:ident $module:ident,)*) => {
        /// A built-in rule's stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleCode {
            $(
                #[doc = concat!("`", stringify!($code), "`, checked by `checks/", stringify!($module), ".rs`.")]
                $code,
            )*
        }

        impl RuleCode {
            /// Every built-in rule, in code order.
            pub const ALL: &'static [RuleCode] = &[$(RuleCode::$code,)*];

            /// The code, `OC001`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleCode::$code => stringify!($code),)*
                }
            }

            /// What every run knows about the rule.
            pub fn info(self) -> &'static RuleInfo {
                match self {
                    $(RuleCode::$code => {
                        static INFO: RuleInfo =
                            include!(concat!(env!("OUT_DIR"), "/rules/", stringify!($code), ".rs"));
                        &INFO
                    })*
                }
            }

            /// The name of its check module in `checks/`.
            pub fn module(self) -> &'static str {
                match self {
                    $(RuleCode::$code => stringify!($module),)*
                }
            }

            /// The rule file as JSON (converted by `build.rs`).
            fn json(self) -> &'static str {
                match self {
                    $(RuleCode::$code => include_str!(concat!(
                        env!("OUT_DIR"), "/rules/", stringify!($code), ".json"
                    )),)*
                }
            }
        }
    };
}

for_each_rule!(define_codes);

impl RuleCode {
    /// The kebab-case name, `plugin-org-id`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The default severity.
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// The rule's text: summary, docs, messages; parsed when first asked for.
    pub fn meta(self) -> &'static RuleMeta {
        static METAS: OnceLock<Vec<OnceLock<RuleMeta>>> = OnceLock::new();
        let metas = METAS.get_or_init(|| RuleCode::ALL.iter().map(|_| OnceLock::new()).collect());
        metas[self as usize].get_or_init(|| {
            // the build converted the file and the tests read every one: a rule file that
            // does not read cannot ship, but a run must not stop for one
            serde_json::from_str(self.json()).unwrap_or_else(|_| {
                let info = self.info();
                RuleMeta::unreadable(self.as_str(), info.name, info.severity, info.profile)
            })
        })
    }

    /// The rule a code (`OC001`, any case) or a name (`plugin-org-id`) names.
    pub fn find(code_or_name: &str) -> Option<RuleCode> {
        RuleCode::ALL.iter().copied().find(|code| {
            code.as_str().eq_ignore_ascii_case(code_or_name) || code.name() == code_or_name
        })
    }
}

impl std::fmt::Display for RuleCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
