//! OC025 mirage-cipher-iv: the engine encrypts its secrets with AES-CBC, whose IV,
//! `MIRAGE_CIPHER_IV`, must be 16 bytes. The chart prints `oncall.mirageCipherIV` into it,
//! so what counts is the text Helm prints, not what the file says: an unquoted number
//! becomes a float (`1.234567890123456e+15`).

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::model::helm;
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// The IV length AES-CBC takes, in bytes.
const IV_BYTES: usize = 16;

/// What OC025 reports. No message quotes the IV: it is masked as a secret.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A string of another length.
    Length {
        /// Its length in bytes.
        length: usize,
    },
    /// A number or boolean, printed as text of another length.
    NotString {
        /// `number` or `boolean`.
        kind: String,
        /// The length of what Helm prints, in bytes.
        length: usize,
        /// Whether Helm prints it in exponent form.
        exponent: bool,
        /// Whether the digits as written are 16 bytes (quoting them is the fix).
        sixteen: bool,
    },
    /// A map or a list.
    Collection {
        /// `map` or `list`.
        kind: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let keys = ["oncall", "mirageCipherIV"];
    let Some(value) = ctx.release.get(&keys).filter(|v| v.site().is_some()) else {
        return;
    };
    // `default "1234567890abcdef"` takes over from nil, false, 0 and ""
    if helm::is_empty(value) {
        return;
    }
    if let Some(message) = judge(ctx, value) {
        out.emit(message, ctx.release.locate(value, &keys, false));
    }
}

/// What is wrong with a set IV, if the engine would not get 16 bytes.
fn judge(ctx: &CheckContext<'_>, value: &Value) -> Option<Message> {
    let Some(rendered) = helm::template_text(ctx.release, value) else {
        let kind = if value.as_seq().is_some() { "list" } else { "map" };
        return Some(Message::Collection { kind: kind.into() });
    };
    let length = rendered.len();
    if length == IV_BYTES {
        return None;
    }
    Some(match value.kind {
        Kind::Str(_) => Message::Length { length },
        _ => Message::NotString {
            kind: if matches!(value.kind, Kind::Bool(_)) { "boolean" } else { "number" }.into(),
            length,
            exponent: rendered.contains("e+") || rendered.contains("e-"),
            sixteen: value.scalar_string().is_some_and(|w| w.len() == IV_BYTES),
        },
    })
}
