//! Every question and answer label of the wizard, in English and Spanish.
//!
//! PHQ-9 and GAD-7 wording is the published instruments' (free to use), word for word,
//! and their Spanish versions for the United States; item 9 of the PHQ-9 is never removed.
//! Patients see them as "mood questions": the instruments' names are for staff only.
//! Spanish is neutral Latin American, `usted` throughout, with forms that include women
//! ("cansado(a)").

use crate::domain::decode::{FieldError, Format, Problem};
use crate::domain::intake::Locale;

/// A text in both languages.
pub type L = (&'static str, &'static str);

pub fn pick(l: Locale, t: L) -> &'static str {
    match l {
        Locale::En => t.0,
        Locale::Es => t.1,
    }
}

pub fn step_title(step: super::form::Step) -> L {
    use super::form::Step::*;
    match step {
        RedFlags => ("Warning signs", "Señales de alarma"),
        Symptoms => ("Your symptoms", "Sus síntomas"),
        Duration => ("How long you have had pain", "Cuánto tiempo ha tenido dolor"),
        Pain => ("How strong your pain is", "Qué tan fuerte es su dolor"),
        History => ("Conditions and tests", "Afecciones y pruebas"),
        Treatments => ("Treatments you have tried", "Tratamientos que ha probado"),
        TreatmentResults => ("How the treatments worked", "Cómo le funcionaron los tratamientos"),
        Medical => ("Health questions for your safety", "Preguntas de salud para su seguridad"),
        Mood => ("Mood questions (optional)", "Preguntas sobre el estado de ánimo (opcional)"),
        MoodPhq9 => ("Mood questions, 1 of 2", "Preguntas sobre el estado de ánimo, 1 de 2"),
        MoodGad7 => ("Mood questions, 2 of 2", "Preguntas sobre el estado de ánimo, 2 de 2"),
        About => ("About you", "Sus datos"),
        Insurance => ("Insurance", "Seguro médico"),
        Consent => ("Consent and signature", "Consentimiento y firma"),
        Review => ("Review and submit", "Revisar y enviar"),
    }
}

/// The months, for dates written out on the patient side.
const MONTHS: [L; 12] = [
    ("January", "enero"),
    ("February", "febrero"),
    ("March", "marzo"),
    ("April", "abril"),
    ("May", "mayo"),
    ("June", "junio"),
    ("July", "julio"),
    ("August", "agosto"),
    ("September", "septiembre"),
    ("October", "octubre"),
    ("November", "noviembre"),
    ("December", "diciembre"),
];

/// A date the one way the patient side writes it: "April 2, 1980", "2 de abril de 1980"
/// (written out, so the US month-first and the Latin American day-first readings agree).
pub fn long_date(date: jiff::civil::Date, l: Locale) -> String {
    let month = pick(l, MONTHS[(date.month() - 1) as usize]);
    match l {
        Locale::En => format!("{month} {}, {}", date.day(), date.year()),
        Locale::Es => format!("{} de {month} de {}", date.day(), date.year()),
    }
}

const WEEKDAYS: [L; 7] = [
    ("Monday", "lunes"),
    ("Tuesday", "martes"),
    ("Wednesday", "miércoles"),
    ("Thursday", "jueves"),
    ("Friday", "viernes"),
    ("Saturday", "sábado"),
    ("Sunday", "domingo"),
];

/// A consult's day: "Monday, March 15, 2027", "lunes, 15 de marzo de 2027".
pub fn day_with_weekday(date: jiff::civil::Date, l: Locale) -> String {
    let weekday = pick(l, WEEKDAYS[usize::from(date.weekday().to_monday_zero_offset().unsigned_abs())]);
    format!("{weekday}, {}", long_date(date, l))
}

/// A time of day on the 12-hour clock as each language's style guides write it:
/// "9:00 a.m." (AP), "9:00 a. m." (RAE).
pub fn clock_time(time: jiff::civil::Time, l: Locale) -> String {
    let (hour, minute) = (time.hour(), time.minute());
    let twelve = if hour % 12 == 0 { 12 } else { hour % 12 };
    let half = match (hour < 12, l) {
        (true, Locale::En) => "a.m.",
        (false, Locale::En) => "p.m.",
        (true, Locale::Es) => "a. m.",
        (false, Locale::Es) => "p. m.",
    };
    format!("{twelve}:{minute:02} {half}")
}

/// The hint under every date's three fields.
pub const DATE_HINT: L = ("For example, 4 2 1980", "Por ejemplo, 4 2 1980");

/// The labels of a date's three fields, in `form::DATE_PARTS` order.
pub const DATE_PART_LABELS: [L; 3] = [("Month", "Mes"), ("Day", "Día"), ("Year", "Año")];

/// An error as the wizard says it (GOV.UK): what to do, about the question it is on.
/// Problems without words of their own here keep the JSON API's sentence
/// (`domain::i18n::error_message`), which is left as it is for API clients.
pub fn wizard_error(e: &FieldError, l: Locale) -> String {
    match wizard_words(&e.field, &e.problem) {
        Some(words) => pick(l, words).to_owned(),
        None => crate::domain::i18n::error_message(e, l),
    }
}

fn wizard_words(field: &str, problem: &Problem) -> Option<L> {
    let date = |whose: (L, L, L, L)| match problem {
        Problem::Required => Some(whose.0),
        // An object is what the patient typed when it was not a real date.
        Problem::Type(_) | Problem::Format(Format::Date) => Some(whose.1),
        Problem::Format(Format::DateInFuture) => Some(whose.2),
        Problem::Format(Format::TooOld) => Some(whose.3),
        _ => None,
    };
    match field {
        "clinical.red_flags" => match problem {
            Problem::Exclusive => Some((
                "Select the warning signs you have, or select \u{201c}None of these\u{201d}, not both",
                "Marque las señales de alarma que tiene, o marque «Ninguna de estas», no ambas",
            )),
            _ => Some((
                "Select the warning signs you have, or select \u{201c}None of these\u{201d}",
                "Marque las señales de alarma que tiene, o marque «Ninguna de estas»",
            )),
        },
        "clinical.mood" if *problem == Problem::Required => Some((
            "Select whether you want to answer the mood questions or skip them",
            "Seleccione si quiere responder las preguntas sobre el estado de ánimo u omitirlas",
        )),
        "patient.date_of_birth" => date((
            ("Enter your date of birth", "Escriba su fecha de nacimiento"),
            (
                "Date of birth must be a real date, with the month, day and year in numbers",
                "La fecha de nacimiento debe ser una fecha real, con el mes, el día y el año en números",
            ),
            ("Date of birth must be in the past", "La fecha de nacimiento debe ser en el pasado"),
            (
                "Check the year of your date of birth: it is more than 120 years ago",
                "Revise el año de su fecha de nacimiento: es de hace más de 120 años",
            ),
        )),
        "insurance.subscriber_date_of_birth" => date((
            ("Enter the policy holder's date of birth", "Escriba la fecha de nacimiento del titular de la póliza"),
            (
                "The policy holder's date of birth must be a real date, with the month, day and year in numbers",
                "La fecha de nacimiento del titular debe ser una fecha real, con el mes, el día y el año en números",
            ),
            (
                "The policy holder's date of birth must be in the past",
                "La fecha de nacimiento del titular debe ser en el pasado",
            ),
            (
                "Check the year of the policy holder's date of birth: it is more than 120 years ago",
                "Revise el año de la fecha de nacimiento del titular: es de hace más de 120 años",
            ),
        )),
        _ if *problem == Problem::Required => required_words(field),
        _ => None,
    }
}

/// What to do when a question was left unanswered, GOV.UK style ("Select yes if …",
/// "Enter your …"): one message per question, so the error summary never says "This is
/// required" eight times.
fn required_words(field: &str) -> Option<L> {
    let (group, name) = field.rsplit_once('.').unwrap_or(("", field));
    Some(match (group, name) {
        ("clinical.red_flags", flag) => match flag {
            "bladder_or_bowel_change" => ("Select yes if you have new problems controlling your bladder or bowels", "Seleccione sí si tiene problemas nuevos para controlar la orina o las evacuaciones"),
            "saddle_numbness" => ("Select yes if you have new numbness around your genitals, buttocks or inner thighs, or a new loss of sexual function", "Seleccione sí si tiene adormecimiento nuevo en los genitales, los glúteos o la parte interna de los muslos, o una pérdida nueva de la función sexual"),
            "both_legs_symptoms" => ("Select yes if you have new or worse symptoms in both legs", "Seleccione sí si tiene síntomas nuevos o peores en ambas piernas"),
            "worsening_leg_weakness" => ("Select yes if weakness in a leg is new or getting worse", "Seleccione sí si la debilidad en una pierna es nueva o está empeorando"),
            "fever_or_chills" => ("Select yes if you have a fever or chills with your back pain", "Seleccione sí si tiene fiebre o escalofríos junto con el dolor de espalda"),
            "cancer_history" => ("Select yes if you have ever had cancer", "Seleccione sí si alguna vez ha tenido cáncer"),
            "unexplained_weight_loss" => ("Select yes if you have lost weight without trying", "Seleccione sí si ha bajado de peso sin proponérselo"),
            "recent_trauma" => ("Select yes if you had a fall, accident or injury to your back recently", "Seleccione sí si tuvo una caída, un accidente o una lesión en la espalda recientemente"),
            _ => return None,
        },
        ("clinical.pain", which) => match which {
            "current" => ("Select a number from 0 to 10 for your pain right now", "Seleccione un número del 0 al 10 para su dolor en este momento"),
            "average_week" => ("Select a number from 0 to 10 for your average pain in the past week", "Seleccione un número del 0 al 10 para su dolor promedio de la última semana"),
            "worst_week" => ("Select a number from 0 to 10 for your worst pain in the past week", "Seleccione un número del 0 al 10 para su peor dolor de la última semana"),
            "enjoyment_interference" => ("Select a number from 0 to 10 for how pain has interfered with your enjoyment of life", "Seleccione un número del 0 al 10 para cuánto ha interferido el dolor con su disfrute de la vida"),
            "activity_interference" => ("Select a number from 0 to 10 for how pain has interfered with your general activity", "Seleccione un número del 0 al 10 para cuánto ha interferido el dolor con su actividad general"),
            _ => return None,
        },
        ("clinical.medical", _) => ("Select yes or no for this health question", "Seleccione sí o no en esta pregunta de salud"),
        ("clinical.mood.phq9" | "clinical.mood.gad7", _) => ("Select how often this has bothered you", "Seleccione con qué frecuencia le ha molestado esto"),
        ("clinical", "pain_duration") => ("Select how long you have had this pain", "Seleccione desde hace cuánto tiempo tiene este dolor"),
        ("clinical", "upcoming_surgery") => ("Select yes if you have back surgery planned", "Seleccione sí si tiene una cirugía de espalda programada"),
        ("clinical.treatments", _) | ("clinical", "treatments") => ("Select how each treatment worked for you", "Seleccione cómo le funcionó cada tratamiento"),
        ("patient", "first_name") => ("Enter your first name", "Escriba su nombre"),
        ("patient", "last_name") => ("Enter your last name", "Escriba su apellido"),
        ("patient", "sex_at_birth") => ("Select your sex assigned at birth, or prefer not to say", "Seleccione su sexo asignado al nacer, o prefiero no decirlo"),
        ("patient", "phone") => ("Enter your phone number", "Escriba su número de teléfono"),
        ("patient", "email") => ("Enter your email address, or choose another way to contact you", "Escriba su correo electrónico, o elija otra forma de comunicarnos con usted"),
        ("patient", "zip") => ("Enter your ZIP code", "Escriba su código postal"),
        ("patient", "preferred_contact") => ("Select how you would like us to contact you", "Seleccione cómo prefiere que nos comuniquemos con usted"),
        ("insurance", "plan") => ("Select your insurance plan, or self-pay", "Seleccione su plan de seguro, o pago por cuenta propia"),
        ("insurance", "member_id") => ("Enter the member ID from your insurance card", "Escriba el número de miembro de su tarjeta del seguro"),
        ("insurance", "other_payer_name") => ("Enter the name of your insurance plan", "Escriba el nombre de su plan de seguro"),
        ("insurance", "subscriber") => ("Select whose name the insurance is in", "Seleccione a nombre de quién está el seguro"),
        ("insurance", "subscriber_name") => ("Enter the policy holder's full name", "Escriba el nombre completo del titular de la póliza"),
        ("consent", "privacy_notice") => ("Select the box to say you have read the notice of privacy practices", "Marque la casilla para indicar que leyó el aviso de prácticas de privacidad"),
        ("consent", "contact") => ("Select the box to let the clinic contact you about your answers", "Marque la casilla para que la clínica pueda comunicarse con usted sobre sus respuestas"),
        ("consent", "attestation") => ("Select the box to say your answers are true", "Marque la casilla para indicar que sus respuestas son verdaderas"),
        ("consent", "signature") => ("Type your full name as your signature", "Escriba su nombre completo como firma"),
        _ => return None,
    })
}

/// The red-flag questions. Each asks about symptoms that are new or getting worse and
/// says what "recently" means (in the last few weeks): a long-standing symptom that has not
/// changed is not an emergency (BASS/SBNS cauda equina standard, 2018; NICE NG59). The
/// meaning of each answer, and so every screening rule, is unchanged.
pub fn red_flag(name: &str) -> L {
    match name {
        "bladder_or_bowel_change" => (
            "New problems controlling your bladder or bowels in the last few weeks: not being able to pass urine, leaking urine or stool, or not feeling when you need to go",
            "Problemas nuevos en las últimas semanas para controlar la orina o las evacuaciones: no poder orinar, que se le salga la orina o el excremento sin querer, o no sentir cuando necesita ir al baño",
        ),
        "saddle_numbness" => (
            "New numbness in the last few weeks in your genitals, groin, buttocks, inner thighs or around your anus (the parts that would touch a saddle), or a new loss of sexual function (for example, less feeling during sex or trouble getting an erection)",
            "Adormecimiento nuevo en las últimas semanas en los genitales, la ingle, los glúteos, la parte interna de los muslos o alrededor del ano (las partes que tocarían una silla de montar), o una pérdida nueva de la función sexual (por ejemplo, menos sensibilidad durante las relaciones sexuales o dificultad para tener una erección)",
        ),
        "both_legs_symptoms" => (
            "Pain, numbness, tingling or weakness in both legs at the same time that is new or got worse in the last few weeks. If you have had the same symptoms in both legs for a long time and they have not changed (for example, from known spinal stenosis), do not select this.",
            "Dolor, adormecimiento, hormigueo o debilidad en ambas piernas al mismo tiempo que es nuevo o que empeoró en las últimas semanas. Si ha tenido los mismos síntomas en ambas piernas desde hace tiempo y no han cambiado (por ejemplo, por una estenosis espinal ya diagnosticada), no marque esta opción.",
        ),
        "worsening_leg_weakness" => (
            "Weakness in a leg or foot that is new or getting worse in the last few weeks (for example, your foot drags or your knee gives way)",
            "Debilidad en una pierna o un pie que es nueva o que ha empeorado en las últimas semanas (por ejemplo, arrastra el pie o se le dobla la rodilla)",
        ),
        "fever_or_chills" => (
            "New fever or chills in the last few weeks, along with your back pain",
            "Fiebre o escalofríos nuevos en las últimas semanas, junto con el dolor de espalda",
        ),
        "cancer_history" => (
            "Cancer at any time in your life, even if it was treated long ago (we ask because back pain that is new or getting worse in the last few weeks needs a prompt check in anyone who has had cancer)",
            "Cáncer en algún momento de su vida, aunque lo hayan tratado hace mucho tiempo (lo preguntamos porque, en alguien que ha tenido cáncer, un dolor de espalda nuevo o que empeora en las últimas semanas se debe revisar pronto)",
        ),
        "unexplained_weight_loss" => (
            "New weight loss in the last few weeks or months that you cannot explain (you were not trying to lose weight)",
            "Pérdida de peso nueva en las últimas semanas o meses que no puede explicar (sin estar tratando de bajar de peso)",
        ),
        _ => (
            "A new injury to your back in the last few weeks (up to 6 weeks ago), such as a fall, an accident or a blow",
            "Una lesión nueva en la espalda en las últimas semanas (hasta hace 6 semanas), como una caída, un accidente o un golpe",
        ),
    }
}

pub fn symptom(name: &str) -> L {
    match name {
        "shooting_pain_bending_lifting" => {
            ("Shooting pain when you bend or lift", "Dolor punzante al agacharse o levantar cosas")
        }
        "severe_pain_turning_in_bed" => {
            ("Severe pain when you turn over in bed at night", "Dolor fuerte al voltearse en la cama por la noche")
        }
        "flare_ups" => (
            "Flare-ups that come and go (often lasting 24 to 48 hours)",
            "Crisis de dolor que van y vienen (a menudo duran de 24 a 48 horas)",
        ),
        "morning_stiffness" => {
            ("Stiffness in your back and legs in the morning", "Rigidez en la espalda y las piernas por la mañana")
        }
        _ => (
            "Pain that spreads from your lower back or pelvis to your buttocks and legs",
            "Dolor que se extiende de la parte baja de la espalda o la pelvis a los glúteos y las piernas",
        ),
    }
}

pub fn duration(value: &str) -> L {
    match value {
        "under_6_weeks" => ("Less than 6 weeks", "Menos de 6 semanas"),
        "6_weeks_to_3_months" => ("6 weeks to 3 months", "De 6 semanas a 3 meses"),
        "3_to_12_months" => ("3 to 12 months", "De 3 a 12 meses"),
        _ => ("More than 12 months", "Más de 12 meses"),
    }
}

/// The 0–10 ratings. `average_week`, `enjoyment_interference` and `activity_interference`
/// are the PEG's three items in Krebs et al.'s wording (J Gen Intern Med 2009;24:733–738);
/// the Spanish is the clinic's translation.
pub fn pain_question(name: &str) -> L {
    match name {
        "current" => ("What number best describes your pain right now?", "¿Qué número describe mejor su dolor en este momento?"),
        "average_week" => (
            "What number best describes your pain on average in the past week?",
            "¿Qué número describe mejor su dolor en promedio durante la última semana?",
        ),
        "worst_week" => (
            "What number best describes your pain at its worst in the past week?",
            "¿Qué número describe mejor su dolor en su peor momento durante la última semana?",
        ),
        "enjoyment_interference" => (
            "What number best describes how, during the past week, pain has interfered with your enjoyment of life?",
            "¿Qué número describe mejor cómo, durante la última semana, el dolor ha interferido con su disfrute de la vida?",
        ),
        _ => (
            "What number best describes how, during the past week, pain has interfered with your general activity?",
            "¿Qué número describe mejor cómo, durante la última semana, el dolor ha interferido con su actividad general?",
        ),
    }
}

pub fn condition(value: &str) -> L {
    match value {
        "cancer_related" => ("Cancer-related back pain", "Dolor de espalda relacionado con el cáncer"),
        "traumatic_spinal" => ("Pain after a spine injury", "Dolor después de una lesión de la columna"),
        "neuropathic" => ("Nerve pain (neuropathic pain, sciatica)", "Dolor de nervios (dolor neuropático, ciática)"),
        "fibromyalgia" => ("Fibromyalgia", "Fibromialgia"),
        "crps" => ("Complex regional pain syndrome (CRPS)", "Síndrome de dolor regional complejo (SDRC)"),
        "degenerative" => (
            "Arthritis or wear-and-tear of the spine (degenerative disc disease)",
            "Artritis o desgaste de la columna (enfermedad degenerativa de los discos)",
        ),
        "other" => ("Another diagnosis", "Otro diagnóstico"),
        _ => ("I don't know / no diagnosis yet", "No sé / todavía no tengo diagnóstico"),
    }
}

pub fn diagnostic(value: &str) -> L {
    match value {
        "xray" => ("X-ray", "Radiografía"),
        "mri_ct" => ("MRI or CT scan", "Resonancia magnética o tomografía"),
        "emg" => ("EMG (nerve and muscle test)", "EMG (prueba de nervios y músculos)"),
        _ => ("Blood tests", "Análisis de sangre"),
    }
}

pub fn treatment(value: &str) -> L {
    match value {
        "nsaids" => ("Anti-inflammatory pills (ibuprofen, naproxen)", "Antiinflamatorios (ibuprofeno, naproxeno)"),
        "acetaminophen" => ("Acetaminophen (Tylenol)", "Acetaminofén (Tylenol)"),
        "opioids" => ("Opioid pain medicine", "Analgésicos opioides"),
        "nerve_pain_medication" => (
            "Nerve pain medicine (gabapentin, pregabalin)",
            "Medicamento para dolor de nervios (gabapentina, pregabalina)",
        ),
        "antidepressants" => (
            "Antidepressants used for pain (duloxetine, amitriptyline)",
            "Antidepresivos usados para el dolor (duloxetina, amitriptilina)",
        ),
        "muscle_relaxants" => ("Muscle relaxants", "Relajantes musculares"),
        "physical_therapy" => ("Physical therapy", "Fisioterapia"),
        "chiropractic" => ("Chiropractic care", "Quiropráctica"),
        "injections" => ("Spinal injections (epidural, facet)", "Inyecciones en la columna (epidural, facetaria)"),
        "nerve_ablation" => ("Nerve ablation (radiofrequency)", "Ablación de nervios (radiofrecuencia)"),
        "spinal_surgery" => ("Spine surgery", "Cirugía de columna"),
        "spinal_cord_stimulator" => ("Spinal cord stimulator", "Estimulador de la médula espinal"),
        _ => ("Something else", "Otro tratamiento"),
    }
}

pub fn treatment_result(value: &str) -> L {
    match value {
        "not_tried" => ("Not tried", "No lo he probado"),
        "no_relief" => ("No relief", "Sin alivio"),
        "some_relief" => ("Some relief", "Algo de alivio"),
        "good_relief" => ("Good relief", "Buen alivio"),
        _ => ("Side effects", "Efectos secundarios"),
    }
}

pub fn medical(name: &str) -> L {
    match name {
        "uncontrolled_blood_pressure" => {
            ("High blood pressure that is not under control?", "¿Presión arterial alta que no está controlada?")
        }
        "heart_disease" => (
            "Heart disease (for example heart failure, chest pain, an irregular heartbeat)?",
            "¿Enfermedad del corazón (por ejemplo, insuficiencia cardíaca, dolor de pecho, latidos irregulares)?",
        ),
        "pregnant_or_breastfeeding" => (
            "Are you pregnant, trying to become pregnant, or breastfeeding?",
            "¿Está embarazada, intentando quedar embarazada o amamantando?",
        ),
        "psychosis" => (
            "Have you ever had psychosis (seeing or hearing things others do not) or schizophrenia?",
            "¿Ha tenido alguna vez psicosis (ver u oír cosas que otras personas no) o esquizofrenia?",
        ),
        "bipolar_disorder" => ("Bipolar disorder?", "¿Trastorno bipolar?"),
        "liver_disease" => (
            "Liver disease (for example cirrhosis or hepatitis)?",
            "¿Enfermedad del hígado (por ejemplo, cirrosis o hepatitis)?",
        ),
        "eye_or_brain_pressure" => (
            "Glaucoma or raised pressure in the eye, or raised pressure in the brain?",
            "¿Glaucoma o presión alta dentro del ojo, o presión alta dentro del cerebro?",
        ),
        "substance_use" => (
            "In the past year, have you used alcohol or drugs in a way that worried you or others?",
            "En el último año, ¿ha usado alcohol o drogas de una manera que le preocupó a usted o a otras personas?",
        ),
        _ => ("Have you had a bad reaction to ketamine before?", "¿Ha tenido antes una mala reacción a la ketamina?"),
    }
}

// The PHQ-9 and the GAD-7 word for word, punctuation included: the English forms and the
// Spanish versions for the United States published by Pfizer (PHQ Screeners). Do not
// reword them: the scores are only valid for the published questions.

/// The PHQ-9's instruction.
pub const PHQ9_STEM: L = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?",
);

pub const PHQ9: [L; 9] = [
    ("Little interest or pleasure in doing things", "Poco interés o placer en hacer cosas"),
    ("Feeling down, depressed, or hopeless", "Se ha sentido decaído(a), deprimido(a) o sin esperanzas"),
    (
        "Trouble falling or staying asleep, or sleeping too much",
        "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
    ),
    ("Feeling tired or having little energy", "Se ha sentido cansado(a) o con poca energía"),
    ("Poor appetite or overeating", "Sin apetito o ha comido en exceso"),
    (
        "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
        "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con usted mismo(a) o con su familia",
    ),
    (
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el periódico o ver la televisión",
    ),
    (
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
        "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo contrario – muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo normal",
    ),
    (
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
    ),
];

/// The GAD-7's instruction (without the PHQ-9's "any of").
pub const GAD7_STEM: L = (
    "Over the last 2 weeks, how often have you been bothered by the following problems?",
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?",
);

pub const GAD7: [L; 7] = [
    ("Feeling nervous, anxious or on edge", "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta"),
    ("Not being able to stop or control worrying", "No ha sido capaz de parar o controlar su preocupación"),
    ("Worrying too much about different things", "Se ha preocupado demasiado por motivos diferentes"),
    ("Trouble relaxing", "Ha tenido dificultad para relajarse"),
    (
        "Being so restless that it is hard to sit still",
        "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
    ),
    ("Becoming easily annoyed or irritable", "Se ha molestado o irritado fácilmente"),
    ("Feeling afraid as if something awful might happen", "Ha tenido miedo de que algo terrible fuera a pasar"),
];

/// The answers to every PHQ-9 and GAD-7 item, scored 0 to 3.
pub const FREQUENCY: [L; 4] = [
    ("Not at all", "Ningún día"),
    ("Several days", "Varios días"),
    ("More than half the days", "Más de la mitad de los días"),
    ("Nearly every day", "Casi todos los días"),
];

/// The unscored question that closes each instrument (item 10 of the PHQ-9), stored as
/// `mood.phq9_difficulty` and `mood.gad7_difficulty`.
pub const DIFFICULTY_QUESTION: L = (
    "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?",
    "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos problemas para hacer su trabajo, encargarse de las tareas del hogar, o llevarse bien con otras personas?",
);

/// The answers to [`DIFFICULTY_QUESTION`], by their contract value.
pub fn difficulty(value: &str) -> L {
    match value {
        "not_difficult" => ("Not difficult at all", "No ha sido difícil"),
        "somewhat_difficult" => ("Somewhat difficult", "Un poco difícil"),
        "very_difficult" => ("Very difficult", "Muy difícil"),
        _ => ("Extremely difficult", "Extremadamente difícil"),
    }
}

pub fn sex(value: &str) -> L {
    match value {
        "female" => ("Female", "Femenino"),
        "male" => ("Male", "Masculino"),
        "intersex" => ("Intersex", "Intersexual"),
        _ => ("Prefer not to say", "Prefiero no decirlo"),
    }
}

pub fn contact(value: &str) -> L {
    match value {
        "phone" => ("Phone call", "Llamada telefónica"),
        "email" => ("Email", "Correo electrónico"),
        _ => ("Text message", "Mensaje de texto"),
    }
}

pub fn plan(value: &str) -> L {
    match value {
        "bcbs_tx" => ("Blue Cross Blue Shield of Texas", "Blue Cross Blue Shield de Texas"),
        "uhc" => ("UnitedHealthcare", "UnitedHealthcare"),
        "cigna" => ("Cigna", "Cigna"),
        "other" => ("Another insurance plan", "Otro plan de seguro"),
        _ => ("No insurance / I will pay myself (self-pay)", "Sin seguro / pagaré yo mismo(a)"),
    }
}

pub fn subscriber(value: &str) -> L {
    match value {
        "self" => ("Me", "Yo"),
        "spouse" => ("My spouse or partner", "Mi cónyuge o pareja"),
        "parent" => ("My parent", "Mi padre o madre"),
        _ => ("Someone else", "Otra persona"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::intake::{Difficulty, RED_FLAG_QUESTIONS};

    /// The published English PHQ-9 (Pfizer, PHQ Screeners), typed from the form.
    const PHQ9_PUBLISHED_EN: [&str; 9] = [
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself \u{2014} or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite \u{2014} being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ];

    /// The published Spanish PHQ-9 for the USA.
    const PHQ9_PUBLISHED_ES: [&str; 9] = [
        "Poco inter\u{e9}s o placer en hacer cosas",
        "Se ha sentido deca\u{ed}do(a), deprimido(a) o sin esperanzas",
        "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
        "Se ha sentido cansado(a) o con poca energ\u{ed}a",
        "Sin apetito o ha comido en exceso",
        "Se ha sentido mal con usted mismo(a) \u{2013} o que es un fracaso o que ha quedado mal con usted mismo(a) o con su familia",
        "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el peri\u{f3}dico o ver la televisi\u{f3}n",
        "\u{bf}Se ha movido o hablado tan lento que otras personas podr\u{ed}an haberlo notado? o lo contrario \u{2013} muy inquieto(a) o agitado(a) que ha estado movi\u{e9}ndose mucho m\u{e1}s de lo normal",
        "Pensamientos de que estar\u{ed}a mejor muerto(a) o de lastimarse de alguna manera",
    ];

    const GAD7_PUBLISHED_EN: [&str; 7] = [
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ];

    const GAD7_PUBLISHED_ES: [&str; 7] = [
        "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
        "No ha sido capaz de parar o controlar su preocupaci\u{f3}n",
        "Se ha preocupado demasiado por motivos diferentes",
        "Ha tenido dificultad para relajarse",
        "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
        "Se ha molestado o irritado f\u{e1}cilmente",
        "Ha tenido miedo de que algo terrible fuera a pasar",
    ];

    #[test]
    fn the_phq9_is_the_published_text_item_by_item_in_both_languages() {
        for (i, (label, (en, es))) in PHQ9.iter().zip(PHQ9_PUBLISHED_EN.iter().zip(PHQ9_PUBLISHED_ES)).enumerate() {
            assert_eq!(label.0, *en, "PHQ-9 item {} (English)", i + 1);
            assert_eq!(label.1, es, "PHQ-9 item {} (Spanish)", i + 1);
        }
        assert_eq!(
            PHQ9_STEM,
            (
                "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
                "Durante las \u{fa}ltimas 2 semanas, \u{bf}qu\u{e9} tan seguido ha tenido molestias debido a los siguientes problemas?",
            )
        );
    }

    #[test]
    fn the_gad7_is_the_published_text_item_by_item_in_both_languages() {
        for (i, (label, (en, es))) in GAD7.iter().zip(GAD7_PUBLISHED_EN.iter().zip(GAD7_PUBLISHED_ES)).enumerate() {
            assert_eq!(label.0, *en, "GAD-7 item {} (English)", i + 1);
            assert_eq!(label.1, es, "GAD-7 item {} (Spanish)", i + 1);
        }
        assert_eq!(
            GAD7_STEM,
            (
                "Over the last 2 weeks, how often have you been bothered by the following problems?",
                "Durante las \u{fa}ltimas 2 semanas, \u{bf}qu\u{e9} tan seguido ha tenido molestias debido a los siguientes problemas?",
            )
        );
    }

    #[test]
    fn the_answer_options_and_the_difficulty_question_are_the_published_text() {
        assert_eq!(
            FREQUENCY,
            [
                ("Not at all", "Ning\u{fa}n d\u{ed}a"),
                ("Several days", "Varios d\u{ed}as"),
                ("More than half the days", "M\u{e1}s de la mitad de los d\u{ed}as"),
                ("Nearly every day", "Casi todos los d\u{ed}as"),
            ]
        );
        assert_eq!(
            DIFFICULTY_QUESTION,
            (
                "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?",
                "Si marc\u{f3} cualquiera de los problemas, \u{bf}qu\u{e9} tanta dificultad le han dado estos problemas para hacer su trabajo, encargarse de las tareas del hogar, o llevarse bien con otras personas?",
            )
        );
        let answers: Vec<L> = Difficulty::ALL.iter().map(|d| difficulty(d.as_str())).collect();
        assert_eq!(
            answers,
            [
                ("Not difficult at all", "No ha sido dif\u{ed}cil"),
                ("Somewhat difficult", "Un poco dif\u{ed}cil"),
                ("Very difficult", "Muy dif\u{ed}cil"),
                ("Extremely difficult", "Extremadamente dif\u{ed}cil"),
            ]
        );
    }

    #[test]
    fn the_peg_items_use_krebs_2009_wording() {
        assert_eq!(
            pain_question("average_week").0,
            "What number best describes your pain on average in the past week?"
        );
        assert_eq!(
            pain_question("enjoyment_interference").0,
            "What number best describes how, during the past week, pain has interfered with your enjoyment of life?"
        );
        assert_eq!(
            pain_question("activity_interference").0,
            "What number best describes how, during the past week, pain has interfered with your general activity?"
        );
        for name in ["average_week", "enjoyment_interference", "activity_interference"] {
            let es = pain_question(name).1;
            assert!(es.contains("durante la \u{fa}ltima semana"), "{name}: {es}");
        }
        assert!(pain_question("enjoyment_interference").1.contains("disfrute de la vida"));
        assert!(pain_question("activity_interference").1.contains("actividad general"));
    }

    fn words(text: &str) -> Vec<String> {
        text.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
    }

    #[test]
    fn every_red_flag_asks_about_new_or_worsening_symptoms_in_the_last_few_weeks() {
        for name in RED_FLAG_QUESTIONS {
            let (en, es) = red_flag(name);
            let en_words = words(en);
            assert!(
                en_words.iter().any(|w| w == "new" || w == "worse" || w == "worsening"),
                "{name}: not about new or worsening symptoms: {en}"
            );
            assert!(en.contains("in the last few weeks"), "{name}: recently is not defined: {en}");
            let es_words = words(es);
            assert!(
                es_words.iter().any(|w| w.starts_with("nuev") || w.starts_with("empeor")),
                "{name}: no es sobre s\u{ed}ntomas nuevos o que empeoran: {es}"
            );
            assert!(es.contains("en las \u{fa}ltimas semanas"), "{name}: falta qu\u{e9} es recientemente: {es}");
        }
    }

    #[test]
    fn long_standing_symptoms_in_both_legs_are_not_the_emergency_question() {
        let (en, es) = red_flag("both_legs_symptoms");
        assert!(en.contains("new or got worse in the last few weeks"), "{en}");
        assert!(
            en.contains("for a long time") && en.contains("spinal stenosis") && en.contains("do not select this"),
            "{en}"
        );
        assert!(es.contains("nuevo o que empeor\u{f3} en las \u{fa}ltimas semanas"), "{es}");
        assert!(
            es.contains("desde hace tiempo")
                && es.contains("estenosis espinal")
                && es.contains("no marque esta opción"),
            "{es}"
        );
    }

    #[test]
    fn the_saddle_question_covers_the_genitals_and_sexual_function() {
        let (en, es) = red_flag("saddle_numbness");
        assert!(en.starts_with("New numbness"), "{en}");
        assert!(en.contains("genitals") && en.contains("new loss of sexual function"), "{en}");
        assert!(es.contains("genitales") && es.contains("p\u{e9}rdida nueva de la funci\u{f3}n sexual"), "{es}");
    }

    #[test]
    fn spanish_uses_latin_american_forms_that_include_women() {
        let bladder = red_flag("bladder_or_bowel_change").1;
        assert!(bladder.contains("orina o las evacuaciones"), "{bladder}");
        assert!(PHQ9[3].1.contains("cansado(a)") && PHQ9[8].1.contains("muerto(a)"));
        // Patients see "mood questions": the instruments' names stay out of the wizard's words.
        for text in [step_title(super::super::form::Step::Mood), PHQ9_STEM, GAD7_STEM, DIFFICULTY_QUESTION] {
            for t in [text.0, text.1] {
                assert!(!t.contains("PHQ") && !t.contains("GAD"), "{t}");
            }
        }
    }
}
