//! What a mail provider reports about an address.

use super::sql::text_enum;

text_enum!(
    /// A bounce or a complaint, as the generic webhook names them.
    BounceKind {
        /// The address does not exist, or refuses mail for good.
        Hard => "hard",
        /// The mailbox is full or the server is busy: maybe later.
        Soft => "soft",
        /// The recipient marked a message as spam.
        Complaint => "complaint",
    }
);
