//! Embeds the message catalogs in the binary: `templates/locales/xx.ftl`
//! is the catalog of the language `xx`, so adding a language is adding
//! its file. Also has the crate rebuilt when a migration is added, which
//! `embed_migrations!` alone does not notice.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    for backend in ["migrations/sqlite", "migrations/postgres"] {
        println!("cargo::rerun-if-changed={backend}");
    }
    let dir = Path::new("templates/locales");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut catalogs = Vec::new();
    for entry in std::fs::read_dir(dir).expect("templates/locales is readable") {
        let path = entry.expect("a readable directory entry").path();
        let Some(code) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".ftl"))
        else {
            continue;
        };
        println!("cargo::rerun-if-changed={}", path.display());
        catalogs.push((code.to_owned(), format!("/templates/locales/{code}.ftl")));
    }
    catalogs.sort();
    let english = catalogs
        .iter()
        .position(|(code, _)| code == "en")
        .expect("templates/locales/en.ftl, the fallback catalog, is missing");

    let mut out = String::from("/// Every catalog: (language code, FTL source), sorted by code.\n");
    out.push_str("pub static CATALOGS: &[(&str, &str)] = &[\n");
    // Paths from the crate's own directory as it is compiled, not as this
    // script saw it: two checkouts that share a target directory each get
    // their own catalogs.
    for (code, path) in &catalogs {
        writeln!(
            out,
            "    ({code:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {path:?}))),"
        )
        .unwrap();
    }
    out.push_str("];\n");
    writeln!(
        out,
        "/// The index of `en`, the fallback.\npub const ENGLISH: usize = {english};"
    )
    .unwrap();

    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("catalogs.rs"), out).expect("OUT_DIR is writable");
}
