//! SPARQL 1.1 over the N-Triples export.

use super::{Question, Refusal, Translation};

pub(super) fn sparql(_t: &Translation, _q: &Question) -> Result<String, Refusal> {
    Err((None, "this query".into(), "not yet".into()))
}
