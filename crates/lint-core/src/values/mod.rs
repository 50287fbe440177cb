//! Effective values: Helm's view of each file ([`to_value`]), layered over the chart's
//! defaults with Helm's coalescing ([`coalesce`]), every node knowing its origin.

mod convert;
pub mod emit;
mod merge;
mod packed;
mod set;
mod value;

pub use convert::{ConvertError, scalar_kind, to_value};
pub use merge::coalesce;
pub use set::{MAX_INDEX, SetError, apply as apply_set, validate as validate_set};
pub use value::{Kind, Map, Origin, Site, Value, format_float};
