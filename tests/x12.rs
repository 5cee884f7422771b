//! The X12 eligibility module against `x12-eligibility.md` and `intake-v1.md`
//! ("`x12 parse-271` output").
//!
//! Layout: helpers; building 270s (golden files, from an intake, refusals); reading
//! 271s (one hand-written fixture per situation, then the status and element rules,
//! then malformed envelopes); robustness (property tests and an ignored one-million
//! input fuzz run: `cargo test --release --features ssr --test x12 -- --ignored --nocapture`).

use jiff::civil::{date, Date, DateTime};
use pain_intake::domain::intake::IntakeAnswers;
use pain_intake::domain::values::Reference;
use pain_intake::x12::*;
use proptest::prelude::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const TODAY: Date = date(2026, 11, 23);

const ACTIVE_CIGNA: &[u8] = include_bytes!("fixtures/x12/active_cigna.271");
const ACTIVE_BCBS_DEPENDENT: &[u8] = include_bytes!("fixtures/x12/active_bcbs_dependent.271");
const INACTIVE_UHC: &[u8] = include_bytes!("fixtures/x12/inactive_uhc.271");
const REJECTED_72: &[u8] = include_bytes!("fixtures/x12/rejected_72_bcbs.271");
const REJECTED_75: &[u8] = include_bytes!("fixtures/x12/rejected_75_bcbs.271");
const REJECTED_42: &[u8] = include_bytes!("fixtures/x12/rejected_42_uhc.271");
const CRLF_PIPES: &[u8] = include_bytes!("fixtures/x12/crlf_pipes.271");
const MEDICAID_PAYER_TRN: &[u8] = include_bytes!("fixtures/x12/active_medicaid_payer_trn_only.271");

const FIXTURES: [&[u8]; 8] =
    [ACTIVE_CIGNA, ACTIVE_BCBS_DEPENDENT, INACTIVE_UHC, REJECTED_72, REJECTED_75, REJECTED_42, CRLF_PIPES, MEDICAID_PAYER_TRN];

fn parsed_json(input: &[u8]) -> Value {
    let eligibility = parse_271(input).unwrap_or_else(|e| panic!("does not parse: {e}"));
    serde_json::to_value(eligibility).expect("serializes")
}

fn reference(text: &str) -> Reference {
    Reference::parse(text).expect("a valid reference")
}

fn npi() -> Npi {
    Npi::parse("1234567893").expect("the reference's example NPI is valid")
}

fn envelope(icn: u32, created: DateTime, usage: Usage) -> Envelope {
    Envelope {
        sender_id: "CLINICSUBMIT".into(),
        receiver_id: "CLEARINGHOUSE".into(),
        interchange_control_number: icn,
        group_control_number: icn,
        created,
        usage,
    }
}

fn bcbs_tx() -> Payer {
    PayerDirectory::default().bcbs_tx
}

fn clinic() -> Provider {
    Provider { name: "EXAMPLE PAIN CLINIC".into(), npi: npi() }
}

/// The inquiry of the reference's example: Jane Doe is her own subscriber.
fn subscriber_inquiry() -> EligibilityInquiry {
    EligibilityInquiry {
        envelope: envelope(1, date(2026, 11, 23).at(12, 0, 0, 0), Usage::Test),
        payer: bcbs_tx(),
        provider: clinic(),
        originator_id: "9CLINIC001".into(),
        reference: reference("K7Q2-9XPM"),
        subscriber: Person { first_name: "JANE".into(), last_name: "DOE".into(), date_of_birth: date(1980, 4, 2) },
        member_id: "XYZ123456789".into(),
        group_number: None,
        dependent: None,
        service_date: TODAY,
        service_types: vec!["30".into()],
    }
}

/// Sofia, 18, is covered through her father Juan's BCBS plan.
fn dependent_inquiry() -> EligibilityInquiry {
    EligibilityInquiry {
        envelope: envelope(523, date(2026, 11, 23).at(14, 15, 0, 0), Usage::Production),
        payer: bcbs_tx(),
        provider: clinic(),
        originator_id: "9CLINIC001".into(),
        reference: reference("W2E7-HS4N"),
        subscriber: Person {
            first_name: "JUAN".into(),
            last_name: "GARCIA LOPEZ".into(),
            date_of_birth: date(1972, 1, 15),
        },
        member_id: "ZGP900123456".into(),
        group_number: Some("T12345".into()),
        dependent: Some(Person {
            first_name: "SOFIA".into(),
            last_name: "GARCIA LOPEZ".into(),
            date_of_birth: date(2008, 4, 2),
        }),
        service_date: TODAY,
        service_types: vec!["30".into(), "98".into()],
    }
}

/// The reference's example 270, byte for byte (shown there one segment per line).
const SUBSCRIBER_270: &str = concat!(
    "ISA*00*          *00*          *ZZ*CLINICSUBMIT   *ZZ*CLEARINGHOUSE  *261123*1200*^*00501*000000001*0*T*:~",
    "GS*HS*CLINICSUBMIT*CLEARINGHOUSE*20261123*1200*1*X*005010X279A1~",
    "ST*270*0001*005010X279A1~",
    "BHT*0022*13*REQ0001*20261123*1200~",
    "HL*1**20*1~",
    "NM1*PR*2*BLUE CROSS BLUE SHIELD OF TEXAS*****PI*84980~",
    "HL*2*1*21*1~",
    "NM1*1P*2*EXAMPLE PAIN CLINIC*****XX*1234567893~",
    "HL*3*2*22*0~",
    "TRN*1*K7Q29XPM*9CLINIC001~",
    "NM1*IL*1*DOE*JANE****MI*XYZ123456789~",
    "DMG*D8*19800402~",
    "DTP*291*D8*20261123~",
    "EQ*30~",
    "SE*13*0001~",
    "GE*1*1~",
    "IEA*1*000000001~",
);

/// The dependent's 270: the subscriber loop names the policy holder and carries the
/// member ID; the inquiry (trace, date, service types) sits in the dependent loop.
const DEPENDENT_270: &str = concat!(
    "ISA*00*          *00*          *ZZ*CLINICSUBMIT   *ZZ*CLEARINGHOUSE  *261123*1415*^*00501*000000523*0*P*:~",
    "GS*HS*CLINICSUBMIT*CLEARINGHOUSE*20261123*1415*523*X*005010X279A1~",
    "ST*270*0001*005010X279A1~",
    "BHT*0022*13*REQ0523*20261123*1415~",
    "HL*1**20*1~",
    "NM1*PR*2*BLUE CROSS BLUE SHIELD OF TEXAS*****PI*84980~",
    "HL*2*1*21*1~",
    "NM1*1P*2*EXAMPLE PAIN CLINIC*****XX*1234567893~",
    "HL*3*2*22*1~",
    "NM1*IL*1*GARCIA LOPEZ*JUAN****MI*ZGP900123456~",
    "REF*6P*T12345~",
    "DMG*D8*19720115~",
    "HL*4*3*23*0~",
    "TRN*1*W2E7HS4N*9CLINIC001~",
    "NM1*03*1*GARCIA LOPEZ*SOFIA~",
    "DMG*D8*20080402~",
    "DTP*291*D8*20261123~",
    "EQ*30~",
    "EQ*98~",
    "SE*18*0001~",
    "GE*1*523~",
    "IEA*1*000000523~",
);

/// Re-reads a built 270 and checks what a receiver checks: the envelope's control
/// numbers agree, SE01 counts ST through SE, and the HL tree is well formed (each HL01
/// is the next number, its parent exists and is one level up, HL04 says whether a
/// child follows). Returns the HL level codes in order.
fn check_structure(text: &str) -> Vec<String> {
    let segments = tokenize(text.as_bytes()).expect("our own 270 tokenizes");
    let ids: Vec<&str> = segments.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"ISA"));
    assert_eq!(&ids[1..3], ["GS", "ST"]);
    assert_eq!(&ids[ids.len() - 3..], ["SE", "GE", "IEA"]);
    let st = &segments[2];
    let se = &segments[segments.len() - 3];
    assert_eq!(st.value(1), "270");
    assert_eq!(se.value(1), (segments.len() - 2 - 2).to_string(), "SE01 counts ST..=SE");
    assert_eq!(se.value(2), st.value(2));
    assert_eq!(segments[segments.len() - 2].value(2), segments[1].value(6), "GE02 = GS06");
    assert_eq!(segments[segments.len() - 1].value(2), segments[0].value(13), "IEA02 = ISA13");

    let hls: Vec<_> = segments.iter().filter(|s| s.id == "HL").collect();
    let mut levels = Vec::new();
    for (i, hl) in hls.iter().enumerate() {
        assert_eq!(hl.value(1), (i + 1).to_string(), "HL01 counts up");
        let level = hl.value(3);
        let expected_parent = match level {
            "20" => "",
            "21" => "20",
            "22" => "21",
            "23" => "22",
            other => panic!("unexpected HL03 {other}"),
        };
        let parent = hl.value(2);
        if expected_parent.is_empty() {
            assert_eq!(parent, "");
        } else {
            let p: usize = parent.parse().expect("numeric parent");
            assert_eq!(hls[p - 1].value(3), expected_parent, "HL {} hangs under its parent level", i + 1);
        }
        let has_child = hls.get(i + 1).is_some_and(|next| next.value(2) == hl.value(1));
        assert_eq!(hl.value(4), if has_child { "1" } else { "0" }, "HL04 of HL {}", i + 1);
        levels.push(level.to_owned());
    }
    levels
}

/// A full intake as the API accepts it, with the given insurance section.
fn intake(first: &str, last: &str, dob: &str, insurance: Value) -> IntakeAnswers {
    let value = json!({
        "schema_version": 1,
        "locale": "es",
        "patient": {
            "first_name": first, "last_name": last, "date_of_birth": dob, "sex_at_birth": "female",
            "email": null, "phone": "(214) 555-0182", "zip": "75201", "preferred_contact": "phone"
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
            "pain": { "current": 7, "average_week": 6, "worst_week": 9, "enjoyment_interference": 7, "activity_interference": 8 },
            "conditions": ["neuropathic"],
            "diagnostics": ["xray", "mri_ct"],
            "treatments": [{ "kind": "nsaids", "result": "some_relief" }],
            "upcoming_surgery": false,
            "medical": {
                "uncontrolled_blood_pressure": false, "heart_disease": false, "pregnant_or_breastfeeding": false,
                "psychosis": false, "bipolar_disorder": false, "liver_disease": false,
                "eye_or_brain_pressure": false, "substance_use": false, "ketamine_reaction": false,
                "medications": "", "allergies": ""
            },
            "mood": null
        },
        "insurance": insurance,
        "consent": { "privacy_notice": true, "contact": true, "attestation": true, "signature": "Sofia Garcia" }
    });
    IntakeAnswers::from_json(&value, TODAY).unwrap_or_else(|e| panic!("invalid test intake: {e:?}"))
}

fn submitter(service_types: &[&str]) -> Submitter {
    Submitter {
        provider: clinic(),
        originator_id: "9CLINIC001".into(),
        payers: PayerDirectory::default(),
        service_types: service_types.iter().map(|s| s.to_string()).collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Building a 270
// ---------------------------------------------------------------------------------------

#[test]
fn subscriber_270_is_the_reference_example_byte_for_byte() {
    let text = build_270(&subscriber_inquiry()).expect("builds");
    assert_eq!(text, SUBSCRIBER_270);
    assert_eq!(text.split('~').next().map(str::len), Some(105), "ISA is 106 characters with its terminator");
    assert_eq!(check_structure(&text), ["20", "21", "22"]);
}

#[test]
fn dependent_270_adds_a_2000d_loop_for_the_patient() {
    let text = build_270(&dependent_inquiry()).expect("builds");
    assert_eq!(text, DEPENDENT_270);
    assert_eq!(check_structure(&text), ["20", "21", "22", "23"]);
    let segments = tokenize(text.as_bytes()).unwrap();
    let position = |id: &str, first: &str| segments.iter().position(|s| s.id == id && s.value(1) == first).unwrap();
    // The trace and the inquiry belong to the patient's level, after HL 23.
    assert!(position("HL", "4") < position("TRN", "1"));
    assert!(position("NM1", "IL") < position("HL", "4"));
    assert!(position("NM1", "03") < position("EQ", "30"));
}

#[test]
fn an_intake_for_a_self_insured_patient_gives_the_reference_example() {
    let answers = intake(
        "Jane",
        "Doe",
        "1980-04-02",
        json!({
            "plan": "bcbs_tx", "other_payer_name": null, "member_id": "XYZ123456789", "group_number": null,
            "subscriber": "self", "subscriber_name": null, "subscriber_date_of_birth": null
        }),
    );
    let inquiry = EligibilityInquiry::from_intake(
        &answers,
        &reference("K7Q2-9XPM"),
        &submitter(&["30"]),
        envelope(1, date(2026, 11, 23).at(12, 0, 0, 0), Usage::Test),
        TODAY,
    )
    .expect("maps");
    assert_eq!(inquiry, subscriber_inquiry());
    assert_eq!(build_270(&inquiry).unwrap(), SUBSCRIBER_270);
}

#[test]
fn an_intake_covered_through_a_parent_makes_the_patient_a_dependent() {
    // Accents are folded, names upper-cased, and the shared two-word surname kept whole.
    let answers = intake(
        "Sofía",
        "García López",
        "2008-04-02",
        json!({
            "plan": "bcbs_tx", "other_payer_name": null, "member_id": "ZGP900123456", "group_number": "T12345",
            "subscriber": "parent", "subscriber_name": "Juan García López", "subscriber_date_of_birth": "1972-01-15"
        }),
    );
    let inquiry = EligibilityInquiry::from_intake(
        &answers,
        &reference("W2E7HS4N"),
        &submitter(&["30", "98"]),
        envelope(523, date(2026, 11, 23).at(14, 15, 0, 0), Usage::Production),
        TODAY,
    )
    .expect("maps");
    assert_eq!(inquiry, dependent_inquiry());
    assert_eq!(build_270(&inquiry).unwrap(), DEPENDENT_270);
}

#[test]
fn self_pay_and_unlisted_payers_cannot_be_asked() {
    let self_pay = intake(
        "Jane",
        "Doe",
        "1980-04-02",
        json!({ "plan": "self_pay", "other_payer_name": null, "member_id": null, "group_number": null,
                "subscriber": "self", "subscriber_name": null, "subscriber_date_of_birth": null }),
    );
    let other = intake(
        "Jane",
        "Doe",
        "1980-04-02",
        json!({ "plan": "other", "other_payer_name": "Aetna", "member_id": "W123456789", "group_number": null,
                "subscriber": "self", "subscriber_name": null, "subscriber_date_of_birth": null }),
    );
    let map = |answers: &IntakeAnswers| {
        EligibilityInquiry::from_intake(
            answers,
            &reference("K7Q29XPM"),
            &submitter(&["30"]),
            envelope(1, date(2026, 11, 23).at(12, 0, 0, 0), Usage::Test),
            TODAY,
        )
    };
    assert_eq!(map(&self_pay), Err(X12Error::SelfPay));
    assert_eq!(map(&other), Err(X12Error::NoPayerId { payer: "Aetna".into() }));
}

/// The NPI check digit, computed independently of the code under test: Luhn over the
/// 14 digits "80840" + the first nine, doubling every second digit from the right.
fn luhn_npi_check_digit(first_nine: &str) -> u32 {
    let payload = format!("80840{first_nine}");
    let mut sum = 0;
    for (i, c) in payload.chars().rev().enumerate() {
        let mut d = c.to_digit(10).unwrap();
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    (10 - sum % 10) % 10
}

#[test]
fn npi_check_digit_is_verified() {
    assert_eq!(npi().as_str(), "1234567893");
    for bad in ["1234567890", "1234567894", "2234567893"] {
        assert!(
            matches!(Npi::parse(bad), Err(X12Error::InvalidNpi { reason, .. }) if reason.contains("check digit")),
            "{bad}"
        );
    }
    for bad in ["", "123456789", "12345678930", "12345678a3", "１２３４５６７８９３", "123456789\u{0}"] {
        assert!(matches!(Npi::parse(bad), Err(X12Error::InvalidNpi { .. })), "{bad:?}");
    }
    assert_eq!(
        Npi::parse("1234567890").unwrap_err().to_string(),
        "the NPI \"1234567890\" is invalid: its check digit is wrong, so it was probably mistyped"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Of the ten possible last digits, exactly the Luhn one is accepted.
    #[test]
    fn exactly_one_check_digit_is_accepted(body in "[0-9]{9}") {
        let expected = luhn_npi_check_digit(&body);
        for d in 0..10u32 {
            let accepted = Npi::parse(&format!("{body}{d}")).is_ok();
            prop_assert_eq!(accepted, d == expected, "{}{}", body, d);
        }
    }

    /// Any printable name either is refused for a delimiter or comes back unchanged
    /// from the tokenizer, with the 270's structure intact.
    #[test]
    fn any_printable_name_is_refused_or_survives_a_round_trip(name in "[ -~]{1,35}") {
        let mut inquiry = subscriber_inquiry();
        inquiry.subscriber.first_name = name.clone();
        match build_270(&inquiry) {
            Err(X12Error::Delimiter { field }) => {
                prop_assert!(name.contains(['~', '*', ':', '^']));
                prop_assert_eq!(field, "subscriber first name");
            }
            Err(X12Error::InvalidField { .. }) => prop_assert!(name.trim().is_empty() || name.trim().len() > 35),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
            Ok(text) => {
                prop_assert!(!name.contains(['~', '*', ':', '^']));
                check_structure(&text);
                let segments = tokenize(text.as_bytes()).unwrap();
                let nm1 = segments.iter().find(|s| s.id == "NM1" && s.value(1) == "IL").unwrap();
                prop_assert_eq!(nm1.value(4), name.trim());
            }
        }
    }
}

#[test]
fn every_delimiter_is_refused_in_every_text_field() {
    type Setter = fn(&mut EligibilityInquiry, String);
    let fields: [(&str, Setter); 11] = [
        ("sender ID", |q, v| q.envelope.sender_id = v),
        ("receiver ID", |q, v| q.envelope.receiver_id = v),
        ("payer name", |q, v| q.payer.name = v),
        ("payer ID", |q, v| q.payer.id = v),
        ("provider name", |q, v| q.provider.name = v),
        ("originator ID", |q, v| q.originator_id = v),
        ("member ID", |q, v| q.member_id = v),
        ("group number", |q, v| q.group_number = Some(v)),
        ("subscriber last name", |q, v| q.subscriber.last_name = v),
        ("patient first name", |q, v| q.dependent.as_mut().unwrap().first_name = v),
        ("service type", |q, v| q.service_types = vec![v]),
    ];
    for (field, set) in fields {
        for delimiter in ['~', '*', ':', '^'] {
            let mut inquiry = dependent_inquiry();
            // Short enough for every field, so only the delimiter is wrong.
            set(&mut inquiry, format!("9{delimiter}"));
            assert_eq!(build_270(&inquiry), Err(X12Error::Delimiter { field }), "{field} with {delimiter}");
        }
    }
    let mut inquiry = subscriber_inquiry();
    inquiry.subscriber.last_name = "O*BRIEN".into();
    assert_eq!(
        build_270(&inquiry).unwrap_err().to_string(),
        "subscriber last name contains an X12 delimiter (~ * : ^), which would corrupt the request"
    );
}

#[test]
fn text_that_x12_cannot_carry_is_refused() {
    type Change = fn(&mut EligibilityInquiry);
    let cases: [(Change, &str); 9] = [
        (|q| q.subscriber.last_name = "DOE\nEVIL".into(), "subscriber last name"),
        (|q| q.subscriber.first_name = "ZOË".into(), "subscriber first name"),
        (|q| q.subscriber.last_name = "   ".into(), "subscriber last name"),
        (|q| q.member_id = "X".into(), "member ID"),
        (|q| q.envelope.sender_id = "A-SENDER-ID-OF-16".into(), "sender ID"),
        (|q| q.originator_id = "9CLINIC".into(), "originator ID"),
        (|q| q.envelope.interchange_control_number = 0, "interchange control number"),
        (|q| q.envelope.group_control_number = 1_000_000_000, "group control number"),
        (|q| q.service_types = vec!["30X".into()], "service type"),
    ];
    for (change, field) in cases {
        let mut inquiry = subscriber_inquiry();
        change(&mut inquiry);
        match build_270(&inquiry) {
            Err(X12Error::InvalidField { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: expected InvalidField, got {other:?}"),
        }
    }
    let mut inquiry = subscriber_inquiry();
    inquiry.service_types.clear();
    assert!(matches!(build_270(&inquiry), Err(X12Error::InvalidField { field: "service types", .. })));
    let mut inquiry = subscriber_inquiry();
    inquiry.service_date = date(999, 1, 1);
    assert!(matches!(build_270(&inquiry), Err(X12Error::InvalidField { field: "service date", .. })));
}

#[test]
fn a_built_270_is_not_mistaken_for_a_271() {
    assert_eq!(parse_271(SUBSCRIBER_270.as_bytes()), Err(X12Error::NotA271 { found: Some("270".into()) }));
}

// ---------------------------------------------------------------------------------------
// Reading a 271: one fixture per situation
// ---------------------------------------------------------------------------------------

/// A benefit as JSON: every optional field null except those in `set`.
fn benefit(code: &str, kind: &str, level: &str, types: &[&str], set: Value) -> Value {
    let mut b = json!({
        "code": code, "kind": kind, "level": level, "service_types": types, "network": null,
        "period": null, "amount": null, "percent": null, "auth_required": null, "messages": []
    });
    for (key, value) in set.as_object().expect("an object of fields") {
        assert!(b.get(key).is_some(), "no field {key}");
        b[key] = value.clone();
    }
    b
}

#[test]
fn cigna_active_coverage_with_copays_coinsurance_deductibles_and_out_of_pocket() {
    assert_eq!(
        parsed_json(ACTIVE_CIGNA),
        json!({
            "status": "active",
            "trace": "K7Q29XPM",
            // Cigna's own TRN*1 follows the echo: kept apart, never taken for ours.
            "payer_trace": "2611230001234",
            "payer": { "name": "CIGNA", "id": "62308" },
            "subscriber": { "first_name": "JANE", "last_name": "DOE", "member_id": "U1234567801", "date_of_birth": "1980-04-02" },
            "plan": { "name": "OPEN ACCESS PLUS", "begin": "2026-01-01", "end": null },
            "benefits": [
                // Cigna states network status in a MSG of the active-coverage benefit.
                benefit("1", "active", "IND", &["30", "1", "33", "98", "MH"], json!({
                    "messages": ["IN NETWORK PROVIDER FOR THIS PATIENT'S PLAN"]
                })),
                benefit("B", "copay", "IND", &["98"], json!({
                    "network": "in", "period": "visit", "amount": 40.0, "messages": ["SPECIALIST OFFICE VISIT"]
                })),
                benefit("B", "copay", "IND", &["98"], json!({ "network": "out", "period": "visit", "amount": 80.0 })),
                benefit("A", "coinsurance", "IND", &["30"], json!({ "network": "in", "percent": 0.2 })),
                benefit("A", "coinsurance", "IND", &["30"], json!({ "network": "out", "percent": 0.4 })),
                benefit("C", "deductible", "IND", &["30"], json!({ "network": "in", "period": "calendar_year", "amount": 1500.0 })),
                benefit("C", "deductible", "IND", &["30"], json!({ "network": "in", "period": "remaining", "amount": 1250.0 })),
                benefit("C", "deductible", "FAM", &["30"], json!({ "network": "in", "period": "calendar_year", "amount": 3000.0 })),
                benefit("C", "deductible", "IND", &["30"], json!({ "network": "out", "period": "calendar_year", "amount": 3000.0 })),
                benefit("G", "out_of_pocket", "IND", &["30"], json!({ "network": "in", "period": "calendar_year", "amount": 4500.0 })),
                benefit("G", "out_of_pocket", "IND", &["30"], json!({ "network": "in", "period": "remaining", "amount": 4200.5 })),
                benefit("G", "out_of_pocket", "IND", &["30"], json!({ "network": "out", "period": "calendar_year", "amount": 9000.0 })),
                benefit("B", "copay", "IND", &["MH"], json!({
                    "network": "in", "period": "visit", "amount": 40.0, "auth_required": true,
                    "messages": ["PRIOR AUTHORIZATION REQUIRED FOR INFUSION THERAPY"]
                })),
            ],
            "rejections": []
        })
    );
}

#[test]
fn the_related_entity_loop_does_not_replace_the_subscriber() {
    // The Cigna fixture ends with LS/NM1*X3/PER/LE: a behavioral-health manager.
    let e = parse_271(ACTIVE_CIGNA).unwrap();
    assert_eq!(e.subscriber.last_name.as_deref(), Some("DOE"));
    assert_eq!(e.benefits.last().unwrap().messages.len(), 1);
}

#[test]
fn uhc_inactive_coverage() {
    assert_eq!(
        parsed_json(INACTIVE_UHC),
        json!({
            "status": "inactive",
            "trace": "M3B8TQ2R",
            "payer_trace": null,
            "payer": { "name": "UNITEDHEALTHCARE", "id": "87726" },
            "subscriber": { "first_name": "ROBERT", "last_name": "SMITH", "member_id": "912345678", "date_of_birth": "1965-09-17" },
            "plan": { "name": "CHOICE PLUS", "begin": "2025-01-01", "end": "2025-12-31" },
            "benefits": [{
                "code": "6", "kind": "inactive", "level": "IND", "service_types": ["30"], "network": null,
                "period": null, "amount": null, "percent": null, "auth_required": null,
                "messages": ["COVERAGE TERMINATED 12/31/2025"]
            }],
            "rejections": []
        })
    );
}

#[test]
fn bcbs_rejects_an_invalid_member_id_with_aaa_72() {
    assert_eq!(
        parsed_json(REJECTED_72),
        json!({
            "status": "rejected",
            "trace": "K7Q29XPM",
            "payer_trace": null,
            "payer": { "name": "BLUE CROSS BLUE SHIELD OF TEXAS", "id": "84980" },
            "subscriber": { "first_name": "JANE", "last_name": "DOE", "member_id": "XYZ12345678", "date_of_birth": "1980-04-02" },
            "plan": { "name": null, "begin": null, "end": null },
            "benefits": [],
            "rejections": [{ "loop": "2100C", "code": "72", "follow_up": "C", "action": "Check the member ID on the card and resubmit." }]
        })
    );
}

#[test]
fn bcbs_cannot_find_the_subscriber_aaa_75() {
    let json = parsed_json(REJECTED_75);
    assert_eq!(json["status"], "rejected");
    assert_eq!(json["trace"], "R5D1ZK0W");
    assert_eq!(json["subscriber"]["last_name"], "GARCIA LOPEZ");
    assert_eq!(json["benefits"], json!([]));
    let rejection = &json["rejections"][0];
    assert_eq!(rejection["loop"], "2100C");
    assert_eq!(rejection["code"], "75");
    assert_eq!(rejection["follow_up"], "C");
    let action = rejection["action"].as_str().unwrap();
    assert!(action.contains("cannot find the subscriber") && action.contains("another state"), "{action}");
    assert_eq!(json["rejections"].as_array().unwrap().len(), 1);
}

#[test]
fn uhc_cannot_respond_now_aaa_42_at_the_payer_level() {
    let json = parsed_json(REJECTED_42);
    assert_eq!(json["status"], "rejected");
    assert_eq!(json["trace"], "H8N4C6VA");
    assert_eq!(json["payer"], json!({ "name": "UNITEDHEALTHCARE", "id": "87726" }));
    assert_eq!(
        json["rejections"],
        json!([{ "loop": "2100A", "code": "42", "follow_up": "R", "action": "The payer cannot answer right now: try again later." }])
    );
}

#[test]
fn a_dependent_response_reads_2100d_and_2110d() {
    let json = parsed_json(ACTIVE_BCBS_DEPENDENT);
    assert_eq!(json["status"], "active", "an EB*1 wins over an AAA");
    assert_eq!(json["trace"], "W2E7HS4N");
    // The subscriber object is the policy holder; the patient's own dates win for the plan.
    assert_eq!(json["subscriber"]["first_name"], "JUAN");
    assert_eq!(json["subscriber"]["date_of_birth"], "1972-01-15");
    assert_eq!(json["plan"], json!({ "name": "BLUE CHOICE PPO", "begin": "2026-03-01", "end": "2026-12-31" }));
    assert_eq!(json["benefits"].as_array().unwrap().len(), 5);
    assert_eq!(json["benefits"][2]["percent"], 0.3);
    assert_eq!(json["rejections"][0]["loop"], "2110D");
    assert_eq!(json["rejections"][0]["code"], "41");
    assert_eq!(
        json["rejections"][0]["action"],
        "Call the payer to find out why the request was rejected before resubmitting."
    );
}

#[test]
fn crlf_lines_and_non_default_delimiters() {
    // `|` elements, `>` components, `!` repetitions, one segment per CRLF line.
    assert!(CRLF_PIPES.starts_with(b"ISA|") && CRLF_PIPES.windows(2).any(|w| w == b"\r\n"));
    let json = parsed_json(CRLF_PIPES);
    assert_eq!(
        json,
        json!({
            "status": "active",
            "trace": "K7Q29XPM",
            "payer_trace": null,
            "payer": { "name": "BLUE CROSS BLUE SHIELD OF TEXAS", "id": "84980" },
            "subscriber": { "first_name": "JANE", "last_name": "DOE", "member_id": "XYZ123456789", "date_of_birth": "1980-04-02" },
            "plan": { "name": "HMO BLUE ESSENTIALS", "begin": "2026-01-01", "end": "2026-12-31" },
            "benefits": [
                {
                    "code": "1", "kind": "active", "level": "IND", "service_types": ["30", "1", "33", "98"],
                    "network": null, "period": null, "amount": null, "percent": null, "auth_required": null,
                    // The colon is text here: `>` is the component separator.
                    "messages": ["NETWORK: HMO BLUE ESSENTIALS (HMB)"]
                },
                benefit("B", "copay", "IND", &["98"], json!({ "network": "in", "period": "visit", "amount": 35.0 })),
                benefit("C", "deductible", "FAM", &["30"], json!({ "network": "in", "period": "calendar_year", "amount": 4000.0 })),
            ],
            "rejections": []
        })
    );
    // The procedure composite HC>99214 was split on the declared component separator.
    let segments = tokenize(CRLF_PIPES).unwrap();
    let copay = segments.iter().find(|s| s.id == "EB" && s.value(1) == "B").unwrap();
    assert_eq!(copay.element(13).unwrap().repetitions()[0], ["HC", "99214"]);
}

#[test]
fn the_same_response_reads_the_same_whatever_the_line_endings_and_delimiters() {
    let crlf = std::str::from_utf8(CRLF_PIPES).unwrap();
    let expected = parse_271(CRLF_PIPES).unwrap();
    // A bare newline as the terminator.
    let lf = crlf.replace("\r\n", "\n");
    assert_eq!(parse_271(lf.as_bytes()), Ok(expected.clone()));
    // The standard delimiters, with CRLF after each terminator and leading blank lines.
    let standard = format!(
        "\r\n  {}",
        crlf.replace('|', "*").replace('>', ":").replace('!', "^").replace("\r\n", "~\r\n")
    );
    assert_eq!(parse_271(standard.as_bytes()), Ok(expected.clone()));
    // No line breaks at all, with a byte-order mark in front.
    let flat = format!("\u{feff}{}", crlf.replace("\r\n", "~").replace('|', "*").replace('>', ":").replace('!', "^"));
    assert_eq!(parse_271(flat.as_bytes()), Ok(expected.clone()));
    // After the ISA line, wrapped at 80 columns as some mainframes write: breaks inside
    // segments vanish. (The ISA itself must be whole, since its width locates the
    // delimiters.)
    let (isa, rest) = flat.trim_start_matches('\u{feff}').split_at(106);
    let wrapped: String = rest.as_bytes().chunks(80).map(|c| String::from_utf8_lossy(c) + "\r\n").collect();
    assert_eq!(parse_271(format!("{isa}\r\n{wrapped}").as_bytes()), Ok(expected));
}

// ---------------------------------------------------------------------------------------
// Reading a 271: status and element rules, on small hand-made responses
// ---------------------------------------------------------------------------------------

const ISA_271: &str =
    "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*CLINICSUBMIT   *261123*1201*^*00501*000000001*0*T*:~";

/// The 2000A..2100C opening of a response for Jane Doe.
const OPENING: [&str; 9] = [
    "BHT*0022*11*REQ0001*20261123*1201",
    "HL*1**20*1",
    "NM1*PR*2*CIGNA*****PI*62308",
    "HL*2*1*21*1",
    "NM1*1P*2*EXAMPLE PAIN CLINIC*****XX*1234567893",
    "HL*3*2*22*0",
    "TRN*2*K7Q29XPM*9CLINIC001",
    "NM1*IL*1*DOE*JANE****MI*U1234567801",
    "DMG*D8*19800402",
];

/// A complete interchange around these transaction segments (BHT onwards), with a
/// correct SE count.
fn interchange(body: &[&str]) -> Vec<u8> {
    let mut text = String::from(ISA_271);
    text += "GS*HB*CLEARINGHOUSE*CLINICSUBMIT*20261123*1201*1*X*005010X279A1~ST*271*0001*005010X279A1~";
    for segment in body {
        text += segment;
        text += "~";
    }
    text += &format!("SE*{}*0001~GE*1*1~IEA*1*000000001~", body.len() + 2);
    text.into_bytes()
}

/// A response for Jane Doe with these segments after her 2100C loop.
fn response(tail: &[&str]) -> Eligibility {
    let body: Vec<&str> = OPENING.iter().chain(tail).copied().collect();
    parse_271(&interchange(&body)).unwrap_or_else(|e| panic!("does not parse: {e}"))
}

#[test]
fn status_follows_the_contract() {
    assert_eq!(response(&["EB*1*IND*30"]).status, Status::Active);
    assert_eq!(response(&["AAA*N**72*C", "EB*1*IND*30"]).status, Status::Active, "an EB*1 wins");
    assert_eq!(response(&["EB*6*IND*30", "AAA*N**41*N"]).status, Status::Rejected, "an AAA beats EB*6");
    assert_eq!(response(&["EB*6*IND*30"]).status, Status::Inactive);
    assert_eq!(response(&["EB*B*IND*98***27*25"]).status, Status::Unknown, "no EB*1, EB*6 or AAA");
    assert_eq!(response(&[]).status, Status::Unknown);
    // Other "active" codes (2-5, capitation) are not EB*1: the contract keys on 1 only.
    assert_eq!(response(&["EB*2*IND*30"]).status, Status::Unknown);
    assert_eq!(serde_json::to_value(Status::Rejected).unwrap(), "rejected");
}

#[test]
fn eb01_codes_map_to_kinds() {
    let kinds: Vec<Value> = ["1", "6", "A", "B", "C", "G", "I", "F", "D", "X", ""]
        .iter()
        .map(|code| {
            let eb = format!("EB*{code}*IND*30");
            serde_json::to_value(response(&[&eb]).benefits[0].kind).unwrap()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "active", "inactive", "coinsurance", "copay", "deductible", "out_of_pocket", "non_covered",
            "limitation", "other", "other", "other"
        ]
    );
}

#[test]
fn eb_elements_map_as_the_contract_says() {
    let e = response(&[
        "EB*B*FAM*98^^MH*PS**23*25",
        "EB*B**98***29*1.5*.15***U*W",
        "EB*A*IND*30***27**20***N*U",
        "EB*C*IND*30***7*abc*150***X*Q",
        "EB*G*IND",
    ]);
    let get = |i: usize| serde_json::to_value(&e.benefits[i]).unwrap();
    assert_eq!(get(0)["level"], "FAM");
    assert_eq!(get(0)["service_types"], json!(["98", "MH"]), "empty repetitions are dropped");
    assert_eq!(get(0)["period"], "calendar_year");
    assert_eq!(get(0)["amount"], 25.0);
    assert_eq!(get(0)["network"], Value::Null);
    assert_eq!(get(1)["level"], Value::Null);
    assert_eq!(get(1)["period"], "remaining");
    assert_eq!(get(1)["amount"], 1.5);
    assert_eq!(get(1)["percent"], 0.15);
    assert_eq!(get(1)["auth_required"], Value::Null, "U is unknown");
    assert_eq!(get(1)["network"], "not_applicable");
    assert_eq!(get(2)["period"], "visit");
    assert_eq!(get(2)["percent"], 0.2, "a whole percent is read as a fraction");
    assert_eq!(get(2)["auth_required"], false);
    assert_eq!(get(2)["network"], "unknown");
    assert_eq!(get(3)["period"], "other");
    assert_eq!(get(3)["amount"], Value::Null, "not a number");
    assert_eq!(get(3)["percent"], Value::Null, "over 100 %");
    assert_eq!(get(3)["auth_required"], Value::Null);
    assert_eq!(get(3)["network"], Value::Null, "an unknown code");
    assert_eq!(get(4)["service_types"], json!([]));
    assert_eq!(get(4)["period"], Value::Null);
    assert_eq!(get(4)["amount"], Value::Null);
}

#[test]
fn messages_belong_to_the_eb_before_them() {
    let e = response(&[
        "MSG*BEFORE ANY BENEFIT",
        "EB*1*IND*30**GOLD PPO",
        "MSG*IN NETWORK",
        "MSG*",
        "DTP*291*D8*20260101",
        "MSG*PLAN: GOLD*ignored element",
        "EB*B*IND*98***27*25",
        "EB*C*IND*30***23*500",
        "MSG*CALENDAR YEAR",
        "HL*4*3*23*0",
        "MSG*AFTER A NEW LEVEL",
    ]);
    let messages: Vec<&Vec<String>> = e.benefits.iter().map(|b| &b.messages).collect();
    assert_eq!(messages, [&vec!["IN NETWORK".to_owned(), "PLAN: GOLD".to_owned()], &vec![], &vec!["CALENDAR YEAR".to_owned()]]);
}

#[test]
fn the_plan_name_is_eb05_of_active_coverage_first() {
    assert_eq!(response(&["EB*C*IND*30**DEDUCTIBLE PLAN", "EB*1*IND*30**GOLD PPO"]).plan.name.as_deref(), Some("GOLD PPO"));
    assert_eq!(response(&["EB*1*IND*30", "EB*C*IND*30**SILVER HMO"]).plan.name.as_deref(), Some("SILVER HMO"));
    assert_eq!(response(&["EB*1*IND*30"]).plan.name, None);
}

#[test]
fn plan_dates_prefer_346_and_347_then_plan_then_eligibility_dates() {
    let dates = |tail: &[&str]| {
        let plan = response(tail).plan;
        (plan.begin.map(|d| d.to_string()), plan.end.map(|d| d.to_string()))
    };
    let s = |t: &str| Some(t.to_owned());
    assert_eq!(dates(&["DTP*346*D8*20260101", "DTP*347*D8*20261231"]), (s("2026-01-01"), s("2026-12-31")));
    assert_eq!(
        dates(&["DTP*291*RD8*20250701-20260630", "DTP*346*D8*20260101"]),
        (s("2026-01-01"), s("2026-06-30")),
        "346 wins for the begin; 291's range gives the end"
    );
    assert_eq!(dates(&["DTP*356*D8*20240301", "DTP*357*D8*20261130"]), (s("2024-03-01"), s("2026-11-30")));
    assert_eq!(dates(&["DTP*307*RD8*20260101-20261231"]), (s("2026-01-01"), s("2026-12-31")));
    assert_eq!(dates(&["DTP*472*D8*20260101"]), (None, None), "a service date is not a plan date");
    // Impossible dates are null, not errors.
    assert_eq!(dates(&["DTP*346*D8*20260230", "DTP*347*D8*2026123"]), (None, None));
    // Benefit-level dates (in 2110C, after an EB) are not the plan's.
    assert_eq!(dates(&["EB*1*IND*30", "DTP*346*D8*20260101"]), (None, None));
}

#[test]
fn invalid_dates_of_birth_are_null() {
    for dob in ["DMG*D8*19800230", "DMG*D8*1980", "DMG*D8*ABCDEFGH", "DMG*D8*-1980402", "DMG*D8*19801301"] {
        let body: Vec<&str> = OPENING.iter().take(8).copied().chain([dob]).collect();
        let e = parse_271(&interchange(&body)).unwrap();
        assert_eq!(e.subscriber.date_of_birth, None, "{dob}");
    }
}

/// intake-v1.md: `trace` is "TRN02 echoed by the payer, or null". A real Medicaid reply
/// sent only its own TRN*1 and no echo; that number named the payer's transaction, and
/// showing it as the trace made staff think the reply answered another patient.
#[test]
fn the_trace_is_only_a_trn_echoed_from_our_inquiry_never_the_payers_own() {
    let mut body: Vec<&str> = OPENING.to_vec();
    body[6] = "TRN*1*PAYER0001*9PAYERXXXX";
    body.insert(7, "TRN*2*K7Q29XPM*9CLINIC001");
    assert_eq!(parse_271(&interchange(&body)).unwrap().trace.as_deref(), Some("K7Q29XPM"));
    body.remove(7);
    assert_eq!(parse_271(&interchange(&body)).unwrap().trace, None, "a TRN*1 is the payer's, not ours");
    body.remove(6);
    assert_eq!(parse_271(&interchange(&body)).unwrap().trace, None);
}

#[test]
fn the_payers_own_trace_is_kept_apart() {
    let mut body: Vec<&str> = OPENING.to_vec();
    body[6] = "TRN*1*PAYER0001*9PAYERXXXX";
    let e = parse_271(&interchange(&body)).unwrap();
    assert_eq!((e.trace, e.payer_trace.as_deref()), (None, Some("PAYER0001")));
    body.insert(6, "TRN*2*K7Q29XPM*9CLINIC001");
    let e = parse_271(&interchange(&body)).unwrap();
    assert_eq!((e.trace.as_deref(), e.payer_trace.as_deref()), (Some("K7Q29XPM"), Some("PAYER0001")));
}

#[test]
fn among_echoed_traces_ours_is_the_one_with_our_originator() {
    // A clearinghouse added its own trace to the 270; the payer echoes both, theirs first.
    let mut body: Vec<&str> = OPENING.to_vec();
    body[6] = "TRN*2*CH77120034*9CLEARHOUS";
    body.insert(7, "TRN*2*K7Q29XPM*9CLINIC001");
    let input = interchange(&body);
    assert_eq!(parse_271_for(&input, "9CLINIC001").unwrap().trace.as_deref(), Some("K7Q29XPM"));
    // Without the originator (the command line), the first echo.
    assert_eq!(parse_271(&input).unwrap().trace.as_deref(), Some("CH77120034"));
    // An originator no echo carries falls back to the first echo, never to a TRN*1.
    assert_eq!(parse_271_for(&input, "9OTHER0001").unwrap().trace.as_deref(), Some("CH77120034"));
}

#[test]
fn medicaid_reply_with_only_the_payers_trn_has_no_trace() {
    assert_eq!(
        parsed_json(MEDICAID_PAYER_TRN),
        json!({
            "status": "active",
            "trace": null,
            "payer_trace": "TMHP20261124000981",
            "payer": { "name": "TEXAS MEDICAID", "id": "617591011CMSP" },
            "subscriber": { "first_name": "ANA", "last_name": "RIVERA", "member_id": "512345678", "date_of_birth": "1991-07-14" },
            "plan": { "name": "TEXAS MEDICAID", "begin": "2026-11-01", "end": "2026-11-30" },
            "benefits": [
                benefit("1", "active", "IND", &["30"], json!({})),
                benefit("B", "copay", "IND", &["98"], json!({ "period": "visit", "amount": 0.0 })),
            ],
            "rejections": []
        })
    );
}

#[test]
fn rejection_loops_follow_the_hl_level_and_nm1() {
    let body = [
        "BHT*0022*11*REQ0001*20261123*1201",
        "AAA*N**15*C",
        "HL*1**20*1",
        "AAA*N**04*N",
        "NM1*PR*2*CIGNA*****PI*62308",
        "AAA*Y**42*R",
        "HL*2*1*21*1",
        "NM1*1P*2*EXAMPLE PAIN CLINIC*****XX*1234567893",
        "AAA*N**43*N",
        "HL*3*2*22*1",
        "NM1*IL*1*DOE*JOHN****MI*U1234567801",
        "AAA*N**73*C",
        "EB*6*IND*30",
        "AAA*N**41*N",
        "HL*4*3*23*0",
        "NM1*03*1*DOE*JANE",
        "AAA*N**65*C",
        "AAA*N**58",
        "EB*6*IND*30",
        "AAA*N**67*C",
        "HL*5*3*99*0",
        "AAA*N**76*C",
    ];
    let e = parse_271(&interchange(&body)).unwrap();
    let rejections = serde_json::to_value(&e.rejections).unwrap();
    let loops: Vec<&str> = rejections.as_array().unwrap().iter().map(|r| r["loop"].as_str().unwrap()).collect();
    assert_eq!(loops, ["unknown", "2000A", "2100A", "2100B", "2100C", "2110C", "2100D", "2100D", "2110D", "unknown"]);
    assert_eq!(rejections[7], json!({ "loop": "2100D", "code": "58", "follow_up": null, "action": "Check the date of birth with the patient and resubmit." }));
    assert_eq!(e.status, Status::Rejected);
    assert_eq!(e.subscriber.first_name.as_deref(), Some("JOHN"), "the dependent is not the subscriber");
}

#[test]
fn every_listed_reject_reason_has_a_plain_english_action() {
    let generic = "Call the payer to find out why the request was rejected before resubmitting.";
    let mut actions = std::collections::HashSet::new();
    for code in ["15", "42", "43", "58", "65", "67", "72", "73", "75", "76"] {
        let aaa = format!("AAA*N**{code}*C");
        let e = response(&[&aaa]);
        let action = e.rejections[0].action;
        assert_ne!(action, generic, "{code}");
        assert!(action.ends_with('.') && action.len() > 20, "{code}: {action}");
        actions.insert(action);
    }
    assert_eq!(actions.len(), 10, "each reason has its own action");
    assert_eq!(response(&["AAA*N**71*C"]).rejections[0].action, generic);
    assert!(response(&["AAA*N**43*N"]).rejections[0].action.contains("admin"));
    assert!(response(&["AAA*Y**42*R"]).rejections[0].action.contains("try again later"));
}

// ---------------------------------------------------------------------------------------
// Reading a 271: malformed input gives a clear error
// ---------------------------------------------------------------------------------------

#[test]
fn malformed_input_gives_a_clear_error() {
    let good = std::str::from_utf8(REJECTED_72).unwrap();
    let cases: Vec<(Vec<u8>, X12Error)> = vec![
        (b"".to_vec(), X12Error::Empty),
        (b"\r\n\t ".to_vec(), X12Error::Empty),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3".to_vec(), X12Error::NoIsa),
        (b"ISA*00*    ".to_vec(), X12Error::TruncatedIsa { len: 11 }),
        (good.replacen("*:~", "***", 1).into_bytes(), X12Error::InvalidDelimiters("'*' is used for two purposes".into())),
        (good.replacen("*:~", "*A~", 1).into_bytes(), X12Error::InvalidDelimiters("the component separator is 'A'".into())),
        ([&REJECTED_72[..200], b"\xff\xfe", &REJECTED_72[200..]].concat(), X12Error::NotUtf8 { offset: 200 }),
        (good.replace("NM1*IL", "nm1*IL").into_bytes(), X12Error::InvalidSegmentId { position: 11 }),
        (good.replace("ST*271*0001*005010X279A1~", "").into_bytes(), X12Error::NoTransaction),
        (good.replace("ST*271", "ST*999").into_bytes(), X12Error::NotA271 { found: Some("999".into()) }),
        (good.replace("GE*1*372~", "").into_bytes(), X12Error::UnexpectedSegment { position: 15, id: "IEA".into(), expected: "GE" }),
        (good.replace("SE*12", "SE*13").into_bytes(), X12Error::SegmentCount { declared: Some("13".into()), actual: 12 }),
        (good.replace("SE*12", "SE*").into_bytes(), X12Error::SegmentCount { declared: None, actual: 12 }),
        (
            good.replace("SE*12*0001", "SE*12*0002").into_bytes(),
            X12Error::ControlNumberMismatch { segment: "SE", expected: Some("0001".into()), found: Some("0002".into()) },
        ),
        (
            good.replace("IEA*1*000000372", "IEA*1*000000373").into_bytes(),
            X12Error::ControlNumberMismatch { segment: "IEA", expected: Some("000000372".into()), found: Some("000000373".into()) },
        ),
        ((good.to_owned() + "IEA*1*000000372~").into_bytes(), X12Error::UnexpectedSegment { position: 17, id: "IEA".into(), expected: "the end of the interchange" }),
        (
            good.replace("DMG*D8*19800402~", "HL*4*2*22*0~").into_bytes(),
            X12Error::MultipleSubjects { level: "subscriber" },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_271(&input), Err(expected), "{:?}", String::from_utf8_lossy(&input));
    }
}

/// The reader's messages are shown to staff and may be logged: they name segments,
/// positions and counts, and never repeat text from the file that could be a patient's.
#[test]
fn error_messages_never_repeat_patient_text_from_the_file() {
    let good = std::str::from_utf8(REJECTED_72).unwrap();
    let cases = [
        // A stray terminator inside the name: "JANE****MI*…" is read as a segment.
        good.replace("NM1*IL*1*DOE*JANE", "NM1*IL*1*DOE~JANE"),
        // Shifted elements: a name lands where numbers are expected.
        good.replace("ST*271*0001", "ST*JANE DOE*0001"),
        good.replace("SE*12*0001", "SE*JANE*DOE"),
        good.replace("IEA*1*000000372", "IEA*1*XYZ12345678"),
    ];
    for input in cases {
        let message = parse_271(input.as_bytes()).unwrap_err().to_string();
        for phi in ["JANE", "DOE", "XYZ12345678"] {
            assert!(!message.contains(phi), "{message}");
        }
    }
    // Numbers are still named, which is what staff need to tell the payer.
    let message = parse_271(good.replace("SE*12", "SE*172").as_bytes()).unwrap_err().to_string();
    assert_eq!(message, "SE01 says the transaction has 172 segments, but it has 12");
}

#[test]
fn an_isa_that_is_not_padded_to_fixed_width_is_named_as_such() {
    // The payer trimmed the padding of ISA06 (the sender ID).
    let good = std::str::from_utf8(REJECTED_72).unwrap();
    let trimmed = good.replacen("CLEARINGHOUSE  *", "CLEARINGHOUSE*", 1);
    let message = parse_271(trimmed.as_bytes()).unwrap_err().to_string();
    assert!(message.contains("not fixed width") && message.contains("ISA06"), "{message}");
    assert!(!message.contains("unusable delimiters"), "the delimiters are not the problem: {message}");
}

#[test]
fn a_cut_short_file_is_refused_rather_than_half_read() {
    // Cut anywhere, the active response must never come back as a partial success.
    // (Only the final "~\n" may go: a missing last terminator is tolerated.)
    assert!(ACTIVE_CIGNA.ends_with(b"IEA*1*000004711~\n"));
    assert!(parse_271(&ACTIVE_CIGNA[..ACTIVE_CIGNA.len() - 2]).is_ok());
    for cut in 0..ACTIVE_CIGNA.len() - 2 {
        let result = parse_271(&ACTIVE_CIGNA[..cut]);
        assert!(result.is_err(), "cut at {cut} parsed: {result:?}");
    }
    assert_eq!(parse_271(&ACTIVE_CIGNA[..ACTIVE_CIGNA.len() - 5]), Err(X12Error::ControlNumberMismatch {
        segment: "IEA",
        expected: Some("000004711".into()),
        found: Some("000004".into()),
    }));
    let no_trailer = &ACTIVE_CIGNA[..ACTIVE_CIGNA.len() - "SE*38*0001~\nGE*1*4711~\nIEA*1*000004711~\n".len()];
    assert_eq!(parse_271(no_trailer), Err(X12Error::Incomplete { missing: "SE" }));
}

#[test]
fn error_messages_say_what_is_wrong_in_words() {
    let message = |input: &[u8]| parse_271(input).unwrap_err().to_string();
    assert_eq!(message(b""), "the input is empty");
    assert_eq!(message(b"hello"), "the input does not start with an ISA segment, so it is not an X12 interchange");
    assert_eq!(message(&REJECTED_72[..60]), "the ISA segment is cut short: it has 60 of its 106 characters");
    assert_eq!(
        message(std::str::from_utf8(REJECTED_72).unwrap().replace("SE*12", "SE*10").as_bytes()),
        "SE01 says the transaction has 10 segments, but it has 12"
    );
    assert_eq!(message(SUBSCRIBER_270.as_bytes()), "the transaction is a 270, not a 271 eligibility response");
}

// ---------------------------------------------------------------------------------------
// Robustness: no input makes the parser panic
// ---------------------------------------------------------------------------------------

/// One corruption of an input.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
    Truncate { at: usize },
    DuplicateSegment { index: usize },
    DeleteSegment { index: usize },
    SwapSegments { a: usize, b: usize },
}

/// Bytes that matter to X12: all the delimiters in use, line breaks, digits, letters
/// of segment IDs, and bytes that break UTF-8.
const INTERESTING: &[u8] = b"*~:^|>!\r\n 0123456789ABEGHILMNSTY.-\x00\xc3\xa9\xff";

/// Segment boundaries: after each `~` or line feed.
fn segment_spans(input: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &b) in input.iter().enumerate() {
        if b == b'~' || b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < input.len() {
        spans.push((start, input.len()));
    }
    spans
}

fn apply(input: &mut Vec<u8>, mutation: &Mutation) {
    let len = input.len();
    let pos = |at: usize| if len == 0 { 0 } else { at % len };
    match *mutation {
        Mutation::Flip { at, bit } if len > 0 => input[pos(at)] ^= 1 << (bit % 8),
        Mutation::Set { at, byte } if len > 0 => input[pos(at)] = byte,
        Mutation::Insert { at, byte } => input.insert(at % (len + 1), byte),
        Mutation::Delete { at, len: n } if len > 0 => {
            let start = pos(at);
            input.drain(start..(start + n).min(len));
        }
        Mutation::Truncate { at } => input.truncate(at % (len + 1)),
        Mutation::DuplicateSegment { index } | Mutation::DeleteSegment { index } => {
            let spans = segment_spans(input);
            if spans.is_empty() {
                return;
            }
            let (s, e) = spans[index % spans.len()];
            if matches!(mutation, Mutation::DuplicateSegment { .. }) {
                let copy = input[s..e].to_vec();
                input.splice(e..e, copy);
            } else {
                input.drain(s..e);
            }
        }
        Mutation::SwapSegments { a, b } => {
            let spans = segment_spans(input);
            if spans.len() < 2 {
                return;
            }
            let (mut x, mut y) = (spans[a % spans.len()], spans[b % spans.len()]);
            if x.0 > y.0 {
                std::mem::swap(&mut x, &mut y);
            }
            if x == y {
                return;
            }
            let swapped = [&input[..x.0], &input[y.0..y.1], &input[x.1..y.0], &input[x.0..x.1], &input[y.1..]].concat();
            *input = swapped;
        }
        _ => {}
    }
}

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![any::<u8>(), prop::sample::select(INTERESTING)]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0..4096usize;
    prop_oneof![
        (at.clone(), 0..8u8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (at.clone(), byte()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        (at.clone(), byte()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (at.clone(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        at.clone().prop_map(|at| Mutation::Truncate { at }),
        (0..64usize).prop_map(|index| Mutation::DuplicateSegment { index }),
        (0..64usize).prop_map(|index| Mutation::DeleteSegment { index }),
        (0..64usize, 0..64usize).prop_map(|(a, b)| Mutation::SwapSegments { a, b }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(input in prop::collection::vec(byte(), 0..400)) {
        let _ = parse_271(&input);
    }

    /// A valid ISA gets past the delimiter checks, so the rest is really tokenized.
    #[test]
    fn a_valid_isa_then_random_bytes_never_panic(tail in prop::collection::vec(byte(), 0..400)) {
        let input = [ISA_271.as_bytes(), &tail].concat();
        let _ = parse_271(&input);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..FIXTURES.len(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let mut input = FIXTURES[which].to_vec();
        for m in &mutations {
            apply(&mut input, m);
        }
        let _ = parse_271(&input);
    }

    /// Segment-level changes with a corrected SE count reach the loop reader, which
    /// byte-level corruption mostly cannot (the envelope check refuses it first).
    #[test]
    fn reshuffled_responses_never_panic(seed in any::<u64>()) {
        let input = reshuffled_response(&mut Rng(seed | 1));
        let _ = parse_271(&input);
    }
}

/// A small deterministic generator (xorshift64*), so a failing run can be repeated
/// from its seed without extra crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn byte(&mut self) -> u8 {
        if self.below(2) == 0 {
            self.pick(INTERESTING)
        } else {
            self.next() as u8
        }
    }
}

/// Segments and element values that stress the loop reader.
const SEGMENT_POOL: &[&str] = &[
    "HL*9*3*22*0", "HL*9*3*23*0", "HL*9**20*1", "HL*9*1*21*1", "HL", "HL*9*3*ZZ",
    "EB*1", "EB*6*IND*30", "EB*B*IND*98***27*abc*9999999999****Y", "EB*A****1e400*NaN", "EB*C*FAM*^^^*:::*23*-",
    "MSG*X", "MSG", "AAA*N**72*C", "AAA", "AAA*Y**42*R*EXTRA", "LS*2120", "LE*2120", "LS",
    "NM1*IL*1*A*B****MI*1", "NM1*PR", "NM1", "NM1*03*1*X", "DTP*346*D8*20260230", "DTP*291*RD8*20260101-",
    "DTP*291*RD8*-", "DTP*347*D8*99991231", "DTP*356*D8*00000000", "TRN*2", "TRN*1*X", "TRN", "DMG*D8*1", "DMG",
    "REF*6P*:", "EQ*30", "III*ZZ*21", "SE*1*0001", "ST*271*0001", "GE*1*1", "IEA*1*1",
];
const VALUE_POOL: &[&str] = &[
    "", "-", ".", "..", "0", "1", "6", "23", "27", "29", "Y", "N", "U", "W", "IND", "20261301", "20260101",
    "20260101-20261231", "99999999999999999999999999999", "-0.5", ".2", "200", "^^", "::", "30^1^33", "A:B:C",
];

/// One of the `*`-delimited fixtures with segments duplicated, dropped, moved, inserted
/// from [`SEGMENT_POOL`] or given values from [`VALUE_POOL`], then re-enveloped with a
/// correct SE01 so that the body is what gets exercised.
fn reshuffled_response(rng: &mut Rng) -> Vec<u8> {
    let standard = [ACTIVE_CIGNA, ACTIVE_BCBS_DEPENDENT, INACTIVE_UHC, REJECTED_72, REJECTED_75, REJECTED_42];
    let text = std::str::from_utf8(rng.pick(&standard)).unwrap();
    let segments: Vec<String> = text.split('~').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    let st = segments.iter().position(|s| s.starts_with("ST*")).unwrap();
    let se = segments.iter().position(|s| s.starts_with("SE*")).unwrap();
    let mut body: Vec<String> = segments[st + 1..se].to_vec();
    for _ in 0..1 + rng.below(6) {
        let i = rng.below(body.len());
        match rng.below(6) {
            0 if !body.is_empty() => {
                let copy = body[i].clone();
                body.insert(i, copy);
            }
            1 if !body.is_empty() => {
                body.remove(i);
            }
            2 if !body.is_empty() => {
                let j = rng.below(body.len());
                body.swap(i, j);
            }
            3 => body.insert(i.min(body.len()), rng.pick(SEGMENT_POOL).to_string()),
            4 if !body.is_empty() => {
                let mut elements: Vec<String> = body[i].split('*').map(str::to_owned).collect();
                let e = 1 + rng.below(elements.len() + 3);
                elements.resize(elements.len().max(e + 1), String::new());
                elements[e] = rng.pick(VALUE_POOL).to_string();
                body[i] = elements.join("*");
            }
            _ if !body.is_empty() => {
                // A few random bytes inside one segment (kept as text).
                let mut bytes = body[i].clone().into_bytes();
                let at = rng.below(bytes.len() + 1);
                bytes.insert(at, rng.byte());
                body[i] = String::from_utf8_lossy(&bytes).into_owned();
            }
            _ => {}
        }
    }
    let mut out: Vec<String> = segments[..=st].to_vec();
    let count = body.len() + 2;
    out.extend(body);
    out.push(format!("SE*{count}*{}", segments[se].split('*').nth(2).unwrap_or("0001")));
    out.extend(segments[se + 1..].iter().cloned());
    (out.join("~") + "~").into_bytes()
}

/// One input for the long fuzz run: a mix of pure noise, noise behind a valid ISA,
/// byte-level corruptions of every fixture, and segment-level reshuffles.
fn fuzz_input(rng: &mut Rng) -> Vec<u8> {
    match rng.below(100) {
        0..=4 => (0..rng.below(300)).map(|_| rng.byte()).collect(),
        5..=14 => {
            let mut input = ISA_271.as_bytes().to_vec();
            for _ in 0..rng.below(400) {
                input.push(rng.byte());
            }
            input
        }
        15..=44 => reshuffled_response(rng),
        _ => {
            let mut input = rng.pick(&FIXTURES).to_vec();
            for _ in 0..1 + rng.below(8) {
                let at = rng.next() as usize;
                let mutation = match rng.below(8) {
                    0 => Mutation::Flip { at, bit: rng.below(8) as u8 },
                    1 => Mutation::Set { at, byte: rng.byte() },
                    2 => Mutation::Insert { at, byte: rng.byte() },
                    3 => Mutation::Delete { at, len: 1 + rng.below(40) },
                    4 => Mutation::Truncate { at },
                    5 => Mutation::DuplicateSegment { index: at },
                    6 => Mutation::DeleteSegment { index: at },
                    _ => Mutation::SwapSegments { a: at, b: rng.next() as usize },
                };
                apply(&mut input, &mutation);
            }
            input
        }
    }
}

#[test]
fn the_fuzz_generator_reaches_both_outcomes() {
    // A smoke run of the generator used below, so the ignored test is known to work.
    let mut rng = Rng(0x5EED);
    let (mut ok, mut err) = (0, 0);
    for _ in 0..3000 {
        match parse_271(&fuzz_input(&mut rng)) {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }
    assert!(ok > 100 && err > 100, "ok {ok}, err {err}");
}

#[test]
#[ignore = "long: run with --release -- --ignored --nocapture"]
fn fuzz_one_million_inputs() {
    const RUNS: usize = 1_000_000;
    let started = std::time::Instant::now();
    let mut rng = Rng(0x2710_2026_1123_0001);
    let mut ok = 0usize;
    for i in 0..RUNS {
        let input = fuzz_input(&mut rng);
        match std::panic::catch_unwind(|| parse_271(&input)) {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(_)) => {}
            Err(_) => panic!("input {i} panicked: {:?}", String::from_utf8_lossy(&input)),
        }
    }
    println!(
        "fuzz_one_million_inputs: ran {RUNS} inputs, {ok} parsed Ok, {} gave an error, no panic, in {:.1?}",
        RUNS - ok,
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------
// What a 271 suggests for the staff verification panel.

#[test]
fn summary_of_an_active_dependent_prefers_in_network_cost_shares() {
    let s = pain_intake::x12::summarize(&parse_271(ACTIVE_BCBS_DEPENDENT).unwrap());
    assert_eq!(s.status, "active");
    assert_eq!(s.shares.plan_name, "BLUE CHOICE PPO");
    assert_eq!(s.shares.network, "in");
    assert_eq!(s.shares.copay, "$50 per visit in network");
    // Only an out-of-network coinsurance is given: shown, and said to be out of network.
    assert_eq!(s.shares.coinsurance, "30% out of network");
    // The remaining deductible (period 29), not the yearly one (23).
    assert_eq!(s.shares.deductible_remaining, "$1850 in network");
    assert!(s.actions.iter().any(|a| a.starts_with("AAA 41")), "{:?}", s.actions);
}

#[test]
fn summary_of_rejections_says_what_to_do() {
    let s72 = pain_intake::x12::summarize(&parse_271(REJECTED_72).unwrap());
    assert_eq!(s72.status, "not_found");
    assert!(s72.actions[0].starts_with("AAA 72: "), "{:?}", s72.actions);
    let s75 = pain_intake::x12::summarize(&parse_271(REJECTED_75).unwrap());
    assert_eq!(s75.status, "not_found");
    let inactive = pain_intake::x12::summarize(&parse_271(INACTIVE_UHC).unwrap());
    assert_eq!(inactive.status, "inactive");
    assert_eq!(inactive.shares.copay, "");
}

#[test]
fn summary_of_cigna_keeps_the_network_message() {
    let s = pain_intake::x12::summarize(&parse_271(ACTIVE_CIGNA).unwrap());
    assert_eq!(s.status, "active");
    assert!(!s.messages.is_empty());
    assert!(s.shares.oop_remaining.starts_with('$'), "{s:?}");
}
