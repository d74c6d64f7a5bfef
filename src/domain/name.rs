//! The optional name a visitor may give. It is stored and shown to operators,
//! never put into a message, so it cannot carry an attacker's words to a third
//! party.

use crate::i18n::Lang;

const MAX_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Please keep the name under {MAX_CHARS} characters.")]
    TooLong,
    #[error("The name may not contain line breaks or control characters.")]
    ControlCharacter,
}

impl NameError {
    /// The message for a visitor, in their language.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            NameError::TooLong => lang.t1("name-error-too-long", "max", MAX_CHARS),
            NameError::ControlCharacter => lang.t("name-error-control"),
        }
    }
}

impl SubscriberName {
    /// `Ok(None)` for a blank name: the field is optional.
    pub fn parse(input: &str) -> Result<Option<Self>, NameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter);
        }
        if trimmed.chars().count() > MAX_CHARS {
            return Err(NameError::TooLong);
        }
        Ok(Some(Self(trimmed.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_optional() {
        assert_eq!(SubscriberName::parse("   "), Ok(None));
        let name = SubscriberName::parse("  Zoë <b>Doe</b> ").expect("valid");
        assert_eq!(
            name.as_ref().map(SubscriberName::as_str),
            Some("Zoë <b>Doe</b>")
        );
    }

    #[test]
    fn control_characters_and_long_names_are_refused() {
        assert_eq!(
            SubscriberName::parse("a\r\nBcc: x@y.z"),
            Err(NameError::ControlCharacter)
        );
        assert_eq!(
            SubscriberName::parse(&"é".repeat(101)),
            Err(NameError::TooLong)
        );
        assert!(SubscriberName::parse(&"é".repeat(100)).is_ok());
    }
}
