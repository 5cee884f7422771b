//! The X12 eligibility module against `x12-eligibility.md` and `intake-v1.md`
//! ("`x12 parse-271` output"): reading 271s, one hand-written fixture per situation
//! (`tests/fixtures/x12/`), then the status and element rules on small hand-made
//! responses, and what a 271 suggests for the staff verification panel. Building 270s:
//! `x12_build270.rs`; malformed input and robustness: `x12_robustness.rs`.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use common::x12::*;
use pain_intake::x12::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn parsed_json(input: &[u8]) -> Value {
    let eligibility = parse_271(input).unwrap_or_else(|e| panic!("does not parse: {e}"));
    serde_json::to_value(eligibility).expect("serializes")
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
    let standard =
        format!("\r\n  {}", crlf.replace('|', "*").replace('>', ":").replace('!', "^").replace("\r\n", "~\r\n"));
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
            "active",
            "inactive",
            "coinsurance",
            "copay",
            "deductible",
            "out_of_pocket",
            "non_covered",
            "limitation",
            "other",
            "other",
            "other"
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
    assert_eq!(
        messages,
        [&vec!["IN NETWORK".to_owned(), "PLAN: GOLD".to_owned()], &vec![], &vec!["CALENDAR YEAR".to_owned()]]
    );
}

#[test]
fn the_plan_name_is_eb05_of_active_coverage_first() {
    assert_eq!(
        response(&["EB*C*IND*30**DEDUCTIBLE PLAN", "EB*1*IND*30**GOLD PPO"]).plan.name.as_deref(),
        Some("GOLD PPO")
    );
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
    assert_eq!(
        rejections[7],
        json!({ "loop": "2100D", "code": "58", "follow_up": null, "action": "Check the date of birth with the patient and resubmit." })
    );
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
// What a 271 suggests for the staff verification panel.

#[test]
fn summary_of_an_active_dependent_prefers_in_network_cost_shares() {
    let s = summarize(&parse_271(ACTIVE_BCBS_DEPENDENT).unwrap());
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
    let s72 = summarize(&parse_271(REJECTED_72).unwrap());
    assert_eq!(s72.status, "not_found");
    assert!(s72.actions[0].starts_with("AAA 72: "), "{:?}", s72.actions);
    let s75 = summarize(&parse_271(REJECTED_75).unwrap());
    assert_eq!(s75.status, "not_found");
    let inactive = summarize(&parse_271(INACTIVE_UHC).unwrap());
    assert_eq!(inactive.status, "inactive");
    assert_eq!(inactive.shares.copay, "");
}

#[test]
fn summary_of_cigna_keeps_the_network_message() {
    let s = summarize(&parse_271(ACTIVE_CIGNA).unwrap());
    assert_eq!(s.status, "active");
    assert!(!s.messages.is_empty());
    assert!(s.shares.oop_remaining.starts_with('$'), "{s:?}");
}
