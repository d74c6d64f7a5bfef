//! Every word a person reads, in each language assent speaks.
//!
//! The strings live in Project Fluent catalogs, one file per language under
//! `templates/locales/` (`en.ftl`, `fr.ftl`), embedded in the binary at
//! build time. Templates are written once and ask a [`Lang`] for their
//! words: `{{ lang.t("signup-check-form") }}`. Fluent keeps plural rules and
//! word order in the catalog, where the translator can see them, not in
//! the code.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));
}

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<Vec<Bundle>> = LazyLock::new(|| {
    embedded::CATALOGS
        .iter()
        .map(|(code, source)| bundle(code, source))
        .collect()
});

fn bundle(code: &str, source: &str) -> Bundle {
    let id = code.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The Unicode isolation marks Fluent puts around placeables would end
    // up in subjects and plain-text mail, where they show as odd glyphs.
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(language = code, ?errors, "the catalog has syntax errors");
            partial
        });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            language = code,
            ?errors,
            "the catalog defines a message twice"
        );
    }
    bundle
}

/// A language assent has a catalog for. Made only by [`Lang::parse`] or
/// [`Lang::negotiate`], so every `Lang` has its words.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(usize);

impl Lang {
    /// English: the fallback for a string missing from another catalog,
    /// and the operators' language when the browser asks for none we have.
    pub const ENGLISH: Lang = Lang(embedded::ENGLISH);

    /// `en`, `fr`, …: a language with a catalog, or `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim();
        embedded::CATALOGS
            .iter()
            .position(|(c, _)| c.eq_ignore_ascii_case(code))
            .map(Lang)
    }

    /// Every language with a catalog, by code.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..embedded::CATALOGS.len()).map(Lang)
    }

    /// The language code, as in `<html lang>` and `Content-Language`.
    pub fn code(self) -> &'static str {
        embedded::CATALOGS[self.0].0
    }

    /// The catalog's own source, for the completeness test.
    pub fn catalog_source(self) -> &'static str {
        embedded::CATALOGS[self.0].1
    }

    /// The language an `Accept-Language` header prefers among ours,
    /// q-values included; English when it asks for none of them.
    pub fn negotiate(accept_language: &str) -> Lang {
        Self::preferred(accept_language).unwrap_or(Lang::ENGLISH)
    }

    /// The language an `Accept-Language` header prefers among ours, if it
    /// asks for one of them.
    pub fn preferred(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .filter(|q| (0.0..=1.0).contains(q));
            let primary = tag.split('-').next().unwrap_or_default();
            if let (Some(q), Some(lang)) = (q, Lang::parse(primary))
                && q > 0.0
                && best.is_none_or(|(b, _)| q > b)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// The message `id`.
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one variable.
    pub fn t1(self, id: &str, name: &str, value: impl fmt::Display) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value.to_string());
        self.format(id, Some(&args))
    }

    /// The message `id` with two variables.
    pub fn t2(
        self,
        id: &str,
        name: &str,
        value: impl fmt::Display,
        name2: &str,
        value2: impl fmt::Display,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value.to_string());
        args.set(name2, value2.to_string());
        self.format(id, Some(&args))
    }

    /// The message `id` with any number of text variables.
    pub fn t_with(self, id: &str, vars: &[(&str, &str)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in vars {
            args.set(*name, *value);
        }
        self.format(id, Some(&args))
    }

    /// The message `id` for a number `$count`, which picks the plural form
    /// (`1 abonné`, `2 abonnés`).
    pub fn n(self, id: &str, count: impl Count) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count.value()));
        self.format(id, Some(&args))
    }

    /// A day in words: "1 December 2026", "1 décembre 2026".
    pub fn date(self, at: time::OffsetDateTime) -> String {
        let mut args = FluentArgs::new();
        args.set("day", at.day());
        args.set("month", self.t(&format!("month-{}", u8::from(at.month()))));
        args.set("year", at.year());
        self.format("date", Some(&args))
    }

    /// A day without its year: "28 November", "28 novembre".
    pub fn day_month(self, at: time::OffsetDateTime) -> String {
        let mut args = FluentArgs::new();
        args.set("day", at.day());
        args.set("month", self.t(&format!("month-{}", u8::from(at.month()))));
        self.format("date-day-month", Some(&args))
    }

    /// The same for a Unix time in seconds.
    pub fn date_of(self, unix: i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(unix)
            .map(|at| self.date(at))
            .unwrap_or_default()
    }

    /// A day and a time, as a clock `offset` seconds from UTC shows the
    /// Unix time `unix` (seconds), followed by the zone's name:
    /// "1 December 2026, 14:05 UTC".
    pub fn date_time_in(self, unix: i64, offset: i32, zone: &str) -> String {
        let at = time::UtcOffset::from_whole_seconds(offset)
            .ok()
            .and_then(|offset| {
                time::OffsetDateTime::from_unix_timestamp(unix)
                    .ok()
                    .map(|at| at.to_offset(offset))
            });
        let Some(at) = at else {
            return String::new();
        };
        let mut args = FluentArgs::new();
        args.set("date", self.date(at));
        args.set("time", format!("{:02}:{:02}", at.hour(), at.minute()));
        args.set("zone", zone.to_owned());
        self.format("date-time", Some(&args))
    }

    /// A length of time in words: "48 hours", "30 jours". Whole days from
    /// three days up; "48 hours" reads better than "2 days" for a link.
    pub fn duration(self, duration: Duration) -> String {
        let secs = duration.as_secs();
        const YEAR: u64 = 365 * 86_400;
        let (n, id) = if secs.is_multiple_of(YEAR) && secs >= YEAR {
            (secs / YEAR, "duration-years")
        } else if secs.is_multiple_of(86_400) && secs >= 3 * 86_400 {
            (secs / 86_400, "duration-days")
        } else if secs.is_multiple_of(3600) {
            (secs / 3600, "duration-hours")
        } else if secs.is_multiple_of(60) {
            (secs / 60, "duration-minutes")
        } else {
            (secs, "duration-seconds")
        };
        self.n(id, n)
    }

    fn format(self, id: &str, args: Option<&FluentArgs>) -> String {
        for lang in [self, Lang::ENGLISH] {
            let bundle = &BUNDLES[lang.0];
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(language = lang.code(), id, ?errors, "formatting a message");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(language = self.code(), id, "no such message in any catalog");
        id.to_owned()
    }

    /// Whether this catalog itself has `id`, without falling back.
    pub fn has(self, id: &str) -> bool {
        BUNDLES[self.0].has_message(id)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.code())
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang::ENGLISH
    }
}

/// A number a plural form can be chosen for.
pub trait Count {
    fn value(&self) -> i64;
}

macro_rules! count {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn value(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
count!(i64, i32, u32, u64, usize);

impl<T: Count> Count for &T {
    fn value(&self) -> i64 {
        (**self).value()
    }
}

/// The ids of the messages a catalog defines.
pub fn message_ids(source: &str) -> Vec<Cow<'_, str>> {
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(resource) => resource,
        Err((resource, _)) => resource,
    };
    resource
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(Cow::Borrowed(m.id.name)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> Lang {
        Lang::parse("fr").expect("a French catalog")
    }

    /// An organisation's or a list's name is the operator's: "de assent"
    /// or "que Acme" would need an elision that depends on the name. The
    /// French strings are worded so that no elided word comes before one
    /// ("envoyés par { $org }", "Ce qu'envoie { $org }"), whatever it is.
    #[test]
    fn no_french_string_needs_an_elision_before_a_name() {
        let source = embedded::CATALOGS
            .iter()
            .find(|(code, _)| *code == "fr")
            .map(|(_, source)| *source)
            .expect("a French catalog");
        for line in source.lines() {
            for name in ["{ $org }", "{ $list }"] {
                for word in [
                    "de", "que", "le", "la", "je", "ne", "se", "lorsque", "puisque",
                ] {
                    let elidable = format!(" {word} {name}");
                    let first = format!("= {word} {name}");
                    assert!(
                        !line.to_lowercase().contains(&elidable)
                            && !line.to_lowercase().contains(&first),
                        "{line}"
                    );
                }
            }
        }
        let wording = crate::domain::list::default_wording("Lettre", "Atelier Acme", fr());
        assert!(wording.contains("envoyés par Atelier Acme"), "{wording}");
    }

    #[test]
    fn accept_language_follows_q_values() {
        assert_eq!(Lang::negotiate("fr-FR,fr;q=0.9,en;q=0.8"), fr());
        assert_eq!(Lang::negotiate("en;q=0.5, fr;q=0.9"), fr());
        assert_eq!(Lang::negotiate("de, fr;q=0.1"), fr());
        assert_eq!(Lang::negotiate("fr;q=0, en"), Lang::ENGLISH);
        assert_eq!(Lang::negotiate("de-DE, es"), Lang::ENGLISH);
        assert_eq!(Lang::negotiate(""), Lang::ENGLISH);
        assert_eq!(Lang::negotiate("fr;q=abc"), Lang::ENGLISH);
        assert_eq!(Lang::negotiate("FR-ca"), fr());
    }

    #[test]
    fn plurals_and_dates_follow_the_language() {
        assert_eq!(fr().n("subscriber-count", 1), "1 abonné");
        assert_eq!(fr().n("subscriber-count", 2), "2 abonnés");
        assert_eq!(Lang::ENGLISH.n("subscriber-count", 1), "1 subscriber");
        assert_eq!(Lang::ENGLISH.n("subscriber-count", 2), "2 subscribers");
        let day = time::macros::datetime!(2026-12-01 14:05 UTC);
        assert_eq!(fr().date(day), "1 décembre 2026");
        assert_eq!(Lang::ENGLISH.date(day), "1 December 2026");
        assert_eq!(fr().duration(Duration::from_secs(48 * 3600)), "48 heures");
        assert_eq!(fr().duration(Duration::from_secs(3600)), "1 heure");
        assert_eq!(
            Lang::ENGLISH.duration(Duration::from_secs(30 * 86_400)),
            "30 days"
        );
    }

    /// Each message's variables, by id, read from a catalog's source.
    fn variables(source: &str) -> std::collections::BTreeMap<String, Vec<String>> {
        let mut out = std::collections::BTreeMap::new();
        let mut current: Option<String> = None;
        for line in source.lines() {
            if let Some((id, _)) = line.split_once(" =")
                && !line.starts_with([' ', '#'])
            {
                current = Some(id.trim().to_owned());
                out.insert(id.trim().to_owned(), Vec::new());
            }
            if let Some(id) = &current {
                let vars = out.get_mut(id).expect("inserted");
                for part in line.split('$').skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    if !name.is_empty() && !vars.contains(&name) {
                        vars.push(name);
                    }
                }
                vars.sort();
            }
        }
        out
    }

    #[test]
    fn every_catalog_has_every_message_with_the_same_variables() {
        let english = variables(Lang::ENGLISH.catalog_source());
        assert!(english.len() > 100, "the English catalog is read");
        for lang in Lang::all() {
            let source = lang.catalog_source();
            assert!(
                fluent_syntax::parser::parse(source).is_ok(),
                "{lang}: the catalog has syntax errors"
            );
            let ids = message_ids(source);
            let unique: std::collections::BTreeSet<_> = ids.iter().collect();
            assert_eq!(
                unique.len(),
                ids.len(),
                "{lang}: a message is defined twice"
            );
            let theirs = variables(source);
            let missing: Vec<_> = english
                .keys()
                .filter(|id| !theirs.contains_key(*id))
                .collect();
            let extra: Vec<_> = theirs
                .keys()
                .filter(|id| !english.contains_key(*id))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{lang} has messages English lacks: {extra:?}"
            );
            for (id, vars) in &english {
                assert_eq!(&theirs[id], vars, "{lang}: {id} uses other variables");
            }
        }
    }

    /// French elides `de`, `que`, `le` before a vowel: a message that puts
    /// the organisation's name (`assent` by default) or a list's after one
    /// of them would read "de assent". Each French message is formatted
    /// with names that begin with a vowel, and read for such a pair.
    #[test]
    fn french_never_leaves_an_elision_undone_before_the_organisation() {
        let source = fr().catalog_source();
        let vars = variables(source);
        for id in message_ids(source) {
            let names = &vars[id.as_ref()];
            let args: Vec<(&str, &str)> = names
                .iter()
                .map(|name| {
                    let names = name == "org" || name == "list";
                    (name.as_str(), if names { "assent" } else { "7" })
                })
                .collect();
            let text = fr().t_with(&id, &args).to_lowercase();
            for word in ["de", "que", "le", "la", "ce que", "si"] {
                let undone = format!(" {word} assent");
                let at_start = format!("{word} assent");
                assert!(
                    !text.contains(&undone) && !text.starts_with(&at_start),
                    "fr {id}: {text}"
                );
            }
        }
    }

    /// Every id named in a template or in the code, as a literal, exists:
    /// a typo would otherwise show the id to a reader.
    #[test]
    fn every_message_the_code_asks_for_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("a readable directory") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .extension()
                    .is_some_and(|e| e == "html" || e == "txt" || e == "rs")
                {
                    files.push(path);
                }
            }
        }
        let mut asked = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a readable file");
            for call in [".t(\"", ".t1(\"", ".t2(\"", ".n(\"", ".t_with(\""] {
                for part in text.split(call).skip(1) {
                    let id = part.split('"').next().unwrap_or_default();
                    if id.is_empty() || id.contains(['{', ' ']) {
                        continue;
                    }
                    asked += 1;
                    for lang in Lang::all() {
                        assert!(lang.has(id), "{}: {lang} has no {id:?}", file.display());
                    }
                }
            }
        }
        assert!(asked > 100, "the templates are read ({asked} lookups)");
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert_eq!(Lang::parse("en"), Some(Lang::ENGLISH));
        assert_eq!(Lang::parse("xx"), None);
        assert_eq!(Lang::parse(""), None);
    }
}
