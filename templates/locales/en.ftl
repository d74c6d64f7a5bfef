# English: the fallback catalog. Every message here must exist in every
# other catalog too (the catalog test fails otherwise).
# Variables: $list is a list's name, $org the organisation's, $count a number.

## Dates and lengths of time

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date = { $day } { $month } { $year }
date-day-month = { $day } { $month }
date-time = { $date }, { $time } { $zone }
duration-years = { $count ->
    [one] 1 year
   *[other] { $count } years
}
duration-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}
duration-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
duration-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
duration-seconds = { $count ->
    [one] 1 second
   *[other] { $count } seconds
}
subscriber-count = { $count ->
    [one] 1 subscriber
   *[other] { $count } subscribers
}

## What a new list starts with

default-consent-wording = I agree to receive the { $list } emails from { $org }. I can unsubscribe at any time with the link in every message.
default-list-description = News and updates from { $org }, sent now and then.

## Every public page

skip-to-content = Skip to content
site-footer = { $org } only sends mail you asked for. Every message has a one-click unsubscribe link.
error-status = Error { $status }
nothing-happens-until = Nothing happens until you press the button.
own-page-link = See all your subscriptions and your data

## The signup form

signup-title = Subscribe to { $list }
signup-point-check = First we send one email to check the address is yours. Nothing else arrives until you press the button in it.
signup-point-only = After that you get the { $list } messages, and nothing else.
signup-point-leave = You can leave at any time: every message has a one-click unsubscribe link.
signup-check-form = Please check the form
signup-email = Email address
signup-name = Name (optional)
signup-optional = (optional)
field-yes = Yes
field-no = No
signup-button = Subscribe
signup-pow-note = Before the form is sent, your browser makes a short calculation, usually under a second, that shows it is not a bot sending thousands of signups. It needs JavaScript and sends nothing to anyone else.
signup-pow-noscript = This form needs JavaScript for that calculation. Please turn JavaScript on to subscribe.
signup-pow-missing = Your browser has not finished its check yet. Wait a moment, then press the button again.
signup-pow-failed = Your browser's check could not be accepted: it was too old or already used. Press the button again for a new one.
pow-label = Checking that a person is here
pow-verifying = Calculating…
pow-verified = Checked
pow-error = The check failed. Please try again.
pow-expired = The check expired. Please try again.
pow-required = Please wait for the check to finish.
pow-wait = Still calculating, one moment please.
notice-heading = About your data
notice-who = { $org } keeps your address (and your name, if you give it) to send you { $list }, because you ask for it; it is not used for anything else.
notice-who-at = { $org }, { $address }, keeps your address (and your name, if you give it) to send you { $list }, because you ask for it; it is not used for anything else.
notice-pending = If you do not confirm, your request is deleted after { $duration }.
notice-kept = Once you confirm, it is kept until you leave. A record of when and how you agreed is kept with it, as the law asks.
notice-kept-reconfirm = Once you confirm, it is kept until you leave; after { $duration } we ask whether you still want it, and stop if you do not answer. A record of when and how you agreed is kept with it, as the law asks.
notice-rights = Every message has a link to your own page, where you can see and download what is kept about you, leave, or erase yourself.
notice-policy = Our privacy policy
notice-policy-rest = has the rest.

## What a visitor typed, refused

email-error-empty = Please enter your email address.
email-error-forbidden-character = An email address cannot contain spaces, line breaks or other invisible characters.
email-error-missing-at = Please include an @ in the email address, like name@example.com.
email-error-multiple-at = An email address can contain only one @.
email-error-empty-local-part = Please enter the part before the @.
email-error-non-ascii-local-part = The part before the @ must use ASCII characters only; accented or non-Latin letters are not accepted there.
email-error-invalid-local-part = The part before the @ may only use letters, digits and the symbols . ! # $ % & ' * + / = ? ^ _ ` {"{"} | {"}"} ~ and -.
email-error-local-part-too-long = The part before the @ is too long; it can be at most 64 characters.
email-error-empty-domain = Please enter the part after the @, like example.com.
email-error-ip-address = Addresses at an IP address are not accepted; please use a domain name, like example.com.
email-error-invalid-domain = The part after the @ is not a valid domain name; use one like example.com, made of letters, digits and hyphens separated by single dots.
email-error-too-long = The email address is too long; it can be at most 254 characters.
name-error-too-long = Please keep the name under { $max } characters.
name-error-control = The name may not contain line breaks or control characters.
unknown-list = This list does not exist or no longer takes signups.

## After the signup

check-inbox-title = Check your inbox
check-inbox-sent = We sent a message to { $email } to confirm the subscription to { $list }.
check-inbox-within = Press the button in that message within { $duration }.
check-inbox-spam = Nothing there after a few minutes? Check your spam or junk folder.
check-inbox-known = If this address is already subscribed, nothing changes and there is nothing more to do.

## Confirming

confirm-title = Confirm your subscription to { $list }
confirm-asked = You asked to subscribe to { $list }.
confirm-button = Confirm my subscription
confirm-already-title = Your subscription is confirmed
confirm-already-lead = You are subscribed to { $list }.
confirm-already-rest = There is nothing more to do. Every message has a link to unsubscribe.
confirmed-title = Subscription confirmed
confirmed-lead = Thank you! You are now subscribed to { $list }.
confirmed-welcome = A welcome message is on its way to your inbox.
confirmed-leave = Every message has an unsubscribe link, so you can leave whenever you like.

## Unsubscribing

unsubscribe-title = Unsubscribe from { $list }
unsubscribe-lead = Press the button to stop all mail from { $list } to this address.
unsubscribe-button = Unsubscribe
unsubscribe-already-title = You are already unsubscribed
unsubscribe-already-lead = This address no longer gets mail from { $list }.
nothing-more = There is nothing more to do.
unsubscribed-title = You are unsubscribed
unsubscribed-lead = You will get no more mail from { $list }.
unsubscribed-mistake = Was this a mistake?
subscribe-again = Subscribe again

## Keeping a subscription (re-permission)

keep-kept-title = Thank you: you stay subscribed
keep-kept-lead = You will keep getting { $list }. We have recorded your answer.
keep-ended-title = This subscription has ended
keep-ended-lead = This address no longer gets { $list }, so there is nothing to keep.
keep-ended-again = Want it again?
keep-title = Do you still want { $list }?
keep-lead = Press the button to keep getting { $list }.
keep-button = Keep me subscribed
keep-note = Nothing happens until you press the button. If you do not, the subscription ends after a while and no more mail comes.

## The person's own page

me-title = Your subscriptions
me-lead = What { $org } sends to { $email }, and what it keeps about you.
me-list = List
me-status = Status
me-action = Action
me-status-confirmed = subscribed
me-status-pending = waiting for your confirmation
me-status-unsubscribed = not subscribed
me-rejoin = Join again
me-leave = Leave
me-data-heading = Your data
me-download = Download your consent record
me-download-rest = Your consent record (JSON) holds every request, confirmation and unsubscribe, with when, from where and the wording you agreed to.
me-erase-heading = Erase yourself
me-erase-text = This deletes your address, your subscriptions and their history. Only a keyed fingerprint of the address stays, so that nobody can add it back by importing a list. It cannot be undone.
me-erase-confirm = I want my data erased
me-erase-button = Erase my data
me-left = Done: you have left that list.
me-rejoin-sent = If you still want that list, a confirmation is on its way to your address: press its button to join again. Nothing changes until you do.
me-back = Back to your subscriptions
me-no-such-list-title = No such list
me-no-such-list = You are not on that list. Nothing was changed.
me-by-mail = A link that works for one hour is mailed to your address first, so that whoever holds a copy of our messages cannot do this for you.
me-check-inbox-title = Check your inbox
me-record-sent = If this address can still receive our mail, a link to your consent record is on its way to it. The link works for one hour.
me-erase-sent = If this address can still receive our mail, a link to erase your data is on its way to it. Open it within one hour and press its button: nothing is erased before.
own-link-expired = This link worked for one hour, and that hour is over. Ask again from your subscriptions page, through the link at the bottom of any of our messages.
me-erase-unticked-title = Tick the box to erase your data
me-erase-unticked = Nothing was erased: the box saying you want your data erased was not ticked.
me-erased-title = Your data is erased
me-erased = Your address, your subscriptions and their history are deleted. No more mail will come.

## Public errors

not-found-title = Page not found
not-found = There is nothing at this address.
to-signup-page = Go to the signup page
back-to-signup = Back to the signup form
not-allowed-title = Not allowed
not-allowed = This address does not take that kind of request.
unreadable-title = Unreadable request
unreadable = The address of this page has a value that could not be read.
server-error-title = Something went wrong
server-error = The server could not finish your request. Nothing was lost on your side: please try again in a little while.
list-not-found-title = List not found
too-many-signups-title = Too many signups
too-many-signups = This connection has sent too many signups in a short time. Please wait a minute and try again.
too-many-requests-title = Too many requests at once
too-many-requests = This connection has too many requests in progress. Please wait for them to finish.
too-large-title = Too much data
form-too-large = The form sent more than 16 KiB. Please shorten what you typed and try again.
request-too-large = This request carried more than 16 KiB.
unsupported-form-title = Unsupported form
unsupported-form = The signup form takes urlencoded or multipart form data.
unreadable-form-title = Unreadable form
unreadable-form = The form data could not be read. Please go back and try again.
form-timeout-title = The form took too long to arrive
form-timeout = The form data did not arrive in time. Please go back and try again.
request-timeout-title = The request took too long to arrive
press-again = Nothing was changed. Please press the button again.
link-expired-title = This link has expired
link-expired = Confirmation links work for a limited time, and this one's has run out. Sign up again to get a fresh one.
link-ended-title = This link no longer works
link-ended = This subscription request was declined or ended, so the link cannot confirm it. Sign up again if you want to subscribe.
sign-up-again = Sign up again
link-not-found-title = Link not found
confirm-link-not-found = This confirmation link is not valid. Please check that it was copied whole from the message.
unsubscribe-link-not-found = This unsubscribe link is not valid. Please check that it was copied whole from the message.
link-not-valid = This link is not valid. Use the link of the most recent message you received.
test-copy-title = This was a test copy
test-copy = This link came from a test copy of a broadcast. In the copies subscribers receive, it is their own link to unsubscribe. Nothing was changed.

## Messages

mail-footer-why = You are receiving this because this address was entered on the signup form of { $list }.
mail-footer-unsubscribe = Unsubscribe:
mail-footer-preferences = Your subscriptions, and what is kept about you:
own-record-subject = Your consent record
own-record-lead = You asked, from your subscriptions page, for the record of what you agreed to: every request, confirmation and unsubscribe, with when and from where. Download it here:
own-record-button = Download my consent record
own-erase-subject = Erase your data
own-erase-lead = You asked, from your subscriptions page, for your data to be erased. Open this page and press its button to erase it:
own-erase-button = Open the erasure page
own-link-ttl = This link works for { $duration }.
own-link-not-you = If you did not ask for this, ignore this message: nothing happens without this link.
mail-button-fallback = If the button does not work, copy this link into your browser:
confirmation-subject = Please confirm your subscription to { $list }
confirmation-press = To confirm, press the button below, then press the button on the page that opens.
confirmation-open = To confirm, open this link and press the button on the page:
confirmation-button = Confirm my subscription
confirmation-ttl = The link works for { $duration }.
confirmation-not-you = If you did not ask for this, ignore this message, or use the unsubscribe link below to tell us it wasn't you. No more mail will come.
welcome-subject = Welcome to { $list }
welcome-confirmed = Your subscription is confirmed. Thank you for joining!
reconfirmation-subject = Do you still want { $list }?
reconfirmation-why = Some time ago you agreed to receive { $list }. We ask again every so often, so that nobody gets mail they no longer want.
reconfirmation-open = To stay subscribed, open this link and press "Keep me subscribed":
reconfirmation-button = Keep me subscribed
reconfirmation-grace = If you do nothing, your subscription ends in { $duration } and no more mail will come.
reconfirmation-leave = To leave now, use the unsubscribe link below.
broadcast-test-subject = [Test] { $subject }
broadcast-test-note = This is a test copy. Subscribers get the same message with an unsubscribe link of their own.

## The language itself, as its speakers name it (the list page offers it)

language-name = English

# The operators' area (templates/admin/). The -html messages are inserted
# unescaped; every other one is plain text.

## Layout shared by every page of the operators' area

admin-base-title = Operators · { $org }
admin-page-title = { $page } · { $org } operators
admin-skip-to-content = Skip to content
admin-site-name = { $org } · operators
admin-signed-in-as = Signed in as
admin-sign-out = Sign out
admin-nav-label = Operators' area
admin-nav-dashboard = Dashboard
admin-nav-subscribers = Subscribers
admin-nav-lists = Lists
admin-nav-broadcasts = Broadcasts
admin-nav-sequences = Sequences
admin-nav-import = Import
admin-nav-audit = Audit log
admin-nav-export = Export CSV
admin-footer = { $org } · operators' area

## Words several pages share

admin-form-check = Please check the form
admin-save-changes = Save changes
admin-label-address = Address
admin-label-name = Name
admin-label-list = List
admin-label-status = Status
admin-label-kind = Kind
admin-label-time = Time
admin-label-wording = Wording
admin-label-subscriptions = Subscriptions
admin-label-pending = Pending
admin-label-confirmed = Confirmed
admin-label-unsubscribed = Unsubscribed
admin-label-sent = Sent
admin-label-waiting = Waiting
admin-label-failed = Failed
admin-label-skipped = Skipped
admin-percent = { $percent } %
admin-pager = Pages
admin-next-page = Next page

## Sign in

admin-login-heading = Sign in
admin-login-lead = The operators' area of { $org }.
admin-login-failed = Could not sign in
admin-login-email = Email address
admin-login-password = Password
admin-login-button = Sign in

## Dashboard

admin-dashboard-no-lists-html = No lists yet. <a href="/admin/lists">Create a list</a>.
admin-dashboard-confirm-rate = Confirm rate
admin-dashboard-no-rate = –
admin-dashboard-activity = Activity by day
admin-chart-title = Signups, confirmations and unsubscribes per day
admin-chart-desc = A line chart. The exact figures are in the table “Figures by day” below it.
admin-chart-figures = Figures by day
admin-chart-date = Date
admin-chart-signups = Signups
admin-chart-confirmations = Confirmations
admin-chart-unsubscribes = Unsubscribes
admin-delivery-heading = Delivery
admin-delivery-queued = Queued
admin-delivery-retrying = Retrying
admin-delivery-sent-today = Sent today
admin-delivery-errors = Recent delivery errors
admin-delivery-no-errors = No delivery errors.
admin-delivery-attempts = Attempts
admin-delivery-last-error = Last error
admin-delivery-next-attempt = Next attempt
admin-turned-away-heading = Signups turned away, last 30 days
admin-turned-away-honeypot = Trap field filled
admin-turned-away-pow = Proof of work missing or wrong
admin-turned-away-note = Nothing was stored or sent for these. The trap field is invisible to people; the proof of work is asked of every signup (ASSENT_POW=on).
admin-turned-away-note-pow-off = Nothing was stored or sent for these. The trap field is invisible to people. Proof of work is off; ASSENT_POW=on asks every signup for it.
admin-reconfirm-heading = Re-permission
admin-reconfirm-due = Due to be asked
admin-reconfirm-waiting = Asked, waiting
admin-reconfirm-expired = Expired
admin-ledger-heading = Consent ledger
admin-ledger-events = Events
admin-ledger-last-verified = Last verified
admin-ledger-not-yet = not yet
admin-ledger-broken = The chain no longer verifies: { $problem }.
admin-ledger-broken-run-html = Run <code>assent verify-ledger</code> and compare with a backup.
admin-ledger-intact = The chain was intact when last verified.
admin-ledger-head = Head:
admin-ledger-note = Note the head from time to time somewhere assent cannot write (a ticket, a signed email): a chain that still ends in a head you noted has not been rewritten since.

## Subscribers: the search and the results

admin-subscribers-find = Find subscribers
admin-subscribers-contains = Address, name or text field contains
admin-subscribers-all-lists = All lists
admin-subscribers-any-status = Any status
admin-subscribers-search = Search
admin-subscribers-results = Results
admin-subscribers-none = No subscribers match.
admin-subscribers-created = Created
admin-subscribers-no-subscriptions = none
admin-subscribers-on-list = { $list }:

## One subscriber

admin-subscriber-details = Details
admin-subscriber-no-name = not given
admin-subscriber-first-signup = First signup
admin-subscriber-proof = Consent proof
admin-subscriber-download-proof = Download consent proof (JSON)
admin-subscriber-no-subscriptions = No subscriptions.
admin-subscriber-resend = Resend confirmation
admin-subscriber-unsubscribe = Unsubscribe from { $list }
admin-subscriber-signed-up = Signed up
admin-subscriber-history = Consent history
admin-subscriber-no-events = No recorded events.
admin-subscriber-act = Act
admin-subscriber-channel = Channel
admin-subscriber-client-address = Client address
admin-subscriber-user-agent = User agent
admin-subscriber-source = Source
admin-subscriber-no-wording = none shown
admin-subscriber-bounces = Bounces and complaints
admin-subscriber-reported-by = Reported by
admin-erase-heading = Erase this person
admin-erase-lead = Use this when the person asks to be forgotten (GDPR article 17, right to erasure).
admin-erase-deleted = Their address, name, subscriptions and consent history are deleted.
admin-erase-hash = Only a keyed hash of the address is kept, on a suppression list, so that an import cannot add them back.
admin-erase-audit = The erasure is recorded in the audit log without the address.
admin-erase-final-html = <strong>This cannot be undone.</strong> If you need the consent proof, download it first.
admin-erase-confirm = I understand this cannot be undone
admin-erase-button = Erase

## Lists

admin-lists-none = No lists yet. Create the first one below.
admin-lists-new = New list
admin-lists-wording-hint = The sentence visitors agree to when they subscribe, shown next to the button. Every consent records the exact version they saw. Left empty, it is the default wording in the list's language.
admin-lists-create = Create list
admin-list-open = open
admin-list-archived = archived
admin-list-slug = Slug
admin-list-slug-optional = Slug (optional)
admin-list-slug-hint = Letters, digits and hyphens; made from the name when empty. It appears in the signup page’s address.
admin-list-description = Description
admin-list-description-hint = Shown on the signup page: what subscribers will get, and how often.
admin-list-wording = Consent wording
admin-list-language = Language
admin-list-language-hint = The language of the list’s signup page and of the messages its subscribers get.
admin-list-signup-page = Signup page
admin-list-version = version { $version }
admin-list-version-short = v{ $version }

## One list

admin-list-edit = Edit the list
admin-list-wording-hint = The sentence visitors agree to when they subscribe. This is version { $version }. Changing it creates version { $next }; earlier consents keep pointing at the version they saw.
admin-list-embed = Signup form for your website
admin-list-own-page = The list’s own signup page is
admin-list-embed-caption = To show the signup form on your own website instead, paste this HTML into the page where it should appear:
admin-list-versions = Wording versions
admin-list-no-versions = No wording recorded yet.
admin-list-version-col = Version
admin-list-since = Since
admin-list-archive-heading = Archive the list
admin-list-reopen-heading = Reopen the list
admin-list-archive-text = Archiving closes the list to new signups. Its subscribers and their consent history are kept, and you can reopen it later.
admin-list-archived-text = This list is archived: it takes no new signups. Reopening it lets visitors sign up again.
admin-list-archive = Archive list
admin-list-reopen = Reopen list

## The signup form another website can paste in, in the list's language

admin-embed-email = Email address
admin-embed-name = Name (optional)
admin-embed-button = Subscribe to { $list }

## Import

admin-import-heading = Import addresses
admin-import-not-started = The import did not start
admin-import-upload = Upload a CSV file
admin-import-point-lines-html = One address per line. A header row <code>email</code> is skipped. An optional second column is the subscriber’s name.
admin-import-point-pending-html = Each new address becomes <strong>pending</strong> and gets a confirmation request, sent at a gentle pace. Nobody is subscribed until they press the button in that message.
admin-import-point-report = Invalid addresses, duplicates and erased people are reported line by line and change nothing.
admin-import-no-lists-html = There is no list to import into yet. <a href="/admin/lists">Create a list</a> first.
admin-import-file = CSV file
admin-import-file-hint-html = A line looks like <code>ada@example.com,Ada Lovelace</code>.
admin-import-start = Start import
admin-import-recent = Recent imports
admin-import-none = No imports yet.
admin-import-started = Started
admin-import-lines = Lines
admin-import-added = Added
admin-import-into = Import into { $list }
admin-import-started-at = Started { $date }
admin-import-in-progress = In progress
admin-import-progress = { $processed } of { $lines } processed
admin-import-line-count = { $count ->
    [one] { $count } line
   *[other] { $count } lines
}
admin-import-refreshes = This page refreshes itself every two seconds. You can leave it: the import goes on without it.
admin-import-failed = The import failed
admin-import-done = Done
admin-import-pending-note = Each added address is pending until its owner presses the button in the confirmation request.
admin-import-report = Report
admin-import-all-imported = Every line was imported.
admin-import-back = Back to imports

## Audit log

admin-audit-lead = What operators did in this area.
admin-audit-none = Nothing recorded yet.
admin-audit-entries = Audit log entries
admin-audit-operator = Operator
admin-audit-action = Action
admin-audit-target = Target
admin-audit-detail = Detail

## Broadcasts

admin-broadcast-write = Write a broadcast
admin-broadcasts-none = No broadcasts yet.
admin-broadcast-subject = Subject
admin-broadcast-recipients = Recipients
admin-broadcast-written = Written
admin-broadcast-new = New broadcast
admin-broadcast-no-lists-html = There is no list to write to yet. <a href="/admin/lists">Create a list</a> first.
admin-broadcast-message = The message
admin-broadcast-save-draft = Save the draft
admin-broadcast-draft-note = A draft goes to nobody. On its page you can preview it, send yourself a test copy, and send it.
admin-broadcast-body = Message
admin-broadcast-body-hint-html = Markdown: <code># Heading</code>, <code>*emphasis*</code>, <code>[a link](https://example.com)</code>, lists, images. HTML is allowed; scripts and event handlers are removed. <code>{"{{"} subscriber.name | default("reader") {"}}"}</code> writes each reader’s name, <code>{"{{"} subscriber.fields.KEY {"}}"}</code> one of their fields. Every copy ends with the list’s footer and the recipient’s own unsubscribe link.
admin-broadcast-to-list = To { $list }:
admin-broadcast-progress = { $percent } % done
admin-broadcast-scheduled-for = Scheduled for
admin-broadcast-started = Started
admin-broadcast-finished = Finished
admin-broadcast-refreshes = This page refreshes itself every three seconds.
admin-broadcast-recipients-note = Recipients are the subscribers who were confirmed when sending started. Skipped copies were not sent because their recipient had left, or the address bounced, by the time the copy was due.
admin-broadcast-send-at = Send at ({ $zone }, optional)
admin-broadcast-send-at-hint = Empty: now.
admin-broadcast-send = { $count ->
    [one] Send to { $count } subscriber
   *[other] Send to { $count } subscribers
}
admin-broadcast-pause = Pause
admin-broadcast-resume = Resume
admin-broadcast-cancel = Cancel the broadcast
admin-broadcast-test-heading = Send a test copy
admin-broadcast-test-to = To
admin-broadcast-test-button = Send a test copy
admin-broadcast-test-note-html = The subject starts with <code>[Test]</code>; the broadcast stays as it is.
admin-broadcast-html-part = HTML part
admin-broadcast-text-part = Text part
admin-broadcast-edit = Edit the draft
admin-broadcast-save = Save

## Stored codes in words (Site::admin_word): subscription statuses

admin-status-pending = pending
admin-status-confirmed = confirmed
admin-status-unsubscribed = unsubscribed

## Import statuses

admin-import-status-uploading = uploading
admin-import-status-running = running
admin-import-status-done = done
admin-import-status-failed = failed

## Broadcast statuses

admin-broadcast-draft = draft
admin-broadcast-scheduled = scheduled
admin-broadcast-sending = sending
admin-broadcast-paused = paused
admin-broadcast-sent = sent
admin-broadcast-cancelled = cancelled

## Kinds of message, in the delivery errors

admin-kind-confirmation = Confirmation request
admin-kind-welcome = Welcome message
admin-kind-broadcast = Broadcast copy
admin-kind-broadcast-test = Broadcast test copy
admin-kind-reconfirmation = Re-permission request

## Acts of the consent history

admin-act-requested = Requested
admin-act-confirmed = Confirmed
admin-act-declined = Declined
admin-act-unsubscribed = Unsubscribed
admin-act-confirmation-resent = Confirmation resent
admin-act-reconfirmed = Reconfirmed

## Channels of the consent history

admin-channel-form = Signup form
admin-channel-api = API
admin-channel-confirm-button = Confirm button
admin-channel-one-click = One-click unsubscribe
admin-channel-unsubscribe-page = Unsubscribe page
admin-channel-operator = Operator
admin-channel-import = Import
admin-channel-bounce = Bounce
admin-channel-complaint = Spam complaint
admin-channel-expiry = No answer in time
admin-channel-preferences = The person's own page
admin-channel-reconfirm-button = Keep-me-subscribed button

## Bounces and complaints

admin-bounce-hard = Hard bounce
admin-bounce-soft = Soft bounce
admin-bounce-complaint = Spam complaint

## Actions of the audit log

admin-action-login = Signed in
admin-action-logout = Signed out
admin-action-create-list = List created
admin-action-edit-list = List edited
admin-action-archive-list = List archived
admin-action-reopen-list = List reopened
admin-action-create-broadcast = Broadcast written
admin-action-edit-broadcast = Broadcast edited
admin-action-test-broadcast = Test copy sent
admin-action-send-broadcast = Broadcast sent
admin-action-pause-broadcast = Broadcast paused
admin-action-resume-broadcast = Broadcast resumed
admin-action-cancel-broadcast = Broadcast cancelled
admin-action-export = Subscribers exported (CSV)
admin-action-consent-export = Consent proof downloaded
admin-action-resend-confirmation = Confirmation resent
admin-action-unsubscribe = Unsubscribed by an operator
admin-action-erase = Person erased
admin-action-import = Import started
admin-action-import-finished = Import finished
admin-action-retention = Retention and re-permission

## The operators' area: answers of its forms and actions

warning-heading = Before you send for real
warning-plain-http = Mail goes to a relay, but ASSENT_BASE_URL is not https: Gmail and Yahoo will not offer the one-click unsubscribe (RFC 8058). Serve assent over https and set ASSENT_BASE_URL to that address.
warning-localhost-sender = Mail goes to a relay from an address at localhost (ASSENT_MAIL_FROM): providers will refuse it or file it as spam. Give the sender an address at your own domain, in the settings or ASSENT_MAIL_FROM.
warning-files-only = ASSENT_SMTP_URL is unset: mail is only written as files into ASSENT_MAIL_DIR, and nobody receives it.
admin-form-too-large-title = Too much to send
admin-form-too-large = This form carries more than 1 MiB, more than assent takes in one form, so nothing was changed. Shorten the text and send it again.
admin-form-unreadable-title = Form not readable
admin-form-unreadable = This form could not be read, so nothing was changed. Go back, reload the page and try again.
admin-form-expired-title = Form expired
admin-form-expired = This form was not sent from a page of this session, so nothing was changed. Go back, reload the page and try again.
admin-back-to-dashboard = Back to the dashboard
admin-not-found-title = Not found
admin-not-found = There is nothing at this address.

admin-login-error = That address and password do not match an operator account.
admin-login-throttled-title = Too many failed sign-ins
admin-login-throttled = Sign-in is paused for this account or this connection after too many failed attempts. Please try again later.
admin-login-busy-title = Too many sign-ins at once
admin-login-busy = The server is checking many passwords right now. Please try again in a moment.

admin-ledger-problem = event { $event }: { $problem }

admin-list-error-name = Give the list a name of at most 100 characters, on one line.
admin-list-error-description = Keep the description under 1000 characters.
admin-list-error-wording = Write the sentence visitors agree to, at most 2000 characters.
admin-list-error-language = Choose one of the languages offered.
admin-list-error-slug = Use lowercase letters, digits and hyphens, e.g. weekly-news.
admin-list-error-slug-taken = Another list already has this slug.
admin-list-flash-created = The list was created.
admin-list-flash-saved = The changes were saved.
admin-list-flash-archived = The list is archived: its signup page no longer takes signups.
admin-list-flash-reopened = The list takes signups again.

admin-subscriber-flash-resent = The confirmation request was queued again.
admin-subscriber-flash-ended = The subscription was ended.
admin-subscriber-flash-unchanged = Nothing changed: the subscription is not in a state this action applies to.

admin-broadcast-error-subject = Write a subject of at most 200 characters, on one line.
admin-broadcast-error-body = Write the message, at most 200 KB.
admin-broadcast-error-list = Choose a list that takes signups.
admin-broadcast-error-variable = The message names { $name }, which a broadcast does not have. It may name subscriber.name and subscriber.fields.KEY for each of your fields.
admin-broadcast-error-template = The message’s variables do not read, line { $line }: { $detail }
admin-broadcast-error-at = Give a time like 2026-12-24T08:00, or leave it empty.
admin-broadcast-error-past = That time has passed. Leave it empty to send now, or give a time to come.
admin-broadcast-flash-created = The draft was saved. Nobody gets it until you send it.
admin-broadcast-flash-saved = The changes were saved.
admin-broadcast-flash-tested = A test copy is on its way.
admin-broadcast-flash-started = Sending has started.
admin-broadcast-flash-scheduled = The broadcast is scheduled.
admin-broadcast-flash-paused = Paused: no more copies go out until you resume.
admin-broadcast-flash-resumed = Sending again.
admin-broadcast-flash-cancelled = Cancelled: the copies not sent yet will not go.
admin-broadcast-flash-unchanged = Nothing changed: the broadcast is not in a state this action applies to.
admin-broadcast-not-draft-title = Sending has begun
admin-broadcast-not-draft = A broadcast can only be edited while it is a draft. Nothing was changed.
admin-broadcast-send-heading = Send
admin-broadcast-review = Review the recipients…
admin-broadcast-clone = Make a copy
admin-broadcast-danger = Cancel or delete
admin-broadcast-cancel-note = Cancelling stops the copies not sent yet; those already sent stay sent. It cannot be undone.
admin-broadcast-delete-note = Deleting removes this draft for good. Nobody has received it.
admin-broadcast-delete = Delete the draft
admin-broadcast-flash-cloned = This is a new draft, copied from the broadcast. Nobody gets it until you send it.
admin-broadcast-flash-deleted = The draft was deleted.
admin-broadcast-confirm-title = Check before sending
admin-broadcast-confirm-count = { $count ->
    [one] This broadcast goes to { $count } subscriber
   *[other] This broadcast goes to { $count } subscribers
}
admin-broadcast-confirm-when = When
admin-broadcast-confirm-now = Now
admin-broadcast-confirm-first = The first recipients
admin-broadcast-confirm-schedule = Schedule it
admin-broadcast-confirm-back = Back to the draft
admin-broadcast-retry = { $count ->
    [one] Send the failed copy again
   *[other] Send the { $count } failed copies again
}
admin-broadcast-flash-retried = The failed copies are queued again, once. Copies refused by their recipient's server are not.
admin-broadcast-public = Show it in the public archive once sent
admin-broadcast-public-hint-html = The <a href="/archive">archive</a> and its Atom feed show the message as written, with no recipient's name or link.
admin-broadcast-preview-note = The preview follows your typing; without script, it shows what you last saved. Each reader’s name and fields show at their defaults here.
admin-broadcast-lists = Lists
admin-broadcast-lists-hint = One or more: hold Ctrl (⌘ on a Mac) to choose several. A person on several of them gets one copy, whose unsubscribe link leaves them all. The copies take the first list’s language and name.
admin-broadcast-segment = Only the segment
admin-broadcast-segment-none = Everyone on these lists
admin-broadcast-error-segment = Choose a segment that exists, or everyone.
admin-broadcast-back = Back to the broadcast

admin-import-busy-title = Too many uploads at once
admin-import-busy = Other imports are being uploaded right now. Please try again in a minute.
admin-import-error-list = Choose a list that takes signups.
admin-import-error-unreadable = The upload could not be read. Choose the file again and retry.
admin-import-error-not-utf8 = The file is not UTF-8 text. Save it as UTF-8 CSV.
admin-import-error-too-large = The file is larger than 64 MiB. Split it into smaller files.
admin-import-error-line-too-long = Line { $line } is longer than 4 KiB: this does not look like a list of addresses.
admin-import-error-empty = The file holds no addresses.
admin-import-problem = line { $line }: { $reason }
admin-import-problem-address = invalid address: { $reason }
admin-import-problem-on-list = already on the list
admin-import-problem-field = field.{ $field }: { $reason }
admin-import-problem-duplicate = duplicate of line { $line }
admin-import-problem-suppressed = erased earlier; it cannot be imported again
admin-import-more-skipped = { $count ->
    [one] … and 1 more line skipped
   *[other] … and { $count } more lines skipped
}

## Webhooks

admin-nav-webhooks = Webhooks
admin-webhooks-lead = Subscription events are posted, signed, to
admin-webhooks-off = No receiver is configured: set ASSENT_WEBHOOK_URL and ASSENT_WEBHOOK_SECRET to have subscription events posted to another system.
admin-webhooks-none = No events yet.
admin-webhooks-recent = Latest events
admin-webhooks-event = Event
admin-webhooks-status = Delivery
admin-webhooks-attempts = Failed attempts
admin-webhooks-last-error = Last error
admin-webhook-queued = waiting
admin-webhook-done = delivered
admin-webhook-failed = given up

## API tokens

admin-nav-tokens = API tokens
admin-tokens-lead-html = Scripts read subscribers and lists, and erase people, through <code>/api/v1</code> with <code>Authorization: Bearer TOKEN</code>. Make a token with <code>assent admin token create NAME</code>: it is shown once, and only its hash is kept. Every use is in the audit log under its name.
admin-tokens-none = No tokens yet.
admin-tokens-created = Created
admin-tokens-last-used = Last used
admin-tokens-never = never
admin-tokens-revoked-at = revoked { $date }
admin-tokens-revoke = Revoke
admin-tokens-flash-revoked = The token was revoked: it no longer opens the API.
admin-tokens-flash-unchanged = Nothing changed: no active token has that name.
admin-action-create-token = API token created
admin-action-revoke-token = API token revoked
admin-action-api-list-subscribers = API: subscribers listed
admin-action-api-read-subscriber = API: subscriber read
admin-action-api-list-lists = API: lists read

## The signup form's trap field, which people do not see

signup-website = Leave this field empty

## Settings (contract §15)
admin-nav-settings = Settings
admin-settings-lead = What people are told and how long things are kept. A change is in force for the next page and message of every process within seconds, and the audit log keeps the old and new values.
admin-settings-heading = Organisation, sender and clocks
admin-settings-save = Save the settings
admin-settings-now = Now: { $value }.
admin-settings-off = off
admin-settings-saved = Settings saved: in force now.
admin-settings-locked = Set by { $variable } in the environment, which wins over this page: change it there.
admin-setting-org-name-label = Organisation
admin-setting-org-name-hint = Who collects the addresses and sends the mail: named on every form, page and message.
admin-setting-org-name-error = Give the organisation's name, in at most 200 characters.
admin-setting-org-address-label = Postal address
admin-setting-org-address-hint = Written at the foot of every message, as the law on marketing mail asks.
admin-setting-org-address-error = Keep the address under 500 characters.
admin-setting-privacy-url-label = Privacy policy
admin-setting-privacy-url-hint = The address of the full policy, linked from the signup form; leave empty for none.
admin-setting-privacy-url-error = Give an address beginning with https:// or http://, or leave it empty.
admin-setting-mail-from-label = Sender
admin-setting-mail-from-hint = The From of every message, such as: News <news@example.com>
admin-setting-mail-from-error = Give a mailbox such as News <news@example.com>.
admin-setting-default-lang-label = Default language
admin-setting-default-lang-hint = en or fr: the language of the pages that belong to no list.
admin-setting-default-lang-error = Give en or fr.
admin-setting-pending-retention-label = Unconfirmed requests kept for
admin-setting-pending-retention-hint = A duration such as 30d or 48h; 0 keeps them.
admin-setting-pending-retention-error = Give a duration such as 30d or 48h, or 0.
admin-setting-reconfirm-after-label = Consent asked again after
admin-setting-reconfirm-after-hint = A duration such as 1095d (three years); 0 never asks.
admin-setting-reconfirm-after-error = Give a duration such as 1095d, or 0.
admin-setting-reconfirm-grace-label = Answer awaited for
admin-setting-reconfirm-grace-hint = How long a reconfirmation request waits before the subscription ends, such as 30d; 0 waits for ever.
admin-setting-reconfirm-grace-error = Give a duration such as 30d, or 0.
admin-setting-send-rate-label = Mail to many, a second
admin-setting-send-rate-hint = Broadcast copies, an import's confirmation requests and reconfirmation requests together, across every process; 0 for no limit. Mail someone is waiting for is never held back.
admin-setting-send-rate-error = Give a whole number, or 0 for no limit.
admin-setting-signup-rate-label = Signups a minute, per client
admin-setting-signup-rate-hint = From one client address (an IPv6 client by its /64), through the form and the API together; 0 for no limit.
admin-setting-signup-rate-error = Give a whole number, or 0 for no limit.
admin-setting-pow-label = Proof of work
admin-setting-pow-hint = on: the browser solves a small puzzle before a signup is taken, which costs a bot far more than a person; off: no puzzle.
admin-setting-pow-error = Give on or off.
admin-setting-reply-to-label = Replies to
admin-setting-reply-to-hint = Where a reply to a message goes, when not to the sender, such as: Desk <desk@example.com>; leave empty for the sender.
admin-setting-reply-to-error = Give a mailbox such as Desk <desk@example.com>, or leave it empty.
admin-setting-timezone-label = Time zone
admin-setting-timezone-hint = The IANA name of the zone the operators' area shows and reads times in, such as Europe/Paris or America/New_York; UTC by default.
admin-setting-timezone-error = Give an IANA time zone such as Europe/Paris, or UTC.

## Message templates (contract §15)
admin-nav-templates = Templates
admin-templates-lead = The wording of the messages assent sends, in each language. A template must keep the unsubscribe link in both its parts; assent writes the unsubscribe headers itself.
admin-templates-heading = Messages
admin-template-message = Message
admin-template-language = Language
admin-template-state = Version
admin-template-kind-confirmation = Confirmation request
admin-template-kind-welcome = Welcome
admin-template-kind-reconfirmation = Reconfirmation request
admin-template-kind-broadcast = Broadcast layout
admin-template-edited = Edited { $time } by { $operator }
admin-template-builtin = Built-in
admin-template-is-edited = This message uses a template edited by an operator.
admin-template-is-builtin = This message uses assent's built-in template.
admin-template-edit = Edit the template
admin-template-refused = This template cannot be saved
admin-template-subject = Subject
admin-template-subject-broadcast = A broadcast's layout has no subject of its own: each copy takes its broadcast's subject.
admin-template-html = HTML part
admin-template-text = Text part
admin-template-save = Save the template
admin-template-preview = Preview without saving
admin-template-variables = Variables
admin-template-variables-note = Values are escaped in the HTML part. Use {"{%"} if {"%}"} and {"{%"} for {"%}"} as in Jinja; a template cannot include another or read files.
admin-template-preview-heading = Preview with sample data
admin-template-versions = Versions
admin-template-no-versions = Never edited: the built-in template is in force.
admin-template-restore = Restore
admin-template-version-edited = Edited
admin-template-in-force = in force
admin-template-reset-note = The built-in template comes back; this version stays in the list and can be restored.
admin-template-reset = Return to the built-in template
admin-template-saved = Template saved: the next message uses it.
admin-template-restored = Version restored: the next message uses it.
admin-template-reset-done = The built-in template is back in force.
admin-template-problem-syntax = line { $line }: { $detail }
admin-template-problem-unknown = there is no variable { $variable } in this message.
admin-template-problem-unsubscribe = the unsubscribe link {"{{"} unsubscribe_url {"}}"} is missing. Every message must carry it.
admin-template-problem-missing = { $variable } is missing: this message exists to carry it.
admin-template-problem-includes = a template cannot include or extend another.
admin-template-problem-endless = it does far more work than a message needs (a loop without end?).
admin-template-problem-fails = it fails as it renders: { $detail }
template-sample-list = Newsletter
template-sample-subject = News of the month
template-sample-body = The body of each broadcast goes **here**, written in Markdown.
template-sample-name = Ada Lovelace

## Subscriber fields (contract §16)
admin-nav-fields = Fields
admin-fields-lead = What you want to know of your subscribers beyond their address: asked on the forms of the lists you choose and through the API, shown on each subscriber's page and their own, exported with them.
admin-fields-heading = Fields
admin-fields-none = No field yet.
admin-field-key = Key
admin-field-label = Label
admin-field-kind = Type
admin-field-required = Required
admin-field-lists = Asked on
admin-field-kind-text = Text
admin-field-kind-number = Number
admin-field-kind-date = Date
admin-field-kind-choice = Choice
admin-field-kind-yes_no = Yes or no
admin-yes = Yes
admin-no = No
admin-field-edit-title = Field { $key }
admin-field-change = Change the field
admin-field-new = A new field
admin-field-key-hint = Lowercase letters, digits and _, starting with a letter: the form's input is field.KEY. It cannot change later.
admin-field-label-in = Label in { $language }
admin-field-options = Options
admin-field-options-hint = For a choice: one option a line.
admin-field-required-label = A signup must give it
admin-field-lists-legend = Asked on the forms of
admin-field-save = Save the field
admin-field-create = Add the field
admin-field-saved = Field saved: the forms ask for it now.
admin-field-key-error = Give a key of lowercase letters, digits and _, starting with a letter, at most 40 characters.
admin-field-key-taken = Another field has this key.
admin-field-kind-error = Choose a type.
admin-field-label-error = Give a label of at most 100 characters in at least one language.
admin-field-options-error = A choice needs at least one option.
field-error-missing = Please fill this in.
field-error-too-long = This is longer than 200 characters.
field-error-number = Enter a number, such as 42 or 4.5.
field-error-date = Enter a date as YYYY-MM-DD, such as 2026-03-31.
field-error-choice = Choose one of the options.
field-error-yes-no = Answer yes or no.
admin-subscriber-save-fields = Save the fields
admin-subscriber-flash-fields = Fields saved.
me-fields-heading = What you told us
me-fields-save = Save
me-fields-saved = Saved.

## Subscriber list: totals, pages and actions on many (§16)
admin-label-segment = Segment
admin-subscribers-no-segment = No segment
admin-subscribers-total = { $count ->
    [one] 1 subscriber
   *[other] { $count } subscribers
}
admin-subscribers-total-over = More than 10,000 subscribers
admin-subscribers-export = Export these as CSV
admin-subscribers-select = Select
admin-subscribers-select-one = Select { $address }
admin-previous-page = Previous page
admin-bulk-heading = Act on several
admin-bulk-scope = Who
admin-bulk-selected = The subscribers ticked above
admin-bulk-all = Every match of the filter ({ $total })
admin-bulk-action = Action
admin-bulk-unsubscribe = Unsubscribe from the list
admin-bulk-invite = Invite to the list (sends a confirmation request)
admin-bulk-erase = Erase for good
admin-bulk-list = List
admin-bulk-list-hint = For unsubscribing and inviting. An invitation subscribes nobody: each person is sent a confirmation request and joins only by confirming.
admin-bulk-erase-confirm = I understand that erasing deletes these people and their consent history, and cannot be undone
admin-bulk-apply = Apply
admin-bulk-none-selected = Tick at least one subscriber, or choose every match.
admin-bulk-erase-unconfirmed = Erasing needs the box below ticked.
admin-bulk-done = { $action ->
    [unsubscribe] Unsubscribed: { $done }; unchanged: { $unchanged }.
    [invite] Invited: { $done }; already on the list or not to be mailed: { $unchanged }.
   *[erase] Erased: { $done }.
}
admin-bulk-running = Working through every match ({ $done } so far). This page shows the progress when reloaded.
admin-bulk-finished = Done with every match: { $done } changed, { $unchanged } unchanged.

## Segments (§16)
admin-nav-segments = Segments
admin-segments-lead = A segment chooses people by conditions on their lists, fields, dates, language and history. It is read afresh each time it is used.
admin-segments-heading = Saved segments
admin-segments-none = No segment yet.
admin-segment-summary-all = { $count ->
    [one] 1 condition
   *[other] all of { $count } conditions
}
admin-segment-summary-any = { $count ->
    [one] 1 condition
   *[other] any of { $count } conditions
}
admin-segment-count = { $count ->
    [one] 1 subscriber matches now
   *[other] { $count } subscribers match now
}
admin-segment-counting = Counting: { $count } so far, { $percent } % of the subscribers read. Reload for the rest.
admin-segment-broken = { $count ->
    [one] 1 condition no longer reads and is left out.
   *[other] { $count } conditions no longer read and are left out.
}
admin-segment-open-list = Open them in the subscriber list
admin-segment-new = New segment
admin-segment-change = Change the segment
admin-segment-name = Name
admin-segment-match = People who meet
admin-segment-match-all = all of the conditions
admin-segment-match-any = any of the conditions
admin-segment-conditions = Conditions
admin-segment-conditions-hint = A list takes confirmed, pending, unsubscribed or any; a date is YYYY-MM-DD (UTC); bounced and complained take yes or no; a channel is form, api, import or operator. Leave a row's first choice empty to drop it.
admin-segment-condition-n = Condition { $n }
admin-segment-what = Looks at
admin-segment-what-none = (no condition)
admin-segment-op = Test
admin-segment-value = Value
admin-segment-group-lists = On the list
admin-segment-group-fields = Fields
admin-segment-group-person = The person
admin-segment-what-signed_up = Signed up
admin-segment-what-confirmed = Confirmed a subscription
admin-segment-what-language = Language of a list
admin-segment-what-channel = Asked to join through
admin-segment-what-bounced = Hard bounce on record
admin-segment-what-complained = Complaint on record
admin-segment-op-is = is
admin-segment-op-is_not = is not
admin-segment-op-contains = contains
admin-segment-op-lt = is less than
admin-segment-op-gt = is greater than
admin-segment-op-before = before
admin-segment-op-after = after
admin-segment-op-empty = is empty
admin-segment-save = Save the segment
admin-segment-create = Create the segment
admin-segment-saved = The segment is saved.
admin-segment-deleted = The segment is deleted.
admin-segment-delete-heading = Delete
admin-segment-delete = Delete the segment
admin-segment-name-error = Give the segment a name of at most 100 characters.
admin-segment-match-error = Choose all or any.
admin-segment-too-many = A segment holds at most { $count } conditions.
segment-error-what = Condition { $n }: there is no such list, field or property.
segment-error-op = Condition { $n }: that test does not apply to what it looks at.
segment-error-value = Condition { $n }: that value does not fit the test.

## The public archive of broadcasts
archive-title = Archive
archive-of-list = Archive of { $list }
archive-all-lists = Every list
archive-empty = Nothing has been published here yet.
archive-feed = Follow with a feed reader (Atom)
archive-feed-title = { $org }: archive
archive-not-found = There is no such issue in the archive.

## Media: images for broadcasts
admin-nav-media = Media
admin-media-upload = Upload an image
admin-media-file = Image
admin-media-file-hint = PNG, JPEG, GIF or WebP, up to 5 MB.
admin-media-upload-button = Upload
admin-media-images = Images
admin-media-none = No image yet.
admin-media-use-html = Copy an image’s line into a broadcast’s message where it should show. Its address never changes: readers’ mail programs may keep it.
admin-media-size = { $kb } KB
admin-media-markdown = Markdown
admin-media-delete = Delete
admin-media-not-stored = The image was not stored
admin-media-error-type = This file is not a PNG, JPEG, GIF or WebP image.
admin-media-error-too-large = This file is larger than 5 MB.
admin-media-error-unreadable = The upload could not be read. Choose the file again.
admin-media-flash-uploaded = The image is stored.
admin-media-flash-deleted = The image was deleted. Messages and archive pages that show it no longer do.

## The delivery record
admin-nav-deliveries = Deliveries
admin-deliveries-lead = Every message assent handled, newest first, with what the relay last answered. A message’s record is kept { $days } days once it is done with (ASSENT_DELIVERY_LOG_RETENTION).
admin-deliveries-q = Address
admin-deliveries-any = Any
admin-deliveries-broadcast = Broadcast number
admin-deliveries-filter = Filter
admin-deliveries-find = Find messages
admin-deliveries-messages = Messages
admin-deliveries-none = No message.
admin-deliveries-older = Older messages
admin-deliveries-when = When
admin-deliveries-kind = Kind
admin-deliveries-recipient = Recipient
admin-deliveries-attempts = Attempts
admin-deliveries-relay = Relay
admin-deliveries-reply = Last reply
admin-deliveries-unknown-status = Choose a status from the list.
admin-deliveries-unknown-kind = Choose a kind from the list.
admin-deliveries-unknown-broadcast = A broadcast is named by its number.
admin-deliveries-unknown-address = No subscriber has the address { $q }.
admin-deliveries-status-queued = queued
admin-deliveries-status-sent = sent
admin-deliveries-status-failed = failed
admin-deliveries-status-bounced = bounced
admin-deliveries-status-complained = complained
admin-deliveries-status-skipped = skipped
admin-deliveries-kind-confirmation = confirmation
admin-deliveries-kind-welcome = welcome
admin-deliveries-kind-reconfirmation = reconfirmation
admin-deliveries-kind-broadcast = broadcast
admin-deliveries-kind-sequence = sequence step
admin-deliveries-kind-test = test copy
admin-deliveries-kind-record-link = consent record link
admin-deliveries-kind-erasure-link = erasure link
delivery-meaning-unauthenticated = The provider refuses mail that SPF and DKIM do not authenticate, or that fails DMARC: publish SPF, DKIM and DMARC records for the From domain.
delivery-meaning-spf = The provider found no SPF record that lets your relay send for the From domain.
delivery-meaning-ptr = The relay's address has no reverse DNS (PTR) name: ask the relay's operator.
delivery-meaning-rate = The provider limits how fast it takes mail from you: the domain is held and tried again.
delivery-meaning-outlook-authentication = Outlook.com refuses bulk mail without SPF, DKIM and an aligned DMARC record.
delivery-meaning-dmarc = The From domain's DMARC policy refuses this message: sign with DKIM on that domain.
delivery-meaning-no-mailbox = The mailbox does not exist.
admin-subscriber-deliveries = Messages

## The DNS self-check
admin-nav-deliverability = Deliverability
admin-deliverability-lead = What Gmail, Outlook.com and Yahoo look up before they take bulk mail from you, asked of DNS just now. Publish what a line asks for at your DNS host, then reload.
admin-deliverability-check = Check
admin-deliverability-name = Name
admin-deliverability-found = Found
admin-deliverability-publish = Publish
admin-deliverability-failed = DNS could not be asked: { $error }
dns-level-ok = ok
dns-level-warning = warning
dns-level-error = error
admin-dns-check-spf = SPF
admin-dns-check-dkim = DKIM
admin-dns-check-dmarc = DMARC
admin-dns-check-alignment = Alignment
admin-dns-check-mx = MX
admin-dns-check-https = https
dns-spf-missing = No SPF record: providers cannot tell that your relay may send for this domain. Replace RELAY with what your relay documents.
dns-spf-all = The SPF record ends with +all: it lets anyone send for the domain.
dns-spf-ok = One SPF record.
dns-spf-several = More than one SPF record: receivers treat that as no SPF at all. Merge them into one.
dns-dkim-unsigned = Messages are not signed: set ASSENT_DKIM_DOMAIN, ASSENT_DKIM_SELECTOR and ASSENT_DKIM_KEY.
dns-dkim-key-unreadable = The configured key cannot be read.
dns-dkim-missing = No DKIM record for this selector: publish the key's public half.
dns-dkim-ok = The published key is the configured one.
dns-dkim-other-key = The published key is not the configured one: signatures fail.
dns-dmarc-missing = No DMARC record: Gmail and Outlook.com refuse bulk mail without one.
dns-dmarc-none = DMARC with p=none only watches: once its reports are clean, move to quarantine.
dns-dmarc-ok = DMARC quarantines or rejects what fails.
dns-alignment-ok = The DKIM domain aligns with the From domain.
dns-alignment-off = The DKIM domain is not the From domain or a name under it: DMARC fails. Sign with the From domain.
dns-alignment-unsigned = Without a DKIM signature nothing aligns with the From domain.
dns-mx-missing = The From domain has no MX: replies cannot reach it, and some providers refuse such a sender.
dns-mx-ok = The From domain takes mail.
dns-https-ok = ASSENT_BASE_URL is https.
dns-https-missing = ASSENT_BASE_URL is not https: Gmail and Yahoo ignore a one-click unsubscribe that is not.

## Sequences (contract §18)
admin-sequence-active = active
admin-sequence-paused = paused
admin-sequences-lead = A sequence sends a list's new subscribers a series of messages after they confirm, each step a delay after the one before. Each step is checked as it goes: nobody who left or whose address bounced gets it.
admin-sequences-none = No sequence yet.
admin-sequence-name = Name
admin-sequence-steps = Steps
admin-sequence-enrolled = People in it
admin-sequence-new = Start a sequence
admin-sequence-choose-list = Choose a list
admin-sequence-create = Create the sequence
admin-sequence-new-note = A new sequence is paused: write its steps, then activate it.
admin-sequence-of-list = For the list { $list }
admin-sequence-enrolled-count = { $count ->
    [one] One person has entered it.
   *[other] { $count } people have entered it.
}
admin-sequence-active-note = Active: whoever confirms their subscription enters it, and each step goes out when it is due.
admin-sequence-paused-note = Paused: no step goes out and nobody enters it. On resume, the steps that fell due meanwhile go out, at the pace of broadcasts.
admin-sequence-pause = Pause the sequence
admin-sequence-resume = Activate the sequence
admin-sequence-enrol-existing = Also enrol the subscribers confirmed already
admin-sequence-enrol-existing-hint = Off by default: only people who confirm from now on enter. Ticked, everyone confirmed on the list now starts at the first step too.
admin-sequence-no-steps = No step yet: write the first below.
admin-sequence-delay = Delay
admin-sequence-delay-first-hint = After the person confirms, as 90s, 15m, 2h or 3d.
admin-sequence-delay-hint = After the previous step was sent to the person, as 90s, 15m, 2h or 3d.
admin-sequence-add-step = Add the step
admin-sequence-step-title = Step { $position }
admin-sequence-edit-step = Edit the step
admin-sequence-edit-note = A change reaches every copy not sent yet; a new delay applies to those still waiting for this step.
admin-sequence-error-name = Give the sequence a name of at most 200 characters.
admin-sequence-error-delay = Write the delay as a number and a unit, 90s, 15m, 2h or 3d, of at most a year.
admin-sequence-error-no-steps = A sequence needs a step before it can be activated.
admin-sequence-flash-created = Sequence created. Write its first step, then activate it.
admin-sequence-flash-added = Step added.
admin-sequence-flash-saved = Step saved: the copies not sent yet will say this.
admin-sequence-flash-paused = Paused: no step goes out until you activate the sequence again.
admin-sequence-flash-resumed = Active: the steps due go out now, at the pace of broadcasts.
