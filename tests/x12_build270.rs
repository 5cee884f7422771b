//! The X12 eligibility module against `x12-eligibility.md`: building 270s (the
//! reference's examples byte for byte, from an intake, the NPI check digit, and refusing
//! what X12 cannot carry). Reading 271s: `x12_parse271.rs`; malformed input and
//! robustness: `x12_robustness.rs`.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::x12::*;
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
