//! 5. Decoding untrusted JSON: every problem reported, with its path and code.

use super::*;

#[test]
fn the_contract_example_intake_is_accepted() {
    let answers = IntakeAnswers::from_json(&valid_intake(), AS_OF).expect("valid");

    assert_eq!(answers.schema_version, 1);
    assert_eq!(answers.patient.first_name.as_str(), "Jane");
    assert_eq!(answers.patient.date_of_birth, date(1980, 4, 2));
    assert_eq!(answers.patient.phone.as_str(), "2145550182");
    assert_eq!(answers.clinical.pain.average_week.get(), 6);
    assert_eq!(answers.clinical.treatments.len(), 2);
    assert_eq!(answers.insurance.member_id.as_ref().map(MemberId::as_str), Some("XYZ123456789"));
    assert!(answers.consent.privacy_notice && answers.consent.contact && answers.consent.attestation);
}

#[test]
fn an_accepted_intake_survives_a_serde_round_trip() {
    let answers = IntakeAnswers::from_json(&valid_intake(), AS_OF).unwrap();

    let stored = serde_json::to_value(&answers).unwrap();
    let read_back: IntakeAnswers = serde_json::from_value(stored.clone()).unwrap();

    assert_eq!(read_back, answers);
    assert_eq!(IntakeAnswers::from_json(&stored, AS_OF).unwrap(), answers);
}

#[test]
fn an_unknown_field_is_reported_with_its_path() {
    assert_intake_errors(
        with(valid_intake(), "clinical.pain.extra", json!(1)),
        &[("clinical.pain.extra", "unknown_field")],
    );
    assert_intake_errors(with(valid_intake(), "extra", json!(null)), &[("extra", "unknown_field")]);
    assert_intake_errors(
        with(valid_intake(), "clinical.treatments.0.dose", json!("x")),
        &[("clinical.treatments.0.dose", "unknown_field")],
    );
}

#[test]
fn a_missing_or_null_field_is_required() {
    assert_intake_errors(
        without(valid_intake(), "clinical.red_flags.saddle_numbness"),
        &[("clinical.red_flags.saddle_numbness", "required")],
    );
    assert_intake_errors(without(valid_intake(), "patient.first_name"), &[("patient.first_name", "required")]);
    assert_intake_errors(
        with(valid_intake(), "patient.first_name", json!(null)),
        &[("patient.first_name", "required")],
    );
    assert_intake_errors(without(valid_intake(), "consent"), &[("consent", "required")]);
    assert_intake_errors(without(valid_intake(), "schema_version"), &[("schema_version", "required")]);
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.phq9.2", json!(null)),
        &[("clinical.mood.phq9.2", "required")],
    );
}

#[test]
fn a_value_of_the_wrong_kind_is_a_type_error() {
    let cases: &[(&str, Value)] = &[
        ("clinical.upcoming_surgery", json!("no")),
        ("clinical.pain.current", json!("7")),
        ("clinical.pain.current", json!(7.5)),
        ("clinical.conditions", json!("crps")),
        ("clinical.red_flags", json!([])),
        ("patient", json!("Jane Doe")),
        ("patient.first_name", json!(42)),
        ("locale", json!(1)),
        ("schema_version", json!("1")),
    ];
    for (path, bad) in cases {
        assert_eq!(intake_errors(&with(valid_intake(), path, bad.clone())), errs(&[(*path, "type")]), "{path} = {bad}");
    }
    assert_eq!(intake_errors(&json!([valid_intake()])), errs(&[("", "type")]));
}

#[test]
fn an_unknown_enum_value_is_an_invalid_choice() {
    let cases: &[(&str, Value)] = &[
        ("locale", json!("fr")),
        ("patient.sex_at_birth", json!("other")),
        ("patient.preferred_contact", json!("fax")),
        ("clinical.pain_duration", json!("forever")),
        ("clinical.conditions.0", json!("migraine")),
        ("clinical.diagnostics.1", json!("ultrasound")),
        ("clinical.treatments.0.kind", json!("yoga")),
        ("clinical.treatments.0.result", json!("great")),
        ("insurance.plan", json!("aetna")),
        ("insurance.subscriber", json!("child")),
    ];
    for (path, bad) in cases {
        assert_eq!(
            intake_errors(&with(valid_intake(), path, bad.clone())),
            errs(&[(*path, "invalid_choice")]),
            "{path} = {bad}"
        );
    }
}

#[test]
fn a_rating_outside_0_to_10_is_out_of_range() {
    assert_intake_errors(
        with(valid_intake(), "clinical.pain.average_week", json!(11)),
        &[("clinical.pain.average_week", "range")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.pain.current", json!(-1)),
        &[("clinical.pain.current", "range")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.pain.worst_week", json!(u64::MAX)),
        &[("clinical.pain.worst_week", "range")],
    );
    for edge in [0, 10] {
        assert_intake_errors(with(valid_intake(), "clinical.pain.average_week", json!(edge)), &[]);
    }
}

#[test]
fn a_mood_item_outside_0_to_3_is_out_of_range_at_its_index() {
    assert_intake_errors(with(valid_intake(), "clinical.mood.phq9.3", json!(4)), &[("clinical.mood.phq9.3", "range")]);
    assert_intake_errors(with(valid_intake(), "clinical.mood.gad7.6", json!(-1)), &[("clinical.mood.gad7.6", "range")]);
    assert_intake_errors(with(valid_intake(), "clinical.mood.phq9.8", json!(3)), &[]);
}

#[test]
fn a_questionnaire_with_the_wrong_number_of_items_is_a_length_error() {
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.phq9", json!([0, 0, 0, 0, 0, 0, 0, 0])),
        &[("clinical.mood.phq9", "length")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.phq9", json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
        &[("clinical.mood.phq9", "length")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.gad7", json!([0, 0, 0, 0, 0, 0, 0, 0])),
        &[("clinical.mood.gad7", "length")],
    );
}

#[test]
fn the_mood_section_may_be_skipped_with_null() {
    let answers = IntakeAnswers::from_json(&with(valid_intake(), "clinical.mood", json!(null)), AS_OF).unwrap();
    assert_eq!(answers.clinical.mood, None);
}

#[test]
fn the_mood_difficulty_questions_are_null_when_absent_or_null() {
    // The contract example carries both as null.
    let example = IntakeAnswers::from_json(&valid_intake(), AS_OF).unwrap().clinical.mood.expect("mood");
    assert_eq!((example.phq9_difficulty, example.gad7_difficulty), (None, None));
    // An older client that never sends them.
    let older = without(without(valid_intake(), "clinical.mood.phq9_difficulty"), "clinical.mood.gad7_difficulty");
    let mood = IntakeAnswers::from_json(&older, AS_OF).unwrap().clinical.mood.expect("mood");
    assert_eq!((mood.phq9_difficulty, mood.gad7_difficulty), (None, None));
}

#[test]
fn the_mood_difficulty_questions_accept_the_four_answers_of_the_contract() {
    let answers = [
        ("not_difficult", Difficulty::NotDifficult),
        ("somewhat_difficult", Difficulty::SomewhatDifficult),
        ("very_difficult", Difficulty::VeryDifficult),
        ("extremely_difficult", Difficulty::ExtremelyDifficult),
    ];
    assert_eq!(Difficulty::NAMES, answers.map(|(wire, _)| wire));
    for (wire, difficulty) in answers {
        let value = with(valid_intake(), "clinical.mood.phq9_difficulty", json!(wire));
        let value = with(value, "clinical.mood.gad7_difficulty", json!(wire));
        let mood = IntakeAnswers::from_json(&value, AS_OF).unwrap().clinical.mood.expect("mood");
        assert_eq!((mood.phq9_difficulty, mood.gad7_difficulty), (Some(difficulty), Some(difficulty)), "{wire}");
    }
    // Each is independent of the other.
    let value = with(valid_intake(), "clinical.mood.gad7_difficulty", json!("very_difficult"));
    let mood = IntakeAnswers::from_json(&value, AS_OF).unwrap().clinical.mood.expect("mood");
    assert_eq!((mood.phq9_difficulty, mood.gad7_difficulty), (None, Some(Difficulty::VeryDifficult)));
}

#[test]
fn an_unknown_difficulty_answer_is_an_invalid_choice_at_its_path() {
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.phq9_difficulty", json!("a_little_difficult")),
        &[("clinical.mood.phq9_difficulty", "invalid_choice")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.gad7_difficulty", json!("Very difficult")),
        &[("clinical.mood.gad7_difficulty", "invalid_choice")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.mood.gad7_difficulty", json!(2)),
        &[("clinical.mood.gad7_difficulty", "type")],
    );
    // The screening request reads the same clinical section.
    let request = with(valid_request(), "clinical.mood.phq9_difficulty", json!("somewhat"));
    assert_eq!(request_errors(&request), errs(&[("clinical.mood.phq9_difficulty", "invalid_choice")]));
}

#[test]
fn a_repeated_choice_is_a_duplicate_at_the_index_of_the_repeat() {
    assert_intake_errors(
        with(valid_intake(), "clinical.conditions", json!(["crps", "crps"])),
        &[("clinical.conditions.1", "duplicate")],
    );
    assert_intake_errors(
        with(valid_intake(), "clinical.diagnostics", json!(["xray", "emg", "xray"])),
        &[("clinical.diagnostics.2", "duplicate")],
    );
}

#[test]
fn a_treatment_kind_given_twice_is_a_duplicate_even_with_another_result() {
    let treatments = json!([
        { "kind": "nsaids", "result": "some_relief" },
        { "kind": "nsaids", "result": "no_relief" }
    ]);
    assert_intake_errors(
        with(valid_intake(), "clinical.treatments", treatments),
        &[("clinical.treatments.1", "duplicate")],
    );
}

#[test]
fn each_consent_must_be_accepted() {
    for consent in ["privacy_notice", "contact", "attestation"] {
        let path = format!("consent.{consent}");
        assert_intake_errors(with(valid_intake(), &path, json!(false)), &[(path.as_str(), "must_accept")]);
    }
}

#[test]
fn the_signature_is_2_to_200_characters() {
    assert_intake_errors(with(valid_intake(), "consent.signature", json!("J")), &[("consent.signature", "length")]);
    assert_intake_errors(
        with(valid_intake(), "consent.signature", json!("J".repeat(201))),
        &[("consent.signature", "length")],
    );
    assert_intake_errors(with(valid_intake(), "consent.signature", json!("J".repeat(200))), &[]);
}

#[test]
fn contact_by_email_needs_an_email_address() {
    let by_email = with(valid_intake(), "patient.preferred_contact", json!("email"));

    assert_intake_errors(by_email.clone(), &[]);
    assert_intake_errors(with(by_email.clone(), "patient.email", json!(null)), &[("patient.email", "format")]);
    assert_intake_errors(without(by_email.clone(), "patient.email"), &[("patient.email", "format")]);
    assert_intake_errors(with(by_email, "patient.email", json!("not-an-address")), &[("patient.email", "format")]);
    // Another contact method needs no address.
    assert_intake_errors(with(valid_intake(), "patient.email", json!(null)), &[]);
}

#[test]
fn contact_by_email_without_an_address_says_so_precisely() {
    let value = with(with(valid_intake(), "patient.preferred_contact", json!("email")), "patient.email", json!(null));
    let errors = IntakeAnswers::from_json(&value, AS_OF).unwrap_err();
    assert_eq!(errors.0[0].problem, Problem::Format(Format::EmailForContact));
}

#[test]
fn member_id_is_required_unless_self_pay() {
    for plan in ["bcbs_tx", "uhc", "cigna"] {
        let value = without(with(valid_intake(), "insurance.plan", json!(plan)), "insurance.member_id");
        assert_intake_errors(value, &[("insurance.member_id", "required")]);
    }
    let other =
        with(with(valid_intake(), "insurance.plan", json!("other")), "insurance.other_payer_name", json!("Aetna"));
    assert_intake_errors(with(other, "insurance.member_id", json!(null)), &[("insurance.member_id", "required")]);

    let self_pay = with(valid_intake(), "insurance.plan", json!("self_pay"));
    assert_intake_errors(with(self_pay.clone(), "insurance.member_id", json!(null)), &[]);
    assert_intake_errors(without(self_pay, "insurance.member_id"), &[]);
}

#[test]
fn member_and_group_numbers_take_only_letters_digits_and_dashes() {
    assert_intake_errors(
        with(valid_intake(), "insurance.member_id", json!("XYZ*123")),
        &[("insurance.member_id", "format")],
    );
    assert_intake_errors(
        with(valid_intake(), "insurance.group_number", json!("G~1")),
        &[("insurance.group_number", "format")],
    );
    assert_intake_errors(with(valid_intake(), "insurance.group_number", json!("G-100")), &[]);
}

#[test]
fn other_payer_name_is_required_if_and_only_if_the_plan_is_other() {
    let other = with(valid_intake(), "insurance.plan", json!("other"));
    assert_intake_errors(other.clone(), &[("insurance.other_payer_name", "required")]);

    let named = IntakeAnswers::from_json(&with(other, "insurance.other_payer_name", json!("Aetna")), AS_OF).unwrap();
    assert_eq!(named.insurance.other_payer_name.as_ref().map(PayerName::as_str), Some("Aetna"));

    // For any other plan it is not asked, and a stale answer is dropped.
    let stale =
        IntakeAnswers::from_json(&with(valid_intake(), "insurance.other_payer_name", json!("Aetna")), AS_OF).unwrap();
    assert_eq!(stale.insurance.other_payer_name, None);
}

#[test]
fn a_spouse_subscriber_needs_a_name_and_date_of_birth() {
    let spouse = with(valid_intake(), "insurance.subscriber", json!("spouse"));
    assert_intake_errors(
        spouse.clone(),
        &[("insurance.subscriber_date_of_birth", "required"), ("insurance.subscriber_name", "required")],
    );

    let complete = with(
        with(spouse, "insurance.subscriber_name", json!("John Doe")),
        "insurance.subscriber_date_of_birth",
        json!("1978-01-15"),
    );
    let answers = IntakeAnswers::from_json(&complete, AS_OF).unwrap();
    assert_eq!(answers.insurance.subscriber, Subscriber::Spouse);
    assert_eq!(answers.insurance.subscriber_date_of_birth, Some(date(1978, 1, 15)));
}

#[test]
fn subscriber_details_are_not_needed_for_self_pay() {
    let self_pay_spouse =
        with(with(valid_intake(), "insurance.plan", json!("self_pay")), "insurance.subscriber", json!("spouse"));
    let answers = IntakeAnswers::from_json(&self_pay_spouse, AS_OF).unwrap();
    assert_eq!(answers.insurance.subscriber, Subscriber::SelfInsured);
    assert_eq!(answers.insurance.subscriber_name, None);
}

#[test]
fn a_date_of_birth_in_the_future_is_a_format_error() {
    assert_intake_errors(
        with(valid_intake(), "patient.date_of_birth", json!("2026-11-24")),
        &[("patient.date_of_birth", "format")],
    );
    assert_intake_errors(with(valid_intake(), "patient.date_of_birth", json!("2026-11-23")), &[]);
}

#[test]
fn a_date_of_birth_more_than_120_years_ago_is_a_format_error() {
    // 121 on AS_OF
    assert_intake_errors(
        with(valid_intake(), "patient.date_of_birth", json!("1905-11-23")),
        &[("patient.date_of_birth", "format")],
    );
    // 120 on AS_OF, and a day from turning 121
    assert_intake_errors(with(valid_intake(), "patient.date_of_birth", json!("1906-11-23")), &[]);
    assert_intake_errors(with(valid_intake(), "patient.date_of_birth", json!("1905-11-24")), &[]);
}

#[test]
fn a_date_must_be_a_real_iso_date() {
    for bad in ["1980-02-30", "02/04/1980", "1980-4-2", "19800402", "", "1980-04-02T00:00:00"] {
        assert_eq!(
            intake_errors(&with(valid_intake(), "patient.date_of_birth", json!(bad))),
            errs(&[("patient.date_of_birth", "format")]),
            "{bad:?}"
        );
    }
}

#[test]
fn only_schema_version_1_is_read() {
    for version in [json!(2), json!(0)] {
        let errors = intake_errors(&with(valid_intake(), "schema_version", version.clone()));
        assert_eq!(errors.len(), 1, "{version}: {errors:?}");
        assert_eq!(errors[0].0, "schema_version");
    }
    let errors = request_errors(&with(valid_request(), "schema_version", json!(2)));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "schema_version");
}

#[test]
fn x12_delimiters_are_refused_in_names() {
    for delimiter in ["~", "*", ":", "^"] {
        let name = format!("Ja{delimiter}ne");
        assert_intake_errors(
            with(valid_intake(), "patient.first_name", json!(name)),
            &[("patient.first_name", "format")],
        );
        assert_intake_errors(
            with(valid_intake(), "patient.last_name", json!(name)),
            &[("patient.last_name", "format")],
        );
    }
    let other = with(valid_intake(), "insurance.plan", json!("other"));
    assert_intake_errors(
        with(other, "insurance.other_payer_name", json!("Ae~tna")),
        &[("insurance.other_payer_name", "format")],
    );
    let spouse = with(
        with(valid_intake(), "insurance.subscriber", json!("spouse")),
        "insurance.subscriber_date_of_birth",
        json!("1978-01-15"),
    );
    assert_intake_errors(
        with(spouse, "insurance.subscriber_name", json!("John*Doe")),
        &[("insurance.subscriber_name", "format")],
    );
}

#[test]
fn names_are_1_to_100_characters_after_trimming() {
    assert_intake_errors(with(valid_intake(), "patient.first_name", json!("   ")), &[("patient.first_name", "length")]);
    assert_intake_errors(
        with(valid_intake(), "patient.last_name", json!("x".repeat(101))),
        &[("patient.last_name", "length")],
    );
    assert_intake_errors(with(valid_intake(), "patient.last_name", json!("x".repeat(100))), &[]);
}

#[test]
fn free_text_is_accepted_up_to_its_limit_and_refused_one_character_beyond() {
    // Counted in characters, not bytes: 'ñ' is two bytes in UTF-8.
    let limits = [
        ("clinical.symptoms.other", 1000),
        ("clinical.medical.medications", 2000),
        ("clinical.medical.allergies", 1000),
    ];
    for (path, max) in limits {
        assert_intake_errors(with(valid_intake(), path, json!("ñ".repeat(max))), &[]);
        assert_intake_errors(with(valid_intake(), path, json!("ñ".repeat(max + 1))), &[(path, "length")]);
    }
}

#[test]
fn every_offending_field_is_listed_at_once() {
    let mut value = valid_intake();
    for (path, bad) in [
        ("extra", json!(true)),
        ("patient.first_name", json!("Ja^ne")),
        ("patient.zip", json!("7520")),
        ("clinical.pain.average_week", json!(11)),
        ("clinical.pain_duration", json!("forever")),
        ("clinical.mood.phq9.3", json!(4)),
        ("clinical.conditions", json!(["crps", "crps"])),
        ("insurance.member_id", json!(null)),
        ("consent.contact", json!(false)),
    ] {
        value = with(value, path, bad);
    }
    value = without(value, "clinical.red_flags.recent_trauma");

    assert_intake_errors(
        value,
        &[
            ("extra", "unknown_field"),
            ("patient.first_name", "format"),
            ("patient.zip", "format"),
            ("clinical.pain.average_week", "range"),
            ("clinical.pain_duration", "invalid_choice"),
            ("clinical.mood.phq9.3", "range"),
            ("clinical.conditions.1", "duplicate"),
            ("clinical.red_flags.recent_trauma", "required"),
            ("insurance.member_id", "required"),
            ("consent.contact", "must_accept"),
        ],
    );
}

#[test]
fn the_contract_example_screening_request_is_accepted() {
    let request = ScreeningRequest::from_json(&valid_request(), AS_OF).unwrap();

    assert_eq!(request.date_of_birth, date(1980, 4, 2));
    assert_eq!(request.as_of, AS_OF);
    assert_eq!(request.evaluate().outcome, Outcome::ConsultRecommended);
}

#[test]
fn a_screening_request_without_as_of_is_evaluated_today() {
    let today = date(2027, 1, 5);
    let request = ScreeningRequest::from_json(&without(valid_request(), "as_of"), today).unwrap();
    assert_eq!(request.as_of, today);

    let request = ScreeningRequest::from_json(&with(valid_request(), "as_of", json!(null)), today).unwrap();
    assert_eq!(request.as_of, today);
}

#[test]
fn a_screening_request_lists_every_offending_field_with_its_path() {
    let mut value = with(valid_request(), "clinical.pain.average_week", json!(11));
    value = with(value, "clinical.mood.phq9", json!([0, 0, 0, 0, 0, 0, 0, 0]));
    value = with(value, "as_of", json!("23/11/2026"));
    value = with(value, "patient", json!({}));
    value = without(value, "date_of_birth");

    assert_eq!(
        request_errors(&value),
        errs(&[
            ("as_of", "format"),
            ("clinical.mood.phq9", "length"),
            ("clinical.pain.average_week", "range"),
            ("date_of_birth", "required"),
            ("patient", "unknown_field"),
        ])
    );
}

#[test]
fn a_screening_request_date_of_birth_after_the_evaluation_date_is_refused() {
    let value = with(valid_request(), "date_of_birth", json!("2026-11-24"));
    assert_eq!(request_errors(&value), errs(&[("date_of_birth", "format")]));
}

#[test]
fn a_screening_request_that_is_not_an_object_is_a_type_error() {
    for value in [json!(null), json!([]), json!("screen me"), json!(1)] {
        assert_eq!(request_errors(&value), errs(&[("", "type")]), "{value}");
        assert_eq!(intake_errors(&value), errs(&[("", "type")]), "{value}");
    }
}
