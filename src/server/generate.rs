//! `pain-intake bench-generate` (hidden): fills a benchmark database with submissions,
//! fast, for `make bench`'s million-submission runs (bench/run.sh).
//!
//! It bypasses the HTTP API (a million intakes through it would take hours) but writes
//! through the real schema, as `intakes::write_rows` does: `intakes` with every column
//! the queue reads, the answers sealed with the configured key and the row id, one
//! `screening_results` row each, and the triggers of the migrations (queue version,
//! SQLite's name-search index) firing as for any insert. Rows are written 500 to a
//! statement and 10,000 to a transaction.
//!
//! Proportions are made up but plausible for a pain clinic: five outcomes from 2%
//! emergencies to 40% consult candidates, a safety alert on 5%, five plans, dates spread
//! evenly over the three years up to now (ids rising with time, as in real use), recent
//! submissions still open and older ones decided or closed, some assigned to the staff
//! accounts that exist, names drawn from lists of Texan first and last names (some with
//! accents). Not written: notification outbox rows (a server would start e-mailing a
//! million of them), real-time eligibility checks (a worker would start sending them),
//! safety follow-ups and consults, which the queue does not need: with no `bookings`
//! row a submission shows no consult time and counts as "not booked".

use crate::domain::values::Reference;
use crate::server::db::{groups, text_at, Backend, Db};
use rand::{Rng, SeedableRng};
use sqlx::Row;

/// Rows per INSERT statement: 17 placeholders each stays under SQLite's 32,766.
const PER_STATEMENT: usize = 500;
/// Rows per transaction.
const PER_TRANSACTION: usize = 10_000;

const FIRST_NAMES: &[&str] = &[
    "María",
    "José",
    "Juan",
    "Ana",
    "Luis",
    "Carlos",
    "Sofía",
    "Jorge",
    "Rosa",
    "Andrés",
    "Lucía",
    "Miguel",
    "Elena",
    "Guadalupe",
    "Jesús",
    "Ramón",
    "Verónica",
    "Adriana",
    "Héctor",
    "Raúl",
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Nancy",
    "Daniel",
    "Lisa",
    "Matthew",
    "Betty",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Donald",
    "Kimberly",
    "Steven",
    "Emily",
    "Paul",
    "Donna",
    "Andrew",
    "Michelle",
    "Joshua",
    "Carol",
    "Kenneth",
    "Amanda",
    "Kevin",
    "Melissa",
    "Brian",
    "Deborah",
    "George",
    "Stephanie",
    "Timothy",
    "Rebecca",
    "Ronald",
    "Sharon",
    "Jason",
    "Laura",
    "Edward",
    "Cynthia",
    "Jeffrey",
    "Kathleen",
    "Ryan",
    "Amy",
    "Jacob",
    "Angela",
    "Gary",
    "Shirley",
    "Nicholas",
    "Brenda",
    "Eric",
    "Emma",
    "Jonathan",
    "Anna",
    "Minh",
    "Linh",
    "Thanh",
    "Chinedu",
    "Ngozi",
    "Priya",
    "Rahul",
    "Zoë",
    "Renée",
    "Chloé",
];

const LAST_NAMES: &[&str] = &[
    "García",
    "Martínez",
    "Hernández",
    "López",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Reyes",
    "Cruz",
    "Morales",
    "Ortiz",
    "Gutiérrez",
    "Chávez",
    "Ramos",
    "Ruiz",
    "Álvarez",
    "Mendoza",
    "Castillo",
    "Jiménez",
    "Moreno",
    "Romero",
    "Herrera",
    "Medina",
    "Aguilar",
    "Vargas",
    "Castro",
    "Fernández",
    "Vásquez",
    "Guerrero",
    "Salazar",
    "Delgado",
    "Contreras",
    "Soto",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Hill",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Peterson",
    "Cooper",
    "Reed",
    "Bailey",
    "Bell",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "James",
    "Hughes",
    "Price",
    "Myers",
    "Long",
    "Foster",
    "Sanders",
    "Ross",
    "Powell",
    "Sullivan",
    "Russell",
    "Jenkins",
    "Perry",
    "Butler",
    "Barnes",
    "Fisher",
    "Henderson",
    "Coleman",
    "Simmons",
    "Patterson",
    "Jordan",
    "Reynolds",
    "Hamilton",
    "Graham",
    "Wallace",
    "Griffin",
    "West",
    "Cole",
    "Hayes",
    "Gibson",
    "Bryant",
    "Ellis",
    "Stevens",
    "Murray",
    "Ford",
    "Marshall",
    "Owens",
    "McDonald",
    "Harrison",
    "Kennedy",
    "Wells",
    "Woods",
    "Olson",
    "Webb",
    "Washington",
    "Tucker",
    "Freeman",
    "Burns",
    "Henry",
    "Snyder",
    "Nguyen",
    "Tran",
    "Pham",
    "Le",
    "Kim",
    "Park",
    "Patel",
    "Shah",
    "Okafor",
    "Adeyemi",
    "O'Brien",
    "St. John",
    "Van Buren",
    "De la Cruz",
    "Schmidt",
];

/// Outcome with its pin rank without a safety alert, and its share in per mille.
const OUTCOMES: &[((&str, i64), u32)] = &[
    (("emergency", 0), 20),
    (("urgent_care", 1), 30),
    (("clinician_review", 3), 250),
    (("not_yet", 3), 300),
    (("consult_recommended", 3), 400),
];

/// Plan and its share in per mille.
const PLANS: &[(&str, u32)] = &[("bcbs_tx", 300), ("uhc", 200), ("cigna", 150), ("other", 150), ("self_pay", 200)];

/// The submission `bench/intake.json` posts, the template of each generated one's answers.
const TEMPLATE: &str = include_str!("../../bench/intake.json");

fn pick<'a, T>(rng: &mut impl Rng, weighted: &'a [(T, u32)]) -> &'a T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total);
    for (t, w) in weighted {
        if n < *w {
            return t;
        }
        n -= w;
    }
    &weighted[weighted.len() - 1].0
}

/// A unique reference per id: multiplying by an odd number is a bijection modulo 2^40,
/// so no two ids share one (random references would collide about once in a million).
fn reference_of(id: i64) -> Reference {
    Reference::from_bits((id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) & 0xFF_FFFF_FFFF)
}

/// Appends `count` submissions (ids after the highest there is) and returns how many it wrote.
pub async fn generate(db: &Db, count: u64, seed: u64) -> Result<u64, sqlx::Error> {
    let template: serde_json::Value = serde_json::from_str(TEMPLATE).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let first_id: i64 =
        sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM intakes").fetch_one(&db.pool).await?.try_get("n")?;
    let staff: Vec<i64> = sqlx::query("SELECT id FROM users WHERE role IN ('clinician', 'admin') ORDER BY id")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let now = jiff::Timestamp::now();
    let span = jiff::SignedDuration::from_hours(24 * 365 * 3);
    let start = now - span;
    let step_ms = span.as_millis() as f64 / count.max(1) as f64;

    let mut written = 0u64;
    while written < count {
        let mut tx = db.pool.begin().await?;
        let in_tx = (count - written).min(PER_TRANSACTION as u64);
        let mut done_in_tx = 0u64;
        while done_in_tx < in_tx {
            let n = (in_tx - done_in_tx).min(PER_STATEMENT as u64) as usize;
            let base = first_id + (written + done_in_tx) as i64;
            let rows: Vec<Generated> = (0..n)
                .map(|k| {
                    let id = base + k as i64;
                    let at = start + jiff::SignedDuration::from_millis(((id - first_id) as f64 * step_ms) as i64);
                    Generated::new(&mut rng, db, &template, id, at, now, &staff)
                })
                .collect::<Result<_, _>>()?;
            insert(&mut tx, &rows).await?;
            done_in_tx += n as u64;
        }
        tx.commit().await?;
        written += in_tx;
    }
    if db.backend == Backend::Postgres {
        // Explicit ids leave the sequence behind: the app's next intake must not reuse one.
        sqlx::query("SELECT setval(pg_get_serial_sequence('intakes', 'id'), (SELECT MAX(id) FROM intakes))")
            .execute(&db.pool)
            .await?;
        // What autovacuum does soon after a bulk insert (statistics for the planner, the
        // visibility map for index-only scans), done now so the first measurements do
        // not depend on when it wakes. SQLite keeps no statistics unless asked (the app
        // never runs ANALYZE), so nothing is done there.
        sqlx::query("VACUUM (ANALYZE) intakes, intake_name_keys, screening_results, queue_counts")
            .execute(&db.pool)
            .await?;
    }
    Ok(written)
}

struct Generated {
    id: i64,
    reference: String,
    locale: &'static str,
    answers: String,
    status: &'static str,
    created_at: String,
    updated_at: String,
    first_name: &'static str,
    last_name: &'static str,
    date_of_birth: String,
    plan: &'static str,
    outcome: &'static str,
    safety_alert: bool,
    pin_rank: i64,
    verification: &'static str,
    assignee: Option<i64>,
}

impl Generated {
    fn new(
        rng: &mut impl Rng,
        db: &Db,
        template: &serde_json::Value,
        id: i64,
        at: jiff::Timestamp,
        now: jiff::Timestamp,
        staff: &[i64],
    ) -> Result<Self, sqlx::Error> {
        let first_name = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
        let last_name = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
        let born = jiff::civil::date(rng.random_range(1940..2005), rng.random_range(1..13), rng.random_range(1..29));
        let &(outcome, rank) = pick(rng, OUTCOMES);
        let safety_alert = rng.random_range(0..100) < 5;
        let pin_rank = if rank == 3 && safety_alert { 2 } else { rank };
        let plan = *pick(rng, PLANS);
        let locale = if rng.random_range(0..100) < 30 { "es" } else { "en" };
        let age_days = (now.as_second() - at.as_second()) / 86_400;
        // Recent submissions are still being worked; older ones were decided and closed.
        let status = match age_days {
            0..=2 => *pick(rng, &[("new", 70), ("in_review", 30)]),
            3..=14 => *pick(
                rng,
                &[
                    ("new", 10),
                    ("in_review", 40),
                    ("consult_scheduled", 25),
                    ("not_a_candidate", 15),
                    ("referred_out", 10),
                ],
            ),
            _ => {
                *pick(rng, &[("consult_scheduled", 10), ("not_a_candidate", 15), ("referred_out", 10), ("closed", 65)])
            }
        };
        let verification = match (plan, age_days) {
            ("self_pay", _) => "self_pay",
            (_, 0..=2) => "unverified",
            _ => *pick(rng, &[("unverified", 15), ("active", 70), ("inactive", 10), ("not_found", 5)]),
        };
        let assignee = (!staff.is_empty() && status != "new" && rng.random_range(0..100) < 40)
            .then(|| staff[rng.random_range(0..staff.len())]);
        let mut answers = template.clone();
        answers["locale"] = locale.into();
        answers["patient"]["first_name"] = first_name.into();
        answers["patient"]["last_name"] = last_name.into();
        answers["patient"]["date_of_birth"] = born.to_string().into();
        answers["insurance"]["plan"] = plan.into();
        let answers = db.seal_value("intakes", id, "answers", &answers.to_string());
        let updated = if status == "new" { at } else { at + jiff::SignedDuration::from_hours(rng.random_range(1..72)) };
        Ok(Self {
            id,
            reference: reference_of(id).compact().to_owned(),
            locale,
            answers,
            status,
            created_at: text_at(at),
            updated_at: text_at(updated.min(now)),
            first_name,
            last_name,
            date_of_birth: born.to_string(),
            plan,
            outcome,
            safety_alert,
            pin_rank,
            verification,
            assignee,
        })
    }
}

async fn insert(tx: &mut sqlx::Transaction<'_, sqlx::Any>, rows: &[Generated]) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO intakes (id, reference, schema_version, locale, answers, status, created_at, updated_at, \
         first_name, last_name, search_name, date_of_birth, plan, outcome, safety_alert, pin_rank, verification_status, \
         assignee_id) VALUES {}",
        groups(rows.len(), 18)
    );
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = q
            .bind(r.id)
            .bind(&r.reference)
            .bind(1i64)
            .bind(r.locale)
            .bind(&r.answers)
            .bind(r.status)
            .bind(&r.created_at)
            .bind(&r.updated_at)
            .bind(r.first_name)
            .bind(r.last_name)
            .bind(format!("{} {}", r.first_name, r.last_name).to_lowercase())
            .bind(&r.date_of_birth)
            .bind(r.plan)
            .bind(r.outcome)
            .bind(i64::from(r.safety_alert))
            .bind(r.pin_rank)
            .bind(r.verification)
            .bind(r.assignee);
    }
    q.execute(&mut **tx).await?;
    crate::server::staff::queue::write_name_keys(tx, rows.iter().map(|r| (r.id, r.first_name, r.last_name))).await?;

    let sql = format!(
        "INSERT INTO screening_results (intake_id, rules_version, outcome, safety_alert, reasons, scores, evaluated_on, created_at) VALUES {}",
        groups(rows.len(), 8)
    );
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = q
            .bind(r.id)
            .bind(crate::domain::screening::RULES_VERSION)
            .bind(r.outcome)
            .bind(i64::from(r.safety_alert))
            .bind(format!(r#"[{{"code":"bench_generated","outcome":"{}"}}]"#, r.outcome))
            .bind(r#"{"phq9":6,"gad7":4}"#)
            .bind(&r.created_at[..10])
            .bind(&r.created_at);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn references_are_unique_per_id() {
        let refs: std::collections::HashSet<String> =
            (1..=200_000).map(|id| super::reference_of(id).compact().to_owned()).collect();
        assert_eq!(refs.len(), 200_000);
    }
}
