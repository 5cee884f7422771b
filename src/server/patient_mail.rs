//! The patient's own e-mails (`booking.md`, "The patient's e-mails"): the resume link,
//! the receipt, "you can now book", the consult's confirmation, reschedule,
//! cancellation and reminder, in English or Spanish, as plain text and simple HTML, with
//! the consult's `.ics`; and the clinic's copy of a booking change.
//!
//! Pure: no I/O and no clock. Everything a mail says is passed in ([`render`]), and
//! [`message`] only wraps the result in a `lettre` message (lettre stamps its `Date`
//! header). Sending, the outbox and the database are the caller's.
//!
//! No clinical detail ever (`security.md`, "Data"): a mail carries the reference, the
//! consult's time, the links and the clinic's details; never a name, an answer, a score,
//! a condition or an outcome beyond "book your consult" / "we will call you". Subjects
//! are the same for everyone (a lock screen shows them) and name no one.
//!
//! The `.ics` (RFC 5545, iTIP methods of RFC 5546) is built with the `icalendar` crate,
//! which escapes text and folds lines at 75 octets with CRLF. It has `ORGANIZER` (the
//! clinic's sending address) and one `ATTENDEE` (the patient's address, no name): iTIP
//! requires both in a `REQUEST` and a `CANCEL`, and Outlook treats a request without
//! them as a plain attachment. `PARTSTAT=ACCEPTED;RSVP=FALSE` because the consult is
//! already booked: no reply is asked for (replies would reach the sending address, not
//! the calendar). Times are UTC (`…Z`), so no `VTIMEZONE` is needed.

use crate::domain::intake::Locale;
use crate::domain::values::Reference;
use crate::shared::clinic::ClinicInfo;
use crate::shared::labels::{clock_time, day_with_weekday};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use lettre::message::header::{ContentDisposition, ContentTransferEncoding, ContentType, ContentTypeErr};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

/// The `PRODID` of every `.ics`.
/// Names no specialty: the file lands in the patient's calendar, which others may see.
pub const PRODID: &str = "-//Patient intake//Consult booking//EN";

/// The attachment's file name.
pub const ICS_FILE_NAME: &str = "consult.ics";

/// Text lines are wrapped under this many characters, so most mail programs show them as
/// written (links are never broken).
const TEXT_WIDTH: usize = 72;

/// One e-mail to a patient. Built by the caller from an outbox row and the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientMail {
    /// "E-mail me this link": the private link that continues the form.
    ResumeLink {
        url: String,
    },
    /// After submitting. `booking_url` is `Some` when the patient may book now
    /// (`consult_recommended`); `will_call` when the clinic will call the patient.
    Receipt {
        reference: Reference,
        booking_url: Option<String>,
        will_call: bool,
    },
    /// A clinician approved booking after review (`clinician_review`).
    Approved {
        reference: Reference,
        booking_url: String,
    },
    Confirmation(ConsultMail),
    Rescheduled(ConsultMail),
    Cancelled(ConsultMail),
    /// `REMINDER_HOURS` before the consult. Carries no `.ics`: the calendar already has
    /// the consult, and a repeated request would only show as an update.
    Reminder(ConsultMail),
}

/// A booked consult as its e-mails show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultMail {
    pub reference: Reference,
    /// Stable for the consult across every change (e.g. its row id): the `.ics` `UID` is
    /// `<uid>@<domain of the organizer>`, so a calendar replaces the event instead of adding one.
    pub uid: String,
    /// `SEQUENCE`: 0 when booked, raised by each change (reschedule, cancel).
    pub sequence: u32,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The patient's link to reschedule or cancel (holds the manage token).
    pub manage_url: String,
    /// `DTSTAMP`: when this change was made (the outbox row's time).
    pub stamp: Timestamp,
    /// `BOOKING_CHANGE_CUTOFF_HOURS`: from this many hours before the consult, changes
    /// are by phone only.
    pub change_cutoff_hours: u32,
    /// The `.ics` `ORGANIZER`: the address the clinic sends from (`NOTIFY_FROM`).
    pub organizer: Address,
    /// The `.ics` `ATTENDEE`: the patient's address (no name).
    pub attendee: Address,
}

/// An e-mail ready to be put in a message ([`message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The calendar file of a confirmation, reschedule or cancellation.
    pub ics: Option<Ics>,
}

/// A `.ics` and its iTIP method (which the attachment's content type repeats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ics {
    pub method: Method,
    pub content: String,
}

/// The iTIP method of a `.ics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A new or changed consult.
    Request,
    /// A cancelled consult (`STATUS:CANCELLED`).
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// Why a rendered e-mail could not be made into a message.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("the e-mail could not be composed: {0}")]
    Compose(#[from] lettre::error::Error),
    #[error("the calendar attachment's content type is not valid: {0}")]
    ContentType(#[from] ContentTypeErr),
}

/// The e-mail `mail` in `locale`, with the clinic's details, times in `tz`.
pub fn render(mail: &PatientMail, locale: Locale, clinic: &ClinicInfo, tz: &TimeZone) -> Rendered {
    let w = Words::of(locale);
    let mut doc = Doc::new();
    doc.para(&[Piece::text(w.hello)]);
    let subject = match mail {
        PatientMail::ResumeLink { url } => {
            doc.para(&[Piece::text(w.resume_intro)]);
            doc.link(url);
            doc.para(&[Piece::text(w.resume_privacy)]);
            doc.para(&[Piece::text(w.resume_not_you)]);
            w.resume_subject
        }
        PatientMail::Receipt { reference, booking_url, will_call } => {
            doc.para(&[Piece::text(w.receipt_intro)]);
            doc.fields(&[(w.reference, Piece::text(&reference.display()))]);
            doc.para(&[Piece::text(w.keep_reference)]);
            if let Some(url) = booking_url {
                doc.para(&[Piece::text(w.book_now)]);
                doc.link(url);
            }
            if *will_call {
                doc.para(&[Piece::text(w.will_call)]);
            }
            doc.para(&questions(&w, clinic));
            w.receipt_subject
        }
        PatientMail::Approved { reference, booking_url } => {
            doc.para(&[Piece::text(w.approved_intro)]);
            doc.link(booking_url);
            doc.fields(&[(w.reference, Piece::text(&reference.display()))]);
            doc.para(&questions(&w, clinic));
            w.approved_subject
        }
        PatientMail::Confirmation(c) => {
            consult(&mut doc, &w, clinic, tz, c, w.confirmation_intro, Some(w.ics_adds));
            w.confirmation_subject
        }
        PatientMail::Rescheduled(c) => {
            consult(&mut doc, &w, clinic, tz, c, w.rescheduled_intro, Some(w.ics_updates));
            w.rescheduled_subject
        }
        PatientMail::Reminder(c) => {
            consult(&mut doc, &w, clinic, tz, c, w.reminder_intro, None);
            w.reminder_subject
        }
        PatientMail::Cancelled(c) => {
            doc.para(&[Piece::text(w.cancelled_intro)]);
            doc.fields(&[
                (w.when, Piece::text(&when(c, locale, tz))),
                (w.reference, Piece::text(&c.reference.display())),
            ]);
            let mut new_time = vec![Piece::text(w.new_time)];
            new_time.extend(call_us(&w, clinic));
            doc.para(&new_time);
            doc.para(&[Piece::text(w.ics_removes)]);
            w.cancelled_subject
        }
    };
    clinic_block(&mut doc, &w, clinic);
    let ics = match mail {
        PatientMail::Confirmation(c) | PatientMail::Rescheduled(c) => Some(ics(c, Method::Request, locale, clinic)),
        PatientMail::Cancelled(c) => Some(ics(c, Method::Cancel, locale, clinic)),
        _ => None,
    };
    let html = doc.html(locale, subject);
    Rendered { subject: subject.to_owned(), text: doc.text, html, ics }
}

/// The message as it goes out: text and HTML as alternatives, and the `.ics` as an
/// attachment `consult.ics` (`text/calendar; method=…; charset=UTF-8`) when there is one.
/// Headers as in `notify::Mailer::compose`: From, To, Subject (lettre adds Date and
/// Message-ID).
pub fn message(from: &Mailbox, to: &Mailbox, rendered: &Rendered) -> Result<Message, MessageError> {
    let builder = Message::builder().from(from.clone()).to(to.clone()).subject(rendered.subject.clone());
    let alternative = MultiPart::alternative_plain_html(rendered.text.clone(), rendered.html.clone());
    let message = match &rendered.ics {
        None => builder.multipart(alternative)?,
        Some(ics) => {
            let content_type =
                ContentType::parse(&format!("text/calendar; method={}; charset=UTF-8", ics.method.as_str()))?;
            // Base64, as calendar clients expect: the CRLF line ends and folded lines
            // travel untouched.
            let attachment = SinglePart::builder()
                .header(content_type)
                .header(ContentDisposition::attachment(ICS_FILE_NAME))
                .header(ContentTransferEncoding::Base64)
                .body(ics.content.clone());
            builder.multipart(MultiPart::mixed().multipart(alternative).singlepart(attachment))?
        }
    };
    Ok(message)
}

/// What changed in a booking, for the clinic's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Booked,
    Rescheduled,
    Cancelled,
}

/// The clinic's copy (`NOTIFY_TO`) of a booking change: the reference and the time only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicCopy {
    pub reference: Reference,
    /// The consult's (new) start; for a cancellation, the start it had.
    pub start: Timestamp,
    pub change: Change,
}

/// The clinic's copy as plain text in English, the staff's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicText {
    pub subject: String,
    pub text: String,
}

/// `Consult booked K7Q2-9XPM` and a body with the reference and the time in `tz`.
pub fn render_clinic_copy(copy: &ClinicCopy, tz: &TimeZone) -> ClinicText {
    let reference = copy.reference.display();
    let (subject, what, time_label) = match copy.change {
        Change::Booked => ("Consult booked", "A consult was booked.", "Time"),
        Change::Rescheduled => ("Consult rescheduled", "A consult was moved to a new time.", "New time"),
        Change::Cancelled => ("Consult cancelled", "A consult was cancelled.", "Time it had"),
    };
    let time = when_at(copy.start, Locale::En, tz);
    ClinicText {
        subject: format!("{subject} {reference}"),
        text: format!(
            "{what}\n\n\
             Reference: {reference}\n\
             {time_label}: {time}\n\n\
             This e-mail holds no patient details on purpose; they are in the app.\n"
        ),
    }
}

/// The body of a confirmation, reschedule or reminder: the time, place and reference,
/// the manage link, the phone-only cutoff and what the attachment does.
fn consult(
    doc: &mut Doc,
    w: &Words,
    clinic: &ClinicInfo,
    tz: &TimeZone,
    c: &ConsultMail,
    intro: &str,
    attachment: Option<&str>,
) {
    doc.para(&[Piece::text(intro)]);
    let mut fields = vec![(w.when, Piece::text(&when(c, w.locale, tz)))];
    if let Some(address) = clinic.address.as_deref().filter(|a| !a.trim().is_empty()) {
        fields.push((w.place, Piece::text(address)));
    }
    fields.push((w.reference, Piece::text(&c.reference.display())));
    doc.fields(&fields);
    doc.para(&[Piece::text(w.manage)]);
    doc.link(&c.manage_url);
    let mut cutoff = vec![Piece::text(&(w.cutoff)(c.change_cutoff_hours))];
    cutoff.extend(call_us(w, clinic));
    doc.para(&cutoff);
    if let Some(attachment) = attachment {
        doc.para(&[Piece::text(attachment)]);
    }
}

/// "Call us at (214) 555-0182." with the number as a `tel:` link, or "Call the clinic."
fn call_us(w: &Words, clinic: &ClinicInfo) -> Vec<Piece> {
    match clinic.phone_link() {
        Some((href, shown)) => vec![Piece::text(w.call_at), Piece::Link { href, text: shown }, Piece::text(".")],
        None => vec![Piece::text(w.call_clinic)],
    }
}

/// "Questions? Call us at …"
fn questions(w: &Words, clinic: &ClinicInfo) -> Vec<Piece> {
    let mut pieces = vec![Piece::text(w.questions)];
    pieces.extend(call_us(w, clinic));
    pieces
}

/// The clinic's name, phone, address, hours and privacy notice (those set), and the
/// reason the e-mail says so little.
fn clinic_block(doc: &mut Doc, w: &Words, clinic: &ClinicInfo) {
    doc.rule();
    let mut fields = Vec::new();
    if let Some((href, shown)) = clinic.phone_link() {
        fields.push((w.phone, Piece::Link { href, text: shown }));
    }
    let set = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    if let Some(address) = set(&clinic.address) {
        fields.push((w.address, Piece::text(&address)));
    }
    if let Some(hours) = set(&clinic.hours) {
        fields.push((w.hours, Piece::text(&hours)));
    }
    if let Some(url) = set(&clinic.privacy_url) {
        fields.push((w.privacy, Piece::url(&url)));
    }
    let name = clinic.name.trim();
    if !name.is_empty() {
        doc.strong(name);
    }
    if !fields.is_empty() {
        doc.fields(&fields);
    }
    doc.para(&[Piece::text(w.no_details)]);
}

/// The consult's start for people, with its length: "Monday, March 15, 2027, 9:00 a.m.
/// CDT (30 minutes)".
fn when(c: &ConsultMail, locale: Locale, tz: &TimeZone) -> String {
    let minutes = c.end.duration_since(c.start).as_secs().max(0) / 60;
    let unit = match locale {
        Locale::Es => "minutos",
        Locale::En => "minutes",
    };
    format!("{} ({minutes} {unit})", when_at(c.start, locale, tz))
}

/// An instant on the clinic's clock, for people: "Monday, March 15, 2027, 9:00 a.m. CDT"
/// or "lunes, 15 de marzo de 2027, 9:00 a. m. CDT".
pub fn when_at(ts: Timestamp, locale: Locale, tz: &TimeZone) -> String {
    let local = ts.to_zoned(tz.clone());
    let zone = tz.to_offset_info(ts).abbreviation().to_owned();
    format!("{}, {} {zone}", day_with_weekday(local.date(), locale), clock_time(local.time(), locale))
}

/// An instant as an iCalendar UTC date-time: `20270315T140000Z`.
fn ics_utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A value safe in an iCalendar text or parameter: one line, no control characters, no
/// double quote (a parameter value cannot hold one).
fn ics_clean(text: &str) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() || c == '"' { ' ' } else { c }).collect();
    one_line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The consult's `.ics`: one VEVENT with its stable UID, SEQUENCE, DTSTAMP and UTC times.
fn ics(c: &ConsultMail, method: Method, locale: Locale, clinic: &ClinicInfo) -> Ics {
    // The sender's domain: the same for every version of the consult (a cancellation
    // carries no manage link to take a host from).
    let host = c.organizer.domain().to_owned();
    let name = ics_clean(&clinic.name);
    let summary = match (locale, name.is_empty()) {
        (Locale::Es, false) => format!("Consulta en {name}"),
        (Locale::Es, true) => "Consulta".to_owned(),
        (Locale::En, false) => format!("Consult at {name}"),
        (Locale::En, true) => "Consult".to_owned(),
    };
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}@{host}", ics_clean(&c.uid)))
        .sequence(c.sequence)
        .add_property("DTSTAMP", ics_utc(c.stamp))
        .add_property("DTSTART", ics_utc(c.start))
        .add_property("DTEND", ics_utc(c.end))
        .summary(&summary)
        // Hidden from others who can see the patient's calendar.
        .add_property("CLASS", "PRIVATE")
        .status(match method {
            Method::Request => EventStatus::Confirmed,
            Method::Cancel => EventStatus::Cancelled,
        });
    if let Some(address) = clinic.address.as_deref().map(ics_clean).filter(|a| !a.is_empty()) {
        event.location(&address);
    }
    if let Some((_, phone)) = clinic.phone_link() {
        let description = match locale {
            Locale::Es => format!("Para cambiar o cancelar, llame al {phone}."),
            Locale::En => format!("To change or cancel, call {phone}."),
        };
        event.description(&description);
    }
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", c.organizer));
    if !name.is_empty() {
        organizer.add_parameter("CN", &name);
    }
    event.append_property(organizer);
    event.append_multi_property(
        Property::new("ATTENDEE", format!("mailto:{}", c.attendee))
            .add_parameter("ROLE", "REQ-PARTICIPANT")
            .add_parameter("PARTSTAT", "ACCEPTED")
            .add_parameter("RSVP", "FALSE")
            .done(),
    );
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.as_str()))
        .push(event.done());
    Ics { method, content: calendar.to_string() }
}

/// A run of a paragraph: text, or a link (shown as its text).
#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Link { href: String, text: String },
}

impl Piece {
    fn text(text: &str) -> Self {
        Piece::Text(text.to_owned())
    }

    /// A URL shown as itself (a link in HTML when it is http or https).
    fn url(url: &str) -> Self {
        Piece::Link { href: url.to_owned(), text: url.to_owned() }
    }
}

/// The text and HTML bodies, written side by side.
struct Doc {
    text: String,
    body: String,
}

impl Doc {
    fn new() -> Self {
        Self { text: String::new(), body: String::new() }
    }

    fn para(&mut self, pieces: &[Piece]) {
        let plain: String = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.as_str(),
                Piece::Link { text, .. } => text.as_str(),
            })
            .collect();
        self.text.push_str(&wrap(&plain, TEXT_WIDTH));
        self.text.push_str("\n\n");
        self.body.push_str("<p>");
        for piece in pieces {
            self.body.push_str(&html_piece(piece));
        }
        self.body.push_str("</p>\n");
    }

    /// A link on its own line, never wrapped.
    fn link(&mut self, url: &str) {
        self.text.push_str(url);
        self.text.push_str("\n\n");
        self.body.push_str("<p>");
        self.body.push_str(&html_piece(&Piece::url(url)));
        self.body.push_str("</p>\n");
    }

    /// `Label: value` lines.
    fn fields(&mut self, fields: &[(&str, Piece)]) {
        self.body.push_str("<p>");
        for (i, (label, value)) in fields.iter().enumerate() {
            let shown = match value {
                Piece::Text(t) => t,
                Piece::Link { text, .. } => text,
            };
            self.text.push_str(&format!("{label}: {shown}\n"));
            if i > 0 {
                self.body.push_str("<br>\n");
            }
            self.body.push_str(&format!("<strong>{}:</strong> {}", escape(label), html_piece(value)));
        }
        self.text.push('\n');
        self.body.push_str("</p>\n");
    }

    fn strong(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        self.body.push_str(&format!("<p><strong>{}</strong></p>\n", escape(line)));
    }

    fn rule(&mut self) {
        self.text.push_str("--\n");
        self.body.push_str("<hr>\n");
    }

    fn html(&self, locale: Locale, title: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n</head>\n\
             <body style=\"font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; \
             color: #1a1a1a; max-width: 600px; margin: 0 auto; padding: 16px;\">\n{body}</body>\n</html>\n",
            lang = match locale {
                Locale::Es => "es",
                Locale::En => "en",
            },
            title = escape(title),
            body = self.body,
        )
    }
}

/// A piece as HTML: text escaped; a link as `<a>` when its scheme is http, https or tel,
/// otherwise its text alone.
fn html_piece(piece: &Piece) -> String {
    match piece {
        Piece::Text(t) => escape(t),
        Piece::Link { href, text } => {
            let lower = href.trim_start().to_ascii_lowercase();
            if ["https://", "http://", "tel:"].iter().any(|s| lower.starts_with(s)) {
                format!("<a href=\"{}\">{}</a>", escape(href), escape(text))
            } else {
                escape(text)
            }
        }
    }
}

/// Escapes text for HTML content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Greedy word wrap under `width` characters; a word longer than that keeps its own line.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
}

/// Every sentence of the patient's e-mails in one language.
struct Words {
    locale: Locale,
    hello: &'static str,
    reference: &'static str,
    when: &'static str,
    place: &'static str,
    phone: &'static str,
    address: &'static str,
    hours: &'static str,
    privacy: &'static str,
    no_details: &'static str,
    call_at: &'static str,
    call_clinic: &'static str,
    questions: &'static str,
    resume_subject: &'static str,
    resume_intro: &'static str,
    resume_privacy: &'static str,
    resume_not_you: &'static str,
    receipt_subject: &'static str,
    receipt_intro: &'static str,
    keep_reference: &'static str,
    book_now: &'static str,
    will_call: &'static str,
    approved_subject: &'static str,
    approved_intro: &'static str,
    confirmation_subject: &'static str,
    confirmation_intro: &'static str,
    rescheduled_subject: &'static str,
    rescheduled_intro: &'static str,
    reminder_subject: &'static str,
    reminder_intro: &'static str,
    cancelled_subject: &'static str,
    cancelled_intro: &'static str,
    new_time: &'static str,
    manage: &'static str,
    cutoff: fn(u32) -> String,
    ics_adds: &'static str,
    ics_updates: &'static str,
    ics_removes: &'static str,
}

impl Words {
    fn of(locale: Locale) -> Self {
        match locale {
            Locale::Es => Self::SPANISH,
            Locale::En => Self::ENGLISH,
        }
    }

    const ENGLISH: Words = Words {
        locale: Locale::En,
        hello: "Hello,",
        reference: "Reference",
        when: "When",
        place: "Where",
        phone: "Phone",
        address: "Address",
        hours: "Hours",
        privacy: "Notice of privacy practices",
        no_details: "For your privacy, this e-mail holds no health details. Please do not reply \
                     with health information; call us instead.",
        call_at: "Call us at ",
        call_clinic: "Please call the clinic.",
        questions: "Questions? ",
        resume_subject: "Your link to continue your form",
        resume_intro: "Here is the private link you asked for to continue your form:",
        resume_privacy: "Anyone who has this link can open your form, so please do not forward this \
                         e-mail. For your privacy, the link stops working once you use it to continue, \
                         and an unfinished form is deleted 30 days after it was started.",
        resume_not_you: "If you did not ask for this link, you can ignore this e-mail.",
        receipt_subject: "We received your form",
        receipt_intro: "Thank you. We received your form.",
        keep_reference: "Please keep this reference: it helps us find your form when you call.",
        book_now: "Next step: book your consult online, at a time that suits you:",
        will_call: "Next step: we will call you.",
        approved_subject: "You can now book your consult",
        approved_intro: "Our team has looked at your form. You can now book your consult online, \
                         at a time that suits you:",
        confirmation_subject: "Your consult is booked",
        confirmation_intro: "Your consult is booked.",
        rescheduled_subject: "Your consult has a new time",
        rescheduled_intro: "Your consult has been moved to a new time.",
        reminder_subject: "Reminder: your consult",
        reminder_intro: "This is a reminder of your consult.",
        cancelled_subject: "Your consult is cancelled",
        cancelled_intro: "Your consult has been cancelled.",
        new_time: "Would you like a new time? ",
        manage: "To reschedule or cancel, use your private link:",
        cutoff: |hours| format!("Within {hours} hours of your consult, changes can only be made by phone. "),
        ics_adds: "The attached file (consult.ics) adds the consult to your calendar.",
        ics_updates: "The attached file (consult.ics) updates the consult in your calendar.",
        ics_removes: "The attached file (consult.ics) removes the consult from your calendar.",
    };

    const SPANISH: Words = Words {
        locale: Locale::Es,
        hello: "Hola:",
        reference: "Número de referencia",
        when: "Cuándo",
        place: "Dónde",
        phone: "Teléfono",
        address: "Dirección",
        hours: "Horario",
        privacy: "Aviso de prácticas de privacidad",
        no_details: "Por su privacidad, este correo no incluye información de salud. Por favor, no \
                     responda con información de salud; mejor llámenos.",
        call_at: "Llámenos al ",
        call_clinic: "Por favor, llame a la clínica.",
        questions: "¿Tiene preguntas? ",
        resume_subject: "Su enlace para continuar su formulario",
        resume_intro: "Este es el enlace privado que pidió para continuar su formulario:",
        resume_privacy: "Cualquier persona que tenga este enlace puede abrir su formulario, así que \
                         no reenvíe este correo. Por su privacidad, el enlace deja de funcionar cuando \
                         lo usa para continuar, y un formulario sin terminar se borra 30 días después \
                         de haberlo comenzado.",
        resume_not_you: "Si usted no pidió este enlace, puede ignorar este correo.",
        receipt_subject: "Recibimos su formulario",
        receipt_intro: "Gracias. Recibimos su formulario.",
        keep_reference: "Guarde este número de referencia: nos ayuda a encontrar su formulario cuando \
                         nos llame.",
        book_now: "Siguiente paso: reserve su consulta en línea, en el horario que le convenga:",
        will_call: "Siguiente paso: le llamaremos por teléfono.",
        approved_subject: "Ya puede reservar su consulta",
        approved_intro: "Nuestro equipo revisó su formulario. Ya puede reservar su consulta en línea, \
                         en el horario que le convenga:",
        confirmation_subject: "Su consulta está confirmada",
        confirmation_intro: "Su consulta está confirmada.",
        rescheduled_subject: "Su consulta tiene un nuevo horario",
        rescheduled_intro: "Su consulta se cambió a un nuevo horario.",
        reminder_subject: "Recordatorio: su consulta",
        reminder_intro: "Le recordamos su consulta.",
        cancelled_subject: "Su consulta fue cancelada",
        cancelled_intro: "Su consulta fue cancelada.",
        new_time: "¿Desea un nuevo horario? ",
        manage: "Para cambiar el horario o cancelar, use su enlace privado:",
        cutoff: |hours| {
            format!("Si faltan menos de {hours} horas para su consulta, solo puede hacer cambios por teléfono. ")
        },
        ics_adds: "El archivo adjunto (consult.ics) agrega la consulta a su calendario.",
        ics_updates: "El archivo adjunto (consult.ics) actualiza la consulta en su calendario.",
        ics_removes: "El archivo adjunto (consult.ics) quita la consulta de su calendario.",
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::values::Phone;

    fn chicago() -> TimeZone {
        TimeZone::get("America/Chicago").unwrap()
    }

    fn clinic() -> ClinicInfo {
        ClinicInfo {
            name: "Lone Star Clinic".to_owned(),
            reviewer: "Dr. Reviewer".to_owned(),
            phone: Some(Phone::parse("214-555-0182").unwrap()),
            address: Some("1200 Main St, Suite 300, Dallas, TX 75201".to_owned()),
            hours: Some("Monday to Friday, 8 a.m. to 5 p.m.".to_owned()),
            privacy_url: Some("https://clinic.example/privacy".to_owned()),
            logo: None,
        }
    }

    fn reference() -> Reference {
        Reference::parse("K7Q29XPM").unwrap()
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// A consult at `local` (wall clock in Chicago), 30 minutes long.
    fn consult_at(local: &str, sequence: u32) -> ConsultMail {
        let start = local.parse::<jiff::civil::DateTime>().unwrap().to_zoned(chicago()).unwrap().timestamp();
        ConsultMail {
            reference: reference(),
            uid: "consult-42".to_owned(),
            sequence,
            start,
            end: start + jiff::SignedDuration::from_mins(30),
            manage_url: "https://intake.clinic.example/booking/manage#t0k3n".to_owned(),
            stamp: ts("2027-03-01T12:00:00Z"),
            change_cutoff_hours: 24,
            organizer: "notify@clinic.example".parse().unwrap(),
            attendee: "patient@example.com".parse().unwrap(),
        }
    }

    fn consult(sequence: u32) -> ConsultMail {
        consult_at("2027-03-15T09:00", sequence)
    }

    fn every_mail() -> Vec<PatientMail> {
        vec![
            PatientMail::ResumeLink { url: "https://intake.clinic.example/intake/resume/abc".to_owned() },
            PatientMail::Receipt {
                reference: reference(),
                booking_url: Some("https://intake.clinic.example/book#tok".to_owned()),
                will_call: false,
            },
            PatientMail::Receipt { reference: reference(), booking_url: None, will_call: true },
            PatientMail::Receipt { reference: reference(), booking_url: None, will_call: false },
            PatientMail::Approved {
                reference: reference(),
                booking_url: "https://intake.clinic.example/book#tok".to_owned(),
            },
            PatientMail::Confirmation(consult(0)),
            PatientMail::Rescheduled(consult(1)),
            PatientMail::Cancelled(consult(2)),
            PatientMail::Reminder(consult(1)),
        ]
    }

    const LOCALES: [Locale; 2] = [Locale::En, Locale::Es];

    /// The sentences each mail must hold, in English and Spanish.
    fn key_sentences(mail: &PatientMail, locale: Locale) -> Vec<&'static str> {
        let en = locale == Locale::En;
        let pick = |e: &'static str, s: &'static str| if en { e } else { s };
        match mail {
            PatientMail::ResumeLink { .. } => vec![
                pick("private link you asked for to continue your form", "enlace privado que pidió para continuar"),
                pick("do not forward this", "no reenvíe este correo"),
                "https://intake.clinic.example/intake/resume/abc",
            ],
            PatientMail::Receipt { booking_url, will_call, .. } => {
                let mut v = vec![pick("We received your form.", "Recibimos su formulario."), "K7Q2-9XPM"];
                if booking_url.is_some() {
                    v.push(pick("book your consult online", "reserve su consulta en línea"));
                    v.push("https://intake.clinic.example/book#tok");
                }
                if *will_call {
                    v.push(pick("we will call you.", "le llamaremos por teléfono."));
                }
                v
            }
            PatientMail::Approved { .. } => vec![
                pick("You can now book your consult online", "Ya puede reservar su consulta en línea"),
                "https://intake.clinic.example/book#tok",
                "K7Q2-9XPM",
            ],
            PatientMail::Confirmation(_) | PatientMail::Rescheduled(_) | PatientMail::Reminder(_) => {
                let mut v = vec![
                    pick(
                        "Monday, March 15, 2027, 9:00 a.m. CDT (30 minutes)",
                        "lunes, 15 de marzo de 2027, 9:00 a. m. CDT (30 minutos)",
                    ),
                    "K7Q2-9XPM",
                    "https://intake.clinic.example/booking/manage#t0k3n",
                    pick(
                        "Within 24 hours of your consult, changes can only be made by phone.",
                        "Si faltan menos de 24 horas para su consulta, solo puede hacer cambios por teléfono.",
                    ),
                    pick("Call us at (214) 555-0182.", "Llámenos al (214) 555-0182."),
                ];
                v.push(match mail {
                    PatientMail::Confirmation(_) => pick("Your consult is booked.", "Su consulta está confirmada."),
                    PatientMail::Rescheduled(_) => {
                        pick("Your consult has been moved to a new time.", "Su consulta se cambió a un nuevo horario.")
                    }
                    _ => pick("This is a reminder of your consult.", "Le recordamos su consulta."),
                });
                v
            }
            PatientMail::Cancelled(_) => vec![
                pick("Your consult has been cancelled.", "Su consulta fue cancelada."),
                pick("Monday, March 15, 2027, 9:00 a.m. CDT", "lunes, 15 de marzo de 2027, 9:00 a. m. CDT"),
                "K7Q2-9XPM",
                pick(
                    "Would you like a new time? Call us at (214) 555-0182.",
                    "¿Desea un nuevo horario? Llámenos al (214) 555-0182.",
                ),
            ],
        }
    }

    /// The text with its lines joined, so wrapped sentences can be found.
    fn joined(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The HTML without its tags (entities kept), as a reader sees the words.
    fn strip_tags(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn every_mail_in_both_languages_says_what_it_must_and_shows_the_clinic() {
        for mail in every_mail() {
            for locale in LOCALES {
                let r = render(&mail, locale, &clinic(), &chicago());
                let text = joined(&r.text);
                let html = joined(&strip_tags(&r.html));
                for sentence in key_sentences(&mail, locale) {
                    assert!(text.contains(sentence), "{mail:?} {locale:?} text lacks {sentence:?}:\n{}", r.text);
                    let escaped = escape(sentence);
                    assert!(html.contains(&escaped), "{mail:?} {locale:?} html lacks {escaped:?}:\n{}", r.html);
                }
                for detail in [
                    "Lone Star Clinic",
                    "(214) 555-0182",
                    "1200 Main St, Suite 300, Dallas, TX 75201",
                    "Monday to Friday, 8 a.m. to 5 p.m.",
                    "https://clinic.example/privacy",
                ] {
                    assert!(text.contains(detail), "{mail:?} {locale:?} text lacks {detail:?}");
                    assert!(html.contains(detail), "{mail:?} {locale:?} html lacks {detail:?}");
                }
                assert!(r.html.contains("<a href=\"tel:+12145550182\">(214) 555-0182</a>"), "{}", r.html);
                assert!(r.html.contains("<a href=\"https://clinic.example/privacy\">"), "{}", r.html);
                let lang = if locale == Locale::En { "<html lang=\"en\">" } else { "<html lang=\"es\">" };
                assert!(r.html.contains(lang));
                assert!(!r.subject.is_empty() && !r.subject.contains("K7Q2") && !r.subject.contains("Lone Star"));
                // No raw UTC anywhere a person reads.
                assert!(!r.text.contains("14:00") && !r.text.contains("UTC") && !r.text.contains("T14"));
                for line in r.text.lines().filter(|l| !l.contains("://")) {
                    assert!(line.chars().count() <= TEXT_WIDTH, "long line {line:?}");
                }
                let has_ics = matches!(
                    mail,
                    PatientMail::Confirmation(_) | PatientMail::Rescheduled(_) | PatientMail::Cancelled(_)
                );
                assert_eq!(r.ics.is_some(), has_ics, "{mail:?}");
            }
        }
    }

    #[test]
    fn subjects_differ_by_mail_and_language() {
        let mut seen = std::collections::HashSet::new();
        for mail in every_mail() {
            for locale in LOCALES {
                seen.insert(render(&mail, locale, &clinic(), &chicago()).subject);
            }
        }
        // Three receipts share their subject per language.
        assert_eq!(seen.len(), 2 * 7);
    }

    #[test]
    fn a_clinic_without_details_still_makes_sense() {
        let bare = ClinicInfo::default();
        let r = render(&PatientMail::Confirmation(consult(0)), Locale::En, &bare, &chicago());
        assert!(joined(&r.text).contains("changes can only be made by phone. Please call the clinic."));
        assert!(!r.text.contains("Address:") && !r.text.contains("Phone:") && !r.html.contains("tel:"));
        let ics = r.ics.unwrap().content;
        assert!(ics.contains("SUMMARY:Consult\r\n") && !ics.contains("LOCATION") && !ics.contains("CN="));
    }

    #[test]
    fn hostile_values_are_escaped_in_html() {
        let hostile = ClinicInfo {
            name: "Evil</p><script>alert(1)</script>".to_owned(),
            address: Some("1 \"Main\" St</p><script>x()</script> & 'Co'".to_owned()),
            hours: Some("<b>always</b>".to_owned()),
            privacy_url: Some("javascript:alert(1)".to_owned()),
            ..clinic()
        };
        let mails = [
            PatientMail::Approved {
                reference: reference(),
                booking_url: "https://x.example/?a=\"><script>y()</script>".to_owned(),
            },
            PatientMail::Confirmation(consult(0)),
            PatientMail::Cancelled(consult(1)),
        ];
        for mail in &mails {
            for locale in LOCALES {
                let r = render(mail, locale, &hostile, &chicago());
                assert!(!r.html.to_lowercase().contains("<script"), "{}", r.html);
                assert!(!r.html.contains("<b>") && !r.html.contains("href=\"javascript"), "{}", r.html);
                assert!(r.html.contains("Evil&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
                assert!(r.html.contains("javascript:alert(1)"), "shown as text");
                if matches!(mail, PatientMail::Approved { .. }) {
                    assert!(r.html.contains("href=\"https://x.example/?a=&quot;&gt;&lt;script&gt;"), "{}", r.html);
                } else {
                    assert!(r.html.contains(
                        "1 &quot;Main&quot; St&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt; &amp; &#39;Co&#39;"
                    ));
                }
                // Every tag left is one of ours.
                let tags: std::collections::BTreeSet<String> =
                    r.html.split('<').skip(1).map(|t| t.split([' ', '>']).next().unwrap_or("").to_owned()).collect();
                let ours = [
                    "!DOCTYPE", "html", "/html", "head", "/head", "meta", "title", "/title", "body", "/body", "p",
                    "/p", "br", "strong", "/strong", "a", "/a", "hr",
                ];
                for tag in &tags {
                    assert!(ours.contains(&tag.as_str()), "unexpected tag {tag:?} in\n{}", r.html);
                }
            }
        }
    }

    /// A strict reading of the `.ics` as RFC 5545 wants it on the wire: CRLF line ends
    /// only, physical lines of at most 75 octets, continuation lines start with a space,
    /// BEGIN/END balanced. Returns the unfolded content lines.
    fn strict_lines(ics: &str) -> Vec<String> {
        assert!(ics.ends_with("\r\n"), "ends with CRLF");
        assert!(!ics.replace("\r\n", "").contains(['\r', '\n']), "bare CR or LF in {ics:?}");
        let mut lines: Vec<String> = Vec::new();
        for physical in ics.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets: {physical:?}", physical.len());
            if let Some(rest) = physical.strip_prefix(' ') {
                lines.last_mut().expect("a continuation follows a line").push_str(rest);
            } else {
                lines.push(physical.to_owned());
            }
        }
        let mut open = Vec::new();
        for line in &lines {
            if let Some(name) = line.strip_prefix("BEGIN:") {
                open.push(name.to_owned());
            } else if let Some(name) = line.strip_prefix("END:") {
                assert_eq!(open.pop().as_deref(), Some(name), "END without its BEGIN");
            } else {
                assert!(!open.is_empty(), "property outside a component: {line}");
                let name = line.split([':', ';']).next().unwrap();
                assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{line}");
            }
        }
        assert!(open.is_empty(), "unclosed {open:?}");
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
        lines
    }

    /// The `.ics` read back with the icalendar crate's parser: (METHOD, the VEVENT's
    /// properties by name).
    fn parsed(ics: &str) -> (String, std::collections::BTreeMap<String, String>) {
        let unfolded = icalendar::parser::unfold(ics);
        let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
        let prop = |name: &str| {
            calendar.properties.iter().find(|p| p.name == name).map(|p| p.val.as_str().to_owned()).unwrap()
        };
        assert_eq!(prop("VERSION"), "2.0");
        assert_eq!(prop("PRODID"), PRODID);
        assert_eq!(calendar.components.len(), 1);
        let event = &calendar.components[0];
        assert_eq!(event.name, "VEVENT");
        let properties =
            event.properties.iter().map(|p| (p.name.as_str().to_owned(), p.val.as_str().to_owned())).collect();
        (prop("METHOD"), properties)
    }

    #[test]
    fn the_ics_keeps_its_uid_raises_its_sequence_and_names_its_method() {
        let steps = [
            (PatientMail::Confirmation(consult(0)), "REQUEST", "CONFIRMED", "0"),
            (PatientMail::Rescheduled(consult_at("2027-03-16T10:30", 1)), "REQUEST", "CONFIRMED", "1"),
            (PatientMail::Cancelled(consult_at("2027-03-16T10:30", 2)), "CANCEL", "CANCELLED", "2"),
        ];
        let mut uids = Vec::new();
        for (mail, method, status, sequence) in &steps {
            for locale in LOCALES {
                let ics = render(mail, locale, &clinic(), &chicago()).ics.unwrap();
                assert_eq!(ics.method.as_str(), *method);
                let lines = strict_lines(&ics.content);
                let (parsed_method, event) = parsed(&ics.content);
                assert_eq!(parsed_method, *method);
                assert!(lines.contains(&format!("METHOD:{method}")));
                assert_eq!(event["STATUS"], *status);
                assert_eq!(event["SEQUENCE"], *sequence);
                assert_eq!(event["DTSTAMP"], "20270301T120000Z");
                for key in ["DTSTART", "DTEND"] {
                    assert!(event[key].ends_with('Z') && event[key].len() == 16, "{key} {}", event[key]);
                }
                assert_eq!(event["LOCATION"], "1200 Main St, Suite 300, Dallas, TX 75201");
                assert!(ics.content.contains(r"LOCATION:1200 Main St\, Suite 300\, Dallas\, TX 75201"));
                assert_eq!(event["ORGANIZER"], "mailto:notify@clinic.example");
                assert_eq!(event["ATTENDEE"], "mailto:patient@example.com");
                assert_eq!(event["CLASS"], "PRIVATE");
                let summary =
                    if locale == Locale::En { "Consult at Lone Star Clinic" } else { "Consulta en Lone Star Clinic" };
                assert_eq!(event["SUMMARY"], summary);
                assert!(!ics.content.contains("t0k3n"), "the manage token stays out of calendars");
                uids.push(event["UID"].clone());
            }
        }
        assert!(uids.iter().all(|u| u == "consult-42@clinic.example"), "{uids:?}");
        let rescheduled = render(&steps[1].0, Locale::En, &clinic(), &chicago()).ics.unwrap();
        assert!(rescheduled.content.contains("DTSTART:20270316T153000Z\r\n"));
        assert!(rescheduled.content.contains("DTEND:20270316T160000Z\r\n"));
    }

    #[test]
    fn rendering_is_deterministic() {
        // No clock and no randomness: the crate would add DTSTAMP from the clock and a
        // random UID only if they were missing.
        for mail in every_mail() {
            for locale in LOCALES {
                assert_eq!(render(&mail, locale, &clinic(), &chicago()), render(&mail, locale, &clinic(), &chicago()));
            }
        }
    }

    #[test]
    fn long_values_are_folded_at_75_octets_on_character_boundaries() {
        let long = ClinicInfo {
            name: "Clínica Ñandú de Atención Integral del Norte de Texas, Compañía Número Uno".to_owned(),
            address: Some(
                "Edificio Médico Señorial, Avenida de los Árboles Centenarios 12345, Suite 678, \
                 San Antonio, TX 78201 — entrada por el estacionamiento"
                    .to_owned(),
            ),
            ..clinic()
        };
        for locale in LOCALES {
            let ics = render(&PatientMail::Confirmation(consult(0)), locale, &long, &chicago()).ics.unwrap();
            assert!(ics.content.contains("\r\n "), "something was folded");
            strict_lines(&ics.content);
            let (_, event) = parsed(&ics.content);
            assert!(event["LOCATION"].contains("entrada por el estacionamiento"));
            assert!(event["SUMMARY"].ends_with("Compañía Número Uno"));
        }
    }

    #[test]
    fn times_are_on_the_clinic_clock_across_daylight_saving() {
        let march = consult_at("2027-03-15T09:00", 0);
        let november = consult_at("2027-11-08T09:00", 0);
        assert_eq!(when_at(march.start, Locale::En, &chicago()), "Monday, March 15, 2027, 9:00 a.m. CDT");
        assert_eq!(when_at(march.start, Locale::Es, &chicago()), "lunes, 15 de marzo de 2027, 9:00 a. m. CDT");
        assert_eq!(when_at(november.start, Locale::En, &chicago()), "Monday, November 8, 2027, 9:00 a.m. CST");
        assert_eq!(when_at(november.start, Locale::Es, &chicago()), "lunes, 8 de noviembre de 2027, 9:00 a. m. CST");
        assert_eq!(
            when_at(ts("2027-11-08T18:30:00Z"), Locale::En, &chicago()),
            "Monday, November 8, 2027, 12:30 p.m. CST"
        );
        assert_eq!(
            when_at(ts("2027-11-09T06:05:00Z"), Locale::Es, &chicago()),
            "martes, 9 de noviembre de 2027, 12:05 a. m. CST"
        );
        for (c, start, end, shown) in [
            (march, "DTSTART:20270315T140000Z", "DTEND:20270315T143000Z", "9:00 a.m. CDT"),
            (november, "DTSTART:20271108T150000Z", "DTEND:20271108T153000Z", "9:00 a.m. CST"),
        ] {
            let r = render(&PatientMail::Confirmation(c), Locale::En, &clinic(), &chicago());
            let ics = r.ics.unwrap().content;
            assert!(ics.contains(&format!("{start}\r\n")) && ics.contains(&format!("{end}\r\n")), "{ics}");
            assert!(r.text.contains(shown) && r.html.contains(shown));
        }
    }

    #[test]
    fn no_clinical_words_in_any_mail_in_any_language() {
        let forbidden = [
            "pain",
            "dolor",
            "score",
            "puntuaci",
            "puntaje",
            "depress",
            "depresi",
            "suicid",
            "anxi",
            "ansiedad",
            "opioid",
            "ketamin",
            "screening",
            "result",
            "outcome",
            "urgent",
            "emergenc",
            "symptom",
            "síntoma",
            "diagnos",
            "condition",
            "condición",
            "phq",
            "gad-7",
            "mood",
            "ánimo",
            "answer",
            "respuesta",
        ];
        for mail in every_mail() {
            for locale in LOCALES {
                let r = render(&mail, locale, &clinic(), &chicago());
                let ics = r.ics.as_ref().map(|i| i.content.clone()).unwrap_or_default();
                let all = format!("{}\n{}\n{}\n{}", r.subject, r.text, r.html, ics).to_lowercase();
                for word in forbidden {
                    assert!(!all.contains(word), "{mail:?} {locale:?} says {word:?}");
                }
            }
        }
        for change in [Change::Booked, Change::Rescheduled, Change::Cancelled] {
            let copy =
                render_clinic_copy(&ClinicCopy { reference: reference(), start: consult(0).start, change }, &chicago());
            let all = format!("{}\n{}", copy.subject, copy.text).to_lowercase();
            for word in forbidden {
                assert!(!all.contains(word), "{change:?} says {word:?}");
            }
        }
    }

    #[test]
    fn the_text_holds_only_the_values_passed_in() {
        // Every line of every mail is one of the fixed sentences of its language, a
        // `Label: value` line with a value passed in, or a link passed in.
        let values = [
            "K7Q2-9XPM",
            "Monday, March 15, 2027, 9:00 a.m. CDT (30 minutes)",
            "lunes, 15 de marzo de 2027, 9:00 a. m. CDT (30 minutos)",
            "Lone Star Clinic",
            "(214) 555-0182",
            "1200 Main St, Suite 300, Dallas, TX 75201",
            "Monday to Friday, 8 a.m. to 5 p.m.",
            "https://clinic.example/privacy",
        ];
        for mail in every_mail() {
            for locale in LOCALES {
                let w = Words::of(locale);
                let r = render(&mail, locale, &clinic(), &chicago());
                let mut rest = joined(&r.text);
                let mut sentences: Vec<String> = [
                    w.hello,
                    w.no_details,
                    w.call_at,
                    w.call_clinic,
                    w.questions,
                    w.resume_intro,
                    w.resume_privacy,
                    w.resume_not_you,
                    w.receipt_intro,
                    w.keep_reference,
                    w.book_now,
                    w.will_call,
                    w.approved_intro,
                    w.confirmation_intro,
                    w.rescheduled_intro,
                    w.reminder_intro,
                    w.cancelled_intro,
                    w.new_time,
                    w.manage,
                    w.ics_adds,
                    w.ics_updates,
                    w.ics_removes,
                ]
                .iter()
                .map(|s| joined(s))
                .collect();
                sentences.push(joined(&(w.cutoff)(24)));
                for label in [w.reference, w.when, w.place, w.phone, w.address, w.hours, w.privacy] {
                    sentences.push(format!("{label}:"));
                }
                sentences.extend(values.iter().map(|v| v.to_string()));
                sentences.extend(
                    [
                        "https://intake.clinic.example/intake/resume/abc",
                        "https://intake.clinic.example/book#tok",
                        "https://intake.clinic.example/booking/manage#t0k3n",
                        "--",
                        ".",
                    ]
                    .map(str::to_owned),
                );
                sentences.sort_by_key(|s| std::cmp::Reverse(s.len()));
                for s in &sentences {
                    rest = rest.replace(s.as_str(), " ");
                }
                assert!(rest.trim().is_empty(), "{mail:?} {locale:?} left {rest:?}");
            }
        }
    }

    #[test]
    fn the_message_has_text_html_and_the_calendar_attachment() {
        let from: Mailbox = "Lone Star Clinic <notify@clinic.example>".parse().unwrap();
        let to: Mailbox = "patient@example.com".parse().unwrap();
        for (mail, method) in [
            (PatientMail::Confirmation(consult(0)), "REQUEST"),
            (PatientMail::Rescheduled(consult(1)), "REQUEST"),
            (PatientMail::Cancelled(consult(2)), "CANCEL"),
        ] {
            let r = render(&mail, Locale::Es, &clinic(), &chicago());
            let wire = String::from_utf8(message(&from, &to, &r).unwrap().formatted()).unwrap();
            assert!(wire.contains("Content-Type: multipart/mixed"), "{wire}");
            assert!(wire.contains("Content-Type: multipart/alternative"));
            assert!(wire.contains("Content-Type: text/plain; charset=utf-8"));
            assert!(wire.contains("Content-Type: text/html; charset=utf-8"));
            // mime writes the charset in lower case; the value is case-insensitive.
            assert!(wire.contains(&format!("Content-Type: text/calendar; method={method}; charset=utf-8")), "{wire}");
            let encoded = wire.split("filename=\"consult.ics\"").nth(1).unwrap();
            assert!(encoded.contains("Content-Transfer-Encoding: base64"), "{wire}");
            // The attachment decodes to the .ics byte for byte (CRLF and folding kept).
            let block: String =
                encoded.split("\r\n\r\n").nth(1).unwrap().split("\r\n--").next().unwrap().split_whitespace().collect();
            use base64::Engine as _;
            let decoded = base64::engine::general_purpose::STANDARD.decode(block).unwrap();
            assert_eq!(String::from_utf8(decoded).unwrap(), r.ics.as_ref().unwrap().content);
            assert!(wire.contains("Content-Disposition: attachment; filename=\"consult.ics\""), "{wire}");
            assert!(
                wire.contains("From: \"Lone Star Clinic\" <notify@clinic.example>")
                    || wire.contains("From: Lone Star Clinic <notify@clinic.example>"),
                "{wire}"
            );
            assert!(wire.contains("To: patient@example.com"));
            assert!(wire.contains("Subject: "));
        }
        let r = render(
            &PatientMail::ResumeLink { url: "https://x.example/r".to_owned() },
            Locale::En,
            &clinic(),
            &chicago(),
        );
        let wire = String::from_utf8(message(&from, &to, &r).unwrap().formatted()).unwrap();
        assert!(wire.contains("Content-Type: multipart/alternative") && !wire.contains("multipart/mixed"));
        assert!(!wire.contains("text/calendar"));
        assert!(wire.contains("Subject: Your link to continue your form"));
    }

    #[test]
    fn the_clinic_copy_says_the_reference_and_the_time() {
        let start = consult(0).start;
        let booked =
            render_clinic_copy(&ClinicCopy { reference: reference(), start, change: Change::Booked }, &chicago());
        assert_eq!(booked.subject, "Consult booked K7Q2-9XPM");
        assert_eq!(
            booked.text,
            "A consult was booked.\n\nReference: K7Q2-9XPM\nTime: Monday, March 15, 2027, 9:00 a.m. CDT\n\n\
             This e-mail holds no patient details on purpose; they are in the app.\n"
        );
        let moved =
            render_clinic_copy(&ClinicCopy { reference: reference(), start, change: Change::Rescheduled }, &chicago());
        assert_eq!(moved.subject, "Consult rescheduled K7Q2-9XPM");
        assert!(moved.text.contains("New time: Monday, March 15, 2027, 9:00 a.m. CDT"));
        let cancelled =
            render_clinic_copy(&ClinicCopy { reference: reference(), start, change: Change::Cancelled }, &chicago());
        assert_eq!(cancelled.subject, "Consult cancelled K7Q2-9XPM");
    }

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(wrap("a bb ccc", 4), "a bb\nccc");
        assert_eq!(wrap("https://a-very-long.example/path", 10), "https://a-very-long.example/path");
        assert_eq!(wrap("  spaced   out  ", 72), "spaced out");
    }
}
