//! The claim tests of the education pages: what each page must and must not say
//! (`shared/spec/content.md`), in both languages.

use super::*;

const SLUGS: [&str; 8] = [
    "what-is-ketamine",
    "back-pain-symptoms",
    "diagnosis",
    "how-infusions-work",
    "conditions-and-evidence",
    "who-should-consider-it",
    "safety-and-side-effects",
    "insurance-and-cost",
];

/// The seed's false or overstated claims (content.md, "Correct"), in both languages.
const FORBIDDEN: [&str; 14] = [
    "no adverse effects",
    "no side effects",
    "no potential for drug abuse",
    "no potential for abuse",
    "does not cause any dependence",
    "no dependence",
    "best therapeutic method",
    "permanent solution",
    "scale of 1 to 10",
    "OCD",
    "sin efectos secundarios",
    "sin efectos adversos",
    "no causa dependencia",
    "escala del 1 al 10",
];

/// More wordings of the same false claims, so a rewrite cannot slip past the list above.
const ALSO_FORBIDDEN: [&str; 16] = [
    "1 to 10",
    "1-10",
    "1–10",
    "1 al 10",
    "not addictive",
    "non-addictive",
    "no adictiva",
    "solución permanente",
    "mejor método",
    "obsessive",
    "obsesivo",
    "restores synaptic",
    "restaura las conexiones",
    "effective and long-lasting",
    "eficaz y duradera",
    "after the first session",
];

/// Every piece of text on a page, with a label saying where it is.
fn texts(page: &Page) -> Vec<(String, Text)> {
    let mut out = vec![
        (format!("{}: title", page.slug), page.title),
        (format!("{}: description", page.slug), page.description),
        (format!("{}: summary", page.slug), page.summary),
    ];
    for (i, section) in page.sections.iter().enumerate() {
        out.push((format!("{}: section {i} heading", page.slug), section.heading));
        block_texts(&format!("{}: section {i}", page.slug), section.blocks, &mut out);
    }
    out
}

/// The texts of some blocks, notices included, in reading order.
fn block_texts(at: &str, blocks: &[Block], out: &mut Vec<(String, Text)>) {
    for (j, block) in blocks.iter().enumerate() {
        match block {
            Block::Paragraph(t) => out.push((format!("{at} block {j}"), *t)),
            Block::List(items) => {
                for (k, t) in items.iter().enumerate() {
                    out.push((format!("{at} block {j} item {k}"), *t));
                }
            }
            Block::Notice(n) => {
                out.push((format!("{at} block {j} notice heading"), n.heading));
                block_texts(&format!("{at} block {j} notice"), n.blocks, out);
            }
        }
    }
}

/// A page's words in one language, as read (links reduced to their labels).
fn all_text(page: &Page, pick: fn(&Text) -> &'static str) -> String {
    texts(page).iter().map(|(_, t)| plain(pick(t))).collect::<Vec<_>>().join("\n")
}

#[test]
fn no_page_repeats_a_false_claim_of_the_seed() {
    for page in PAGES {
        for (at, t) in texts(page) {
            for s in [t.en, t.es] {
                let lower = s.to_lowercase();
                for bad in FORBIDDEN.iter().chain(ALSO_FORBIDDEN.iter()) {
                    assert!(!lower.contains(&bad.to_lowercase()), "{at} contains {bad:?}: {s}");
                }
            }
        }
    }
}

#[test]
fn slugs_are_unique_and_exactly_the_eight_pages_in_order() {
    let slugs: Vec<&str> = PAGES.iter().map(|p| p.slug).collect();
    assert_eq!(slugs, SLUGS);
    let mut sorted = slugs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), slugs.len(), "duplicate slug");
}

#[test]
fn titles_and_descriptions_fit_and_no_text_is_empty() {
    for page in PAGES {
        for s in [page.title.en, page.title.es] {
            assert!(s.chars().count() <= 70, "{}: title too long ({}): {s}", page.slug, s.chars().count());
        }
        for s in [page.description.en, page.description.es] {
            assert!(s.chars().count() < 160, "{}: description too long ({}): {s}", page.slug, s.chars().count());
        }
        for (at, t) in texts(page) {
            assert!(!t.en.trim().is_empty(), "{at}: empty English");
            assert!(!t.es.trim().is_empty(), "{at}: empty Spanish");
            // A forgotten translation shows up as the English text copied into Spanish.
            if t.en.len() > 24 {
                assert_ne!(t.en, t.es, "{at}: Spanish is the English text");
            }
        }
    }
}

#[test]
fn pages_have_the_required_shape() {
    for page in PAGES {
        assert!((3..=6).contains(&page.sections.len()), "{}: {} sections", page.slug, page.sections.len());
        for section in page.sections {
            assert!(
                (1..=4).contains(&section.blocks.len()),
                "{}: {:?} has {} blocks",
                page.slug,
                section.heading.en,
                section.blocks.len()
            );
            for block in section.blocks {
                if let Block::List(items) = block {
                    assert!(!items.is_empty(), "{}: empty list", page.slug);
                }
            }
        }
        for s in [page.summary.en, page.summary.es] {
            let sentences = s.matches(['.', '?', '!']).count();
            assert!((1..=2).contains(&sentences), "{}: summary has {sentences} sentences", page.slug);
        }
        assert_eq!(page.last_reviewed, "2026-11-23", "{}", page.slug);
    }
}

#[test]
fn every_page_cites_sources_and_the_safety_page_has_schedule_iii_and_988() {
    for page in PAGES {
        assert!((2..=5).contains(&page.sources.len()), "{}: {} sources", page.slug, page.sources.len());
        for source in page.sources {
            for part in [source.by, source.title, source.published, source.url] {
                assert!(!part.trim().is_empty(), "{}: incomplete source {source:?}", page.slug);
            }
        }
    }
    let safety = PAGES.iter().find(|p| p.slug == "safety-and-side-effects").expect("safety page");
    let en = all_text(safety, |t| t.en);
    let es = all_text(safety, |t| t.es);
    assert!(en.contains("Schedule III"), "safety page must say Schedule III");
    assert!(es.contains("Lista III"), "Spanish safety page must say Lista III");
    assert!(en.contains("988") && es.contains("988"), "safety page must show the 988 lifeline");
}

#[test]
fn insurance_page_says_infusions_are_often_not_covered() {
    let page = PAGES.iter().find(|p| p.slug == "insurance-and-cost").expect("insurance page");
    let en = all_text(page, |t| t.en);
    let es = all_text(page, |t| t.es);
    assert!(en.contains("not covered"), "insurance page must say infusions are often not covered");
    assert!(es.contains("no están cubiertas"), "Spanish insurance page must say no están cubiertas");
    // In-network is about the consult visit, never a promise of coverage.
    assert!(en.contains("consult visit can be billed"));
    assert!(!en.to_lowercase().contains("covered by your insurance"));
}

#[test]
fn pain_scale_is_zero_to_ten() {
    let page = PAGES.iter().find(|p| p.slug == "diagnosis").expect("diagnosis page");
    let en = all_text(page, |t| t.en);
    let es = all_text(page, |t| t.es);
    assert!(en.contains("0 to 10") && en.contains("0 means no pain") && en.contains("worst pain you can imagine"));
    assert!(es.contains("del 0 al 10"));
}

// ── Corrections, round 2 (content.md) ─────────────────────────────────────────────

fn find(slug: &str) -> &'static Page {
    PAGES.iter().find(|p| p.slug == slug).unwrap_or_else(|| panic!("no page {slug}"))
}

/// Asserts that a page's words contain each phrase (ignoring case), in English and in
/// Spanish.
fn says(slug: &str, en: &[&str], es: &[&str]) {
    let page = find(slug);
    let (text_en, text_es) = (all_text(page, |t| t.en).to_lowercase(), all_text(page, |t| t.es).to_lowercase());
    for phrase in en {
        assert!(text_en.contains(&phrase.to_lowercase()), "{slug} (en) must say {phrase:?}");
    }
    for phrase in es {
        assert!(text_es.contains(&phrase.to_lowercase()), "{slug} (es) must say {phrase:?}");
    }
}

/// Asserts that no text on any page contains any of the phrases (ignoring case).
fn nowhere(phrases: &[&str]) {
    for page in PAGES {
        for (at, t) in texts(page) {
            for s in [plain(t.en), plain(t.es)] {
                let lower = s.to_lowercase();
                for bad in phrases {
                    assert!(!lower.contains(&bad.to_lowercase()), "{at} contains {bad:?}: {s}");
                }
            }
        }
    }
}

/// Relief "can last weeks to months" overstated the 2018 guideline for back pain.
const OVERSTATED_RELIEF: [&str; 8] = [
    "weeks to months",
    "weeks or months",
    "semanas a meses",
    "semanas o meses",
    "long-lasting",
    "long-term relief",
    "alivio duradero",
    "alivio a largo plazo",
];

#[test]
fn no_page_says_relief_lasts_weeks_to_months() {
    nowhere(&OVERSTATED_RELIEF);
}

#[test]
fn back_pain_relief_is_what_the_2018_guideline_found() {
    for slug in ["how-infusions-work", "conditions-and-evidence"] {
        says(
            slug,
            &["weak evidence or none", "hours to a few weeks", "up to about 12 weeks"],
            &["evidencia débil o nula", "horas a unas pocas semanas", "hasta unas 12 semanas"],
        );
    }
    says("what-is-ketamine", &["weak evidence or none"], &["evidencia débil o nula"]);
}

#[test]
fn cancer_related_back_pain_says_cochrane_finds_insufficient_evidence() {
    let page = find("conditions-and-evidence");
    let item = texts(page)
        .into_iter()
        .find(|(_, t)| t.en.contains("cancer"))
        .map(|(_, t)| t)
        .expect("the conditions list names cancer-related back pain");
    assert!(item.en.contains("Cochrane") && item.en.contains("insufficient evidence"), "{}", item.en);
    assert!(item.es.contains("Cochrane") && item.es.contains("evidencia insuficiente"), "{}", item.es);
    assert!(page.sources.iter().any(|s| s.url.contains("CD003351")), "the Cochrane review is cited");
}

/// Wordings that understate the risks of an infusion.
const UNDERSTATED_RISK: [&str; 10] = [
    "until the next day",
    "next day",
    "hasta el día siguiente",
    "al día siguiente",
    "only at anesthetic doses",
    "only at higher doses",
    "only with anesthesia",
    "solo con las dosis de anestesia",
    "solo en dosis altas",
    "much lower doses, and staff watch",
];

#[test]
fn no_page_understates_the_risks_of_an_infusion() {
    nowhere(&UNDERSTATED_RISK);
}

#[test]
fn side_effects_at_pain_doses_include_hallucinations_anxiety_headache_vomiting_sleepiness() {
    says(
        "safety-and-side-effects",
        &[
            "low doses used for pain",
            "hallucinations",
            "anxiety or panic",
            "headache",
            "nausea and vomiting",
            "sleepiness",
        ],
        &[
            "dosis bajas que se usan para el dolor",
            "alucinaciones",
            "ansiedad o pánico",
            "dolor de cabeza",
            "náuseas y vómitos",
            "somnolencia",
        ],
    );
    says("how-infusions-work", &["hallucinations"], &["alucinaciones"]);
}

#[test]
fn no_driving_machinery_or_important_decisions_for_at_least_24_hours() {
    let mut seen = Vec::new();
    for page in PAGES {
        for (at, t) in texts(page) {
            let (en, es) = (plain(t.en), plain(t.es));
            if en.contains("machinery") {
                assert!(en.contains("for at least 24 hours") && en.contains("important decisions"), "{at}: {en}");
                assert!(
                    es.contains("durante al menos 24 horas") && es.contains("decisiones importantes"),
                    "{at}: {es}"
                );
                seen.push(page.slug);
            }
        }
    }
    for slug in ["how-infusions-work", "safety-and-side-effects"] {
        assert!(seen.contains(&slug), "{slug} must say when it is safe to drive again");
    }
}

/// What ketamine is approved for: not "no ketamine product is approved for mental health".
const WRONG_APPROVAL: [&str; 6] = [
    "no ketamine product",
    "no form of ketamine",
    "no ketamine is approved",
    "ningún producto de ketamina",
    "ninguna forma de ketamina",
    "ninguna ketamina",
];

#[test]
fn no_page_says_no_ketamine_product_is_approved_for_mental_health() {
    nowhere(&WRONG_APPROVAL);
}

#[test]
fn esketamine_nasal_spray_is_approved_for_treatment_resistant_depression_under_a_rems() {
    for slug in ["what-is-ketamine", "safety-and-side-effects"] {
        says(
            slug,
            &["esketamine", "Spravato", "treatment-resistant depression", "REMS", "is not FDA-approved for"],
            &[
                "esketamina",
                "Spravato",
                "depresión resistente al tratamiento",
                "REMS",
                "no está aprobada por la FDA para",
            ],
        );
    }
}

#[test]
fn a_sentence_that_denies_approval_for_mental_health_names_spravato_beside_it() {
    for page in PAGES {
        for (at, t) in texts(page) {
            let (en, es) = (plain(t.en), plain(t.es));
            if en.contains("not FDA-approved") && en.contains("mental health") {
                assert!(en.contains("Spravato"), "{at}: {en}");
            }
            if es.contains("no está aprobada por la FDA") && es.contains("salud mental") {
                assert!(es.contains("Spravato"), "{at}: {es}");
            }
        }
    }
}

/// The texts inside and outside notices, with the notices themselves.
fn notices(page: &Page) -> Vec<Notice> {
    page.sections
        .iter()
        .flat_map(|s| s.blocks.iter())
        .filter_map(|b| match b {
            Block::Notice(n) => Some(*n),
            _ => None,
        })
        .collect()
}

#[test]
fn every_911_mention_sits_in_a_notice_with_its_own_heading() {
    for page in PAGES {
        for t in [page.title, page.description, page.summary] {
            assert!(!t.en.contains("911") && !t.es.contains("911"), "{}: 911 outside a notice", page.slug);
        }
        for (i, section) in page.sections.iter().enumerate() {
            assert!(!section.heading.en.contains("911"), "{}: section {i} heading", page.slug);
            for block in section.blocks {
                let outside = match block {
                    Block::Paragraph(t) => vec![*t],
                    Block::List(items) => items.to_vec(),
                    Block::Notice(_) => vec![],
                };
                for t in outside {
                    assert!(
                        !t.en.contains("911") && !t.es.contains("911"),
                        "{}: 911 outside a notice: {}",
                        page.slug,
                        t.en
                    );
                }
            }
        }
        for n in notices(page) {
            assert!(
                !n.heading.en.trim().is_empty() && !n.heading.es.trim().is_empty(),
                "{}: a notice needs a heading",
                page.slug
            );
            if n.tone == Tone::Emergency {
                assert!(n.heading.en.contains("911") && n.heading.es.contains("911"), "{}: {:?}", page.slug, n.heading);
            }
        }
    }
}

#[test]
fn back_pain_warning_signs_are_new_or_worsening_and_sit_in_an_emergency_notice() {
    let page = find("back-pain-symptoms");
    let notice = notices(page).into_iter().find(|n| n.tone == Tone::Emergency).expect("an emergency notice");
    let items: Vec<Text> = notice
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::List(items) => Some(items.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(items.len() >= 4, "the 911 signs are listed in the notice");
    for t in &items {
        assert!(t.en.starts_with("New"), "a warning sign is new or worsening: {}", t.en);
        assert!(t.es.contains("nuev"), "una señal de alarma es nueva: {}", t.es);
    }
    says(
        "back-pain-symptoms",
        &["genitals", "sexual function", "in the last few weeks", "for a long time"],
        &["genitales", "función sexual", "en las últimas semanas", "desde hace mucho tiempo"],
    );
    for slug in ["who-should-consider-it", "safety-and-side-effects"] {
        assert!(notices(find(slug)).iter().any(|n| n.tone == Tone::Emergency), "{slug}: its 911 signs in a notice");
    }
}

#[test]
fn notices_hold_paragraphs_and_lists_only() {
    for page in PAGES {
        for n in notices(page) {
            assert!(!n.blocks.is_empty(), "{}: empty notice", page.slug);
            assert!(n.blocks.iter().all(|b| !matches!(b, Block::Notice(_))), "{}: a notice in a notice", page.slug);
        }
    }
}

/// How many times a number appears in a text, and how many of those are links to tap.
fn numbers_and_links(s: &'static str, number: &str, hrefs: &[&str]) -> (usize, usize) {
    let links = inlines(s)
        .into_iter()
        .filter(|i| matches!(i, Inline::Link { label, href } if *label == number && hrefs.contains(href)))
        .count();
    (plain(s).matches(number).count(), links)
}

#[test]
fn every_911_and_988_is_a_link_to_tap() {
    let mut links = 0;
    for page in PAGES {
        for (at, t) in texts(page) {
            for s in [t.en, t.es] {
                let (n911, l911) = numbers_and_links(s, "911", &["tel:911"]);
                let (n988, l988) = numbers_and_links(s, "988", &["tel:988", "sms:988"]);
                if at.ends_with("heading") {
                    assert_eq!(l911 + l988, 0, "{at}: headings hold no links");
                    continue;
                }
                if at.ends_with("title") || at.ends_with("description") || at.ends_with("summary") {
                    assert_eq!(plain(s), s, "{at}: no links here");
                    continue;
                }
                assert_eq!(n911, l911, "{at}: every 911 is tel:911: {s}");
                assert_eq!(n988, l988, "{at}: every 988 is tel:988 or sms:988: {s}");
                links += l911 + l988;
            }
        }
    }
    assert!(links > 0);
}

#[test]
fn links_are_well_formed_and_go_to_a_phone_or_a_safe_address() {
    for page in PAGES {
        for (at, t) in texts(page) {
            for s in [t.en, t.es] {
                let words = plain(s);
                assert!(!words.contains('[') && !words.contains(']'), "{at}: a broken link: {s}");
                for i in inlines(s) {
                    if let Inline::Link { href, .. } = i {
                        let ok = ["tel:", "sms:", "https://", "/learn/"].iter().any(|p| href.starts_with(p));
                        assert!(ok, "{at}: link to {href}");
                    }
                }
            }
        }
    }
}

/// Every source the pages may cite: the title exactly as published and its address,
/// each checked against the publisher (journal, FDA, NICE, SAMHSA, DailyMed).
const VERIFIED_SOURCES: [(&str, &str); 10] = [
    (
        "Consensus Guidelines on the Use of Intravenous Ketamine Infusions for Chronic Pain From the American Society of Regional Anesthesia and Pain Medicine, the American Academy of Pain Medicine, and the American Society of Anesthesiologists",
        "https://doi.org/10.1097/AAP.0000000000000808",
    ),
    (
        "KETALAR (ketamine hydrochloride) injection, for intravenous or intramuscular use, CIII: Full Prescribing Information",
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=14e8f864-8b8a-4e7e-8439-e510d3107063",
    ),
    (
        "FDA alerts health care professionals of potential risks associated with compounded ketamine nasal spray",
        "https://www.fda.gov/drugs/human-drug-compounding/fda-alerts-health-care-professionals-potential-risks-associated-compounded-ketamine-nasal-spray",
    ),
    (
        "FDA warns patients and health care providers about potential risks associated with compounded ketamine products, including oral formulations, for the treatment of psychiatric disorders",
        "https://www.fda.gov/drugs/human-drug-compounding/fda-warns-patients-and-health-care-providers-about-potential-risks-associated-compounded-ketamine",
    ),
    (
        "FDA approves new nasal spray medication for treatment-resistant depression; available only at a certified doctor's office or clinic",
        "https://www.fda.gov/news-events/press-announcements/fda-approves-new-nasal-spray-medication-treatment-resistant-depression-available-only-certified",
    ),
    ("Ketamine as an adjuvant to opioids for cancer pain", "https://doi.org/10.1002/14651858.CD003351.pub3"),
    ("Low back pain and sciatica in over 16s: assessment and management", "https://www.nice.org.uk/guidance/ng59"),
    (
        "Diagnosis and treatment of low back pain: a joint clinical practice guideline from the American College of Physicians and the American Pain Society",
        "https://doi.org/10.7326/0003-4819-147-7-200710020-00006",
    ),
    (
        "Standards of care for investigation and management of cauda equina syndrome",
        "https://www.spinesurgeons.ac.uk/wp-content/uploads/2019/01/Cauda_Equina_Syndrome_Standards_SBNS_BASS-Dec-2018.pdf",
    ),
    (
        "988 Suicide & Crisis Lifeline Adds Spanish Text and Chat Service Ahead of One-Year Anniversary",
        "https://www.samhsa.gov/newsroom/press-announcements/20230713/988-suicide-crisis-lifeline-adds-spanish-text-chat-service-ahead-one-year-anniversary",
    ),
];

/// The journals whose articles must be cited by DOI.
const JOURNALS: [&str; 3] =
    ["Regional Anesthesia and Pain Medicine", "Annals of Internal Medicine", "Cochrane Database"];

fn has_year(s: &str) -> bool {
    s.as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit) && (w.starts_with(b"19") || w.starts_with(b"20")))
}

#[test]
fn every_source_has_its_exact_title_a_date_and_a_doi_or_official_address() {
    for page in PAGES {
        for (i, s) in page.sources.iter().enumerate() {
            let at = format!("{}: source {i} ({})", page.slug, s.title);
            assert!(
                VERIFIED_SOURCES.iter().any(|&(title, url)| title == s.title && url == s.url),
                "{at}: title and address must be the verified ones"
            );
            assert!(!s.by.trim().is_empty(), "{at}: who published it");
            assert!(!s.title.ends_with('.'), "{at}: the list adds the full stop");
            assert!(has_year(s.published), "{at}: a date with its year: {}", s.published);
            assert!(s.url.starts_with("https://"), "{at}: an https address: {}", s.url);
            if JOURNALS.iter().any(|j| s.published.contains(j)) {
                assert!(s.url.starts_with("https://doi.org/10."), "{at}: a journal article is cited by its DOI");
            }
            assert_eq!(page.sources.iter().filter(|o| o.url == s.url).count(), 1, "{at}: cited twice");
        }
    }
}

#[test]
fn sources_are_cited_only_on_pages_they_support() {
    for page in PAGES {
        let en = all_text(page, |t| t.en);
        for s in page.sources {
            let at = format!("{}: {}", page.slug, s.title);
            // The FDA communications are about compounded ketamine (2023: for psychiatric
            // disorders); a page cites them only where that is the point.
            if s.title.contains("compounded ketamine nasal spray") {
                assert!(en.contains("compounded"), "{at}: the page is not about compounded ketamine");
            }
            if s.title.contains("psychiatric disorders") {
                let point = en.contains("compounded") || en.contains("not FDA-approved");
                assert!(en.contains("mental health condition") && point, "{at}: the page is not about psychiatric use");
            }
            if s.title.contains("nasal spray medication") {
                assert!(en.contains("Spravato"), "{at}");
            }
            if s.title.contains("cancer pain") {
                assert!(en.contains("Cochrane"), "{at}");
            }
            if s.title.contains("cauda equina") {
                assert!(en.contains("genitals"), "{at}: the saddle warning sign");
            }
            if s.title.contains("988") {
                assert!(en.contains("988"), "{at}");
            }
            if s.title.starts_with("KETALAR") {
                assert!(en.contains("anesthesia") || en.contains("24 hours"), "{at}");
            }
        }
        // And the other way round: a claim from a source names it.
        let cites = |part: &str| page.sources.iter().any(|s| s.title.contains(part));
        if en.contains("Cochrane") {
            assert!(cites("cancer pain"), "{}: cite the Cochrane review", page.slug);
        }
        if en.contains("Spravato") {
            assert!(cites("psychiatric disorders") || cites("nasal spray medication"), "{}", page.slug);
        }
        if en.contains("988") {
            assert!(cites("988"), "{}: cite the Lifeline", page.slug);
        }
    }
}

/// Technical words, and words from their explanation that must stand where each first
/// appears on a page (in the same text, or the text right after a heading):
/// (English, its explanation, Spanish, its explanation).
const TERMS: [(&str, &str, &str, &str); 9] = [
    ("NMDA receptor", "works like a switch", "receptor NMDA", "funciona como un interruptor"),
    ("Schedule III", "limits who can prescribe", "Lista III", "limita quién puede recetar"),
    (
        "off-label",
        "for a purpose the FDA has not approved",
        "fuera de etiqueta",
        "para un fin que la FDA no ha aprobado",
    ),
    ("coinsurance", "a percentage of the cost", "coseguro", "un porcentaje del costo"),
    ("prior authorization", "approval from your plan before", "autorización previa", "aprobación de su plan antes"),
    ("copay", "a set amount", "copago", "una cantidad fija"),
    ("deductible", "before your plan starts to pay", "deducible", "antes de que su plan empiece a pagar"),
    ("REMS", "safety program", "REMS", "programa de seguridad"),
    ("in-network", "has a contract with", "dentro de la red", "tiene un contrato con"),
];

/// A page's summary and body texts as read, in order.
fn reading_order(page: &Page, pick: fn(&Text) -> &'static str) -> Vec<String> {
    texts(page).iter().skip(2).map(|(_, t)| plain(pick(t)).to_lowercase()).collect()
}

fn explained_at_first_use(page: &Page, pick: fn(&Text) -> &'static str, term: &str, explanation: &str) {
    let read = reading_order(page, pick);
    let (term, explanation) = (term.to_lowercase(), explanation.to_lowercase());
    if let Some(first) = read.iter().position(|s| s.contains(&term)) {
        let here = read[first..].iter().take(2).any(|s| s.contains(&explanation));
        assert!(here, "{}: {term:?} is not explained where it first appears: {}", page.slug, read[first]);
    }
}

#[test]
fn technical_words_are_explained_where_they_first_appear() {
    for page in PAGES {
        for (en, en_explained, es, es_explained) in TERMS {
            explained_at_first_use(page, |t| t.en, en, en_explained);
            explained_at_first_use(page, |t| t.es, es, es_explained);
        }
    }
}

#[test]
fn patients_see_mood_questions_not_questionnaire_names() {
    nowhere(&["PHQ", "GAD-7", "GAD7"]);
}

/// Spanish that is not Latin American usage, not `usted`, or not the clinic's wording:
/// le as a direct object, tú forms, "profesional clínico".
const NOT_OUR_SPANISH: [&str; 25] = [
    "profesional clínico",
    "le protege",
    "profesionales clínicos",
    "le vigila",
    "le vigilen",
    "le lleve",
    "llevarle",
    "protegerle",
    "revisarle",
    "atenderle",
    "le ayuda",
    "le ayudan",
    "le han ayudado",
    "le está ayudando",
    "ayudarle",
    "hasta donde sé",
    "intestino",
    " tú ",
    " tu ",
    " tus ",
    " te ",
    "puedes",
    "tienes",
    "necesitas",
    "llama al",
];

/// Words about the reader that must include women: "cansado(a)", not "cansado".
const ABOUT_THE_READER: [&str; 6] = ["desconectado", "mareado", "somnoliento", "cansado", "adulto", "activo"];

#[test]
fn spanish_is_latin_american_usted_and_names_the_clinic_s_health_professional() {
    for page in PAGES {
        for (at, t) in texts(page) {
            let es = format!(" {} ", plain(t.es));
            for bad in NOT_OUR_SPANISH {
                assert!(!es.to_lowercase().contains(bad), "{at} contains {bad:?}: {es}");
            }
        }
    }
    says("who-should-consider-it", &[], &["profesional de salud de la clínica"]);
    says("back-pain-symptoms", &[], &["orina o las evacuaciones"]);
}

#[test]
fn spanish_words_about_the_reader_include_women() {
    for page in PAGES {
        for (at, t) in texts(page) {
            let es = plain(t.es);
            for word in ABOUT_THE_READER {
                for (i, _) in es.match_indices(word) {
                    let after = &es[i + word.len()..];
                    let whole_word = !after.starts_with(|c: char| c.is_alphabetic());
                    let before_ok = es[..i].chars().last().is_none_or(|c| !c.is_alphabetic());
                    if whole_word && before_ok {
                        assert!(after.starts_with("(a)"), "{at}: {word:?} without (a): {es}");
                    }
                }
            }
        }
    }
}

#[test]
fn the_988_line_gives_its_spanish_route_wherever_it_appears() {
    let mut seen = false;
    for page in PAGES {
        for (at, t) in texts(page) {
            let (en, es) = (plain(t.en), plain(t.es));
            if es.contains("988") {
                assert!(es.contains("oprima el 2") && es.contains("AYUDA"), "{at}: {es}");
                seen = true;
            }
            if en.contains("988") {
                assert!(en.contains("press 2") && en.contains("AYUDA"), "{at}: {en}");
            }
        }
    }
    assert!(seen, "the safety page names the 988 line");
}

/// Hype and promises have no place on these pages.
const HYPE: [&str; 12] = [
    "miracle",
    "breakthrough",
    "revolutionary",
    "guarantee",
    "life-changing",
    "you will feel",
    "milagro",
    "revolucionari",
    "garantiza",
    "le cambiará la vida",
    "se sentirá mejor",
    "cure your",
];

#[test]
fn no_page_makes_promises_or_hype() {
    nowhere(&HYPE);
}

/// Plain language: no sentence over 25 words in English, or 30 in Spanish (which runs
/// longer for the same sentence).
#[test]
fn sentences_stay_short() {
    for page in PAGES {
        for (at, t) in texts(page) {
            for (s, most) in [(plain(t.en), 25), (plain(t.es), 30)] {
                for sentence in s.split(['.', '?', '!', ':']) {
                    let words = sentence.split_whitespace().count();
                    assert!(words <= most, "{at}: a sentence of {words} words: {sentence}");
                }
            }
        }
    }
}
