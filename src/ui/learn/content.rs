//! The education pages under `/learn`, as plain bilingual data (English and Spanish).
//!
//! The structure and the useful facts come from the clinic's seed article
//! (`shared/seed/article.txt`), rewritten in plain language. Where the seed is wrong or
//! overstated, `shared/spec/content.md` governs: its "Correct" table and its
//! "Corrections, round 2" say what each page must say instead, and its "Facts to cite"
//! list (with the "Why these rules" list in `shared/spec/screening.md`) is where sources
//! are taken from, plus the two that round 2 requires (the Cochrane review on cancer pain,
//! the FDA's esketamine approval). A source is cited only on a page it supports. The tests
//! in `content/tests.rs` reject the seed's false claims and pin every correction, in
//! either language.
//!
//! Writing rules: every patient-facing sentence in English and Spanish (neutral Latin
//! American Spanish for Texas readers, `usted`, forms that include women such as
//! "cansado(a)"), a US 6th–8th grade reading level, second person, short sentences, no
//! hype and no promises. No sentence may overstate benefit or understate risk. Technical
//! words are explained where they first appear on a page. Every 911 sign sits in an
//! emergency notice, and 911 and 988 are written as links to tap: `[911](tel:911)`.

use super::model::*;

/// The date of the last medical review, shared by every page.
const REVIEWED: &str = "2026-11-23";

// Sources: content.md "Facts to cite" and screening.md "Why these rules", plus the
// Cochrane review and the esketamine approval that content.md's round-2 corrections
// require. Titles exactly as published; every source has its date and a DOI or an
// official address, and is cited only on pages it supports.

const COHEN_2018: Source = Source {
    by: "Cohen SP, Bhatia A, Buvanendran A, et al.",
    title: "Consensus Guidelines on the Use of Intravenous Ketamine Infusions for Chronic Pain From the American Society of Regional Anesthesia and Pain Medicine, the American Academy of Pain Medicine, and the American Society of Anesthesiologists",
    published: "Regional Anesthesia and Pain Medicine. July 2018;43(5):521–546",
    url: "https://doi.org/10.1097/AAP.0000000000000808",
};
const KETALAR_PI: Source = Source {
    by: "Par Pharmaceutical",
    title: "KETALAR (ketamine hydrochloride) injection, for intravenous or intramuscular use, CIII: Full Prescribing Information",
    published: "US prescribing information (DailyMed), revised October 2024",
    url: "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=14e8f864-8b8a-4e7e-8439-e510d3107063",
};
const FDA_2022: Source = Source {
    by: "US Food and Drug Administration",
    title: "FDA alerts health care professionals of potential risks associated with compounded ketamine nasal spray",
    published: "February 16, 2022",
    url: "https://www.fda.gov/drugs/human-drug-compounding/fda-alerts-health-care-professionals-potential-risks-associated-compounded-ketamine-nasal-spray",
};
const FDA_2023: Source = Source {
    by: "US Food and Drug Administration",
    title: "FDA warns patients and health care providers about potential risks associated with compounded ketamine products, including oral formulations, for the treatment of psychiatric disorders",
    published: "October 10, 2023",
    url: "https://www.fda.gov/drugs/human-drug-compounding/fda-warns-patients-and-health-care-providers-about-potential-risks-associated-compounded-ketamine",
};
const COCHRANE_2017: Source = Source {
    by: "Bell RF, Eccleston C, Kalso EA",
    title: "Ketamine as an adjuvant to opioids for cancer pain",
    published: "Cochrane Database of Systematic Reviews. June 2017, Issue 6. Art. No. CD003351",
    url: "https://doi.org/10.1002/14651858.CD003351.pub3",
};
const FDA_SPRAVATO_2019: Source = Source {
    by: "US Food and Drug Administration",
    title: "FDA approves new nasal spray medication for treatment-resistant depression; available only at a certified doctor's office or clinic",
    published: "March 5, 2019",
    url: "https://www.fda.gov/news-events/press-announcements/fda-approves-new-nasal-spray-medication-treatment-resistant-depression-available-only-certified",
};
const NICE_NG59: Source = Source {
    by: "National Institute for Health and Care Excellence (NICE)",
    title: "Low back pain and sciatica in over 16s: assessment and management",
    published: "NICE guideline NG59. Published November 30, 2016; last updated December 11, 2020",
    url: "https://www.nice.org.uk/guidance/ng59",
};
const ACP_APS_2007: Source = Source {
    by: "Chou R, Qaseem A, Snow V, et al.",
    title: "Diagnosis and treatment of low back pain: a joint clinical practice guideline from the American College of Physicians and the American Pain Society",
    published: "Annals of Internal Medicine. October 2, 2007;147(7):478–491",
    url: "https://doi.org/10.7326/0003-4819-147-7-200710020-00006",
};
const BASS_2018: Source = Source {
    by: "Society of British Neurological Surgeons (SBNS) and British Association of Spine Surgeons (BASS)",
    title: "Standards of care for investigation and management of cauda equina syndrome",
    published: "December 2018",
    url: "https://www.spinesurgeons.ac.uk/wp-content/uploads/2019/01/Cauda_Equina_Syndrome_Standards_SBNS_BASS-Dec-2018.pdf",
};
const LIFELINE_988: Source = Source {
    by: "Substance Abuse and Mental Health Services Administration (SAMHSA)",
    title: "988 Suicide & Crisis Lifeline Adds Spanish Text and Chat Service Ahead of One-Year Anniversary",
    published: "July 13, 2023",
    url: "https://www.samhsa.gov/newsroom/press-announcements/20230713/988-suicide-crisis-lifeline-adds-spanish-text-chat-service-ahead-one-year-anniversary",
};

/// Every education page, in reading order. `/learn` lists them in this order, and each
/// page links to the next.
pub static PAGES: &[Page] = &[
    // 1 ─────────────────────────────────────────────────────────────────────────────
    Page {
        slug: "what-is-ketamine",
        title: Text::new("What is ketamine?", "¿Qué es la ketamina?"),
        description: Text::new(
            "Ketamine is an anesthetic that, at low doses, can ease some kinds of pain. Learn how it works, why it is a controlled drug, and its limits.",
            "La ketamina es un anestésico que, en dosis bajas, puede aliviar algunos tipos de dolor. Sepa cómo actúa, por qué está controlada y sus límites.",
        ),
        summary: Text::new(
            "Ketamine is a medicine that doctors have used for anesthesia for decades. At low doses, it can ease some kinds of chronic pain, but it does not help everyone.",
            "La ketamina es un medicamento que los médicos usan para la anestesia desde hace décadas. En dosis bajas, puede aliviar algunos tipos de dolor crónico, pero no ayuda a todas las personas.",
        ),
        sections: &[
            Section {
                heading: Text::new(
                    "An anesthetic used for decades",
                    "Un anestésico que se usa desde hace décadas",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Ketamine was approved in the United States in 1970 as an anesthetic. Doctors use it to put people to sleep for surgery and other procedures.",
                        "La ketamina fue aprobada en los Estados Unidos en 1970 como anestésico. Los médicos la usan para dormir a las personas durante cirugías y otros procedimientos.",
                    )),
                    Block::Paragraph(Text::new(
                        "At much lower doses, ketamine can ease pain, and it starts to work quickly. At these low doses, people stay awake. They may feel sleepy or detached, and some see or hear things that are not there. [The safety page](/learn/safety-and-side-effects) lists the side effects.",
                        "En dosis mucho más bajas, la ketamina puede aliviar el dolor y empieza a actuar rápido. Con estas dosis bajas, las personas siguen despiertas. Pueden sentir sueño o sentirse desconectadas, y algunas ven u oyen cosas que no están ahí. [La página de seguridad](/learn/safety-and-side-effects) explica los efectos secundarios.",
                    )),
                ],
            },
            Section {
                heading: Text::new("How it works on pain", "Cómo actúa sobre el dolor"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Your nerves carry pain signals to your spinal cord and brain. On nerve cells there is a part called the NMDA receptor. It works like a switch that helps pass pain signals along. When pain lasts a long time, these receptors can become over-active. Then your body may keep sending strong pain signals, even after an injury has healed.",
                        "Sus nervios llevan las señales de dolor a la médula espinal y al cerebro. En las células nerviosas hay una parte llamada receptor NMDA. Funciona como un interruptor que ayuda a transmitir las señales de dolor. Cuando el dolor dura mucho tiempo, estos receptores pueden volverse demasiado activos. Entonces el cuerpo puede seguir enviando señales fuertes de dolor, aun después de que una lesión haya sanado.",
                    )),
                    Block::Paragraph(Text::new(
                        "Ketamine blocks the NMDA receptor. This may calm those over-active pain signals for a while. Researchers are still learning exactly how it works and why it helps some people but not others.",
                        "La ketamina bloquea el receptor NMDA. Esto puede calmar por un tiempo esas señales de dolor demasiado activas. Los investigadores todavía están aprendiendo cómo actúa exactamente y por qué ayuda a algunas personas y a otras no.",
                    )),
                ],
            },
            Section {
                heading: Text::new("A controlled medicine", "Un medicamento controlado"),
                blocks: &[Block::Paragraph(Text::new(
                    "Ketamine is a Schedule III controlled substance under US law. This means it has accepted medical uses, but also a real risk of misuse and dependence. So the law limits who can prescribe it and how it is stored. Clinics that use it for pain give it in low doses, under close supervision.",
                    "La ketamina es una sustancia controlada de la Lista III según la ley de los Estados Unidos. Esto significa que tiene usos médicos aceptados, pero también un riesgo real de uso indebido y dependencia. Por eso la ley limita quién puede recetarla y cómo se guarda. Las clínicas que la usan para el dolor la dan en dosis bajas y bajo supervisión estrecha.",
                ))],
            },
            Section {
                heading: Text::new(
                    "Using ketamine for pain is off-label",
                    "Para el dolor, la ketamina se usa fuera de etiqueta",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "The FDA approved ketamine for anesthesia, not for chronic pain. Off-label means using a medicine for a purpose the FDA has not approved. Doctors may do this legally, and it is common. It also means the FDA has not reviewed how well ketamine works for pain.",
                        "La FDA aprobó la ketamina para la anestesia, no para el dolor crónico. Fuera de etiqueta significa usar un medicamento para un fin que la FDA no ha aprobado. Los médicos pueden hacerlo legalmente, y es común. También significa que la FDA no ha revisado qué tan bien funciona la ketamina para el dolor.",
                    )),
                    Block::Paragraph(Text::new(
                        "The evidence for pain is strongest for one condition: complex regional pain syndrome (CRPS). For most other chronic pain, including low back pain, a 2018 guideline found weak evidence or none. Where it found relief, it was short-term.",
                        "La evidencia para el dolor es más sólida en una sola afección: el síndrome de dolor regional complejo (SDRC). Para casi todo otro dolor crónico, incluido el de la parte baja de la espalda, una guía de 2018 encontró evidencia débil o nula. Cuando encontró alivio, fue solo a corto plazo.",
                    )),
                ],
            },
            Section {
                heading: Text::new("Depression is a separate use", "La depresión es un uso aparte"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "You may have heard that ketamine is used for depression. That is a separate use, with its own evaluation by a mental health professional. This clinic's pre-screening is about chronic pain only.",
                        "Tal vez haya oído que la ketamina se usa para la depresión. Ese es un uso aparte, con su propia evaluación por un profesional de salud mental. La evaluación previa de esta clínica es solo para el dolor crónico.",
                    )),
                    Block::Paragraph(Text::new(
                        "Ketamine itself is not FDA-approved for depression or any other mental health condition. A related medicine, esketamine nasal spray (Spravato), is FDA-approved for treatment-resistant depression: depression that has not improved after at least two other antidepressants. Because of its risks, Spravato is given only at certified clinics, under a special FDA safety program called a REMS. Staff there watch each patient for at least 2 hours after a dose.",
                        "La ketamina en sí no está aprobada por la FDA para la depresión ni para ninguna otra afección de salud mental. Un medicamento relacionado, la esketamina en aerosol nasal (Spravato), está aprobado por la FDA para la depresión resistente al tratamiento: una depresión que no ha mejorado con al menos otros dos antidepresivos. Por sus riesgos, Spravato solo se da en clínicas certificadas, dentro de un programa de seguridad especial de la FDA llamado REMS. Allí el personal vigila a cada paciente durante al menos 2 horas después de una dosis.",
                    )),
                ],
            },
        ],
        sources: &[COHEN_2018, KETALAR_PI, FDA_2023, FDA_SPRAVATO_2019],
        last_reviewed: REVIEWED,
    },
    // 2 ─────────────────────────────────────────────────────────────────────────────
    Page {
        slug: "back-pain-symptoms",
        title: Text::new(
            "Chronic back pain: symptoms and warning signs",
            "Dolor de espalda crónico: síntomas y señales de alarma",
        ),
        description: Text::new(
            "Common symptoms of chronic back pain, when back pain counts as chronic, and the warning signs that need emergency or urgent care right away.",
            "Síntomas comunes del dolor de espalda crónico, cuándo se considera crónico y las señales de alarma que requieren atención de emergencia o urgente.",
        ),
        summary: Text::new(
            "Back pain is very common, and most new back pain gets better with time. Some symptoms, though, mean you need medical care right away.",
            "El dolor de espalda es muy común, y la mayoría del dolor de espalda nuevo mejora con el tiempo. Sin embargo, algunos síntomas indican que necesita atención médica de inmediato.",
        ),
        sections: &[
            Section {
                heading: Text::new(
                    "Warning signs: get care now",
                    "Señales de alarma: busque atención ahora",
                ),
                blocks: &[
                    Block::Notice(Notice {
                        tone: Tone::Emergency,
                        heading: Text::new(
                            "Emergency: call 911 for these signs",
                            "Emergencia: llame al 911 si tiene estas señales",
                        ),
                        blocks: &[
                            Block::Paragraph(Text::new(
                                "Call [911](tel:911) or go to the nearest emergency room now if you have back pain with any of these:",
                                "Llame al [911](tel:911) o vaya a la sala de emergencias más cercana ahora si tiene dolor de espalda con cualquiera de estas señales:",
                            )),
                            Block::List(&[
                                Text::new(
                                    "New trouble controlling your bladder or bowels, or new trouble peeing",
                                    "Problemas nuevos para controlar la orina o las evacuaciones, o dificultad nueva para orinar",
                                ),
                                Text::new(
                                    "New numbness in your groin, buttocks, inner thighs or genitals (the areas that would touch a saddle)",
                                    "Adormecimiento nuevo en la ingle, los glúteos, la parte interna de los muslos o los genitales (las zonas que tocarían una silla de montar)",
                                ),
                                Text::new(
                                    "New loss of sexual function, such as loss of feeling or of erections",
                                    "Pérdida nueva de la función sexual, como pérdida de sensibilidad o de la erección",
                                ),
                                Text::new(
                                    "New or worsening pain, numbness or weakness in both legs at the same time",
                                    "Dolor, adormecimiento o debilidad nuevos o que empeoran en ambas piernas a la vez",
                                ),
                            ]),
                            Block::Paragraph(Text::new(
                                "New means it started, or got worse, in the last few weeks. Some people have had symptoms in both legs for a long time, for example from known spinal stenosis (a narrow spinal canal). That alone is not an emergency. Tell your doctor if the symptoms change.",
                                "Nuevo significa que empezó, o empeoró, en las últimas semanas. Algunas personas tienen síntomas en ambas piernas desde hace mucho tiempo, por ejemplo por una estenosis espinal ya conocida (un canal de la columna estrecho). Eso por sí solo no es una emergencia. Avise a su médico si los síntomas cambian.",
                            )),
                        ],
                    }),
                    Block::Paragraph(Text::new(
                        "See a doctor today or tomorrow if you have back pain with any of these:",
                        "Vea a un médico hoy o mañana si tiene dolor de espalda con cualquiera de estas señales:",
                    )),
                    Block::List(&[
                        Text::new("Weakness in one leg that is getting worse", "Debilidad en una pierna que va empeorando"),
                        Text::new("Fever or chills", "Fiebre o escalofríos"),
                        Text::new(
                            "New back pain after you have had cancer",
                            "Dolor de espalda nuevo si usted ha tenido cáncer",
                        ),
                        Text::new("Weight loss you cannot explain", "Pérdida de peso sin explicación"),
                        Text::new(
                            "A fall, accident or injury to your back in the last 6 weeks",
                            "Una caída, un accidente o una lesión en la espalda en las últimas 6 semanas",
                        ),
                    ]),
                ],
            },
            Section {
                heading: Text::new("What warning signs mean", "Qué significan las señales de alarma"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "These signs do not tell you what is wrong. They tell you that a doctor needs to check you soon. Do not wait for a ketamine consult if you have any of them.",
                        "Estas señales no le dicen qué problema tiene. Le indican que un médico necesita revisarlo(a) pronto. No espere una consulta sobre ketamina si tiene alguna de ellas.",
                    )),
                    Block::Paragraph(Text::new(
                        "The emergency signs can mean pressure on the nerves at the bottom of your spine (cauda equina syndrome). This needs treatment fast to help prevent lasting damage.",
                        "Las señales de emergencia pueden indicar presión sobre los nervios de la parte baja de la columna (síndrome de cauda equina). Esto necesita tratamiento rápido para ayudar a evitar daños duraderos.",
                    )),
                ],
            },
            Section {
                heading: Text::new(
                    "Common symptoms of chronic back pain",
                    "Síntomas comunes del dolor de espalda crónico",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Back pain can start at any age. It may follow an accident, a fall or lifting something heavy. It can also come on slowly, with changes in the spine as you age or with an inflammatory condition. People with chronic back pain often notice:",
                        "El dolor de espalda puede empezar a cualquier edad. Puede aparecer después de un accidente, una caída o al levantar algo pesado. También puede llegar poco a poco, con los cambios de la columna que vienen con la edad o por una enfermedad inflamatoria. Las personas con dolor de espalda crónico a menudo notan:",
                    )),
                    Block::List(&[
                        Text::new(
                            "Shooting pain when you bend or lift",
                            "Dolor punzante al agacharse o al levantar cosas",
                        ),
                        Text::new(
                            "Severe pain when you turn over in bed at night",
                            "Dolor fuerte al voltearse en la cama por la noche",
                        ),
                        Text::new(
                            "Flare-ups that come and go, often lasting 24 to 48 hours",
                            "Crisis de dolor que van y vienen y que a menudo duran de 24 a 48 horas",
                        ),
                        Text::new(
                            "Stiffness in your back and legs in the morning",
                            "Rigidez en la espalda y las piernas por la mañana",
                        ),
                        Text::new(
                            "Pain that spreads from your pelvis to your buttocks and legs",
                            "Dolor que se extiende de la pelvis a los glúteos y las piernas",
                        ),
                    ]),
                ],
            },
            Section {
                heading: Text::new(
                    "When back pain counts as chronic",
                    "Cuándo el dolor de espalda se considera crónico",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Doctors call back pain chronic when it has lasted 3 months or more. Most new back pain gets better with time, staying active and simple treatments.",
                        "Los médicos llaman crónico al dolor de espalda cuando ha durado 3 meses o más. La mayoría del dolor de espalda nuevo mejora con el tiempo, si se mantiene activo(a) y con tratamientos sencillos.",
                    )),
                    Block::Paragraph(Text::new(
                        "See your doctor if your symptoms do not settle within a few days, or if medicine does not help.",
                        "Consulte a su médico si sus síntomas no se calman en unos días o si el medicamento no le hace efecto.",
                    )),
                ],
            },
        ],
        sources: &[NICE_NG59, ACP_APS_2007, BASS_2018],
        last_reviewed: REVIEWED,
    },
    // 3 ─────────────────────────────────────────────────────────────────────────────
    Page {
        slug: "diagnosis",
        title: Text::new("How back pain is diagnosed", "Cómo se diagnostica el dolor de espalda"),
        description: Text::new(
            "What to expect when a doctor checks your back pain: the exam, the 0–10 pain rating, and tests such as X-ray, MRI, CT, EMG and blood tests.",
            "Qué esperar cuando un médico revisa su dolor de espalda: el examen, la escala del 0 al 10 y pruebas como radiografía, resonancia, EMG y análisis.",
        ),
        summary: Text::new(
            "Finding the cause of back pain starts with a talk and a physical exam. Tests are used when they can help guide your care.",
            "Buscar la causa del dolor de espalda empieza con una conversación y un examen físico. Las pruebas se usan cuando pueden ayudar a orientar su atención.",
        ),
        sections: &[
            Section {
                heading: Text::new("The physical exam", "El examen físico"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Your doctor will ask about your pain: where it is, when it started, and what makes it better or worse. They will also ask about your health and the treatments you have tried.",
                        "Su médico le preguntará sobre su dolor: dónde está, cuándo empezó y qué lo mejora o lo empeora. También le preguntará sobre su salud y los tratamientos que ha probado.",
                    )),
                    Block::Paragraph(Text::new(
                        "Then your doctor will watch how you sit, stand, walk and lie down. They may check how you bend, your strength, your reflexes and the feeling in your legs. This helps show where the pain may be coming from.",
                        "Luego su médico observará cómo se sienta, se para, camina y se acuesta. Puede revisar cómo se agacha, su fuerza, sus reflejos y la sensibilidad en las piernas. Esto ayuda a ver de dónde puede venir el dolor.",
                    )),
                ],
            },
            Section {
                heading: Text::new("Rating your pain from 0 to 10", "Calificar su dolor del 0 al 10"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "You will be asked to rate your pain with a number from 0 to 10. 0 means no pain. 10 means the worst pain you can imagine.",
                        "Le pedirán que califique su dolor con un número del 0 al 10. El 0 significa que no tiene dolor. El 10 significa el peor dolor que pueda imaginar.",
                    )),
                    Block::Paragraph(Text::new(
                        "There is no right or wrong answer. Your rating helps your doctor see how strong your pain is and how much it affects your daily life. Over time, it also shows whether a treatment is helping.",
                        "No hay respuestas correctas ni incorrectas. Su calificación ayuda a su médico a ver qué tan fuerte es su dolor y cuánto afecta su vida diaria. Con el tiempo, también muestra si un tratamiento está funcionando.",
                    )),
                ],
            },
            Section {
                heading: Text::new("Tests your doctor may order", "Pruebas que su médico puede pedir"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Many people with back pain do not need a scan. Guidelines advise tests when the results could change your care, such as when there are warning signs. Each test shows something different:",
                        "Muchas personas con dolor de espalda no necesitan estudios de imagen. Las guías aconsejan hacer pruebas cuando los resultados podrían cambiar su atención, por ejemplo, si hay señales de alarma. Cada prueba muestra algo distinto:",
                    )),
                    Block::List(&[
                        Text::new(
                            "X-ray: shows the bones. It can show a broken bone or signs of arthritis.",
                            "Radiografía: muestra los huesos. Puede mostrar un hueso roto o señales de artritis.",
                        ),
                        Text::new(
                            "MRI or CT scan: shows the spine in more detail, including the discs and nerves. It can show a herniated (slipped) disc or pressure on a nerve.",
                            "Resonancia magnética o tomografía computarizada: muestra la columna con más detalle, incluidos los discos y los nervios. Puede mostrar una hernia de disco o presión sobre un nervio.",
                        ),
                        Text::new(
                            "EMG (electromyography): tests how well your nerves and muscles work. It can show whether a nerve is damaged or irritated, for example by a herniated disc.",
                            "EMG (electromiografía): mide qué tan bien funcionan sus nervios y músculos. Puede mostrar si un nervio está dañado o irritado, por ejemplo, por una hernia de disco.",
                        ),
                        Text::new(
                            "Blood tests: can show signs of inflammation or an infection that may be causing your pain.",
                            "Análisis de sangre: pueden mostrar señales de inflamación o de una infección que podría estar causando su dolor.",
                        ),
                    ]),
                    Block::Paragraph(Text::new(
                        "Scans often show changes, such as worn discs, in people who have no pain at all. So your doctor looks at test results together with your symptoms and your exam.",
                        "Los estudios de imagen a menudo muestran cambios, como discos desgastados, en personas que no tienen ningún dolor. Por eso su médico revisa los resultados junto con sus síntomas y su examen.",
                    )),
                ],
            },
            Section {
                heading: Text::new("Bring your results", "Lleve sus resultados"),
                blocks: &[Block::Paragraph(Text::new(
                    "If you have had any of these tests, bring the reports to your consult, or tell the clinic where they were done. The pre-screening will ask which tests you have had.",
                    "Si le han hecho alguna de estas pruebas, lleve los informes a su consulta o dígale a la clínica dónde se las hicieron. La evaluación previa le preguntará qué pruebas le han hecho.",
                ))],
            },
        ],
        sources: &[NICE_NG59, ACP_APS_2007],
        last_reviewed: REVIEWED,
    },
    // 4 ─────────────────────────────────────────────────────────────────────────────
    Page {
        slug: "how-infusions-work",
        title: Text::new("How a ketamine infusion works", "Cómo funciona una infusión de ketamina"),
        description: Text::new(
            "What happens during a ketamine infusion for pain: a low dose through an IV, monitoring the whole time, a ride home, and often a series of visits.",
            "Qué pasa en una infusión de ketamina: una dosis baja por vía intravenosa, vigilancia constante, alguien que lo(a) lleve a casa y, a menudo, varias sesiones.",
        ),
        summary: Text::new(
            "A ketamine infusion gives a low dose of the medicine slowly through an IV while staff watch you closely. Results vary: some people get relief, and some do not.",
            "Una infusión de ketamina le da una dosis baja del medicamento poco a poco por la vena, bajo la vigilancia cercana del personal. Los resultados varían: algunas personas sienten alivio y otras no.",
        ),
        sections: &[
            Section {
                heading: Text::new("What the medicine does", "Qué hace el medicamento"),
                blocks: &[Block::Paragraph(Text::new(
                    "Ketamine blocks the NMDA receptor. This is a part of nerve cells that works like a switch for pain signals. It can become over-active when pain lasts a long time. Blocking it may turn down pain signals for a while.",
                    "La ketamina bloquea el receptor NMDA. Es una parte de las células nerviosas que funciona como un interruptor para las señales de dolor. Puede volverse demasiado activa cuando el dolor dura mucho tiempo. Al bloquearlo, las señales de dolor pueden bajar por un tiempo.",
                ))],
            },
            Section {
                heading: Text::new("Before your infusion", "Antes de la infusión"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "First, a clinician reviews your health, your medicines and your pain history. They decide with you whether an infusion is right for you, and if so, the dose and the plan.",
                        "Primero, un profesional de salud de la clínica revisa su salud, sus medicamentos y su historial de dolor. Decide con usted si una infusión es adecuada en su caso y, si lo es, la dosis y el plan.",
                    )),
                    Block::Paragraph(Text::new(
                        "Follow the clinic's instructions about eating and drinking before your visit. Plan for an adult to drive you home afterward.",
                        "Siga las instrucciones de la clínica sobre comer y beber antes de su cita. Organícese para que una persona adulta maneje y lo(a) lleve a casa después.",
                    )),
                ],
            },
            Section {
                heading: Text::new("During your infusion", "Durante la infusión"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "A nurse places a small tube (an IV) in a vein, usually in your arm or hand. A pump gives a low dose of ketamine slowly, over a set time. Depending on your plan, this may take less than an hour or several hours.",
                        "El personal de enfermería le coloca un tubo pequeño (una vía intravenosa) en una vena, por lo general del brazo o de la mano. Una bomba le da una dosis baja de ketamina poco a poco, durante un tiempo fijo. Según su plan, puede durar menos de una hora o varias horas.",
                    )),
                    Block::Paragraph(Text::new(
                        "Staff check your blood pressure, heart rate and oxygen level the whole time. Tell them right away if you feel unwell or scared. They can slow down or stop the infusion.",
                        "El personal revisa su presión arterial, su ritmo cardíaco y su nivel de oxígeno todo el tiempo. Avíseles de inmediato si se siente mal o con miedo. Pueden hacer más lenta la infusión o detenerla.",
                    )),
                    Block::Paragraph(Text::new(
                        "During the infusion you may feel detached, dream-like, dizzy or sleepy. Some people have hallucinations (seeing or hearing things that are not there), anxiety or panic, a headache, or nausea and vomiting. These effects can happen even at the low doses used for pain. They usually fade soon after the infusion ends. [The safety page](/learn/safety-and-side-effects) explains them in more detail.",
                        "Durante la infusión puede sentirse desconectado(a), como si estuviera soñando, mareado(a) o somnoliento(a). Algunas personas tienen alucinaciones (ven u oyen cosas que no están ahí), ansiedad o pánico, dolor de cabeza, o náuseas y vómitos. Estos efectos pueden pasar incluso con las dosis bajas que se usan para el dolor. Por lo general, pasan poco después de que termina la infusión. [La página de seguridad](/learn/safety-and-side-effects) los explica con más detalle.",
                    )),
                ],
            },
            Section {
                heading: Text::new("After your infusion", "Después de la infusión"),
                blocks: &[Block::Paragraph(Text::new(
                    "You will rest until staff say you can leave. Someone must drive you home. Do not drive, use machinery or make important decisions for at least 24 hours after an infusion, or longer if your clinician tells you to.",
                    "Descansará hasta que el personal le diga que puede irse. Alguien tiene que llevarlo(a) a casa. No maneje, no use maquinaria ni tome decisiones importantes durante al menos 24 horas después de una infusión, o por más tiempo si su profesional de salud se lo indica.",
                ))],
            },
            Section {
                heading: Text::new("What results to expect", "Qué resultados esperar"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Results vary from person to person. Some people feel relief during or soon after an infusion. Many need a series of infusions before they notice a change. Some people do not get relief at all.",
                        "Los resultados varían de una persona a otra. Algunas personas sienten alivio durante la infusión o poco después. Muchas necesitan una serie de infusiones antes de notar un cambio. Algunas personas no sienten ningún alivio.",
                    )),
                    Block::Paragraph(Text::new(
                        "For low back pain, the research is limited. A 2018 guideline found weak evidence or none, and only for short-term relief: from hours to a few weeks. It found no evidence that relief lasts longer, except in complex regional pain syndrome (CRPS), where relief may last up to about 12 weeks.",
                        "Para el dolor en la parte baja de la espalda, los estudios son limitados. Una guía de 2018 encontró evidencia débil o nula, y solo de alivio a corto plazo: de horas a unas pocas semanas. No encontró evidencia de que el alivio dure más, salvo en el síndrome de dolor regional complejo (SDRC), donde puede durar hasta unas 12 semanas.",
                    )),
                    Block::Paragraph(Text::new(
                        "Clinics often plan a series of infusions over days or weeks. If pain comes back, your clinician decides with you whether more infusions make sense.",
                        "Las clínicas a menudo planean una serie de infusiones a lo largo de días o semanas. Si el dolor regresa, su profesional de salud decide con usted si tiene sentido recibir más infusiones.",
                    )),
                    Block::Paragraph(Text::new(
                        "An infusion is one part of a broader pain plan. It works alongside other care, such as exercise and physical therapy.",
                        "Una infusión es una parte de un plan más amplio para el dolor. Se combina con otros cuidados, como el ejercicio y la fisioterapia.",
                    )),
                ],
            },
        ],
        sources: &[COHEN_2018, KETALAR_PI],
        last_reviewed: REVIEWED,
    },
    // 5 ─────────────────────────────────────────────────────────────────────────────
    Page {
        slug: "conditions-and-evidence",
        title: Text::new(
            "Ketamine for pain: conditions and evidence",
            "Ketamina para el dolor: afecciones y evidencia",
        ),
        description: Text::new(
            "Which pain conditions clinics treat with ketamine, and what research shows: moderate evidence for CRPS, weak evidence or none for most others.",
            "Para qué tipos de dolor se usa la ketamina y qué muestran los estudios: evidencia moderada para el SDRC y débil o nula para la mayoría de los demás.",
        ),
        summary: Text::new(
            "Clinics use ketamine for several kinds of hard-to-treat pain. The evidence is strongest for complex regional pain syndrome (CRPS), and weak or missing for most other chronic pain, including low back pain.",
            "Las clínicas usan la ketamina para varios tipos de dolor difícil de tratar. La evidencia es más sólida para el síndrome de dolor regional complejo (SDRC), y débil o nula para casi todo otro dolor crónico, incluido el de espalda baja.",
        ),
        sections: &[
            Section {
                heading: Text::new(
                    "Conditions clinics use it for",
                    "Afecciones para las que las clínicas la usan",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Pain clinics may consider ketamine infusions for pain that has not improved enough with other treatments, such as:",
                        "Las clínicas del dolor pueden considerar las infusiones de ketamina para el dolor que no ha mejorado lo suficiente con otros tratamientos, como:",
                    )),
                    Block::List(&[
                        Text::new(
                            "Back pain related to cancer. A Cochrane review, which sums up the good studies, looked at cancer pain. It found insufficient evidence to say whether adding ketamine to strong pain medicines (opioids) helps.",
                            "Dolor de espalda relacionado con el cáncer. Una revisión Cochrane, que resume los estudios buenos, analizó el dolor por cáncer. Encontró evidencia insuficiente para saber si ayuda agregar ketamina a los analgésicos fuertes (opioides).",
                        ),
                        Text::new(
                            "Spine pain after an injury (traumatic spinal pain)",
                            "Dolor de columna después de una lesión (dolor espinal traumático)",
                        ),
                        Text::new(
                            "Neuropathic pain (pain from damaged or irritated nerves)",
                            "Dolor neuropático (dolor causado por nervios dañados o irritados)",
                        ),
                        Text::new(
                            "Fibromyalgia (pain in many parts of the body, often with tiredness and poor sleep)",
                            "Fibromialgia (dolor en muchas partes del cuerpo, a menudo con cansancio y mal sueño)",
                        ),
                        Text::new(
                            "Complex regional pain syndrome (CRPS): severe pain that lasts a long time, usually in an arm or a leg, often after an injury",
                            "Síndrome de dolor regional complejo (SDRC): dolor fuerte que dura mucho tiempo, por lo general en un brazo o una pierna, a menudo después de una lesión",
                        ),
                    ]),
                    Block::Paragraph(Text::new(
                        "Being on this list does not mean ketamine will help your pain. The evidence is different for each condition.",
                        "Estar en esta lista no significa que la ketamina vaya a aliviar su dolor. La evidencia es distinta para cada afección.",
                    )),
                ],
            },
            Section {
                heading: Text::new("What the research shows", "Qué muestran los estudios"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "In 2018, three US pain and anesthesia societies (ASRA, AAPM and ASA) reviewed the research on ketamine infusions for chronic pain. They found:",
                        "En 2018, tres sociedades estadounidenses de dolor y anestesiología (ASRA, AAPM y ASA) revisaron los estudios sobre las infusiones de ketamina para el dolor crónico. Encontraron lo siguiente:",
                    )),
                    Block::List(&[
                        Text::new(
                            "CRPS: moderate evidence. Ketamine infusions may reduce pain for up to about 12 weeks.",
                            "SDRC: evidencia moderada. Las infusiones de ketamina pueden reducir el dolor hasta unas 12 semanas.",
                        ),
                        Text::new(
                            "Low back pain and most other chronic pain: weak evidence or none, and only for short-term relief, from hours to a few weeks.",
                            "Dolor en la parte baja de la espalda y casi todo otro dolor crónico: evidencia débil o nula, y solo de alivio a corto plazo, de horas a unas pocas semanas.",
                        ),
                        Text::new(
                            "Outside CRPS, they found no evidence that relief lasts longer than that.",
                            "Fuera del SDRC, no encontraron evidencia de que el alivio dure más que eso.",
                        ),
                    ]),
                    Block::Paragraph(Text::new(
                        "Weak evidence does not mean ketamine never helps. It means there are few good studies, or their results are mixed. So no one can predict well who will benefit.",
                        "Que la evidencia sea débil no significa que la ketamina nunca ayude. Significa que hay pocos estudios buenos o que sus resultados no coinciden. Por eso nadie puede predecir bien quién se beneficiará.",
                    )),
                ],
            },
            Section {
                heading: Text::new(
                    "What this means for back pain",
                    "Qué significa esto para el dolor de espalda",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "For chronic low back pain, ketamine is not a first choice. It is usually considered only after other treatments have not given enough relief.",
                        "Para el dolor crónico en la parte baja de la espalda, la ketamina no es una primera opción. Por lo general, se considera solo después de que otros tratamientos no han dado suficiente alivio.",
                    )),
                    Block::Paragraph(Text::new(
                        "Using ketamine for pain is off-label: it is used for a purpose the FDA has not approved. The FDA approved it for anesthesia, not for pain.",
                        "Para el dolor, la ketamina se usa fuera de etiqueta: es decir, para un fin que la FDA no ha aprobado. La FDA la aprobó para la anestesia, no para el dolor.",
                    )),
                ],
            },
            Section {
                heading: Text::new(
                    "One option within a broader pain plan",
                    "Una opción dentro de un plan más amplio para el dolor",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Ketamine is not a cure. It is one tool among many. A good pain plan often includes exercise, physical therapy, talk therapy that helps you cope with pain, medicines, and sometimes injections or surgery.",
                        "La ketamina no es una cura. Es una herramienta entre muchas. Un buen plan para el dolor a menudo incluye ejercicio, fisioterapia, terapia psicológica para aprender a sobrellevar el dolor, medicamentos y, a veces, inyecciones o cirugía.",
                    )),
                    Block::Paragraph(Text::new(
                        "You and a clinician decide together whether ketamine fits into your plan.",
                        "Usted y un profesional de salud de la clínica deciden juntos si la ketamina tiene lugar en su plan.",
                    )),
                ],
            },
        ],
        sources: &[COHEN_2018, COCHRANE_2017, NICE_NG59, KETALAR_PI],
        last_reviewed: REVIEWED,
    },
    // 6 ─────────────────────────────────────────────────────────────────────────────
    Page {
        slug: "who-should-consider-it",
        title: Text::new(
            "Who might consider a ketamine consult",
            "Quién podría considerar una consulta sobre ketamina",
        ),
        description: Text::new(
            "Who might consider a ketamine consult for chronic pain, which health conditions need a talk with a clinician first, and who makes the decision.",
            "Quién podría considerar una consulta sobre ketamina, qué afecciones requieren hablar antes con un profesional de salud y quién toma la decisión.",
        ),
        summary: Text::new(
            "A consult may make sense if your pain has lasted 3 months or more and other treatments have not helped enough. A clinician makes every treatment decision with you.",
            "Una consulta puede tener sentido si su dolor ha durado 3 meses o más y otros tratamientos no han aliviado lo suficiente su dolor. Un profesional de salud de la clínica toma con usted cada decisión sobre el tratamiento.",
        ),
        sections: &[
            Section {
                heading: Text::new(
                    "Reasons to ask about a consult",
                    "Razones para pedir una consulta",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "A consult may be worth asking about if you are 18 or older and your pain has lasted 3 months or more. One of these should also be true:",
                        "Puede valer la pena pedir una consulta si usted tiene 18 años o más y su dolor ha durado 3 meses o más. Además, debe cumplirse una de estas situaciones:",
                    )),
                    Block::List(&[
                        Text::new(
                            "You have tried at least two other treatments, such as physical therapy, medicines or injections, without enough relief.",
                            "Ha probado al menos otros dos tratamientos, como fisioterapia, medicamentos o inyecciones, sin suficiente alivio.",
                        ),
                        Text::new(
                            "You have surgery coming up, and you want a plan for your pain around it.",
                            "Tiene una cirugía próxima y quiere un plan para su dolor antes y después de ella.",
                        ),
                    ]),
                    Block::Paragraph(Text::new(
                        "How much your pain affects you also matters. The pre-screening asks you to rate your pain from 0 to 10 and how much it gets in the way of your daily life. It also has some optional mood questions, because pain and mood affect each other.",
                        "También importa cuánto le afecta el dolor. La evaluación previa le pide calificar su dolor del 0 al 10 y decir cuánto interfiere con su vida diaria. También tiene algunas preguntas opcionales sobre el estado de ánimo, porque el dolor y el ánimo se afectan entre sí.",
                    )),
                ],
            },
            Section {
                heading: Text::new(
                    "When a consult is usually not the next step yet",
                    "Cuándo una consulta todavía no suele ser el siguiente paso",
                ),
                blocks: &[Block::List(&[
                    Text::new(
                        "Your pain started less than 3 months ago. Most new back pain gets better with time and simple care.",
                        "Su dolor empezó hace menos de 3 meses. La mayoría del dolor de espalda nuevo mejora con el tiempo y con cuidados sencillos.",
                    ),
                    Text::new(
                        "You have not tried other treatments yet. These are usually tried first.",
                        "Todavía no ha probado otros tratamientos. Por lo general, se prueban primero.",
                    ),
                    Text::new(
                        "Your pain is mild and does not get in the way of your life much.",
                        "Su dolor es leve y no interfiere mucho con su vida.",
                    ),
                    Text::new(
                        "You are under 18. This clinic's ketamine consults are for adults.",
                        "Usted tiene menos de 18 años. Las consultas sobre ketamina de esta clínica son para adultos.",
                    ),
                ])],
            },
            Section {
                heading: Text::new(
                    "Talk with a clinician first",
                    "Hable primero con un profesional de salud de la clínica",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Some health conditions make ketamine riskier. They do not rule you out on their own. But a clinician needs to talk with you before a consult is booked. Tell the clinic if any of these apply to you:",
                        "Algunas afecciones hacen que la ketamina sea más riesgosa. Por sí solas no significan que no pueda recibir tratamiento. Pero un profesional de salud de la clínica necesita hablar con usted antes de programar una consulta. Avise a la clínica si alguna de estas situaciones se aplica a usted:",
                    )),
                    Block::List(&[
                        Text::new(
                            "High blood pressure that is not well controlled",
                            "Presión arterial alta que no está bien controlada",
                        ),
                        Text::new("Heart disease", "Enfermedad del corazón"),
                        Text::new(
                            "Pregnancy or breastfeeding",
                            "Embarazo o lactancia",
                        ),
                        Text::new(
                            "Psychosis (losing touch with what is real, such as hearing voices others do not hear)",
                            "Psicosis (perder el contacto con la realidad, como oír voces que otras personas no oyen)",
                        ),
                        Text::new("Bipolar disorder", "Trastorno bipolar"),
                        Text::new("Liver disease", "Enfermedad del hígado"),
                        Text::new(
                            "Raised pressure inside your eye (such as some types of glaucoma) or inside your head",
                            "Presión alta dentro del ojo (como en algunos tipos de glaucoma) o dentro de la cabeza",
                        ),
                        Text::new(
                            "Problems with alcohol or drug use",
                            "Problemas con el consumo de alcohol o drogas",
                        ),
                        Text::new(
                            "A bad reaction to ketamine in the past, or bladder problems linked to ketamine",
                            "Una mala reacción a la ketamina en el pasado, o problemas de la vejiga relacionados con la ketamina",
                        ),
                    ]),
                    Block::Paragraph(Text::new(
                        "Also tell the clinic about all the medicines and supplements you take.",
                        "Informe también a la clínica sobre todos los medicamentos y suplementos que toma.",
                    )),
                ],
            },
            Section {
                heading: Text::new("Warning signs come first", "Las señales de alarma van primero"),
                blocks: &[Block::Notice(Notice {
                    tone: Tone::Emergency,
                    heading: Text::new(
                        "Emergency: call 911 for these signs",
                        "Emergencia: llame al 911 si tiene estas señales",
                    ),
                    blocks: &[
                        Block::Paragraph(Text::new(
                            "Call [911](tel:911) or go to an emergency room now if you have back pain with any of these:",
                            "Llame al [911](tel:911) o vaya a una sala de emergencias ahora si tiene dolor de espalda con cualquiera de estas señales:",
                        )),
                        Block::List(&[
                            Text::new(
                                "New trouble controlling your bladder or bowels",
                                "Problemas nuevos para controlar la orina o las evacuaciones",
                            ),
                            Text::new(
                                "New numbness in your groin, buttocks or genitals",
                                "Adormecimiento nuevo en la ingle, los glúteos o los genitales",
                            ),
                            Text::new(
                                "New or worsening weakness in both legs",
                                "Debilidad nueva o que empeora en ambas piernas",
                            ),
                        ]),
                        Block::Paragraph(Text::new(
                            "A ketamine consult can wait. [The warning signs page](/learn/back-pain-symptoms) lists every sign.",
                            "La consulta sobre ketamina puede esperar. [La página de señales de alarma](/learn/back-pain-symptoms) explica todas las señales.",
                        )),
                    ],
                })],
            },
            Section {
                heading: Text::new(
                    "A clinician makes every decision",
                    "Un profesional de salud de la clínica toma con usted cada decisión",
                ),
                blocks: &[Block::Paragraph(Text::new(
                    "The online pre-screening does not decide whether you get ketamine. It only suggests your safest next step. A clinician reviews your answers, talks with you, and makes every treatment decision with you.",
                    "La evaluación previa en línea no decide si usted recibe ketamina. Solo le sugiere el siguiente paso más seguro. Un profesional de salud de la clínica revisa sus respuestas, habla con usted y toma con usted cada decisión sobre el tratamiento.",
                ))],
            },
        ],
        sources: &[COHEN_2018, NICE_NG59, ACP_APS_2007],
        last_reviewed: REVIEWED,
    },
    // 7 ─────────────────────────────────────────────────────────────────────────────
    Page {
        slug: "safety-and-side-effects",
        title: Text::new(
            "Ketamine safety and side effects",
            "Seguridad y efectos secundarios de la ketamina",
        ),
        description: Text::new(
            "Common and rare side effects of ketamine infusions, how clinics keep you safe, the risk of misuse, and FDA warnings about at-home ketamine.",
            "Efectos secundarios comunes y poco comunes de la ketamina, cómo cuida la clínica su seguridad, el riesgo de uso indebido y las advertencias de la FDA.",
        ),
        summary: Text::new(
            "Ketamine has real side effects and risks, both during an infusion and with frequent use. Knowing them helps you make a safe choice with your clinician.",
            "La ketamina tiene efectos secundarios y riesgos reales, tanto durante una infusión como con el uso frecuente. Conocerlos es importante para tomar una decisión segura junto con su profesional de salud.",
        ),
        sections: &[
            Section {
                heading: Text::new(
                    "Common effects during and soon after an infusion",
                    "Efectos comunes durante la infusión y poco después",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Many people notice some of these effects during an infusion or shortly after it, even at the low doses used for pain:",
                        "Muchas personas notan algunos de estos efectos durante una infusión o poco después, incluso con las dosis bajas que se usan para el dolor:",
                    )),
                    Block::List(&[
                        Text::new(
                            "Feeling detached or dream-like, as if you are outside your body or things are not real",
                            "Sentirse desconectado(a) o como en un sueño, como si estuviera fuera de su cuerpo o las cosas no fueran reales",
                        ),
                        Text::new(
                            "Seeing or hearing things that are not there (hallucinations)",
                            "Ver u oír cosas que no están ahí (alucinaciones)",
                        ),
                        Text::new("Anxiety or panic", "Ansiedad o pánico"),
                        Text::new("Sleepiness", "Somnolencia"),
                        Text::new("Dizziness or blurred vision", "Mareo o visión borrosa"),
                        Text::new("Headache", "Dolor de cabeza"),
                        Text::new(
                            "Nausea and vomiting (feeling sick to your stomach and throwing up)",
                            "Náuseas y vómitos",
                        ),
                        Text::new(
                            "Higher blood pressure and a faster heart rate",
                            "Presión arterial más alta y ritmo cardíaco más rápido",
                        ),
                        Text::new(
                            "Vivid dreams for a few nights afterward",
                            "Sueños muy vívidos durante algunas noches después",
                        ),
                    ]),
                ],
            },
            Section {
                heading: Text::new("How the clinic keeps you safe", "Cómo la clínica cuida su seguridad"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Staff monitor your blood pressure, heart rate and oxygen throughout the infusion. They can slow it down, stop it, or give you other medicine, for example for nausea.",
                        "El personal vigila su presión arterial, su ritmo cardíaco y su oxígeno durante toda la infusión. Puede hacerla más lenta, detenerla o darle otro medicamento, por ejemplo, para las náuseas.",
                    )),
                    Block::Paragraph(Text::new(
                        "You need someone to drive you home. Do not drive, use machinery or make important decisions for at least 24 hours after an infusion.",
                        "Necesita que alguien lo(a) lleve a casa. No maneje, no use maquinaria ni tome decisiones importantes durante al menos 24 horas después de una infusión.",
                    )),
                    Block::Notice(Notice {
                        tone: Tone::Emergency,
                        heading: Text::new("Emergency: when to call 911", "Emergencia: cuándo llamar al 911"),
                        blocks: &[Block::Paragraph(Text::new(
                            "Call [911](tel:911) right away if you have chest pain, trouble breathing or sudden confusion after an infusion.",
                            "Llame al [911](tel:911) de inmediato si tiene dolor en el pecho, dificultad para respirar o confusión repentina después de una infusión.",
                        ))],
                    }),
                ],
            },
            Section {
                heading: Text::new("Rare but serious problems", "Problemas poco comunes pero graves"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "With frequent or high-dose use, ketamine can damage the bladder and the liver. Tell the clinic right away if you notice:",
                        "Con el uso frecuente o en dosis altas, la ketamina puede dañar la vejiga y el hígado. Avise a la clínica de inmediato si nota:",
                    )),
                    Block::List(&[
                        Text::new(
                            "Pain when you pee, needing to pee often or in a hurry, or blood in your urine",
                            "Dolor al orinar, necesidad de orinar muy seguido o con urgencia, o sangre en la orina",
                        ),
                        Text::new(
                            "Yellow skin or eyes, dark urine, or pain in the upper right side of your belly",
                            "Piel u ojos amarillos, orina oscura o dolor en la parte superior derecha del abdomen",
                        ),
                    ]),
                    Block::Paragraph(Text::new(
                        "Strong mental effects can happen at any dose. At the higher doses used for anesthesia, about 12 out of 100 people have emergence reactions as they wake up: vivid dreams, hallucinations, confusion or agitation. At the low doses used for pain, hallucinations, anxiety and panic can happen too. Staff watch for them and can slow down or stop the infusion.",
                        "Los efectos mentales fuertes pueden pasar con cualquier dosis. Con las dosis más altas que se usan para la anestesia, unas 12 de cada 100 personas tienen reacciones al despertar: sueños muy vívidos, alucinaciones, confusión o agitación. Con las dosis bajas que se usan para el dolor también pueden darse alucinaciones, ansiedad y pánico. El personal está atento y puede hacer más lenta la infusión o detenerla.",
                    )),
                ],
            },
            Section {
                heading: Text::new("Misuse and dependence", "Uso indebido y dependencia"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Ketamine is a Schedule III controlled substance. This means it has accepted medical uses, but also a real risk of misuse and dependence, especially with frequent use. So US law limits who can prescribe it and how it is stored.",
                        "La ketamina es una sustancia controlada de la Lista III. Esto significa que tiene usos médicos aceptados, pero también un riesgo real de uso indebido y dependencia, sobre todo con el uso frecuente. Por eso la ley de los Estados Unidos limita quién puede recetarla y cómo se guarda.",
                    )),
                    Block::Paragraph(Text::new(
                        "That is why clinics ask about alcohol and drug use, keep doses low, and give ketamine only under supervision. These questions are routine and confidential. Honest answers help keep you safe.",
                        "Por eso las clínicas preguntan sobre el consumo de alcohol y drogas, mantienen las dosis bajas y dan la ketamina solo bajo supervisión. Estas preguntas son de rutina y confidenciales. Responder con sinceridad ayuda a cuidar su seguridad.",
                    )),
                ],
            },
            Section {
                heading: Text::new(
                    "FDA warnings about compounded and at-home ketamine",
                    "Advertencias de la FDA sobre la ketamina preparada en farmacias y para uso en casa",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "In 2022 and 2023, the FDA warned about compounded ketamine: ketamine mixed by a pharmacy, not made by a drug company. The warnings were about nasal sprays and pills, often sold through telehealth for mental health conditions and taken at home without monitoring. Without a health care provider watching, side effects such as high blood pressure, slowed breathing and strong mental effects can be dangerous.",
                        "En 2022 y 2023, la FDA advirtió sobre la ketamina compuesta: ketamina preparada en una farmacia, no fabricada por una compañía farmacéutica. Las advertencias eran sobre aerosoles nasales y pastillas, a menudo vendidos por telemedicina para afecciones de salud mental y usados en casa sin vigilancia. Sin un profesional de salud que lo(a) vigile, efectos como la presión arterial alta, la respiración lenta y los efectos mentales fuertes pueden ser peligrosos.",
                    )),
                    Block::Paragraph(Text::new(
                        "Only receive ketamine from a licensed health care professional, in a setting where you are monitored. Ketamine itself is not FDA-approved for any mental health condition. A related medicine, esketamine nasal spray (Spravato), is FDA-approved for treatment-resistant depression. It is given only at certified clinics, under an FDA safety program called a REMS.",
                        "Reciba ketamina solo de un profesional de salud con licencia, en un lugar donde lo(a) vigilen. La ketamina en sí no está aprobada por la FDA para ninguna afección de salud mental. Un medicamento relacionado, la esketamina en aerosol nasal (Spravato), está aprobado por la FDA para la depresión resistente al tratamiento. Solo se da en clínicas certificadas, dentro de un programa de seguridad de la FDA llamado REMS.",
                    )),
                ],
            },
            Section {
                heading: Text::new("If you are in crisis", "Si está en crisis"),
                blocks: &[Block::Notice(Notice {
                    tone: Tone::Lifeline,
                    heading: Text::new(
                        "The Suicide & Crisis Lifeline: help right now",
                        "Línea de Prevención del Suicidio y Crisis: ayuda ahora mismo",
                    ),
                    blocks: &[
                        Block::Paragraph(Text::new(
                            "If you are thinking about harming yourself, call [988](tel:988) or text [988](sms:988) now. The Suicide & Crisis Lifeline is free and open 24 hours a day. For help in Spanish, call [988](tel:988) and press 2, or text AYUDA to [988](sms:988).",
                            "Si está pensando en hacerse daño, llame al [988](tel:988) o envíe un mensaje de texto al [988](sms:988) ahora. La Línea de Prevención del Suicidio y Crisis es gratis y atiende las 24 horas. Para recibir ayuda en español, llame al [988](tel:988) y oprima el 2, o envíe la palabra AYUDA por mensaje de texto al [988](sms:988).",
                        )),
                        Block::Paragraph(Text::new(
                            "If you are in danger right now, call [911](tel:911).",
                            "Si está en peligro en este momento, llame al [911](tel:911).",
                        )),
                    ],
                })],
            },
        ],
        sources: &[KETALAR_PI, COHEN_2018, FDA_2022, FDA_2023, LIFELINE_988],
        last_reviewed: REVIEWED,
    },
    // 8 ─────────────────────────────────────────────────────────────────────────────
    Page {
        slug: "insurance-and-cost",
        title: Text::new("Insurance and cost", "Seguro médico y costo"),
        description: Text::new(
            "What in-network means for your consult, why ketamine infusions for pain are often not covered, and how the clinic checks your benefits first.",
            "Qué significa estar dentro de la red para su consulta, por qué las infusiones de ketamina a menudo no están cubiertas y cómo la clínica revisa su plan.",
        ),
        summary: Text::new(
            "The clinic can bill some insurance plans for the consult visit. Ketamine infusions for pain are often not covered, so the clinic checks your benefits and explains self-pay prices before any treatment.",
            "La clínica puede facturar la consulta a algunos planes de seguro. Como las infusiones para el dolor a menudo no están cubiertas, la clínica revisa sus beneficios y le explica los precios de pago por cuenta propia antes de cualquier tratamiento.",
        ),
        sections: &[
            Section {
                heading: Text::new("What in-network means", "Qué significa estar dentro de la red"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "The clinic is in-network with Blue Cross and Blue Shield of Texas (BCBS Texas), UnitedHealthcare and Cigna. In-network means the clinic has a contract with your plan. For these plans, the consult visit can be billed to your insurance.",
                        "La clínica está dentro de la red de Blue Cross and Blue Shield of Texas (BCBS Texas), UnitedHealthcare y Cigna. Estar dentro de la red significa que la clínica tiene un contrato con su plan. Con estos planes, la consulta se puede facturar a su seguro.",
                    )),
                    Block::Paragraph(Text::new(
                        "In-network does not mean every service is covered. Your plan's usual costs may still apply to the consult:",
                        "Estar dentro de la red no significa que todos los servicios estén cubiertos. Los costos habituales de su plan pueden aplicarse a la consulta:",
                    )),
                    Block::List(&[
                        Text::new(
                            "Copay: a set amount you pay for each visit",
                            "Copago: una cantidad fija que usted paga por cada consulta",
                        ),
                        Text::new(
                            "Deductible: what you pay each year before your plan starts to pay",
                            "Deducible: lo que usted paga cada año antes de que su plan empiece a pagar",
                        ),
                        Text::new(
                            "Coinsurance: a percentage of the cost that you pay after your deductible, for example 20%",
                            "Coseguro: un porcentaje del costo que usted paga después del deducible, por ejemplo, el 20%",
                        ),
                    ]),
                ],
            },
            Section {
                heading: Text::new(
                    "Infusions are often not covered",
                    "Las infusiones a menudo no están cubiertas",
                ),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Many insurance plans treat ketamine infusions for pain as not covered. This can be true even for plans the clinic is in-network with. One reason is that using ketamine for pain is off-label: it is used for a purpose the FDA has not approved. The FDA approved ketamine for anesthesia. Another reason is that the research for most kinds of pain is limited.",
                        "Muchos planes de seguro consideran que las infusiones de ketamina para el dolor no están cubiertas. Esto puede pasar incluso con los planes con los que la clínica está dentro de la red. Una razón es que, para el dolor, la ketamina se usa fuera de etiqueta: es decir, para un fin que la FDA no ha aprobado. La FDA aprobó la ketamina para la anestesia. Otra razón es que los estudios para la mayoría de los tipos de dolor son limitados.",
                    )),
                    Block::Paragraph(Text::new(
                        "If your plan does not cover infusions, you would pay for them yourself (self-pay).",
                        "Si su plan no cubre las infusiones, usted tendría que pagarlas por su cuenta (pago por cuenta propia).",
                    )),
                ],
            },
            Section {
                heading: Text::new(
                    "What the clinic does before treatment",
                    "Qué hace la clínica antes del tratamiento",
                ),
                blocks: &[
                    Block::List(&[
                        Text::new(
                            "Checks your insurance benefits before any treatment",
                            "Revisa los beneficios de su seguro antes de cualquier tratamiento",
                        ),
                        Text::new(
                            "Tells you what it learns about what your plan may pay",
                            "Le informa lo que averigüe sobre lo que su plan podría pagar",
                        ),
                        Text::new(
                            "Explains self-pay prices, so you can decide before you agree to treatment",
                            "Le explica los precios de pago por cuenta propia, para que pueda decidir antes de aceptar el tratamiento",
                        ),
                    ]),
                    Block::Paragraph(Text::new(
                        "Even after a benefits check, your plan makes the final decision about coverage. No one can promise that your plan will pay.",
                        "Aun después de revisar los beneficios, su plan toma la decisión final sobre la cobertura. Nadie puede prometerle que su plan pagará.",
                    )),
                ],
            },
            Section {
                heading: Text::new("What to bring and what to ask", "Qué traer y qué preguntar"),
                blocks: &[
                    Block::Paragraph(Text::new(
                        "Bring your insurance card and a photo ID to your consult. If someone else is the main member on your plan, bring their name and date of birth too.",
                        "Traiga su tarjeta del seguro y una identificación con foto a su consulta. Si otra persona es el titular de su plan, traiga también su nombre y fecha de nacimiento.",
                    )),
                    Block::Paragraph(Text::new(
                        "You can also call the number on your insurance card and ask:",
                        "También puede llamar al número que aparece en su tarjeta del seguro y preguntar:",
                    )),
                    Block::List(&[
                        Text::new(
                            "Will my plan pay for a consult visit with this clinic, and what will I owe?",
                            "¿Mi plan paga una consulta con esta clínica y cuánto tendré que pagar yo?",
                        ),
                        Text::new(
                            "Does my plan cover ketamine infusions for chronic pain?",
                            "¿Mi plan cubre las infusiones de ketamina para el dolor crónico?",
                        ),
                        Text::new(
                            "Do I need a referral from my doctor?",
                            "¿Necesito un referido de mi médico?",
                        ),
                        Text::new(
                            "Do I need prior authorization? This is approval from your plan before treatment. Without it, your plan may not pay.",
                            "¿Necesito una autorización previa? Es la aprobación de su plan antes del tratamiento. Sin ella, es posible que su plan no pague.",
                        ),
                    ]),
                ],
            },
        ],
        sources: &[COHEN_2018, KETALAR_PI],
        last_reviewed: REVIEWED,
    },
];

#[cfg(test)]
mod tests;
