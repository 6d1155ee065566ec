//! Dossier: turn what you read into a knowledge graph you can question.
//!
//! Relation files (`.kg`) are parsed line by line with pest ([`parse`]) into
//! an AST ([`ast`]), checked and built ([`build`]) into a petgraph graph
//! ([`graph`]). Problems come back as [`diagnostic::Diagnostic`]s that point
//! at file, line and column.
//!
//! ```
//! use dossier::build::{Input, Options};
//! use dossier::graph::Graph;
//!
//! let text = r#"
//! China: state "China"
//! Security_Council: body "UN Security Council"
//! China permanent_member_of Security_Council {veto: true}
//! China abstains_on_referral
//! "#;
//! let input = Input::Text { name: "un.kg".into(), text: text.into() };
//! let graph = Graph::from_inputs(&[input], Options { strict: true, ..Options::default() }).unwrap();
//! assert_eq!((graph.entity_count(), graph.relation_count(), graph.fact_count()), (2, 1, 1));
//! let china = graph.find("China").unwrap();
//! assert_eq!(graph.kind_name(china), "state");
//!
//! // A load with an error changes nothing and says where the error is.
//! let bad = Input::Text { name: "bad.kg".into(), text: "China: body\n".into() };
//! let mut graph = graph;
//! let error = graph.load(&[bad], Options::default()).unwrap_err();
//! assert!(error.render(false).contains("bad.kg:1:8"));
//! assert_eq!(graph.kind_name(china), "state");
//! ```

// pest is built without its `std` feature, which probes the stack on every
// rule call (a tenth of the load time); its generated parsers then name
// `alloc`. Nesting is bounded before pest runs (see `query::parse`), and the
// relation grammar does not nest.
extern crate alloc;

pub mod cancel;
pub mod claims;
pub mod cli;
pub mod conflicts;
pub mod coverage;
pub mod diagnostic;
pub mod diff;
pub mod files;
pub mod fmt;
pub mod formats;
pub mod generate;
pub mod graph;
pub mod load;
pub mod lsp;
pub mod name;
pub mod output;
pub mod query;
pub mod repl;
pub mod serve;
pub mod session;
pub mod suggest;
pub mod syntax;
pub mod value;
pub mod world;

// The paths of earlier versions, which tests, benchmarks and users name.
pub use formats as export;
pub use formats::kg::{ast, parse};
pub use formats::snapshot;
pub use load as build;
