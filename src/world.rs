//! The converter behind `data/world.kg`: reads the two public data sets in
//! `data/sources/world/` (worldcountrygroups' bodies and their member
//! states, MIT; world-countries' countries and land borders, ODbL) and
//! writes one relation file. `cargo run --example world -- DIR > data/world.kg`.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

#[derive(Deserialize)]
struct Country {
    name: CountryName,
    cca2: String,
    cca3: String,
    #[serde(default)]
    independent: Option<bool>,
    #[serde(default, rename = "unRegionalGroup")]
    un_regional_group: String,
    #[serde(default)]
    borders: Vec<String>,
}

#[derive(Deserialize)]
struct CountryName {
    common: String,
    official: String,
}

#[derive(Deserialize)]
struct Group {
    gid: String,
    acronym: String,
    name: String,
    countries: Vec<Member>,
}

#[derive(Deserialize)]
struct Member {
    name: String,
    #[serde(default)]
    iso2: String,
    #[serde(default)]
    iso3: String,
}

/// Bodies whose identifiers are those of `data/koreas.kg`, or which read
/// better than their acronym.
const BODY_NAMES: &[(&str, &str)] = &[
    ("un", "United_Nations"),
    ("unsc", "Security_Council"),
    ("unsc-p5", "P5"),
    ("cw", "Commonwealth"),
    ("ag", "African_Group"),
    ("ap", "Asia_Pacific_Group"),
    ("zangger", "Zangger_Committee"),
];

/// Members the groups list without ISO codes, by the name they give.
const MEMBER_NAMES: &[(&str, &str)] = &[
    ("Congo, Dem. Rep.", "COD"),
    ("Venezuela (Bolivarian  Republic of)", "VEN"),
    ("Holy See", "VAT"),
    ("West Bank and Gaza", "PSE"),
    ("Turkey", "TUR"),
];

/// A readable identifier: the name with each run of characters that an
/// identifier cannot hold turned into `_` (`OPEC+` is `OPEC_plus`).
fn identifier(name: &str) -> String {
    let name = name.replace('+', " plus");
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '-' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    assert!(
        crate::value::is_identifier(&out),
        "`{out}` is not an identifier"
    );
    out
}

fn quoted(s: &str) -> String {
    let mut out = String::new();
    crate::value::write_quoted(&mut out, s).expect("writing to a String");
    out
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("`{}`: {e}", path.display()))
}

/// The relation file of the data sets in `dir` (the folder with
/// `world-countries/` and `worldcountrygroups/`).
pub fn convert(dir: &Path) -> Result<String, String> {
    let countries: Vec<Country> = read(&dir.join("world-countries/countries.json"))?;
    let mut group_files: Vec<_> = std::fs::read_dir(dir.join("worldcountrygroups/groups"))
        .map_err(|e| format!("cannot read the groups: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    group_files.sort();
    let groups: Vec<Group> = group_files
        .iter()
        .map(|p| read(p))
        .collect::<Result<_, _>>()?;

    // The independent states, by cca3.
    let states: BTreeMap<&str, &Country> = countries
        .iter()
        .filter(|c| c.independent == Some(true))
        .map(|c| (c.cca3.as_str(), c))
        .collect();
    let ids: BTreeMap<&str, String> = states
        .iter()
        .map(|(&code, c)| (code, identifier(&c.name.common)))
        .collect();
    let by_cca2: BTreeMap<&str, &str> = states
        .values()
        .map(|c| (c.cca2.as_str(), c.cca3.as_str()))
        .collect();
    let by_name: BTreeMap<&str, &str> = states
        .values()
        .flat_map(|c| {
            [
                (c.name.common.as_str(), c.cca3.as_str()),
                (c.name.official.as_str(), c.cca3.as_str()),
            ]
        })
        .chain(MEMBER_NAMES.iter().copied())
        .collect();
    let state_of = |m: &Member| -> Option<&str> {
        let name = m
            .name
            .trim_matches(|c: char| c == '\u{200b}' || c.is_whitespace());
        [
            states.get_key_value(m.iso3.as_str()).map(|(k, _)| *k),
            by_cca2.get(m.iso2.as_str()).copied(),
            by_name.get(name).copied(),
        ]
        .into_iter()
        .flatten()
        .find(|code| states.contains_key(code))
    };

    let mut bodies: Vec<(String, &Group)> = groups
        .iter()
        .map(|g| {
            let id = BODY_NAMES
                .iter()
                .find(|(gid, _)| *gid == g.gid)
                .map_or_else(|| identifier(&g.acronym), |(_, id)| id.to_string());
            (id, g)
        })
        .collect();
    bodies.sort_by(|a, b| a.0.cmp(&b.0));
    let mut taken: BTreeSet<&str> = ids.values().map(String::as_str).collect();
    for (id, g) in &bodies {
        assert!(taken.insert(id), "`{id}` ({}) names two things", g.gid);
    }

    let mut out = String::new();
    let memberships: usize = bodies
        .iter()
        .map(|(_, g)| {
            g.countries
                .iter()
                .filter_map(state_of)
                .collect::<BTreeSet<_>>()
                .len()
        })
        .sum();
    let listed: usize = groups.iter().map(|g| g.countries.len()).sum();
    let borders: BTreeSet<(&str, &str)> = states
        .values()
        .flat_map(|c| {
            c.borders
                .iter()
                .filter(|b| states.contains_key(b.as_str()))
                .map(|b| {
                    let (a, b) = (c.cca3.as_str(), b.as_str());
                    if a < b { (a, b) } else { (b, a) }
                })
        })
        .collect();
    let w = &mut out;
    let _ = writeln!(
        w,
        "# The world's states, the international bodies and groupings they\n\
         # belong to, and their land borders. Generated by `cargo run --example\n\
         # world -- data/sources/world > data/world.kg`; do not edit.\n\
         #\n\
         # Sources:\n\
         # - Bodies and memberships: worldcountrygroups 0.5.0 (PyPI), MIT licence.\n\
         # - States and land borders: world-countries 5.1.0 (npm), ODbL 1.0.\n\
         #   The states and `borders` statements here are a database derived\n\
         #   from it, and stay under the Open Database License 1.0:\n\
         #   https://opendatacommons.org/licenses/odbl/1-0/\n\
         #\n\
         # {} independent states, {} bodies, {} memberships of states ({} listed;\n\
         # the others are territories, or bodies such as the EU in the G20),\n\
         # {} land borders, each stated once.",
        states.len(),
        bodies.len(),
        memberships,
        listed,
        borders.len()
    );
    let _ = writeln!(w, "\nrelation member_of: state -> body");
    let _ = writeln!(w, "relation borders: state <-> state");

    let _ = writeln!(
        w,
        "\n# States: ISO 3166-1 alpha-3 code and UN regional group"
    );
    let mut by_id: Vec<(&String, &Country)> =
        states.iter().map(|(code, c)| (&ids[code], *c)).collect();
    by_id.sort_by(|a, b| a.0.cmp(b.0));
    for (id, c) in &by_id {
        let mut attrs = format!("iso: {}", quoted(&c.cca3));
        if !c.un_regional_group.is_empty() {
            let _ = write!(attrs, ", un_group: {}", quoted(&c.un_regional_group));
        }
        let _ = writeln!(w, "{id}: state {} {{{attrs}}}", quoted(&c.name.common));
    }

    let _ = writeln!(w, "\n# Bodies and groupings");
    for (id, g) in &bodies {
        let _ = writeln!(
            w,
            "{id}: body {} {{acronym: {}}}",
            quoted(&g.name),
            quoted(&g.acronym)
        );
    }

    for (id, g) in &bodies {
        let members: BTreeSet<&String> = g
            .countries
            .iter()
            .filter_map(state_of)
            .map(|code| &ids[code])
            .collect();
        let _ = writeln!(w, "\n# {} ({} member states)", g.name, members.len());
        for m in members {
            let _ = writeln!(w, "{m} member_of {id}");
        }
    }

    let _ = writeln!(w, "\n# Land borders (ODbL: world-countries)");
    let mut pairs: Vec<(&String, &String)> = borders
        .iter()
        .map(|(a, b)| {
            let (a, b) = (&ids[a], &ids[b]);
            if a < b { (a, b) } else { (b, a) }
        })
        .collect();
    pairs.sort();
    for (a, b) in pairs {
        let _ = writeln!(w, "{a} borders {b}");
    }
    Ok(out)
}
