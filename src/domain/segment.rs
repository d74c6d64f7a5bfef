//! Saved segments (contract §16): the people that `all` or `any` of some
//! conditions choose. An operator builds each condition from three form
//! selects, kept as they were sent ([`Rule`]); [`Condition::read`] is the
//! one way to turn them into something a query can use, so nothing typed
//! reaches the database other than as a value of a known kind.

use serde::{Deserialize, Serialize};

use super::consent::{Channel, Status};
use super::field::{FieldDef, FieldKind};
use super::ids::ListId;
use super::sql::text_enum;

text_enum!(
    /// How a segment's conditions combine.
    Match {
        All => "all",
        Any => "any",
    }
);

/// The most conditions a segment holds.
pub const MAX_RULES: usize = 20;

/// One condition as the form sent it: what it looks at, the test and the
/// value. Stored this way, so that the page shows what was chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub what: String,
    pub op: String,
    #[serde(default)]
    pub value: String,
}

/// What a rule may name: the operators' fields, the lists and the
/// languages.
pub struct Known<'a> {
    pub fields: &'a [FieldDef],
    pub lists: &'a [ListId],
    pub languages: &'a [&'a str],
}

/// A condition on a person.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A subscription to the list, in the status or in any; `negated` for
    /// people without one.
    List {
        list: ListId,
        status: Option<Status>,
        negated: bool,
    },
    Field {
        field: i64,
        test: FieldTest,
    },
    /// When the person first signed up, in Unix milliseconds.
    SignedUp(TimeTest),
    /// When any of their subscriptions was confirmed.
    Confirmed(TimeTest),
    /// A subscription to a list in that language.
    Language {
        code: String,
        negated: bool,
    },
    /// A confirmed subscription that was asked for through this channel:
    /// the form, the API, an import or an operator's invitation.
    Channel(Channel),
    /// A hard bounce on record, or none.
    Bounced(bool),
    /// A complaint on record, or none.
    Complained(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldTest {
    /// The value, as its field's type reads it.
    Is(String),
    /// Anything else, no value included.
    IsNot(String),
    /// Text holding this, in any letter case.
    Contains(String),
    Less(f64),
    Greater(f64),
    /// A date before or after this day, `YYYY-MM-DD`.
    Before(String),
    After(String),
    /// No value.
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeTest {
    Before(i64),
    After(i64),
}

/// Why a rule is not a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    /// It names no list, field or property there is.
    What,
    /// A test its subject does not have.
    Op,
    /// A value the test cannot use.
    Value,
}

impl RuleError {
    pub fn message_id(self) -> &'static str {
        match self {
            RuleError::What => "segment-error-what",
            RuleError::Op => "segment-error-op",
            RuleError::Value => "segment-error-value",
        }
    }
}

/// The channels a subscription can be asked for through.
pub const REQUEST_CHANNELS: [Channel; 4] = [
    Channel::Form,
    Channel::Api,
    Channel::Import,
    Channel::Operator,
];

/// The tests each field type offers, in the order the form lists them.
pub fn field_ops(kind: FieldKind) -> &'static [&'static str] {
    match kind {
        FieldKind::Text => &["is", "is_not", "contains", "empty"],
        FieldKind::Number => &["is", "is_not", "lt", "gt", "empty"],
        FieldKind::Date => &["is", "before", "after", "empty"],
        FieldKind::Choice => &["is", "is_not", "empty"],
        FieldKind::YesNo => &["is", "empty"],
    }
}

/// Midnight UTC at the start of a `YYYY-MM-DD` day, in Unix milliseconds.
fn day_start(value: &str) -> Option<i64> {
    let value = value.trim();
    if value.len() != 10 {
        return None;
    }
    let day: jiff::civil::Date = value.parse().ok()?;
    let at = jiff::tz::TimeZone::UTC
        .to_ambiguous_zoned_datetime(day.at(0, 0, 0, 0))
        .compatible()
        .ok()?;
    Some(at.timestamp().as_millisecond())
}

fn yes_no(value: &str) -> Result<bool, RuleError> {
    match value {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(RuleError::Value),
    }
}

impl Condition {
    /// The condition a rule describes, or what is wrong with it.
    pub fn read(rule: &Rule, known: &Known<'_>) -> Result<Condition, RuleError> {
        let (op, value) = (rule.op.as_str(), rule.value.trim());
        if let Some(list) = rule.what.strip_prefix("list:") {
            let list = list
                .parse()
                .ok()
                .map(ListId)
                .filter(|l| known.lists.contains(l))
                .ok_or(RuleError::What)?;
            let negated = match op {
                "is" => false,
                "is_not" => true,
                _ => return Err(RuleError::Op),
            };
            let status = match value {
                "any" => None,
                other => Some(Status::parse(other).ok_or(RuleError::Value)?),
            };
            return Ok(Condition::List {
                list,
                status,
                negated,
            });
        }
        if let Some(key) = rule.what.strip_prefix("field:") {
            let def = known
                .fields
                .iter()
                .find(|f| f.key == key)
                .ok_or(RuleError::What)?;
            if !field_ops(def.kind).contains(&op) {
                return Err(RuleError::Op);
            }
            let read = || match def.kind.read(value, &def.options) {
                Ok(Some(v)) => Ok(v),
                _ => Err(RuleError::Value),
            };
            let number = || read()?.parse::<f64>().map_err(|_| RuleError::Value);
            let test = match op {
                "is" => FieldTest::Is(read()?),
                "is_not" => FieldTest::IsNot(read()?),
                "contains" if !value.is_empty() => FieldTest::Contains(read()?),
                "lt" => FieldTest::Less(number()?),
                "gt" => FieldTest::Greater(number()?),
                "before" => FieldTest::Before(read()?),
                "after" => FieldTest::After(read()?),
                "empty" => FieldTest::Empty,
                _ => return Err(RuleError::Value),
            };
            return Ok(Condition::Field {
                field: def.id,
                test,
            });
        }
        let time = || {
            let at = day_start(value).ok_or(RuleError::Value)?;
            match op {
                "before" => Ok(TimeTest::Before(at)),
                "after" => Ok(TimeTest::After(at + 86_400_000)),
                _ => Err(RuleError::Op),
            }
        };
        let only_is = || {
            if op == "is" {
                Ok(())
            } else {
                Err(RuleError::Op)
            }
        };
        match rule.what.as_str() {
            "signed_up" => Ok(Condition::SignedUp(time()?)),
            "confirmed" => Ok(Condition::Confirmed(time()?)),
            "language" => {
                let negated = match op {
                    "is" => false,
                    "is_not" => true,
                    _ => return Err(RuleError::Op),
                };
                let code = known
                    .languages
                    .iter()
                    .find(|l| **l == value)
                    .ok_or(RuleError::Value)?;
                Ok(Condition::Language {
                    code: (*code).to_owned(),
                    negated,
                })
            }
            "channel" => {
                only_is()?;
                let channel = REQUEST_CHANNELS
                    .into_iter()
                    .find(|c| c.as_str() == value)
                    .ok_or(RuleError::Value)?;
                Ok(Condition::Channel(channel))
            }
            "bounced" => {
                only_is()?;
                Ok(Condition::Bounced(yes_no(value)?))
            }
            "complained" => {
                only_is()?;
                Ok(Condition::Complained(yes_no(value)?))
            }
            _ => Err(RuleError::What),
        }
    }
}

/// Conditions ready for a query: how they combine, and each of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Criteria {
    pub matching: Match,
    pub conditions: Vec<Condition>,
}

impl Criteria {
    /// The conditions of `rules`, or the position and error of each rule
    /// that is not one.
    pub fn read(
        matching: Match,
        rules: &[Rule],
        known: &Known<'_>,
    ) -> Result<Criteria, Vec<(usize, RuleError)>> {
        let mut conditions = Vec::with_capacity(rules.len());
        let mut errors = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            match Condition::read(rule, known) {
                Ok(c) => conditions.push(c),
                Err(e) => errors.push((i, e)),
            }
        }
        if errors.is_empty() {
            Ok(Criteria {
                matching,
                conditions,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known_field(key: &str, kind: FieldKind) -> FieldDef {
        FieldDef {
            id: 7,
            key: key.to_owned(),
            kind,
            labels: Vec::new(),
            options: vec!["free".to_owned(), "pro".to_owned()],
            required: false,
            lists: Vec::new(),
        }
    }

    fn read(what: &str, op: &str, value: &str) -> Result<Condition, RuleError> {
        let fields = [
            known_field("plan", FieldKind::Choice),
            FieldDef {
                id: 8,
                ..known_field("seats", FieldKind::Number)
            },
        ];
        let known = Known {
            fields: &fields,
            lists: &[ListId(1)],
            languages: &["en", "fr"],
        };
        let rule = Rule {
            what: what.to_owned(),
            op: op.to_owned(),
            value: value.to_owned(),
        };
        Condition::read(&rule, &known)
    }

    #[test]
    fn a_rule_reads_only_what_its_subject_offers() {
        assert_eq!(
            read("list:1", "is", "confirmed"),
            Ok(Condition::List {
                list: ListId(1),
                status: Some(Status::Confirmed),
                negated: false
            })
        );
        assert_eq!(read("list:2", "is", "confirmed"), Err(RuleError::What));
        assert_eq!(read("list:1", "lt", "confirmed"), Err(RuleError::Op));
        assert_eq!(
            read("field:plan", "is", "pro"),
            Ok(Condition::Field {
                field: 7,
                test: FieldTest::Is("pro".to_owned())
            })
        );
        assert_eq!(read("field:plan", "is", "gold"), Err(RuleError::Value));
        assert_eq!(read("field:plan", "lt", "pro"), Err(RuleError::Op));
        assert_eq!(
            read("field:seats", "gt", "4,5"),
            Ok(Condition::Field {
                field: 8,
                test: FieldTest::Greater(4.5)
            })
        );
        assert_eq!(read("field:seats", "gt", "many"), Err(RuleError::Value));
        assert_eq!(read("field:nope", "is", "x"), Err(RuleError::What));
        assert_eq!(read("language", "is", "de"), Err(RuleError::Value));
        assert_eq!(read("channel", "is", "bounce"), Err(RuleError::Value));
        assert_eq!(read("bounced", "is", "maybe"), Err(RuleError::Value));
        assert_eq!(read("subscribers.id", "is", "1"), Err(RuleError::What));
    }

    #[test]
    fn after_a_day_means_from_the_next_one() {
        let day = 1_767_225_600_000; // 2026-01-01T00:00:00Z
        assert_eq!(
            read("signed_up", "before", "2026-01-01"),
            Ok(Condition::SignedUp(TimeTest::Before(day)))
        );
        assert_eq!(
            read("confirmed", "after", "2026-01-01"),
            Ok(Condition::Confirmed(TimeTest::After(day + 86_400_000)))
        );
        assert_eq!(
            read("signed_up", "before", "2026-1-1"),
            Err(RuleError::Value)
        );
    }
}
