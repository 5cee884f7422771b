//! One submission as a FHIR R4 `Bundle` (type `collection`), the export an EHR can import:
//! the `Patient`, the answers as a `QuestionnaireResponse`, the insurance as a `Coverage`
//! (none for self-pay), the PEG, PHQ-9 and GAD-7 scores as `Observation`s, and the
//! consent wording the patient agreed to as a `Consent` (when it was recorded), and the
//! consult as an `Appointment` (the upcoming one, else the latest; none when never booked).
//!
//! Pure: the same submission always gives the same JSON, byte for byte, so an export can
//! be compared, hashed or re-sent. Resources are linked by `urn:uuid:` full URLs derived
//! from the reference, not random, for the same reason.
//!
//! The screening outcome is deliberately left out: it is a next step for the patient, not
//! a finding, and an EHR importing it would file it as one (a diagnosis, a problem).

use crate::domain::intake::{
    Clinical, Consent, ContactMethod, Difficulty, IntakeAnswers, Locale, Medical, Mood, Plan, SexAtBirth, Subscriber,
};
use crate::domain::screening::{Evaluation, Gad7Band, Phq9Band};
use crate::domain::values::ItemScore;
use crate::server::bookings::ConsultStatus;
use crate::server::staff::submissions::AgreedConsent;
use crate::shared::labels;
use jiff::Timestamp;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// A stored submission, as much of it as the export needs.
pub struct Submission<'a> {
    /// The display form the patient quotes, e.g. `7KQ2-9MXD`.
    pub reference: &'a str,
    /// When it was received, RFC 3339 in UTC, e.g. `2026-11-23T15:04:05.123Z`.
    pub received_at: &'a str,
    pub answers: &'a IntakeAnswers,
    pub evaluation: &'a Evaluation,
    /// The consent wording's version, language and hash; `None` for old intakes.
    pub consent: Option<&'a AgreedConsent>,
    /// The upcoming consult, else the latest one; `None` when none was ever booked.
    pub consult: Option<&'a Appointment<'a>>,
}

/// A consult as the `Appointment` shows it: its calendar UID (random, no patient data),
/// its times and its status.
pub struct Appointment<'a> {
    pub uid: &'a str,
    pub start: Timestamp,
    pub end: Timestamp,
    pub status: ConsultStatus,
}

/// The identifier system of a consult's calendar UID (the `.ics` files' UID).
pub const CONSULT_UID: &str = "urn:pain-intake:consult-uid";

/// The system of the bundle's identifier: the reference is unique per submission.
pub const REFERENCE_SYSTEM: &str = "urn:pain-intake:reference";
/// The canonical of the questionnaire the answers follow: the contract of `intake-v1.md`.
pub const QUESTIONNAIRE: &str = "urn:pain-intake:questionnaire:intake-v1";
/// Prefix of the code systems for the contract's own choices (`…:pain_duration`, …): the
/// wire names are stable, so they serve as codes.
const CHOICES: &str = "urn:pain-intake:intake-v1";
const LOINC: &str = "http://loinc.org";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const SUBSCRIBER_RELATIONSHIP: &str = "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
const COVERAGE_CLASS: &str = "http://terminology.hl7.org/CodeSystem/coverage-class";
const BCP47: &str = "urn:ietf:bcp:47";
const UCUM: &str = "http://unitsofmeasure.org";

/// The FHIR R4 Bundle of one submission.
pub fn bundle(s: &Submission<'_>) -> Value {
    let urls = Urls::of(s.reference);
    let mut entries = vec![
        entry(&urls.patient, patient(s.answers)),
        entry(&urls.questionnaire_response, questionnaire_response(s, &urls)),
    ];
    if let Some(coverage) = coverage(s.answers, &urls) {
        entries.push(entry(&urls.coverage, coverage));
    }
    entries.extend(observations(s, &urls).into_iter().map(|(url, o)| entry(url, o)));
    if let Some(c) = s.consent {
        entries.push(entry(&urls.consent, consent_resource(c, s, &urls)));
    }
    if let Some(a) = s.consult {
        entries.push(entry(&urls.appointment, appointment(a, &urls)));
    }
    json!({
        "resourceType": "Bundle",
        "identifier": { "system": REFERENCE_SYSTEM, "value": s.reference },
        "type": "collection",
        "timestamp": s.received_at,
        "entry": entries,
    })
}

/// The `urn:uuid:` full URL of every resource a bundle can hold.
struct Urls {
    patient: Uuid,
    questionnaire_response: Uuid,
    coverage: Uuid,
    peg: Uuid,
    phq9: Uuid,
    gad7: Uuid,
    consent: Uuid,
    appointment: Uuid,
}

impl Urls {
    fn of(reference: &str) -> Self {
        let url = |kind| Uuid::derive(reference, kind);
        Self {
            patient: url("Patient"),
            questionnaire_response: url("QuestionnaireResponse"),
            coverage: url("Coverage"),
            peg: url("Observation/peg"),
            phq9: url("Observation/phq9"),
            gad7: url("Observation/gad7"),
            consent: url("Consent"),
            appointment: url("Appointment"),
        }
    }
}

/// A resource's UUID, which is also its `id`.
struct Uuid(String);

impl Uuid {
    /// A name-based UUID (version 8 of RFC 9562: the first 128 bits of a SHA-256, with
    /// the version and variant bits set), so exporting twice gives the same ids, while two
    /// submissions or two resources of one submission in practice never share one.
    fn derive(reference: &str, kind: &str) -> Self {
        let digest = Sha256::digest(format!("pain-intake/{reference}/{kind}").as_bytes());
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = (b[6] & 0x0f) | 0x80;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        Self(format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]))
    }

    fn url(&self) -> String {
        format!("urn:uuid:{}", self.0)
    }

    fn reference(&self) -> Value {
        json!({ "reference": self.url() })
    }
}

/// A bundle entry; the resource gets the UUID as its `id` so the two never disagree.
fn entry(url: &Uuid, mut resource: Value) -> Value {
    if let Value::Object(o) = &mut resource {
        o.insert("id".into(), Value::String(url.0.clone()));
    }
    json!({ "fullUrl": url.url(), "resource": resource })
}

/// The identifier system of a consent wording's SHA-256 (hex), and the policy URI prefix of
/// its version: the wording itself is kept in the app (`shared::consent`).
pub const CONSENT_SHA256: &str = "urn:pain-intake:consent-sha256";
pub const CONSENT_POLICY: &str = "urn:pain-intake:consent:";

/// The patient's consent: privacy notice read, contact allowed, answers attested, signed
/// by typing their name, in the wording version they were shown.
fn consent_resource(c: &AgreedConsent, s: &Submission<'_>, urls: &Urls) -> Value {
    json!({
        "resourceType": "Consent",
        "status": "active",
        "scope": { "coding": [coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy Consent")] },
        "category": [{ "coding": [coding(LOINC, "59284-0", "Patient Consent")] }],
        "patient": urls.patient.reference(),
        "dateTime": s.received_at,
        "identifier": [{ "system": CONSENT_SHA256, "value": c.sha256 }],
        "policy": [{ "uri": format!("{CONSENT_POLICY}{}", c.version) }],
        "language": c.locale,
    })
}

/// The consult: FHIR's appointment statuses for ours, the times as FHIR instants (UTC),
/// the patient taking part (`accepted`: they booked or agreed to it on the phone).
fn appointment(a: &Appointment<'_>, urls: &Urls) -> Value {
    let status = match a.status {
        ConsultStatus::Booked => "booked",
        ConsultStatus::Attended => "fulfilled",
        ConsultStatus::NoShow => "noshow",
        ConsultStatus::Cancelled => "cancelled",
    };
    json!({
        "resourceType": "Appointment",
        "identifier": [{ "system": CONSULT_UID, "value": a.uid }],
        "status": status,
        "description": "Consult",
        "start": a.start.to_string(),
        "end": a.end.to_string(),
        "minutesDuration": a.start.duration_until(a.end).as_mins(),
        "participant": [{ "actor": urls.patient.reference(), "status": "accepted" }],
    })
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

fn patient(a: &IntakeAnswers) -> Value {
    let p = &a.patient;
    let gender = match p.sex_at_birth {
        SexAtBirth::Female => "female",
        SexAtBirth::Male => "male",
        SexAtBirth::Intersex => "other",
        SexAtBirth::PreferNotToSay => "unknown",
    };
    // E.164, so a receiving system never has to guess the country.
    let phone = format!("+1{}", p.phone.as_str());
    let preferred = |method| p.preferred_contact == method;
    let mut telecom = vec![contact_point("phone", &phone, preferred(ContactMethod::Phone))];
    // A patient who asked for texts gets them on the same number; `sms` says so.
    if preferred(ContactMethod::Text) {
        telecom.push(contact_point("sms", &phone, true));
    }
    if let Some(email) = &p.email {
        telecom.push(contact_point("email", email.as_str(), preferred(ContactMethod::Email)));
    }
    let (code, language) = match a.locale {
        Locale::En => ("en", "English"),
        Locale::Es => ("es", "Spanish"),
    };
    json!({
        "resourceType": "Patient",
        "name": [{ "use": "official", "family": p.last_name.as_str(), "given": [p.first_name.as_str()] }],
        "telecom": telecom,
        "gender": gender,
        "birthDate": p.date_of_birth.to_string(),
        // Only what was asked: a ZIP code, no street, and no state guessed from it.
        "address": [{ "postalCode": p.zip.as_str() }],
        "communication": [{
            "language": { "coding": [coding(BCP47, code, language)], "text": language },
            "preferred": true,
        }],
    })
}

fn contact_point(system: &str, value: &str, preferred: bool) -> Value {
    let mut c = json!({ "system": system, "value": value });
    if preferred {
        c["rank"] = json!(1);
    }
    c
}

/// The insurance, or `None` for self-pay, which has no coverage to describe.
fn coverage(a: &IntakeAnswers, urls: &Urls) -> Option<Value> {
    let i = &a.insurance;
    let payer = match i.plan {
        Plan::SelfPay => return None,
        Plan::BcbsTx => "Blue Cross Blue Shield of Texas",
        Plan::Uhc => "UnitedHealthcare",
        Plan::Cigna => "Cigna",
        Plan::Other => i.other_payer_name.as_ref().map_or("Other payer", |n| n.as_str()),
    };
    // The code says what the patient is to the policy holder, while the intake asks who
    // the policy holder is to the patient: a parent's policy makes the patient a child.
    let (code, display) = match i.subscriber {
        Subscriber::SelfInsured => ("self", "Self"),
        Subscriber::Spouse => ("spouse", "Spouse"),
        Subscriber::Parent => ("child", "Child"),
        Subscriber::Other => ("other", "Other"),
    };
    let mut c = json!({
        "resourceType": "Coverage",
        "status": "active",
        "beneficiary": urls.patient.reference(),
        "relationship": { "coding": [coding(SUBSCRIBER_RELATIONSHIP, code, display)] },
        "payor": [{ "display": payer }],
    });
    // The policy holder is the patient, or a person known only by name: no resource to
    // point at, so a display. Their date of birth has no place in a Coverage.
    c["subscriber"] = match (i.subscriber, &i.subscriber_name) {
        (Subscriber::SelfInsured, _) => urls.patient.reference(),
        (_, Some(name)) => json!({ "display": name.as_str() }),
        (_, None) => json!({ "display": "Not given" }),
    };
    if let Some(member_id) = &i.member_id {
        c["subscriberId"] = json!(member_id.as_str());
    }
    if let Some(group) = &i.group_number {
        c["class"] = json!([{
            "type": { "coding": [coding(COVERAGE_CLASS, "group", "Group")] },
            "value": group.as_str(),
        }]);
    }
    Some(c)
}

fn questionnaire_response(s: &Submission<'_>, urls: &Urls) -> Value {
    let c = &s.answers.clinical;
    let mut items = vec![red_flags(c), symptoms(c), pain_duration(c), pain(c)];
    items.extend(choices(
        "clinical.conditions",
        "Conditions a doctor has diagnosed",
        "condition",
        &c.conditions,
        |v| (v.as_str(), labels::condition(v.as_str()).0),
    ));
    items.extend(choices("clinical.diagnostics", "Tests done for the back pain", "diagnostic", &c.diagnostics, |v| {
        (v.as_str(), labels::diagnostic(v.as_str()).0)
    }));
    items.extend(treatments(c));
    items.push(boolean("clinical.upcoming_surgery", "Back or spine surgery planned", c.upcoming_surgery));
    items.push(medical(&c.medical));
    items.extend(c.mood.as_ref().map(mood));
    items.push(consent(&s.answers.consent));
    json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE,
        "status": "completed",
        "subject": urls.patient.reference(),
        "authored": s.received_at,
        "item": items,
    })
}

// Items. Each `linkId` is the field's dotted path in the contract, so an item can be
// traced to the JSON it came from; `text` is the English wording of the wizard.

fn group(link_id: &str, text: &str, items: Vec<Value>) -> Value {
    json!({ "linkId": link_id, "text": text, "item": items })
}

fn answered(link_id: &str, text: &str, answers: Vec<Value>) -> Value {
    json!({ "linkId": link_id, "text": text, "answer": answers })
}

fn boolean(link_id: &str, text: &str, value: bool) -> Value {
    answered(link_id, text, vec![json!({ "valueBoolean": value })])
}

fn integer(link_id: &str, text: &str, value: u8) -> Value {
    answered(link_id, text, vec![json!({ "valueInteger": value })])
}

/// Free text, or nothing when the patient left it blank: an empty answer is not allowed.
fn free_text(link_id: &str, text: &str, value: &str) -> Option<Value> {
    (!value.trim().is_empty()).then(|| answered(link_id, text, vec![json!({ "valueString": value })]))
}

fn choice(link_id: &str, text: &str, set: &str, code: &str, display: &str) -> Value {
    answered(link_id, text, vec![json!({ "valueCoding": coding(&format!("{CHOICES}:{set}"), code, display) })])
}

/// A multiple choice, one answer per ticked box; nothing when none was ticked.
fn choices<T: Copy>(
    link_id: &str,
    text: &str,
    set: &str,
    values: &[T],
    code_and_label: impl Fn(T) -> (&'static str, &'static str),
) -> Option<Value> {
    let system = format!("{CHOICES}:{set}");
    let answers: Vec<Value> = values
        .iter()
        .map(|v| {
            let (code, display) = code_and_label(*v);
            json!({ "valueCoding": coding(&system, code, display) })
        })
        .collect();
    (!answers.is_empty()).then(|| answered(link_id, text, answers))
}

/// Yes/no questions worded as in the wizard.
fn yes_no(path: &str, questions: &[(&str, bool)], label: fn(&str) -> labels::L) -> Vec<Value> {
    questions.iter().map(|(name, v)| boolean(&format!("{path}.{name}"), label(name).0, *v)).collect()
}

fn red_flags(c: &Clinical) -> Value {
    let r = &c.red_flags;
    let questions = [
        ("bladder_or_bowel_change", r.bladder_or_bowel_change),
        ("saddle_numbness", r.saddle_numbness),
        ("both_legs_symptoms", r.both_legs_symptoms),
        ("worsening_leg_weakness", r.worsening_leg_weakness),
        ("fever_or_chills", r.fever_or_chills),
        ("cancer_history", r.cancer_history),
        ("unexplained_weight_loss", r.unexplained_weight_loss),
        ("recent_trauma", r.recent_trauma),
    ];
    let items = yes_no("clinical.red_flags", &questions, labels::red_flag);
    group("clinical.red_flags", "Warning signs", items)
}

fn symptoms(c: &Clinical) -> Value {
    let s = &c.symptoms;
    let questions = [
        ("shooting_pain_bending_lifting", s.shooting_pain_bending_lifting),
        ("severe_pain_turning_in_bed", s.severe_pain_turning_in_bed),
        ("flare_ups", s.flare_ups),
        ("morning_stiffness", s.morning_stiffness),
        ("radiating_pain", s.radiating_pain),
    ];
    let mut items = yes_no("clinical.symptoms", &questions, labels::symptom);
    items.extend(free_text("clinical.symptoms.other", "Anything else about the pain", s.other.as_str()));
    group("clinical.symptoms", "Symptoms", items)
}

fn pain_duration(c: &Clinical) -> Value {
    let d = c.pain_duration.as_str();
    choice("clinical.pain_duration", "How long the back pain has lasted", "pain_duration", d, labels::duration(d).0)
}

fn pain(c: &Clinical) -> Value {
    let p = &c.pain;
    let ratings = [
        ("current", p.current),
        ("average_week", p.average_week),
        ("worst_week", p.worst_week),
        ("enjoyment_interference", p.enjoyment_interference),
        ("activity_interference", p.activity_interference),
    ];
    let items = ratings
        .iter()
        .map(|(name, r)| integer(&format!("clinical.pain.{name}"), labels::pain_question(name).0, r.get()))
        .collect();
    group("clinical.pain", "Pain ratings (0-10)", items)
}

/// One group per treatment tried. The group repeats under one `linkId`, as FHIR has a
/// repeating question answered, rather than a `linkId` per position.
fn treatments(c: &Clinical) -> Vec<Value> {
    c.treatments
        .iter()
        .map(|t| {
            let (kind, result) = (t.kind.as_str(), t.result.as_str());
            group(
                "clinical.treatments",
                "Treatment tried",
                vec![
                    choice("clinical.treatments.kind", "Treatment", "treatment_kind", kind, labels::treatment(kind).0),
                    choice(
                        "clinical.treatments.result",
                        "Result",
                        "treatment_result",
                        result,
                        labels::treatment_result(result).0,
                    ),
                ],
            )
        })
        .collect()
}

fn medical(m: &Medical) -> Value {
    let questions = [
        ("uncontrolled_blood_pressure", m.uncontrolled_blood_pressure),
        ("heart_disease", m.heart_disease),
        ("pregnant_or_breastfeeding", m.pregnant_or_breastfeeding),
        ("psychosis", m.psychosis),
        ("bipolar_disorder", m.bipolar_disorder),
        ("liver_disease", m.liver_disease),
        ("eye_or_brain_pressure", m.eye_or_brain_pressure),
        ("substance_use", m.substance_use),
        ("ketamine_reaction", m.ketamine_reaction),
    ];
    let mut items = yes_no("clinical.medical", &questions, labels::medical);
    items.extend(free_text("clinical.medical.medications", "Medicines taken now", m.medications.as_str()));
    items.extend(free_text("clinical.medical.allergies", "Allergies to medicines", m.allergies.as_str()));
    group("clinical.medical", "Medical history", items)
}

/// The item scores (0 "not at all" to 3 "nearly every day"); each position of the
/// instrument is its own question, so here the index is part of the `linkId`. Each
/// instrument's unscored difficulty question follows it when the patient answered it.
fn mood(m: &Mood) -> Value {
    let mut items = vec![instrument("clinical.mood.phq9", "PHQ-9, over the last 2 weeks", &labels::PHQ9, &m.phq9)];
    items.extend(difficulty("clinical.mood.phq9_difficulty", m.phq9_difficulty));
    items.push(instrument("clinical.mood.gad7", "GAD-7, over the last 2 weeks", &labels::GAD7, &m.gad7));
    items.extend(difficulty("clinical.mood.gad7_difficulty", m.gad7_difficulty));
    group("clinical.mood", "Mood", items)
}

fn difficulty(link_id: &str, answer: Option<Difficulty>) -> Option<Value> {
    answer.map(|d| {
        let code = d.as_str();
        choice(link_id, labels::DIFFICULTY_QUESTION.0, "difficulty", code, labels::difficulty(code).0)
    })
}

fn instrument(path: &str, text: &str, questions: &[labels::L], scores: &[ItemScore]) -> Value {
    let items = questions
        .iter()
        .zip(scores)
        .enumerate()
        .map(|(i, (q, score))| integer(&format!("{path}.{i}"), q.0, score.get()))
        .collect();
    group(path, text, items)
}

fn consent(c: &Consent) -> Value {
    group(
        "consent",
        "Consent and signature",
        vec![
            boolean("consent.privacy_notice", "Has read the notice of privacy practices", c.privacy_notice),
            boolean("consent.contact", "The clinic may contact the patient about the answers", c.contact),
            boolean("consent.attestation", "Answers are true to the best of the patient's knowledge", c.attestation),
            answered("consent.signature", "Typed signature", vec![json!({ "valueString": c.signature.as_str() })]),
        ],
    )
}

/// The scores, each derived from the answers: PEG always, PHQ-9 and GAD-7 when the mood
/// questions were answered.
fn observations<'u>(s: &Submission<'_>, urls: &'u Urls) -> Vec<(&'u Uuid, Value)> {
    let scores = &s.evaluation.scores;
    let mut out = Vec::new();
    // No LOINC code is certain for the PEG, so only a text; its unit is a UCUM annotation.
    let peg = json!({
        "value": f64::from(scores.peg.tenths()) / 10.0,
        "unit": "score",
        "system": UCUM,
        "code": "{score}",
    });
    out.push((&urls.peg, observation(s, urls, json!({ "text": "PEG pain score (0-10)" }), "valueQuantity", peg, None)));
    if let (Some(total), Some(band)) = (scores.phq9, scores.phq9_band) {
        let code = json!({
            "coding": [coding(LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]")],
            "text": "PHQ-9 total score",
        });
        let band = match band {
            Phq9Band::Minimal => "Minimal",
            Phq9Band::Mild => "Mild",
            Phq9Band::Moderate => "Moderate",
            Phq9Band::ModeratelySevere => "Moderately severe",
            Phq9Band::Severe => "Severe",
        };
        out.push((&urls.phq9, observation(s, urls, code, "valueInteger", json!(total), Some(band))));
    }
    if let (Some(total), Some(band)) = (scores.gad7, scores.gad7_band) {
        let code = json!({
            "coding": [coding(
                LOINC,
                "70274-6",
                "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
            )],
            "text": "GAD-7 total score",
        });
        let band = match band {
            Gad7Band::Minimal => "Minimal",
            Gad7Band::Mild => "Mild",
            Gad7Band::Moderate => "Moderate",
            Gad7Band::Severe => "Severe",
        };
        out.push((&urls.gad7, observation(s, urls, code, "valueInteger", json!(total), Some(band))));
    }
    out
}

fn observation(
    s: &Submission<'_>,
    urls: &Urls,
    code: Value,
    value_key: &str,
    value: Value,
    band: Option<&str>,
) -> Value {
    let mut o = Map::new();
    o.insert("resourceType".into(), json!("Observation"));
    o.insert("status".into(), json!("final"));
    o.insert("category".into(), json!([{ "coding": [coding(OBSERVATION_CATEGORY, "survey", "Survey")] }]));
    o.insert("code".into(), code);
    o.insert("subject".into(), urls.patient.reference());
    o.insert("effectiveDateTime".into(), json!(s.received_at));
    o.insert(value_key.into(), value);
    if let Some(band) = band {
        o.insert("interpretation".into(), json!([{ "text": band }]));
    }
    o.insert("derivedFrom".into(), json!([urls.questionnaire_response.reference()]));
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::screening::evaluate;
    use jiff::civil::{date, Date};
    use std::collections::BTreeSet;

    const TODAY: Date = date(2026, 11, 23);
    const RECEIVED: &str = "2026-11-23T15:04:05.123Z";

    /// The `intake-v1.md` example, with PEG ratings 5, 6, 6 (17/3 → 5.7), a group
    /// number, medicines, and mood answers that add up to PHQ-9 11 and GAD-7 12.
    fn intake() -> Value {
        json!({
            "schema_version": 1,
            "locale": "en",
            "patient": {
                "first_name": "Jane", "last_name": "Doe", "date_of_birth": "1980-04-02",
                "sex_at_birth": "female", "email": "jane@example.com", "phone": "(214) 555-0182",
                "zip": "75201", "preferred_contact": "phone"
            },
            "clinical": {
                "red_flags": {
                    "bladder_or_bowel_change": false, "saddle_numbness": false, "both_legs_symptoms": false,
                    "worsening_leg_weakness": false, "fever_or_chills": false, "cancer_history": false,
                    "unexplained_weight_loss": false, "recent_trauma": false
                },
                "symptoms": {
                    "shooting_pain_bending_lifting": true, "severe_pain_turning_in_bed": false,
                    "flare_ups": true, "morning_stiffness": true, "radiating_pain": false, "other": ""
                },
                "pain_duration": "over_12_months",
                "pain": {
                    "current": 7, "average_week": 5, "worst_week": 9,
                    "enjoyment_interference": 6, "activity_interference": 6
                },
                "conditions": ["neuropathic"],
                "diagnostics": ["xray", "mri_ct"],
                "treatments": [
                    { "kind": "nsaids", "result": "some_relief" },
                    { "kind": "physical_therapy", "result": "no_relief" }
                ],
                "upcoming_surgery": false,
                "medical": {
                    "uncontrolled_blood_pressure": false, "heart_disease": false, "pregnant_or_breastfeeding": false,
                    "psychosis": false, "bipolar_disorder": false, "liver_disease": false,
                    "eye_or_brain_pressure": false, "substance_use": false, "ketamine_reaction": false,
                    "medications": "gabapentin 300 mg", "allergies": ""
                },
                "mood": { "phq9": [2, 2, 2, 1, 1, 1, 1, 1, 0], "gad7": [3, 3, 2, 2, 1, 1, 0] }
            },
            "insurance": {
                "plan": "bcbs_tx", "other_payer_name": null, "member_id": "XYZ123456789",
                "group_number": "G-100", "subscriber": "self", "subscriber_name": null,
                "subscriber_date_of_birth": null
            },
            "consent": { "privacy_notice": true, "contact": true, "attestation": true, "signature": "Jane Doe" }
        })
    }

    fn with(mut v: Value, path: &str, new: Value) -> Value {
        *v.pointer_mut(&format!("/{}", path.replace('.', "/"))).expect(path) = new;
        v
    }

    fn self_pay_without_mood() -> Value {
        let v = with(intake(), "clinical.mood", Value::Null);
        let v = with(v, "insurance.plan", json!("self_pay"));
        with(v, "insurance.group_number", Value::Null)
    }

    fn export_as(json: &Value, reference: &str) -> Value {
        let answers = IntakeAnswers::from_json(json, TODAY).expect("a valid intake");
        let evaluation = evaluate(&answers.clinical, answers.patient.date_of_birth, TODAY);
        bundle(&Submission {
            reference,
            received_at: RECEIVED,
            answers: &answers,
            evaluation: &evaluation,
            consent: None,
            consult: None,
        })
    }

    fn export(json: &Value) -> Value {
        export_as(json, "7KQ2-9MXD")
    }

    #[test]
    fn the_consent_agreed_to_is_a_consent_resource_with_its_version_and_hash() {
        assert!(resources(&export(&intake())).iter().all(|r| r["resourceType"] != "Consent"), "none when not recorded");
        let answers = IntakeAnswers::from_json(&intake(), TODAY).unwrap();
        let evaluation = evaluate(&answers.clinical, answers.patient.date_of_birth, TODAY);
        let agreed = AgreedConsent {
            version: "2026-12-05".into(),
            locale: "es".into(),
            sha256: "91edbb4a335994f04febdcf4f735267856d4312ae65b3f6b9c6a8d8825ebe1d2".into(),
            at: RECEIVED.into(),
        };
        let b = bundle(&Submission {
            reference: "7KQ2-9MXD",
            received_at: RECEIVED,
            answers: &answers,
            evaluation: &evaluation,
            consent: Some(&agreed),
            consult: None,
        });
        let all = resources(&b);
        let consent = all.iter().find(|r| r["resourceType"] == "Consent").expect("a Consent");
        let patient = all.iter().find(|r| r["resourceType"] == "Patient").unwrap();
        assert_eq!(consent["status"], "active");
        assert_eq!(consent["policy"][0]["uri"], "urn:pain-intake:consent:2026-12-05");
        assert_eq!(consent["identifier"][0]["value"], agreed.sha256.as_str());
        assert_eq!(consent["language"], "es");
        assert_eq!(consent["patient"]["reference"], format!("urn:uuid:{}", patient["id"].as_str().unwrap()));
        assert_eq!(consent["dateTime"], RECEIVED);
    }

    fn export_with_consult(status: ConsultStatus) -> Value {
        let answers = IntakeAnswers::from_json(&intake(), TODAY).unwrap();
        let evaluation = evaluate(&answers.clinical, answers.patient.date_of_birth, TODAY);
        let consult = Appointment {
            uid: "3f2a9c",
            start: "2027-03-15T14:00:00Z".parse().unwrap(),
            end: "2027-03-15T14:30:00Z".parse().unwrap(),
            status,
        };
        bundle(&Submission {
            reference: "7KQ2-9MXD",
            received_at: RECEIVED,
            answers: &answers,
            evaluation: &evaluation,
            consent: None,
            consult: Some(&consult),
        })
    }

    #[test]
    fn a_consult_is_an_appointment_of_the_patient_with_fhir_instants() {
        assert!(!types(&export(&intake())).contains(&"Appointment"), "no consult, no Appointment");
        let b = export_with_consult(ConsultStatus::Booked);
        let a = the(&b, "Appointment");
        let patient = the(&b, "Patient");
        assert_eq!(a["status"], "booked");
        assert_eq!(a["start"], "2027-03-15T14:00:00Z");
        assert_eq!(a["end"], "2027-03-15T14:30:00Z");
        assert_eq!(a["minutesDuration"], 30);
        assert_eq!(
            a["participant"],
            json!([{
                "actor": { "reference": format!("urn:uuid:{}", patient["id"].as_str().unwrap()) },
                "status": "accepted"
            }])
        );
        assert_eq!(a["identifier"], json!([{ "system": "urn:pain-intake:consult-uid", "value": "3f2a9c" }]));
        // A FHIR instant: seconds and a zone are required.
        for t in [&a["start"], &a["end"]] {
            let t = t.as_str().unwrap();
            assert!(t.len() == 20 && t.ends_with('Z') && t.parse::<Timestamp>().is_ok(), "{t}");
        }
        // No patient data in the resource: nothing of the name, birth date or contacts.
        let text = a.to_string();
        for phi in ["Jane", "Doe", "1980", "555", "jane@", "75201", "7KQ2"] {
            assert!(!text.contains(phi), "{phi} in {text}");
        }
        let mut refs = Vec::new();
        references(&b, &mut refs);
        let urls: BTreeSet<&str> =
            b["entry"].as_array().unwrap().iter().map(|e| e["fullUrl"].as_str().unwrap()).collect();
        assert!(refs.iter().all(|r| urls.contains(r.as_str())), "every reference resolves");
    }

    #[test]
    fn consult_statuses_become_fhir_appointment_statuses() {
        for (ours, fhir) in [
            (ConsultStatus::Booked, "booked"),
            (ConsultStatus::Attended, "fulfilled"),
            (ConsultStatus::NoShow, "noshow"),
            (ConsultStatus::Cancelled, "cancelled"),
        ] {
            assert_eq!(the(&export_with_consult(ours), "Appointment")["status"], fhir);
        }
        assert_eq!(export_with_consult(ConsultStatus::Booked), export_with_consult(ConsultStatus::Booked), "pure");
    }

    fn resources(b: &Value) -> Vec<&Value> {
        b["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect()
    }

    fn types(b: &Value) -> Vec<&str> {
        resources(b).iter().map(|r| r["resourceType"].as_str().unwrap()).collect()
    }

    fn the<'a>(b: &'a Value, kind: &str) -> &'a Value {
        let mut found = resources(b).into_iter().filter(|r| r["resourceType"] == kind);
        let r = found.next().unwrap_or_else(|| panic!("no {kind}"));
        assert!(found.next().is_none(), "more than one {kind}");
        r
    }

    fn observation_coded<'a>(b: &'a Value, loinc: &str) -> Option<&'a Value> {
        resources(b).into_iter().find(|r| r["code"]["coding"][0]["code"] == loinc)
    }

    /// Every item of the QuestionnaireResponse, groups included, in document order.
    fn items(b: &Value) -> Vec<&Value> {
        fn walk<'a>(items: &'a Value, out: &mut Vec<&'a Value>) {
            for item in items.as_array().into_iter().flatten() {
                out.push(item);
                walk(&item["item"], out);
            }
        }
        let mut out = Vec::new();
        walk(&the(b, "QuestionnaireResponse")["item"], &mut out);
        out
    }

    fn item<'a>(b: &'a Value, link_id: &str) -> Option<&'a Value> {
        items(b).into_iter().find(|i| i["linkId"] == link_id)
    }

    fn references(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                for (k, v) in o {
                    match (k.as_str(), v) {
                        ("reference", Value::String(r)) => out.push(r.clone()),
                        _ => references(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| references(v, out)),
            _ => {}
        }
    }

    #[test]
    fn the_bundle_is_a_collection_identified_by_the_reference_and_timed_at_receipt() {
        let b = export(&intake());
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "collection");
        assert_eq!(b["identifier"], json!({ "system": "urn:pain-intake:reference", "value": "7KQ2-9MXD" }));
        assert_eq!(b["timestamp"], RECEIVED);
    }

    #[test]
    fn an_insured_patient_with_mood_answers_gets_coverage_and_three_observations() {
        let b = export(&intake());
        assert_eq!(
            types(&b),
            ["Patient", "QuestionnaireResponse", "Coverage", "Observation", "Observation", "Observation"]
        );
    }

    #[test]
    fn self_pay_has_no_coverage_and_skipped_mood_only_the_peg() {
        let b = export(&self_pay_without_mood());
        assert_eq!(types(&b), ["Patient", "QuestionnaireResponse", "Observation"]);
        assert_eq!(the(&b, "Observation")["code"]["text"], "PEG pain score (0-10)");
        assert!(item(&b, "clinical.mood").is_none());
        assert!(item(&b, "clinical.mood.phq9.8").is_none());
    }

    #[test]
    fn phq9_and_gad7_totals_carry_their_loinc_codes_and_bands() {
        let b = export(&intake());
        let phq9 = observation_coded(&b, "44261-6").expect("a PHQ-9 observation");
        assert_eq!(phq9["code"]["coding"][0]["system"], "http://loinc.org");
        assert_eq!(phq9["valueInteger"], 11);
        assert_eq!(phq9["interpretation"][0]["text"], "Moderate");
        let gad7 = observation_coded(&b, "70274-6").expect("a GAD-7 observation");
        assert_eq!(gad7["valueInteger"], 12);
        assert_eq!(gad7["interpretation"][0]["text"], "Moderate");
        for o in [phq9, gad7] {
            assert_eq!(o["status"], "final");
            assert_eq!(o["effectiveDateTime"], RECEIVED);
            assert_eq!(o["category"][0]["coding"][0]["code"], "survey");
        }

        let worse = with(intake(), "clinical.mood.phq9", json!([3, 3, 3, 3, 3, 3, 2, 2, 0]));
        let b = export(&worse);
        let phq9 = observation_coded(&b, "44261-6").unwrap();
        assert_eq!(phq9["valueInteger"], 22);
        assert_eq!(phq9["interpretation"][0]["text"], "Severe");
    }

    #[test]
    fn the_peg_is_a_decimal_with_one_place() {
        let b = export(&self_pay_without_mood());
        let peg = &the(&b, "Observation")["valueQuantity"];
        assert_eq!(peg["value"], json!(5.7));
        assert_eq!(peg["unit"], "score");
        assert!(serde_json::to_string(peg).unwrap().contains("\"value\":5.7"));

        let seven = with(self_pay_without_mood(), "clinical.pain.average_week", json!(9));
        let b = export(&seven);
        let text = serde_json::to_string(&the(&b, "Observation")["valueQuantity"]).unwrap();
        assert!(text.contains("\"value\":7.0"), "{text}");
    }

    #[test]
    fn every_reference_points_at_an_entry_of_the_bundle() {
        for json in [intake(), self_pay_without_mood()] {
            let b = export(&json);
            let full_urls: Vec<&str> =
                b["entry"].as_array().unwrap().iter().map(|e| e["fullUrl"].as_str().unwrap()).collect();
            let unique: BTreeSet<&str> = full_urls.iter().copied().collect();
            assert_eq!(unique.len(), full_urls.len(), "full URLs repeat");
            for (url, r) in full_urls.iter().zip(resources(&b)) {
                let uuid = url.strip_prefix("urn:uuid:").expect(url);
                assert_eq!(r["id"], uuid);
                let shape: Vec<usize> = uuid.split('-').map(str::len).collect();
                assert_eq!(shape, [8, 4, 4, 4, 12], "{uuid}");
                assert!(uuid.chars().all(|c| c == '-' || c.is_ascii_hexdigit()), "{uuid}");
            }
            let mut refs = Vec::new();
            references(&b, &mut refs);
            for r in &refs {
                assert!(unique.contains(r.as_str()), "{r} is not in the bundle");
            }
            // subject / beneficiary / subscriber, then subject and derivedFrom per observation
            let expected = if json == intake() { 1 + 2 + 2 * 3 } else { 1 + 2 };
            assert_eq!(refs.len(), expected);
        }
        let b = export(&intake());
        let patient = &b["entry"][0]["fullUrl"];
        let questionnaire_response = &b["entry"][1]["fullUrl"];
        assert_eq!(&the(&b, "QuestionnaireResponse")["subject"]["reference"], patient);
        assert_eq!(&the(&b, "Coverage")["beneficiary"]["reference"], patient);
        let phq9 = observation_coded(&b, "44261-6").unwrap();
        assert_eq!(&phq9["derivedFrom"][0]["reference"], questionnaire_response);
    }

    #[test]
    fn the_patient_has_name_birth_date_gender_contacts_zip_and_language() {
        let b = export(&intake());
        let p = the(&b, "Patient");
        assert_eq!(p["name"][0]["family"], "Doe");
        assert_eq!(p["name"][0]["given"], json!(["Jane"]));
        assert_eq!(p["birthDate"], "1980-04-02");
        assert_eq!(p["gender"], "female");
        assert_eq!(
            p["telecom"],
            json!([
                { "system": "phone", "value": "+12145550182", "rank": 1 },
                { "system": "email", "value": "jane@example.com" }
            ])
        );
        assert_eq!(p["address"], json!([{ "postalCode": "75201" }]));
        assert_eq!(p["communication"][0]["language"]["coding"][0]["system"], "urn:ietf:bcp:47");
        assert_eq!(p["communication"][0]["language"]["coding"][0]["code"], "en");

        for (sex, gender) in
            [("female", "female"), ("male", "male"), ("intersex", "other"), ("prefer_not_to_say", "unknown")]
        {
            let b = export(&with(intake(), "patient.sex_at_birth", json!(sex)));
            assert_eq!(the(&b, "Patient")["gender"], gender, "{sex}");
        }
    }

    #[test]
    fn the_preferred_contact_method_ranks_first() {
        let email = export(&with(intake(), "patient.preferred_contact", json!("email")));
        assert_eq!(
            the(&email, "Patient")["telecom"],
            json!([
                { "system": "phone", "value": "+12145550182" },
                { "system": "email", "value": "jane@example.com", "rank": 1 }
            ])
        );
        let text = with(intake(), "patient.preferred_contact", json!("text"));
        let text = export(&with(text, "patient.email", Value::Null));
        assert_eq!(
            the(&text, "Patient")["telecom"],
            json!([
                { "system": "phone", "value": "+12145550182" },
                { "system": "sms", "value": "+12145550182", "rank": 1 }
            ])
        );
        let spanish = export(&with(intake(), "locale", json!("es")));
        assert_eq!(the(&spanish, "Patient")["communication"][0]["language"]["coding"][0]["code"], "es");
    }

    #[test]
    fn coverage_names_payer_member_group_and_the_patient_as_subscriber() {
        let b = export(&intake());
        let c = the(&b, "Coverage");
        assert_eq!(c["status"], "active");
        assert_eq!(c["subscriberId"], "XYZ123456789");
        assert_eq!(c["payor"], json!([{ "display": "Blue Cross Blue Shield of Texas" }]));
        assert_eq!(c["class"][0]["type"]["coding"][0]["code"], "group");
        assert_eq!(c["class"][0]["value"], "G-100");
        assert_eq!(c["relationship"]["coding"][0]["code"], "self");
        assert_eq!(c["subscriber"]["reference"], b["entry"][0]["fullUrl"]);
    }

    #[test]
    fn coverage_of_a_dependent_says_what_the_patient_is_to_the_policy_holder() {
        for (subscriber, code) in [("spouse", "spouse"), ("parent", "child"), ("other", "other")] {
            let v = with(intake(), "insurance.subscriber", json!(subscriber));
            let v = with(v, "insurance.subscriber_name", json!("John Doe"));
            let v = with(v, "insurance.subscriber_date_of_birth", json!("1955-01-31"));
            let v = with(v, "insurance.group_number", Value::Null);
            let b = export(&v);
            let c = the(&b, "Coverage");
            assert_eq!(c["relationship"]["coding"][0]["code"], code, "{subscriber}");
            assert_eq!(c["subscriber"], json!({ "display": "John Doe" }));
            assert!(c.get("class").is_none());
        }
        let v = with(intake(), "insurance.plan", json!("other"));
        let b = export(&with(v, "insurance.other_payer_name", json!("Aetna")));
        assert_eq!(the(&b, "Coverage")["payor"], json!([{ "display": "Aetna" }]));
    }

    #[test]
    fn answers_are_items_keyed_by_their_contract_paths() {
        let b = export(&intake());
        let qr = the(&b, "QuestionnaireResponse");
        assert_eq!(qr["status"], "completed");
        assert_eq!(qr["questionnaire"], "urn:pain-intake:questionnaire:intake-v1");
        assert_eq!(qr["authored"], RECEIVED);
        let top: Vec<&str> = qr["item"].as_array().unwrap().iter().map(|i| i["linkId"].as_str().unwrap()).collect();
        assert_eq!(
            top,
            [
                "clinical.red_flags",
                "clinical.symptoms",
                "clinical.pain_duration",
                "clinical.pain",
                "clinical.conditions",
                "clinical.diagnostics",
                "clinical.treatments",
                "clinical.treatments",
                "clinical.upcoming_surgery",
                "clinical.medical",
                "clinical.mood",
                "consent",
            ]
        );
        let answer = |link: &str| item(&b, link).unwrap_or_else(|| panic!("{link}"))["answer"].clone();
        assert_eq!(answer("clinical.pain.current"), json!([{ "valueInteger": 7 }]));
        assert_eq!(answer("clinical.red_flags.saddle_numbness"), json!([{ "valueBoolean": false }]));
        assert_eq!(answer("clinical.symptoms.flare_ups"), json!([{ "valueBoolean": true }]));
        assert_eq!(answer("clinical.pain_duration")[0]["valueCoding"]["code"], "over_12_months");
        let codes = |link: &str| -> Vec<String> {
            answer(link)
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["valueCoding"]["code"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(codes("clinical.diagnostics"), ["xray", "mri_ct"]);
        let treatments: Vec<(String, String)> = items(&b)
            .into_iter()
            .filter(|i| i["linkId"] == "clinical.treatments")
            .map(|g| {
                let code = |n: usize| g["item"][n]["answer"][0]["valueCoding"]["code"].as_str().unwrap().to_owned();
                (code(0), code(1))
            })
            .collect();
        assert_eq!(
            treatments,
            [("nsaids".into(), "some_relief".into()), ("physical_therapy".into(), "no_relief".into())]
        );
        assert_eq!(answer("clinical.medical.medications"), json!([{ "valueString": "gabapentin 300 mg" }]));
        assert_eq!(answer("clinical.mood.phq9.0"), json!([{ "valueInteger": 2 }]));
        assert_eq!(answer("clinical.mood.gad7.6"), json!([{ "valueInteger": 0 }]));
        assert_eq!(answer("consent.signature"), json!([{ "valueString": "Jane Doe" }]));
        // Blank free text is left out rather than sent as an empty answer.
        assert!(item(&b, "clinical.symptoms.other").is_none());
        assert!(item(&b, "clinical.medical.allergies").is_none());
        let blank = export(&with(intake(), "clinical.medical.medications", json!("   ")));
        assert!(item(&blank, "clinical.medical.medications").is_none());
    }

    #[test]
    fn the_difficulty_answers_follow_their_instrument_and_are_left_out_when_unanswered() {
        let mut v = intake();
        v["clinical"]["mood"]["phq9_difficulty"] = json!("somewhat_difficult");
        v["clinical"]["mood"]["gad7_difficulty"] = json!("extremely_difficult");
        let b = export(&v);
        let mood: Vec<&str> = item(&b, "clinical.mood").unwrap()["item"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["linkId"].as_str().unwrap())
            .collect();
        assert_eq!(
            mood,
            [
                "clinical.mood.phq9",
                "clinical.mood.phq9_difficulty",
                "clinical.mood.gad7",
                "clinical.mood.gad7_difficulty"
            ]
        );
        let phq9 = item(&b, "clinical.mood.phq9_difficulty").unwrap();
        assert_eq!(phq9["text"], labels::DIFFICULTY_QUESTION.0);
        assert_eq!(
            phq9["answer"][0]["valueCoding"],
            json!({ "system": "urn:pain-intake:intake-v1:difficulty", "code": "somewhat_difficult", "display": "Somewhat difficult" })
        );
        assert_eq!(
            item(&b, "clinical.mood.gad7_difficulty").unwrap()["answer"][0]["valueCoding"]["code"],
            "extremely_difficult"
        );
        // Never scored: the totals are those of the answers without them.
        assert_eq!(observation_coded(&b, "44261-6").unwrap()["valueInteger"], 11);
        assert_eq!(observation_coded(&b, "70274-6").unwrap()["valueInteger"], 12);

        let b = export(&intake());
        assert!(item(&b, "clinical.mood.phq9_difficulty").is_none());
        assert!(item(&b, "clinical.mood.gad7_difficulty").is_none());
    }

    #[test]
    fn no_ticked_box_means_no_item() {
        let v = with(intake(), "clinical.conditions", json!([]));
        let b = export(&with(v, "clinical.treatments", json!([])));
        assert!(item(&b, "clinical.conditions").is_none());
        assert!(item(&b, "clinical.treatments").is_none());
        assert!(item(&b, "clinical.diagnostics").is_some());
    }

    #[test]
    fn the_screening_outcome_is_not_exported() {
        let b = export(&intake());
        let text = serde_json::to_string(&b).unwrap();
        for outcome in ["consult_recommended", "not_yet", "clinician_review", "urgent_care", "emergency", "outcome"] {
            assert!(!text.contains(outcome), "{outcome}");
        }
        assert!(!types(&b).contains(&"Condition"));
    }

    #[test]
    fn the_same_submission_exports_the_same_bytes_and_another_gets_other_ids() {
        let a = serde_json::to_string(&export(&intake())).unwrap();
        let b = serde_json::to_string(&export(&intake())).unwrap();
        assert_eq!(a, b);
        let first = export(&intake());
        let other = export_as(&intake(), "8MXD-7KQ2");
        assert_ne!(first["entry"][0]["fullUrl"], other["entry"][0]["fullUrl"]);
        assert_eq!(other["identifier"]["value"], "8MXD-7KQ2");
    }

    #[test]
    fn names_with_quotes_backslashes_and_accents_round_trip() {
        let v = with(intake(), "patient.first_name", json!("José \"Pepe\""));
        let v = with(v, "patient.last_name", json!("Núñez-O'Brien \\ 李"));
        let text = serde_json::to_string(&export(&v)).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        let name = &the(&back, "Patient")["name"][0];
        assert_eq!(name["given"][0], "José \"Pepe\"");
        assert_eq!(name["family"], "Núñez-O'Brien \\ 李");
    }
}
