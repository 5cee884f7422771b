//! Every question and answer label of the wizard, in English and Spanish.
//!
//! PHQ-9 and GAD-7 wording is the published instruments' (free to use), word for word,
//! and their Spanish versions for the United States; item 9 of the PHQ-9 is never removed.
//! Patients see them as "mood questions": the instruments' names are for staff only.
//! Spanish is neutral Latin American, `usted` throughout, with forms that include women
//! ("cansado(a)").

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
        Medical => ("Health questions for your safety", "Preguntas de salud para su seguridad"),
        Mood => ("Mood questions (optional)", "Preguntas sobre el estado de ánimo (opcional)"),
        About => ("About you", "Sus datos"),
        Insurance => ("Insurance", "Seguro médico"),
        Consent => ("Consent and signature", "Consentimiento y firma"),
        Review => ("Review and submit", "Revisar y enviar"),
    }
}

pub fn red_flag(name: &str) -> L {
    match name {
        "bladder_or_bowel_change" => ("New trouble controlling your bladder or bowels, or not being able to urinate?", "¿Problemas nuevos para controlar la vejiga o el intestino, o no poder orinar?"),
        "saddle_numbness" => ("New numbness in your groin, buttocks or inner thighs (where you would sit on a saddle)?", "¿Adormecimiento nuevo en la ingle, los glúteos o la parte interna de los muslos (donde se sentaría en una silla de montar)?"),
        "both_legs_symptoms" => ("Pain, numbness, tingling or weakness in both legs at the same time?", "¿Dolor, adormecimiento, hormigueo o debilidad en ambas piernas al mismo tiempo?"),
        "worsening_leg_weakness" => ("Weakness in a leg or foot that is getting worse?", "¿Debilidad en una pierna o un pie que está empeorando?"),
        "fever_or_chills" => ("Fever or chills along with your back pain?", "¿Fiebre o escalofríos junto con el dolor de espalda?"),
        "cancer_history" => ("Have you ever had cancer?", "¿Ha tenido cáncer alguna vez?"),
        "unexplained_weight_loss" => ("Weight loss you cannot explain?", "¿Pérdida de peso sin una razón que la explique?"),
        _ => ("A fall, accident or injury to your back in the last 6 weeks?", "¿Una caída, un accidente o una lesión en la espalda en las últimas 6 semanas?"),
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

pub fn pain_question(name: &str) -> L {
    match name {
        "current" => ("Your pain right now", "Su dolor en este momento"),
        "average_week" => ("Your average pain in the past week", "Su dolor promedio en la última semana"),
        "worst_week" => ("Your worst pain in the past week", "Su peor dolor en la última semana"),
        "enjoyment_interference" => ("In the past week, how much pain got in the way of enjoying life (0 = not at all, 10 = completely)", "En la última semana, cuánto le impidió el dolor disfrutar de la vida (0 = nada, 10 = por completo)"),
        _ => ("In the past week, how much pain got in the way of your general activity (0 = not at all, 10 = completely)", "En la última semana, cuánto le impidió el dolor hacer sus actividades generales (0 = nada, 10 = por completo)"),
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
    use crate::domain::intake::Difficulty;

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

}
