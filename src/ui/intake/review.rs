//! The review step: every answer in plain words, grouped as the patient saw them, with a
//! link back to each step, and the result the answers would get.

use crate::domain::intake::Locale;
use crate::shared::form::{self, Step};
use crate::shared::labels::{self, pick, L};
use crate::ui::i18n::tr;
use leptos::prelude::*;
use serde_json::Value;

fn yes_no(l: Locale, v: Option<bool>) -> String {
    match v {
        Some(true) => tr(l, "Yes", "Sí").to_owned(),
        Some(false) => tr(l, "No", "No").to_owned(),
        None => tr(l, "Not answered", "Sin responder").to_owned(),
    }
}

fn text(a: &Value, path: &str) -> Option<String> {
    form::value_at(a, path).and_then(|v| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A date as the patient side writes it ("April 2, 1980"); one that is not a real date
/// as it was typed (month, day, year), so the patient sees what to fix.
fn date(a: &Value, path: &str, l: Locale) -> Option<String> {
    let value = form::value_at(a, path)?;
    if let Some(date) = value.as_str().and_then(|iso| iso.parse::<jiff::civil::Date>().ok()) {
        return Some(labels::long_date(date, l));
    }
    let typed = form::date_parts(Some(value)).join(" ");
    (!typed.trim().is_empty()).then(|| typed.trim().to_owned())
}

fn list(a: &Value, path: &str, label: fn(&str) -> L, l: Locale) -> String {
    let items: Vec<&'static str> = form::value_at(a, path)
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).map(|s| pick(l, label(s))).collect())
        .unwrap_or_default();
    if items.is_empty() {
        tr(l, "None", "Ninguna").to_owned()
    } else {
        items.join(", ")
    }
}

/// The rows (question, answer) of one step.
pub fn rows(step: Step, a: &Value, l: Locale) -> Vec<(String, String)> {
    entries(step, a, l).into_iter().map(|(_, q, answer)| (q, answer)).collect()
}

/// The rows of one step with the field each question is (where its "Change" link goes):
/// (field, question, answer).
pub fn entries(step: Step, a: &Value, l: Locale) -> Vec<(String, String, String)> {
    let at = |field: &str, row: (String, String)| (field.to_owned(), row.0, row.1);
    let none = || tr(l, "Not answered", "Sin responder").to_owned();
    let b = |path: String| form::value_at(a, &path).and_then(Value::as_bool);
    match step {
        Step::RedFlags => form::RED_FLAGS
            .iter()
            .map(|n| {
                let field = format!("clinical.red_flags.{n}");
                (field.clone(), pick(l, labels::red_flag(n)).to_owned(), yes_no(l, b(field)))
            })
            .collect(),
        Step::Symptoms => {
            let mut r: Vec<(String, String, String)> = form::SYMPTOMS
                .iter()
                .map(|n| {
                    let field = format!("clinical.symptoms.{n}");
                    (field.clone(), pick(l, labels::symptom(n)).to_owned(), yes_no(l, b(field)))
                })
                .collect();
            if let Some(other) = text(a, "clinical.symptoms.other") {
                r.push(at("clinical.symptoms.other", (tr(l, "Anything else", "Algo más").to_owned(), other)));
            }
            r
        }
        Step::Duration => vec![at(
            "clinical.pain_duration",
            (
                tr(l, "How long", "Cuánto tiempo").to_owned(),
                text(a, "clinical.pain_duration")
                    .map(|d| pick(l, labels::duration(&d)).to_owned())
                    .unwrap_or_else(none),
            ),
        )],
        Step::Pain => form::PAIN
            .iter()
            .map(|n| {
                let field = format!("clinical.pain.{n}");
                (field.clone(), pick(l, labels::pain_question(n)).to_owned(), text(a, &field).unwrap_or_else(none))
            })
            .collect(),
        Step::History => vec![
            at(
                "clinical.conditions",
                (tr(l, "Conditions", "Afecciones").to_owned(), list(a, "clinical.conditions", labels::condition, l)),
            ),
            at(
                "clinical.diagnostics",
                (tr(l, "Tests", "Pruebas").to_owned(), list(a, "clinical.diagnostics", labels::diagnostic, l)),
            ),
        ],
        Step::Treatments => {
            let tried: Vec<&'static str> = form::value_at(a, "clinical.treatments")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter_map(|t| t["kind"].as_str()).map(|k| pick(l, labels::treatment(k))).collect())
                .unwrap_or_default();
            let answer = match form::value_at(a, "clinical.treatments") {
                None => none(),
                Some(_) if tried.is_empty() => tr(l, "None of these", "Ninguna de estas").to_owned(),
                Some(_) => tried.join(", "),
            };
            vec![at(
                "clinical.treatments",
                (tr(l, "Treatments tried", "Tratamientos que ha probado").to_owned(), answer),
            )]
        }
        Step::TreatmentResults => {
            let mut r: Vec<(String, String, String)> = form::value_at(a, "clinical.treatments")
                .and_then(Value::as_array)
                .map(|v| {
                    v.iter()
                        .enumerate()
                        .filter_map(|(i, t)| Some((i, t["kind"].as_str()?, t["result"].as_str())))
                        .map(|(i, k, res)| {
                            (
                                format!("clinical.treatments.{i}.result"),
                                pick(l, labels::treatment(k)).to_owned(),
                                res.map(|res| pick(l, labels::treatment_result(res)).to_owned()).unwrap_or_else(none),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            r.push(at(
                "clinical.upcoming_surgery",
                (
                    tr(l, "Surgery planned", "Cirugía planeada").to_owned(),
                    yes_no(l, b("clinical.upcoming_surgery".into())),
                ),
            ));
            r
        }
        Step::Medical => {
            let mut r: Vec<(String, String, String)> = form::MEDICAL
                .iter()
                .map(|n| {
                    let field = format!("clinical.medical.{n}");
                    (field.clone(), pick(l, labels::medical(n)).to_owned(), yes_no(l, b(field)))
                })
                .collect();
            for (path, label) in [
                ("clinical.medical.medications", ("Medicines", "Medicamentos")),
                ("clinical.medical.allergies", ("Allergies", "Alergias")),
            ] {
                r.push(at(
                    path,
                    (pick(l, label).to_owned(), text(a, path).unwrap_or_else(|| tr(l, "None", "Ninguna").to_owned())),
                ));
            }
            r
        }
        Step::Mood => {
            let answer = match form::value_at(a, "clinical.mood") {
                None => none(),
                Some(Value::Null) => tr(l, "Skipped", "Omitidas").to_owned(),
                Some(_) => tr(l, "Answered", "Respondidas").to_owned(),
            };
            vec![at(
                "clinical.mood",
                (tr(l, "Mood questions", "Preguntas sobre el estado de ánimo").to_owned(), answer),
            )]
        }
        // The items of one instrument, then its optional difficulty question, as asked;
        // nothing when the mood questions were skipped.
        Step::MoodPhq9 | Step::MoodGad7 => {
            if !form::value_at(a, "clinical.mood").is_some_and(Value::is_object) {
                return Vec::new();
            }
            let (name, questions): (&str, &[L]) =
                if step == Step::MoodPhq9 { ("phq9", &labels::PHQ9) } else { ("gad7", &labels::GAD7) };
            let freq = |path: &str| {
                form::value_at(a, path)
                    .and_then(Value::as_u64)
                    .and_then(|n| labels::FREQUENCY.get(n as usize))
                    .map(|f| pick(l, *f).to_owned())
                    .unwrap_or_else(none)
            };
            let difficulty = format!("clinical.mood.{name}_difficulty");
            let difficulty_answer =
                text(a, &difficulty).map(|d| pick(l, labels::difficulty(&d)).to_owned()).unwrap_or_else(none);
            questions
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    let field = format!("clinical.mood.{name}.{i}");
                    let answer = freq(&field);
                    (field, pick(l, *q).to_owned(), answer)
                })
                .chain(std::iter::once((
                    difficulty,
                    pick(l, labels::DIFFICULTY_QUESTION).to_owned(),
                    difficulty_answer,
                )))
                .collect()
        }
        Step::About => {
            let t = |p: &str| text(a, p).unwrap_or_else(none);
            vec![
                at(
                    "patient.first_name",
                    (
                        tr(l, "Name", "Nombre").to_owned(),
                        format!("{} {}", t("patient.first_name"), t("patient.last_name")),
                    ),
                ),
                at(
                    "patient.date_of_birth",
                    (
                        tr(l, "Date of birth", "Fecha de nacimiento").to_owned(),
                        date(a, "patient.date_of_birth", l).unwrap_or_else(none),
                    ),
                ),
                at(
                    "patient.sex_at_birth",
                    (
                        tr(l, "Sex assigned at birth", "Sexo asignado al nacer").to_owned(),
                        text(a, "patient.sex_at_birth")
                            .map(|s| pick(l, labels::sex(&s)).to_owned())
                            .unwrap_or_else(none),
                    ),
                ),
                // As a phone number reads, `(214) 555-0182`, not the ten digits stored.
                at(
                    "patient.phone",
                    (
                        tr(l, "Phone", "Teléfono").to_owned(),
                        crate::domain::values::Phone::parse(&t("patient.phone"))
                            .map(|p| p.display())
                            .unwrap_or_else(|_| t("patient.phone")),
                    ),
                ),
                at(
                    "patient.email",
                    (
                        tr(l, "Email", "Correo electrónico").to_owned(),
                        text(a, "patient.email").unwrap_or_else(|| "—".into()),
                    ),
                ),
                at("patient.zip", (tr(l, "ZIP code", "Código postal").to_owned(), t("patient.zip"))),
                at(
                    "patient.preferred_contact",
                    (
                        tr(l, "Contact by", "Contacto por").to_owned(),
                        text(a, "patient.preferred_contact")
                            .map(|s| pick(l, labels::contact(&s)).to_owned())
                            .unwrap_or_else(none),
                    ),
                ),
            ]
        }
        Step::Insurance => {
            let mut r = vec![at(
                "insurance.plan",
                (
                    tr(l, "Plan", "Plan").to_owned(),
                    text(a, "insurance.plan").map(|s| pick(l, labels::plan(&s)).to_owned()).unwrap_or_else(none),
                ),
            )];
            for (path, label) in [
                ("insurance.other_payer_name", ("Insurance company", "Compañía de seguro")),
                ("insurance.member_id", ("Member ID", "Número de miembro")),
                ("insurance.group_number", ("Group number", "Número de grupo")),
                ("insurance.subscriber_name", ("Policy holder", "Titular de la póliza")),
                (
                    "insurance.subscriber_date_of_birth",
                    ("Policy holder's date of birth", "Fecha de nacimiento del titular"),
                ),
            ] {
                let shown = if path.ends_with("date_of_birth") { date(a, path, l) } else { text(a, path) };
                if let Some(v) = shown {
                    r.push(at(path, (pick(l, label).to_owned(), v)));
                }
            }
            r
        }
        Step::Consent => {
            vec![at(
                "consent.signature",
                (tr(l, "Signature", "Firma").to_owned(), text(a, "consent.signature").unwrap_or_else(none)),
            )]
        }
        Step::Review => Vec::new(),
    }
}

#[component]
pub fn Review(answers: Value, l: Locale) -> impl IntoView {
    view! {
        <p class="intro">{tr(l, "Check your answers. You can change any of them before you submit.", "Revise sus respuestas. Puede cambiar cualquiera antes de enviarlas.")}</p>
        {Step::ALL.iter().filter(|s| **s != Step::Review && s.applies(&answers)).map(|step| {
            let title = pick(l, labels::step_title(*step));
            view! {
                <section class="review-group">
                    <h2>{title}</h2>
                    // GOV.UK check answers: each answer's own Change link goes to its question.
                    <dl class="summary-list">
                        {entries(*step, &answers, l).into_iter().map(|(field, q, a)| {
                            let href = format!("/intake/{}#{}", step.as_str(), super::fields::field_anchor(&field));
                            view! {
                                <div class="summary-row">
                                    <dt>{q.clone()}</dt>
                                    <dd>{a}</dd>
                                    <dd class="summary-action"><a href=href>
                                        {tr(l, "Change", "Cambiar")}<span class="visually-hidden">{format!(": {q}")}</span>
                                    </a></dd>
                                </div>
                            }
                        }).collect_view()}
                    </dl>
                </section>
            }
        }).collect_view()}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mood(phq9_difficulty: Value, gad7_difficulty: Value) -> Value {
        json!({ "clinical": { "mood": {
            "phq9": [0, 1, 2, 3, 0, 1, 2, 3, 0], "gad7": [3, 2, 1, 0, 1, 2, 3],
            "phq9_difficulty": phq9_difficulty, "gad7_difficulty": gad7_difficulty,
        } } })
    }

    #[test]
    fn each_difficulty_answer_is_shown_after_its_instrument() {
        let a = mood(json!("very_difficult"), json!("not_difficult"));
        let rows_of = |l| [rows(Step::MoodPhq9, &a, l), rows(Step::MoodGad7, &a, l)].concat();
        let en = rows_of(Locale::En);
        assert_eq!(en.len(), 9 + 1 + 7 + 1);
        assert_eq!(en[8], (labels::PHQ9[8].0.to_owned(), "Not at all".to_owned()));
        assert_eq!(en[9], (labels::DIFFICULTY_QUESTION.0.to_owned(), "Very difficult".to_owned()));
        assert_eq!(en[10], (labels::GAD7[0].0.to_owned(), "Nearly every day".to_owned()));
        assert_eq!(en[17], (labels::DIFFICULTY_QUESTION.0.to_owned(), "Not difficult at all".to_owned()));
        let es = rows_of(Locale::Es);
        assert_eq!(es[9], (labels::DIFFICULTY_QUESTION.1.to_owned(), "Muy dif\u{ed}cil".to_owned()));
        assert_eq!(es[17].1, "No ha sido dif\u{ed}cil");
    }

    #[test]
    fn dates_are_written_out_the_same_way_in_both_languages() {
        let a = json!({ "patient": { "date_of_birth": "1980-04-02" },
            "insurance": { "plan": "uhc", "subscriber_date_of_birth": { "month": "2", "day": "30", "year": "1980" } } });
        let dob = |l| rows(Step::About, &a, l)[1].1.clone();
        assert_eq!(dob(Locale::En), "April 2, 1980");
        assert_eq!(dob(Locale::Es), "2 de abril de 1980");
        let typed = rows(Step::Insurance, &a, Locale::En);
        assert_eq!(typed.last().unwrap().1, "2 30 1980", "a wrong date as typed");
    }

    #[test]
    fn an_unanswered_difficulty_question_says_so() {
        for unanswered in
            [mood(Value::Null, Value::Null), json!({ "clinical": { "mood": { "phq9": [], "gad7": [] } } })]
        {
            let r =
                [rows(Step::MoodPhq9, &unanswered, Locale::En), rows(Step::MoodGad7, &unanswered, Locale::En)].concat();
            let shown: Vec<&str> = r
                .iter()
                .filter(|(q, _)| q == labels::DIFFICULTY_QUESTION.0)
                .map(|(_, answer)| answer.as_str())
                .collect();
            assert_eq!(shown, ["Not answered", "Not answered"]);
        }
    }
}
