//! The operators' own fields on a subscriber (contract §16): a key, a type
//! and, for a choice, its options. A value exists only as its field's type
//! reads it: [`FieldKind::read`] is the one way to make one.

use super::sql::text_enum;

text_enum!(
    /// What a field holds.
    FieldKind {
        /// At most 200 characters of one line.
        Text => "text",
        /// A decimal number.
        Number => "number",
        /// A day, `YYYY-MM-DD`.
        Date => "date",
        /// One of the field's options.
        Choice => "choice",
        /// `yes` or `no`.
        YesNo => "yes_no",
    }
);

/// The longest text value, in characters.
pub const TEXT_MAX: usize = 200;

/// Why a value does not fit its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    Missing,
    TooLong,
    NotANumber,
    NotADate,
    NotAnOption,
    NotYesNo,
}

impl FieldError {
    /// The catalog id of the message a person reads.
    pub fn message_id(self) -> &'static str {
        match self {
            FieldError::Missing => "field-error-missing",
            FieldError::TooLong => "field-error-too-long",
            FieldError::NotANumber => "field-error-number",
            FieldError::NotADate => "field-error-date",
            FieldError::NotAnOption => "field-error-choice",
            FieldError::NotYesNo => "field-error-yes-no",
        }
    }
}

impl FieldKind {
    /// The value as stored, or why `input` is not one; `None` for an empty
    /// input, which a required field refuses elsewhere.
    pub fn read(self, input: &str, options: &[String]) -> Result<Option<String>, FieldError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(None);
        }
        let value = match self {
            FieldKind::Text => {
                if input.chars().count() > TEXT_MAX {
                    return Err(FieldError::TooLong);
                }
                input
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect()
            }
            FieldKind::Number => {
                // "4,5" as a French keyboard writes it.
                let number: f64 = input
                    .replace(',', ".")
                    .parse()
                    .map_err(|_| FieldError::NotANumber)?;
                if !number.is_finite() {
                    return Err(FieldError::NotANumber);
                }
                number.to_string()
            }
            FieldKind::Date => {
                let day: jiff::civil::Date = input.parse().map_err(|_| FieldError::NotADate)?;
                if input.len() != 10 {
                    return Err(FieldError::NotADate);
                }
                day.to_string()
            }
            FieldKind::Choice => options
                .iter()
                .find(|o| o.as_str() == input)
                .cloned()
                .ok_or(FieldError::NotAnOption)?,
            FieldKind::YesNo => match input.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" | "1" | "oui" => "yes".to_owned(),
                "no" | "false" | "off" | "0" | "non" => "no".to_owned(),
                _ => return Err(FieldError::NotYesNo),
            },
        };
        Ok(Some(value))
    }
}

/// A field's key: lowercase ASCII letters, digits and `_`, starting with a
/// letter, at most 40 characters.
pub fn is_key(key: &str) -> bool {
    key.len() <= 40
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A field as the operators defined it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    pub id: i64,
    pub key: String,
    pub kind: FieldKind,
    /// (language code, label).
    pub labels: Vec<(String, String)>,
    pub options: Vec<String>,
    pub required: bool,
    /// The lists whose signup form asks for it.
    pub lists: Vec<i64>,
}

impl FieldDef {
    /// The label in `lang`, else the first one, else the key.
    pub fn label(&self, lang: &str) -> &str {
        self.labels
            .iter()
            .find(|(code, _)| code == lang)
            .or(self.labels.first())
            .map_or(self.key.as_str(), |(_, label)| label.as_str())
    }

    /// The value `input` gives, as stored; `Ok(None)` for no value.
    pub fn parse(&self, input: &str) -> Result<Option<String>, FieldError> {
        self.kind.read(input, &self.options)
    }

    /// A value of its type to show in a template's preview.
    pub fn sample(&self, lang: crate::i18n::Lang) -> String {
        match self.kind {
            FieldKind::Text => self.label(lang.code()).to_owned(),
            FieldKind::Number => "42".to_owned(),
            FieldKind::Date => "2026-03-31".to_owned(),
            FieldKind::Choice => self.options.first().cloned().unwrap_or_default(),
            FieldKind::YesNo => "yes".to_owned(),
        }
    }

    /// Its form input's name and its API key: `field.company`.
    pub fn input_name(&self) -> String {
        format!("field.{}", self.key)
    }
}

/// Reads `LANG=label` lines.
pub fn read_labels(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(code, label)| (code.trim().to_owned(), label.trim().to_owned()))
        .filter(|(code, label)| !code.is_empty() && !label.is_empty())
        .collect()
}

/// Writes what [`read_labels`] reads.
pub fn write_labels(labels: &[(String, String)]) -> String {
    labels
        .iter()
        .map(|(code, label)| format!("{code}={}", label.replace(['\r', '\n'], " ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads options, one a line, without blanks or repeats.
pub fn read_options(text: &str) -> Vec<String> {
    let mut options: Vec<String> = Vec::new();
    for option in text.lines().map(str::trim).filter(|o| !o.is_empty()) {
        if !options.iter().any(|o| o == option) {
            options.push(option.to_owned());
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_their_type_says() {
        let none: &[String] = &[];
        assert_eq!(FieldKind::Number.read(" 42 ", none), Ok(Some("42".into())));
        assert_eq!(FieldKind::Number.read("4.50", none), Ok(Some("4.5".into())));
        assert_eq!(
            FieldKind::Number.read("NaN", none),
            Err(FieldError::NotANumber)
        );
        assert_eq!(
            FieldKind::Number.read("12a", none),
            Err(FieldError::NotANumber)
        );
        assert_eq!(
            FieldKind::Date.read("2026-02-28", none),
            Ok(Some("2026-02-28".into()))
        );
        assert_eq!(
            FieldKind::Date.read("2026-02-30", none),
            Err(FieldError::NotADate)
        );
        assert_eq!(
            FieldKind::Date.read("28/02/2026", none),
            Err(FieldError::NotADate)
        );
        let plans = ["free".to_owned(), "pro".to_owned()];
        assert_eq!(
            FieldKind::Choice.read("pro", &plans),
            Ok(Some("pro".into()))
        );
        assert_eq!(
            FieldKind::Choice.read("gold", &plans),
            Err(FieldError::NotAnOption)
        );
        assert_eq!(FieldKind::YesNo.read("on", none), Ok(Some("yes".into())));
        assert_eq!(
            FieldKind::YesNo.read("maybe", none),
            Err(FieldError::NotYesNo)
        );
        assert_eq!(FieldKind::Text.read("   ", none), Ok(None));
        assert_eq!(
            FieldKind::Text.read(&"é".repeat(201), none),
            Err(FieldError::TooLong)
        );
        assert_eq!(FieldKind::Text.read("a\tb", none), Ok(Some("a b".into())));
        assert!(is_key("company_2") && !is_key("Company") && !is_key("2x") && !is_key("a-b"));
    }
}
