//! A broadcast's body may speak to its reader (contract §17):
//! `{{ subscriber.name | default("reader") }}` and
//! `{{ subscriber.fields.KEY }}`, in the template engine of §15.
//!
//! The Markdown is the template: it is rendered for each copy, then made
//! into HTML as any body is. Every value is escaped for Markdown on the
//! way in, so that a name a person typed shows as typed and never becomes
//! a link, an image or markup. A body that names no variable is rendered
//! once for all copies.

use std::collections::BTreeMap;

use minijinja::value::ValueKind;
use minijinja::{Environment, Value};

use super::markdown::{self, Body};
use super::templates;

const NAME: &str = "body.md";

/// Why a body's template is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyProblem {
    /// It does not parse or does not render: the line and the engine's words.
    Broken { line: Option<usize>, detail: String },
    /// It names something a body does not have.
    Unknown(String),
}

/// Whether a body names its reader, and so renders for each copy.
pub fn is_personal(markdown: &str) -> bool {
    markdown.contains("{{") || markdown.contains("{%")
}

/// Escapes what Markdown reads as markup: every ASCII punctuation mark
/// takes a backslash (CommonMark §2.4), and a line break becomes a space.
fn escape(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

fn engine() -> Environment<'static> {
    let mut env = templates::engine();
    env.set_formatter(|out, state, value| {
        if matches!(value.kind(), ValueKind::Undefined | ValueKind::None) {
            return Ok(());
        }
        if value.kind() == ValueKind::String || value.kind() == ValueKind::Number {
            let mut escaped = String::new();
            escape(&value.to_string(), &mut escaped);
            out.write_str(&escaped)?;
            return Ok(());
        }
        minijinja::escape_formatter(out, state, value)
    });
    env
}

/// Whether a body may name `name`, as the engine reports it.
fn known(fields: &[String], name: &str) -> bool {
    if templates::ENGINE_GLOBALS.contains(&name) {
        return true;
    }
    match name {
        "subscriber" | "subscriber.name" | "subscriber.fields" => true,
        _ => name
            .strip_prefix("subscriber.fields.")
            .is_some_and(|key| fields.iter().any(|f| f == key)),
    }
}

/// Checks a body an operator wants to save: it parses, names only the
/// reader's name and the fields that exist, and renders.
pub fn check(markdown: &str, fields: &[String]) -> Result<(), BodyProblem> {
    if !is_personal(markdown) {
        return Ok(());
    }
    let mut env = engine();
    env.add_template_owned(NAME, markdown.to_owned())
        .map_err(|e| syntax(&e))?;
    let template = env.get_template(NAME).map_err(|e| syntax(&e))?;
    let mut named: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    named.sort();
    if let Some(unknown) = named.into_iter().find(|n| !known(fields, n)) {
        return Err(BodyProblem::Unknown(unknown));
    }
    template
        .render(reader(None, &BTreeMap::new()))
        .map(|_| ())
        .map_err(|e| syntax(&e))
}

fn syntax(e: &minijinja::Error) -> BodyProblem {
    BodyProblem::Broken {
        line: e.line(),
        detail: e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_owned),
    }
}

fn reader(name: Option<&str>, fields: &BTreeMap<String, String>) -> Value {
    let mut subscriber = BTreeMap::new();
    // Absent, not empty, so that `default("…")` stands in for it.
    if let Some(name) = name {
        subscriber.insert("name", Value::from(name));
    }
    subscriber.insert("fields", Value::from(fields.clone()));
    Value::from(BTreeMap::from([("subscriber", Value::from(subscriber))]))
}

/// The body as one reader gets it; `None` for no reader in particular (a
/// preview, a test copy, the archive), where each variable shows its
/// default.
pub fn render(
    markdown: &str,
    name: Option<&str>,
    fields: &BTreeMap<String, String>,
) -> Result<Body, String> {
    if !is_personal(markdown) {
        return Ok(markdown::render(markdown));
    }
    let env = engine();
    let source = env
        .render_str(markdown, reader(name, fields))
        .map_err(|e| format!("the body's template: {e}"))?;
    Ok(markdown::render(&source))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> BTreeMap<String, String> {
        BTreeMap::from([("city".to_owned(), "Lyon".to_owned())])
    }

    #[test]
    fn a_body_greets_its_reader_or_the_default_and_shows_a_field() {
        let body =
            "Hello {{ subscriber.name | default(\"reader\") }} of {{ subscriber.fields.city }}.";
        let ada = render(body, Some("Ada"), &fields()).unwrap();
        assert_eq!(ada.text.trim(), "Hello Ada of Lyon.");
        let nobody = render(body, None, &BTreeMap::new()).unwrap();
        assert_eq!(nobody.text.trim(), "Hello reader of .");
    }

    #[test]
    fn a_name_never_becomes_markup() {
        let body = "Hello {{ subscriber.name }}!";
        let name = "*Bob* [win](https://evil.example) <img src=x onerror=alert(1)> ![x](y)";
        let made = render(body, Some(name), &BTreeMap::new()).unwrap();
        assert!(!made.html.contains("<a "), "{}", made.html);
        assert!(!made.html.contains("<img"), "{}", made.html);
        assert!(!made.html.contains("<em>"), "{}", made.html);
        assert!(made.text.contains(name), "{}", made.text);
    }

    #[test]
    fn a_body_names_only_what_it_has() {
        let keys = vec!["city".to_owned()];
        assert_eq!(check("Plain **text**.", &keys), Ok(()));
        assert_eq!(
            check(
                "{{ subscriber.name | default(\"you\") }} in {{ subscriber.fields.city }}",
                &keys
            ),
            Ok(())
        );
        assert_eq!(
            check("{{ subscriber.fields.plan }}", &keys),
            Err(BodyProblem::Unknown("subscriber.fields.plan".into()))
        );
        assert_eq!(
            check("{{ unsubscribe_url }}", &keys),
            Err(BodyProblem::Unknown("unsubscribe_url".into()))
        );
        assert!(matches!(
            check("Hello {{ subscriber.name", &keys),
            Err(BodyProblem::Broken { line: Some(1), .. })
        ));
        assert!(matches!(
            check("{% include \"x\" %}", &keys),
            Err(BodyProblem::Broken { .. })
        ));
        let endless =
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
        assert!(matches!(
            check(endless, &keys),
            Err(BodyProblem::Broken { .. })
        ));
    }
}
