//! Words shown to people about screening results and input errors, in English and Spanish.
//!
//! Codes are stable and language-free; this module turns them into sentences. Spanish is
//! written for Texas readers (neutral Latin American Spanish, `usted`).

use super::decode::{FieldError, Format, Problem};
use super::intake::Locale;
use super::screening::{Outcome, ReasonCode};

impl Locale {
    /// Picks the language from an `Accept-Language` header: the highest-weighted of
    /// `es` and `en` (any region), English when neither is asked for.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let locale = match primary {
                "es" => Locale::Es,
                "en" => Locale::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map_or(Locale::En, |(_, l)| l)
    }
}

/// The 988 Suicide & Crisis Lifeline line shown with every safety alert.
pub fn lifeline(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "If you are thinking about harming yourself, call or text 988 (Suicide & Crisis Lifeline) now. It is free and open 24 hours a day. If you are in danger right now, call 911.",
        Locale::Es => "Si está pensando en hacerse daño, llame al 988 y oprima el 2 para español, o envíe un mensaje de texto con la palabra AYUDA al 988 (Línea de Prevención del Suicidio y Crisis) ahora. Es gratis y atiende las 24 horas. Si está en peligro en este momento, llame al 911.",
    }
}

/// What the patient is told for each outcome (the first column of `screening.md`).
pub fn outcome_message(outcome: Outcome, locale: Locale) -> &'static str {
    use Outcome::*;
    match (outcome, locale) {
        (Emergency, Locale::En) => "Possible emergency: call 911 or go to the nearest emergency room now. Do not wait for a consult.",
        (Emergency, Locale::Es) => "Posible emergencia: llame al 911 o vaya a la sala de emergencias más cercana ahora. No espere una consulta.",
        (UrgentCare, Locale::En) => "See a doctor today or tomorrow before anything else; the consult is on hold.",
        (UrgentCare, Locale::Es) => "Vea a un médico hoy o mañana antes que nada; la consulta queda en espera.",
        (ClinicianReview, Locale::En) => "A clinician will review your answers and call you before a consult is booked.",
        (ClinicianReview, Locale::Es) => "Un profesional de salud de la clínica revisará sus respuestas y se comunicará con usted por teléfono antes de programar una consulta.",
        (NotYet, Locale::En) => "A ketamine consult is usually not the next step for you yet. Here is why, and what to do instead.",
        (NotYet, Locale::Es) => "Por lo general, una consulta sobre ketamina todavía no es el siguiente paso para usted. Aquí le explicamos por qué y qué hacer en su lugar.",
        (ConsultRecommended, Locale::En) => "You may be a good candidate for a consult. The clinic will contact you to book one.",
        (ConsultRecommended, Locale::Es) => "Usted podría ser buen(a) candidato(a) para una consulta. La clínica se comunicará con usted para programarla.",
    }
}

/// The plain-language reason behind each rule.
pub fn reason_message(code: ReasonCode, locale: Locale) -> &'static str {
    use ReasonCode::*;
    match (code, locale) {
        (BladderOrBowelChange, Locale::En) => "New trouble controlling your bladder or bowels can mean pressure on the nerves at the base of the spine. This needs emergency care now.",
        (BladderOrBowelChange, Locale::Es) => "Tener problemas nuevos para controlar la orina o las evacuaciones puede indicar presión sobre los nervios de la parte baja de la columna. Necesita atención de emergencia ahora.",
        (SaddleNumbness, Locale::En) => "New numbness in the genitals, groin, buttocks or inner thighs, or a new loss of sexual function, can mean pressure on the nerves at the base of the spine. This needs emergency care now.",
        (SaddleNumbness, Locale::Es) => "Un adormecimiento nuevo en los genitales, la ingle, los glúteos o la parte interna de los muslos, o una pérdida nueva de la función sexual, puede indicar presión sobre los nervios de la parte baja de la columna. Necesita atención de emergencia ahora.",
        (BothLegsSymptoms, Locale::En) => "New or worsening pain, numbness or weakness in both legs at once can mean pressure on the nerves at the base of the spine. This needs emergency care now.",
        (BothLegsSymptoms, Locale::Es) => "Dolor, adormecimiento o debilidad en ambas piernas a la vez que es nuevo o que empeora puede indicar presión sobre los nervios de la parte baja de la columna. Necesita atención de emergencia ahora.",
        (WorseningLegWeakness, Locale::En) => "Leg weakness that is new or getting worse should be checked by a doctor today or tomorrow.",
        (WorseningLegWeakness, Locale::Es) => "La debilidad en una pierna que es nueva o que empeora debe revisarla un médico hoy o mañana.",
        (FeverOrChills, Locale::En) => "Back pain with new fever or chills can be a sign of infection and should be checked by a doctor today or tomorrow.",
        (FeverOrChills, Locale::Es) => "El dolor de espalda con fiebre o escalofríos nuevos puede ser señal de una infección y debe revisarlo un médico hoy o mañana.",
        (CancerHistoryNewPain, Locale::En) => "New back pain in someone who has had cancer should be checked by a doctor today or tomorrow.",
        (CancerHistoryNewPain, Locale::Es) => "El dolor de espalda nuevo en alguien que ha tenido cáncer debe revisarlo un médico hoy o mañana.",
        (UnexplainedWeightLoss, Locale::En) => "Weight loss you cannot explain, together with back pain, should be checked by a doctor today or tomorrow.",
        (UnexplainedWeightLoss, Locale::Es) => "Perder peso sin razón, junto con dolor de espalda, es algo que debe revisar un médico hoy o mañana.",
        (RecentTrauma, Locale::En) => "A fall, accident or injury to your back in the last 6 weeks should be checked by a doctor today or tomorrow.",
        (RecentTrauma, Locale::Es) => "Una caída, un accidente o una lesión en la espalda en las últimas 6 semanas debe revisarla un médico hoy o mañana.",
        (UncontrolledBloodPressure, Locale::En) => "Ketamine raises blood pressure for a while, so a clinician needs to talk with you about your blood pressure first.",
        (UncontrolledBloodPressure, Locale::Es) => "La ketamina sube la presión arterial por un tiempo, así que un profesional de salud de la clínica necesita hablar con usted primero sobre su presión.",
        (HeartDisease, Locale::En) => "Ketamine makes the heart work harder for a while, so a clinician needs to talk with you about your heart condition first.",
        (HeartDisease, Locale::Es) => "La ketamina hace que el corazón trabaje más por un tiempo, así que un profesional de salud de la clínica necesita hablar con usted primero sobre su afección cardíaca.",
        (PregnantOrBreastfeeding, Locale::En) => "Ketamine's safety in pregnancy and breastfeeding is not established, so a clinician needs to talk with you first.",
        (PregnantOrBreastfeeding, Locale::Es) => "No se ha comprobado que la ketamina sea segura durante el embarazo o la lactancia, así que un profesional de salud de la clínica necesita hablar con usted primero.",
        (Psychosis, Locale::En) => "Ketamine can worsen psychosis, so a clinician needs to talk with you first.",
        (Psychosis, Locale::Es) => "La ketamina puede empeorar la psicosis, así que un profesional de salud de la clínica necesita hablar con usted primero.",
        (BipolarDisorder, Locale::En) => "Ketamine can affect mood in bipolar disorder, so a clinician needs to talk with you first.",
        (BipolarDisorder, Locale::Es) => "La ketamina puede afectar el estado de ánimo en el trastorno bipolar, así que un profesional de salud de la clínica necesita hablar con usted primero.",
        (LiverDisease, Locale::En) => "Ketamine can strain the liver, so a clinician needs to talk with you about your liver first.",
        (LiverDisease, Locale::Es) => "La ketamina puede afectar el hígado, así que un profesional de salud de la clínica necesita hablar con usted primero sobre su hígado.",
        (EyeOrBrainPressure, Locale::En) => "Ketamine can raise pressure in the eye or brain, so a clinician needs to talk with you first.",
        (EyeOrBrainPressure, Locale::Es) => "La ketamina puede aumentar la presión dentro del ojo o del cerebro, así que un profesional de salud de la clínica necesita hablar con usted primero.",
        (SubstanceUse, Locale::En) => "Ketamine can be misused, so a clinician will talk with you about alcohol or drug use first. This is routine and confidential.",
        (SubstanceUse, Locale::Es) => "La ketamina se puede usar de forma indebida, así que un profesional de salud de la clínica hablará primero con usted sobre el uso de alcohol o drogas. Es algo de rutina y confidencial.",
        (KetamineReaction, Locale::En) => "You had a bad reaction to ketamine before, so a clinician needs to talk with you about it first.",
        (KetamineReaction, Locale::Es) => "Usted tuvo una mala reacción a la ketamina antes, así que un profesional de salud de la clínica necesita hablar con usted primero.",
        (SelfHarmThoughts, Locale::En) => "You told us you have had thoughts of being better off dead or of hurting yourself. A clinician will call you. You do not have to wait: call or text 988 any time.",
        (SelfHarmThoughts, Locale::Es) => "Nos dijo que ha tenido pensamientos de que estaría mejor muerto(a) o de hacerse daño. Un profesional de salud de la clínica se comunicará con usted por teléfono. No tiene que esperar: llame o envíe un mensaje de texto al 988 a cualquier hora.",
        (Under18, Locale::En) => "This clinic's ketamine consults are for adults 18 and older. Please talk with your own doctor about pain care for young people.",
        (Under18, Locale::Es) => "Las consultas sobre ketamina de esta clínica son para adultos de 18 años o más. Hable con su propio médico sobre el tratamiento del dolor para jóvenes.",
        (PainNotChronic, Locale::En) => "Your pain started less than 3 months ago. Most new back pain gets better with time, activity and simple treatments. See your doctor if it does not settle within a few days or medicine does not help.",
        (PainNotChronic, Locale::Es) => "Su dolor comenzó hace menos de 3 meses. La mayoría del dolor de espalda nuevo mejora con el tiempo, la actividad y tratamientos sencillos. Consulte a su médico si no mejora en unos días o si el medicamento no le hace efecto.",
        (MildPain, Locale::En) => "Your pain and how much it gets in the way of your life are in the mild range. Other treatments are usually tried first.",
        (MildPain, Locale::Es) => "Su dolor y cuánto afecta su vida están en un nivel leve. Por lo general, primero se prueban otros tratamientos.",
        (FewPriorTreatments, Locale::En) => "Ketamine is usually considered after at least two other treatments have not given enough relief. Your doctor can help you try other options first.",
        (FewPriorTreatments, Locale::Es) => "Por lo general, la ketamina se considera después de que al menos otros dos tratamientos no han dado suficiente alivio. Su médico puede ayudarlo(a) a probar otras opciones primero.",
        (ChronicRefractoryPain, Locale::En) => "You have had back pain for 3 months or more that other treatments have not relieved enough. A consult is the next step to see whether ketamine fits your pain plan.",
        (ChronicRefractoryPain, Locale::Es) => "Ha tenido dolor de espalda por 3 meses o más y otros tratamientos no lo han aliviado lo suficiente. Una consulta es el siguiente paso para ver si la ketamina encaja en su plan para el dolor.",
        (UpcomingSurgery, Locale::En) => "You have surgery coming up. The clinician will plan around it with you and your surgeon.",
        (UpcomingSurgery, Locale::Es) => "Tiene una cirugía próxima. El profesional de salud de la clínica hará el plan con usted y su cirujano teniéndola en cuenta.",
        (Crps, Locale::En) => "Complex regional pain syndrome (CRPS) is the pain condition with the strongest evidence for ketamine, though it still does not help everyone.",
        (Crps, Locale::Es) => "El síndrome de dolor regional complejo (SDRC) es la afección con la evidencia más sólida para la ketamina, aunque no ayuda a todas las personas.",
    }
}

/// A sentence explaining an input error, e.g. for the 422 body and the wizard.
pub fn error_message(error: &FieldError, locale: Locale) -> String {
    let es = locale == Locale::Es;
    match &error.problem {
        Problem::Malformed if es => "La solicitud no es JSON válido.".into(),
        Problem::Malformed => "The request is not valid JSON.".into(),
        Problem::Type(kind) if es => format!("Debe ser {}.", type_name_es(kind)),
        Problem::Type(kind) => format!("Must be {} {kind}.", article(kind)),
        Problem::Required if es => "Este dato es obligatorio.".into(),
        Problem::Required => "This is required.".into(),
        Problem::UnknownField if es => "Este campo no existe en la versión 1 del formulario.".into(),
        Problem::UnknownField => "This field is not part of schema version 1.".into(),
        Problem::InvalidChoice(names) if es => format!("Elija una de estas opciones: {}.", names.join(", ")),
        Problem::InvalidChoice(names) => format!("Choose one of: {}.", names.join(", ")),
        Problem::Range { min, max } if es => format!("Debe ser un número entero entre {min} y {max}."),
        Problem::Range { min, max } => format!("Must be a whole number from {min} to {max}."),
        Problem::Length { min: 0, max } if es => format!("Use como máximo {max} caracteres."),
        Problem::Length { min: 0, max } => format!("Use at most {max} characters."),
        Problem::Length { min, max } if es => format!("Use entre {min} y {max} caracteres."),
        Problem::Length { min, max } => format!("Use {min} to {max} characters."),
        Problem::Count(n) if es => format!("Debe tener exactamente {n} respuestas."),
        Problem::Count(n) => format!("Must have exactly {n} answers."),
        Problem::Duplicate if es => "Esta opción ya se eligió.".into(),
        Problem::Duplicate => "This was already chosen.".into(),
        Problem::MustAccept if es => "Debe aceptar esto para continuar.".into(),
        Problem::MustAccept => "You must accept this to continue.".into(),
        Problem::Exclusive if es => "Elija «Ninguna de estas» o las opciones que correspondan, no ambas.".into(),
        Problem::Exclusive => "Choose \u{201c}None of these\u{201d} or the options that apply, not both.".into(),
        Problem::Format(f) => format_message(*f, locale).into(),
    }
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn type_name_es(kind: &str) -> &'static str {
    match kind {
        "boolean" => "verdadero o falso",
        "string" => "un texto",
        "integer" => "un número entero",
        "array" => "una lista",
        _ => "un objeto",
    }
}

fn format_message(f: Format, locale: Locale) -> &'static str {
    use Format::*;
    match (f, locale) {
        (Date, Locale::En) => "Enter a real date as YYYY-MM-DD.",
        (Date, Locale::Es) => "Escriba una fecha real con el formato AAAA-MM-DD.",
        (DateInFuture, Locale::En) => "This date cannot be in the future.",
        (DateInFuture, Locale::Es) => "Esta fecha no puede estar en el futuro.",
        (TooOld, Locale::En) => "Check the year: this date is more than 120 years ago.",
        (TooOld, Locale::Es) => "Revise el año: esta fecha es de hace más de 120 años.",
        (Email, Locale::En) => "Enter an email address like name@example.com.",
        (Email, Locale::Es) => "Escriba un correo electrónico como nombre@ejemplo.com.",
        (Phone, Locale::En) => "Enter a 10-digit US phone number, like (214) 555-0182.",
        (Phone, Locale::Es) => "Escriba un número de teléfono de EE. UU. de 10 dígitos, como (214) 555-0182.",
        (Zip, Locale::En) => "Enter a 5-digit ZIP code (or ZIP+4, like 75201-1234).",
        (Zip, Locale::Es) => "Escriba un código postal de 5 dígitos (o ZIP+4, como 75201-1234).",
        (MemberId, Locale::En) => "Use only letters, numbers and dashes, as on your insurance card.",
        (MemberId, Locale::Es) => "Use solo letras, números y guiones, como aparece en su tarjeta del seguro.",
        (GroupNumber, Locale::En) => "Use only letters, numbers and dashes, as on your insurance card.",
        (GroupNumber, Locale::Es) => "Use solo letras, números y guiones, como aparece en su tarjeta del seguro.",
        (X12Delimiter, Locale::En) => "Please leave out the characters ~ * : ^ and control characters.",
        (X12Delimiter, Locale::Es) => "No use los caracteres ~ * : ^ ni caracteres de control.",
        (InvisibleCharacter, Locale::En) => {
            "Type the name again without copying and pasting it: it has hidden formatting characters."
        }
        (InvisibleCharacter, Locale::Es) => {
            "Escriba el nombre otra vez sin copiarlo y pegarlo: tiene caracteres de formato ocultos."
        }
        (EmailForContact, Locale::En) => "Enter an email address, or choose another way for us to contact you.",
        (EmailForContact, Locale::Es) => "Escriba un correo electrónico o elija otra forma de comunicarnos con usted.",
        (Reference, Locale::En) => "A reference has 8 letters and numbers, like K7Q2-9XPM.",
        (Reference, Locale::Es) => "Una referencia tiene 8 letras y números, como K7Q2-9XPM.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_weighted_supported_language() {
        assert_eq!(Locale::from_accept_language("es-MX,es;q=0.9,en;q=0.8"), Locale::Es);
        assert_eq!(Locale::from_accept_language("en-US,es;q=0.5"), Locale::En);
        assert_eq!(Locale::from_accept_language("fr-FR, es;q=0.4"), Locale::Es);
        assert_eq!(Locale::from_accept_language("en;q=0.3, es;q=0.7"), Locale::Es);
        assert_eq!(Locale::from_accept_language("es;q=0"), Locale::En);
        assert_eq!(Locale::from_accept_language(""), Locale::En);
        assert_eq!(Locale::from_accept_language("de"), Locale::En);
        assert_eq!(Locale::from_accept_language(";;,q=,es;q=abc"), Locale::Es);
    }

    #[test]
    fn every_reason_and_outcome_has_words_in_both_languages() {
        for code in ReasonCode::ALL {
            for locale in Locale::ALL {
                assert!(reason_message(*code, *locale).len() > 20, "{code} {locale}");
            }
            assert_ne!(reason_message(*code, Locale::En), reason_message(*code, Locale::Es));
        }
        for outcome in Outcome::ALL {
            assert_ne!(outcome_message(*outcome, Locale::En), outcome_message(*outcome, Locale::Es));
        }
    }

    #[test]
    fn spanish_messages_say_health_professional_of_the_clinic_and_include_women() {
        let outcomes = Outcome::ALL.iter().map(|o| outcome_message(*o, Locale::Es));
        for es in ReasonCode::ALL.iter().map(|c| reason_message(*c, Locale::Es)).chain(outcomes) {
            assert!(!es.contains("profesional cl\u{ed}nico"), "{es}");
            // "llamar" takes a direct object: lo/la, never le.
            assert!(!es.contains("le llamar"), "{es}");
        }
        assert!(
            outcome_message(Outcome::ClinicianReview, Locale::Es).contains("profesional de salud de la cl\u{ed}nica")
        );
        assert!(reason_message(ReasonCode::SelfHarmThoughts, Locale::Es).contains("muerto(a)"));
        assert!(outcome_message(Outcome::ConsultRecommended, Locale::Es).contains("candidato(a)"));
    }

    #[test]
    fn emergency_reasons_are_about_new_symptoms_and_the_saddle_one_names_sexual_function() {
        for code in [ReasonCode::BladderOrBowelChange, ReasonCode::SaddleNumbness, ReasonCode::BothLegsSymptoms] {
            assert!(reason_message(code, Locale::En).starts_with("New"), "{code}");
            assert!(reason_message(code, Locale::Es).contains("nuev"), "{code}");
        }
        let saddle = reason_message(ReasonCode::SaddleNumbness, Locale::En);
        assert!(saddle.contains("genitals") && saddle.contains("sexual function"), "{saddle}");
        let saddle = reason_message(ReasonCode::SaddleNumbness, Locale::Es);
        assert!(saddle.contains("genitales") && saddle.contains("funci\u{f3}n sexual"), "{saddle}");
    }
}
