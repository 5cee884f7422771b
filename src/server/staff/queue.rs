//! The review queue: filtered, sorted and paged in SQL on the columns copied out of each
//! intake at insert time (indexed; one statement for the rows and their count, with
//! assignees joined in, so a page costs the same with 10 or 10,000 submissions). A
//! page's 50 ids are picked from a covering index before any row is read, so a deep page
//! or a filtered one walks index entries, not rows (migration 20261207000018).
//!
//! Pages just read are kept in memory with the queue version they were read at (a
//! number the database raises on every change to what the queue shows, migration
//! 20261124000006). Staff reload the queue far more often than it changes: while the
//! number stands, a page costs one one-row read instead of the count and 50 rows.
//!
//! The name search matches any part of the lower-cased "first last" (and a reference
//! exactly). It reads a trigram index, never the whole table (migration 20261207000016):
//! SQLite's FTS5 table `intakes_search`, PostgreSQL's pg_trgm index under the same LIKE.

use crate::domain::age::age_on;
use crate::domain::intake::{Locale, Plan};
use crate::domain::screening::Outcome;
use crate::domain::staff::{priority, Role, VerificationStatus, WorkflowStatus};
use crate::domain::values::Reference;
use crate::server::db::{text_at, Backend, Db};
use crate::shared::labels::clock_time;
use crate::shared::staff::{ConsultFilter, QueueFilter, QueueRow, QueueSort};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

pub const PER_PAGE: u32 = 50;

/// How many pages (filter, sort, page number, role) the cache holds before it starts over.
const CACHED_PAGES: usize = 64;

/// One page of rows and the number of matching submissions.
type Page = (Vec<QueueRow>, i64);

/// Recent queue pages and the queue version they were read at. One per database.
#[derive(Debug, Default)]
pub struct Cache {
    inner: std::sync::Mutex<Cached>,
    /// Keeps nothing: every view reads the database (`BENCH_NO_QUEUE_CACHE`, for the
    /// benchmark runs that measure the queue's queries).
    off: bool,
}

#[derive(Debug, Default)]
struct Cached {
    version: i64,
    pages: std::collections::HashMap<String, std::sync::Arc<Page>>,
}

impl Cache {
    /// A cache that keeps nothing.
    pub fn off() -> Self {
        Self { off: true, ..Self::default() }
    }

    fn get(&self, version: i64, key: &str) -> Option<std::sync::Arc<Page>> {
        let cached = self.inner.lock().ok()?;
        if cached.version != version {
            return None;
        }
        cached.pages.get(key).cloned()
    }

    /// Keeps a page read at `version`, unless a newer one has been seen since.
    fn put(&self, version: i64, key: String, page: Page) {
        if self.off {
            return;
        }
        let Ok(mut cached) = self.inner.lock() else { return };
        if version < cached.version {
            return;
        }
        if version > cached.version || cached.pages.len() >= CACHED_PAGES {
            cached.pages.clear();
            cached.version = version;
        }
        cached.pages.insert(key, std::sync::Arc::new(page));
    }
}

/// A WHERE clause with its bound values, built up filter by filter.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    args: Vec<String>,
    /// Whether a clause filters by something other than the four list filters (a date,
    /// a name, a consult), which `queue_counts` cannot count.
    uncounted: bool,
}

impl Where {
    fn push(&mut self, clause: &str, arg: String) {
        self.args.push(arg);
        // `?` in the clause stands for this argument's placeholder.
        self.clauses.push(clause.replace('?', &format!("${}", self.args.len())));
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn bind<'q>(&'q self, mut q: Query<'q, Any, AnyArguments<'q>>) -> Query<'q, Any, AnyArguments<'q>> {
        for a in &self.args {
            q = q.bind(a.as_str());
        }
        q
    }
}

/// The UTC instant a clinic date starts, as stored text.
fn start_of(date: Date, tz: &TimeZone) -> Option<String> {
    date.to_zoned(tz.clone()).ok().map(|z| text_at(z.timestamp()))
}

fn where_of(filter: &QueueFilter, tz: &TimeZone, backend: Backend) -> Where {
    let mut w = Where::default();
    if let Some(o) = filter.outcome {
        w.push("i.outcome = ?", o.as_str().into());
    }
    if let Some(s) = filter.status {
        w.push("i.status = ?", s.as_str().into());
    }
    if let Some(p) = filter.plan {
        w.push("i.plan = ?", p.as_str().into());
    }
    if let Some(v) = filter.verification {
        w.push("i.verification_status = ?", v.as_str().into());
    }
    if let Some(from) = filter.from.as_deref().and_then(|d| d.parse::<Date>().ok()).and_then(|d| start_of(d, tz)) {
        w.push("i.created_at >= ?", from);
        w.uncounted = true;
    }
    if let Some(to) = filter
        .to
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok())
        .and_then(|d| d.tomorrow().ok())
        .and_then(|d| start_of(d, tz))
    {
        w.push("i.created_at < ?", to);
        w.uncounted = true;
    }
    if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let (name_clause, name_arg) = name_match(search, backend);
        w.uncounted = true;
        match Reference::parse(search) {
            // Eight letters can be a reference or a name ("Anderson"): try both.
            Ok(r) => {
                w.args.push(r.compact().to_owned());
                w.args.push(name_arg);
                let (a, b) = (w.args.len() - 1, w.args.len());
                w.clauses.push(format!("(i.reference = ${a} OR {})", name_clause.replace('?', &format!("${b}"))));
            }
            Err(_) => w.push(name_clause, name_arg),
        }
    }
    if let Some(consult) = filter.consult {
        let exists = match consult {
            ConsultFilter::Booked => "EXISTS",
            ConsultFilter::NotBooked => "NOT EXISTS",
        };
        // Served by the unique index on bookings (intake_id) WHERE status = 'booked'.
        // Not in `queue_counts`: counted from the rows.
        w.uncounted = true;
        w.push(
            &format!("{exists} (SELECT 1 FROM bookings b WHERE b.intake_id = i.id AND b.status = ?)"),
            "booked".into(),
        );
    }
    w
}

/// Searches shorter than this many characters cannot use a trigram index.
const TRIGRAM: usize = 3;

/// The clause (with `?` for its one argument) and the argument that find `search` in any
/// part of `search_name`, the lower-cased "first last", as `LIKE '%search%'` does.
///
/// PostgreSQL answers that LIKE from its pg_trgm index. SQLite cannot index a LIKE, so
/// a search of three characters or more is a phrase query on the trigram FTS5 table: a
/// trigram phrase matches the same substrings, wherever they are in the name (FTS5 folds
/// case as the lower-casing here does). One or two characters have no trigram: those
/// few searches read the table with the LIKE.
fn name_match(search: &str, backend: Backend) -> (&'static str, String) {
    let lowered = search.to_lowercase();
    if backend == Backend::Sqlite && lowered.chars().count() >= TRIGRAM {
        // Inside an FTS5 string only `"` means anything (doubled, it is itself), so the
        // user's text is one phrase, operators and wildcards matched literally.
        let phrase = format!("\"{}\"", lowered.replace('"', "\"\""));
        return ("i.id IN (SELECT rowid FROM intakes_search WHERE intakes_search MATCH ?)", phrase);
    }
    // LIKE wildcards typed by the user are matched literally.
    let escaped = lowered.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    ("i.search_name LIKE ? ESCAPE '\\'", format!("%{escaped}%"))
}

/// The ORDER BY of a queue sort. Each sort is served by its index of migration
/// 20261207000018 (`intakes_queue_newest`, `_oldest`, `_name`, `_status`), which repeats
/// the pin expression and the order exactly (tests check the plans).
pub fn order_of(sort: QueueSort) -> String {
    // Open emergencies, urgent cases and safety alerts stay on top whatever the sort.
    let pin = "CASE WHEN i.status IN ('new', 'in_review') THEN i.pin_rank ELSE 3 END";
    let rest = match sort {
        QueueSort::Newest => "i.created_at DESC, i.id DESC",
        QueueSort::Oldest => "i.created_at ASC, i.id ASC",
        QueueSort::Name => "i.last_name ASC, i.first_name ASC, i.id ASC",
        QueueSort::Status => "i.status ASC, i.created_at DESC, i.id DESC",
    };
    format!("{pin}, {rest}")
}

/// Local clinic time of a stored timestamp, e.g. "2026-11-23 09:41".
pub fn local_time(stored: &str, tz: &TimeZone) -> String {
    stored
        .parse::<jiff::Timestamp>()
        .map(|t| t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| stored.to_owned())
}

/// The start of a consult, short, on the clinic's clock: "Mar 15, 9:00 a.m.".
pub fn consult_time(stored: &str, tz: &TimeZone) -> String {
    match stored.parse::<jiff::Timestamp>() {
        Ok(t) => {
            let zoned = t.to_zoned(tz.clone());
            format!("{}, {}", zoned.strftime("%b %-d"), clock_time(zoned.time(), Locale::En))
        }
        Err(_) => stored.to_owned(),
    }
}

/// One page of the queue (1-based) and the number of matching submissions.
///
/// `version` is the queue's version as the caller read it moments ago (with the account,
/// `accounts::standing`), or `None` to read it here; a cached page read at that version
/// is reused.
#[allow(clippy::too_many_arguments)]
pub async fn page(
    db: &Db,
    cache: &Cache,
    filter: &QueueFilter,
    page: u32,
    per_page: u32,
    role: Role,
    tz: &TimeZone,
    today: Date,
    version: Option<i64>,
) -> Result<Page, sqlx::Error> {
    // Only pages of the queue's size are kept.
    let key = (per_page <= PER_PAGE).then(|| {
        format!(
            "{}|{page}|{per_page}|{}|{today}",
            serde_json::to_string(filter).unwrap_or_default(),
            role.sees_clinical()
        )
    });
    if let Some(key) = &key {
        let version: i64 = match version {
            Some(v) => v,
            None => sqlx::query("SELECT n FROM queue_version WHERE id = 1").fetch_one(&db.pool).await?.try_get("n")?,
        };
        if let Some(hit) = cache.get(version, key) {
            return Ok((*hit).clone());
        }
    }
    let w = where_of(filter, tz, db.backend);
    let sql = page_sql(&w, filter.sort, page, per_page);
    let rows = w.bind(sqlx::query(&sql)).fetch_all(&db.pool).await?;
    let Some(first) = rows.first() else {
        // A page past the end has no row to carry the count.
        let total: i64 = w.bind(sqlx::query(&count_sql(&w))).fetch_one(&db.pool).await?.try_get("n")?;
        return Ok((Vec::new(), total));
    };
    let (total, version): (i64, i64) = (first.try_get("total")?, first.try_get("version")?);
    let rows = rows.iter().map(|r| rows_of(r, role, tz, today)).collect::<Result<Vec<_>, sqlx::Error>>()?;
    if let Some(key) = key {
        cache.put(version, key, (rows.clone(), total));
    }
    Ok((rows, total))
}

/// The SQL of one queue page as [`page`] runs it, and the values it binds in order
/// (public for the tests that check its query plan).
pub fn page_query(filter: &QueueFilter, page: u32, tz: &TimeZone, backend: Backend) -> (String, Vec<String>) {
    let w = where_of(filter, tz, backend);
    (page_sql(&w, filter.sort, page, PER_PAGE), w.args)
}

/// The number of submissions `w` matches, as a statement with one column `n`. Filters
/// by outcome, plan, status and verification only are summed from `queue_counts`
/// (migration 20261207000017: at most 750 rows, kept by triggers), where `COUNT(*)`
/// read every matching row, a million on the unfiltered queue; the clauses name the
/// same columns there. Dates, names and consults are counted from the submissions.
fn count_sql(w: &Where) -> String {
    if w.uncounted {
        format!("SELECT COUNT(*) AS n FROM intakes i {}", w.sql())
    } else {
        // SUM of a BIGINT is a NUMERIC on PostgreSQL: back to an integer for both engines.
        format!("SELECT CAST(COALESCE(SUM(i.n), 0) AS BIGINT) AS n FROM queue_counts i {}", w.sql())
    }
}

/// One page's rows with the count and the queue version. These ride along as
/// uncorrelated subqueries (evaluated once by both engines), so a page is one trip to
/// the database and its rows, count and version come from one snapshot; the bound
/// values serve every WHERE.
///
/// The page's ids are chosen first, in a subquery that reads only the sort's queue
/// index (migration 20261207000018: it holds every column the list filters and the
/// order read), and only those rows are read, with their assignee and consult. With
/// LIMIT and OFFSET on the rows themselves, page 2,000 read the 99,950 rows before it
/// (and on PostgreSQL looked up each one's consult) only for OFFSET to drop them. The
/// order is a total one (the id breaks ties), so the ids are the same as before and
/// the 50 rows are sorted again.
fn page_sql(w: &Where, sort: QueueSort, page: u32, per_page: u32) -> String {
    let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
    let ids = format!(
        "WHERE i.id IN (SELECT i.id FROM intakes i {} ORDER BY {} LIMIT {per_page} OFFSET {offset})",
        w.sql(),
        order_of(sort),
    );
    select_sql(
        &format!("({}) AS total, (SELECT n FROM queue_version WHERE id = 1) AS version,", count_sql(w)),
        &ids,
        sort,
    )
}

/// A queue SELECT: `extra` columns first, then a row's columns, filtered by `where_`, in
/// the sort's order.
fn select_sql(extra: &str, where_: &str, sort: QueueSort) -> String {
    format!(
        "SELECT {extra} i.reference, i.first_name, i.last_name, i.date_of_birth, i.outcome, i.safety_alert, i.pin_rank, \
         i.plan, i.verification_status, i.status, i.created_at, u.name AS assignee, \
         (SELECT b.start_at FROM bookings b WHERE b.intake_id = i.id AND b.status = 'booked' \
          ORDER BY b.start_at LIMIT 1) AS consult_at \
         FROM intakes i LEFT JOIN users u ON u.id = i.assignee_id {where_} ORDER BY {}",
        order_of(sort),
    )
}

/// Every matching row, for the CSV export: counted first (the audit entry says how
/// many), then read and handed on a chunk at a time while the file is sent, so the
/// export's memory does not grow with the queue. Count and rows come from one snapshot
/// (one transaction; REPEATABLE READ on PostgreSQL, whose default gives each statement
/// its own). Exports are never cached.
pub struct Export {
    tx: sqlx::Transaction<'static, Any>,
    w: Where,
    sort: QueueSort,
    role: Role,
    tz: TimeZone,
    today: Date,
    /// How many rows the file will have.
    pub total: i64,
}

impl Export {
    pub async fn open(
        db: &Db,
        filter: &QueueFilter,
        role: Role,
        tz: &TimeZone,
        today: Date,
    ) -> Result<Self, sqlx::Error> {
        let mut tx = db.pool.begin().await?;
        if db.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
        }
        let w = where_of(filter, tz, db.backend);
        let total: i64 = w.bind(sqlx::query(&count_sql(&w))).fetch_one(&mut *tx).await?.try_get("n")?;
        Ok(Self { tx, w, sort: filter.sort, role, tz: tz.clone(), today, total })
    }

    /// Reads the rows in the queue's order and sends them `chunk` at a time; stops early
    /// when the receiver is gone (the download was abandoned).
    pub async fn send(mut self, chunk: usize, to: tokio::sync::mpsc::Sender<Result<Vec<QueueRow>, sqlx::Error>>) {
        use futures_util::TryStreamExt;
        let sql = select_sql("", &self.w.sql(), self.sort);
        let result = async {
            let mut rows = self.w.bind(sqlx::query(&sql)).fetch(&mut *self.tx);
            let mut batch = Vec::with_capacity(chunk);
            while let Some(row) = rows.try_next().await? {
                batch.push(rows_of(&row, self.role, &self.tz, self.today)?);
                if batch.len() == chunk && to.send(Ok(std::mem::take(&mut batch))).await.is_err() {
                    return Ok(());
                }
            }
            if !batch.is_empty() {
                let _ = to.send(Ok(batch)).await;
            }
            Ok::<_, sqlx::Error>(())
        }
        .await;
        if let Err(e) = result {
            let _ = to.send(Err(e)).await;
        }
        // Read-only: ending the transaction by dropping it (a rollback) is enough.
    }
}

fn bad(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected stored {what}").into())
}

fn rows_of(r: &sqlx::any::AnyRow, role: Role, tz: &TimeZone, today: Date) -> Result<QueueRow, sqlx::Error> {
    let outcome = Outcome::parse(&r.try_get::<String, _>("outcome")?).ok_or_else(|| bad("outcome"))?;
    let safety = r.try_get::<i64, _>("safety_alert")? != 0;
    let status = WorkflowStatus::parse(&r.try_get::<String, _>("status")?).ok_or_else(|| bad("status"))?;
    let dob: Option<Date> = r.try_get::<String, _>("date_of_birth")?.parse().ok();
    let reference: String = r.try_get("reference")?;
    let clinical = role.sees_clinical();
    Ok(QueueRow {
        reference: Reference::parse(&reference).map(|r| r.display()).unwrap_or(reference),
        name: format!("{}, {}", r.try_get::<String, _>("last_name")?, r.try_get::<String, _>("first_name")?),
        age: dob.map(|d| age_on(d, today)).unwrap_or(0),
        outcome: clinical.then_some(outcome),
        safety_alert: clinical.then_some(safety),
        priority: priority(outcome, safety),
        pinned: status.is_open() && r.try_get::<i64, _>("pin_rank")? < 3,
        plan: Plan::parse(&r.try_get::<String, _>("plan")?).ok_or_else(|| bad("plan"))?,
        verification: VerificationStatus::parse(&r.try_get::<String, _>("verification_status")?)
            .ok_or_else(|| bad("verification status"))?,
        status,
        received: local_time(&r.try_get::<String, _>("created_at")?, tz),
        assignee: r.try_get("assignee")?,
        consult: r.try_get::<Option<String>, _>("consult_at")?.map(|at| consult_time(&at, tz)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_bound_placeholders_in_order() {
        let tz = TimeZone::get("America/Chicago").unwrap();
        let f = QueueFilter {
            outcome: Some(Outcome::Emergency),
            plan: Some(Plan::Cigna),
            from: Some("2026-11-01".into()),
            search: Some("o'Neil 50%".into()),
            ..QueueFilter::default()
        };
        let w = where_of(&f, &tz, Backend::Postgres);
        assert_eq!(
            w.sql(),
            "WHERE i.outcome = $1 AND i.plan = $2 AND i.created_at >= $3 AND i.search_name LIKE $4 ESCAPE '\\'"
        );
        assert_eq!(w.args[2], "2026-11-01T05:00:00.000Z");
        assert_eq!(w.args[3], "%o'neil 50\\%%");
        // SQLite: a phrase query on the trigram index, the text matched literally.
        let w = where_of(&f, &tz, Backend::Sqlite);
        assert_eq!(
            w.sql(),
            "WHERE i.outcome = $1 AND i.plan = $2 AND i.created_at >= $3 \
             AND i.id IN (SELECT rowid FROM intakes_search WHERE intakes_search MATCH $4)"
        );
        assert_eq!(w.args[3], "\"o'neil 50%\"");
    }

    #[test]
    fn a_search_too_short_for_a_trigram_uses_like_and_quotes_stay_literal() {
        let tz = TimeZone::UTC;
        let w = where_of(&QueueFilter { search: Some("Al".into()), ..QueueFilter::default() }, &tz, Backend::Sqlite);
        assert_eq!(w.sql(), "WHERE i.search_name LIKE $1 ESCAPE '\\'");
        assert_eq!(w.args[0], "%al%");
        let w = where_of(
            &QueueFilter { search: Some("say \"hi\" OR *".into()), ..QueueFilter::default() },
            &tz,
            Backend::Sqlite,
        );
        assert_eq!(w.args[0], "\"say \"\"hi\"\" or *\"");
        // Characters, not bytes: "Zoë" is three.
        let w = where_of(&QueueFilter { search: Some("Zoë".into()), ..QueueFilter::default() }, &tz, Backend::Sqlite);
        assert_eq!(w.args[0], "\"zoë\"");
    }

    #[test]
    fn a_reference_searches_by_reference() {
        let tz = TimeZone::UTC;
        let f = QueueFilter { search: Some("7kq2-9mxd".into()), ..QueueFilter::default() };
        let w = where_of(&f, &tz, Backend::Postgres);
        assert_eq!(w.sql(), "WHERE (i.reference = $1 OR i.search_name LIKE $2 ESCAPE '\\')");
        assert_eq!(w.args[0], "7KQ29MXD");
        let w = where_of(&f, &tz, Backend::Sqlite);
        assert_eq!(
            w.sql(),
            "WHERE (i.reference = $1 OR i.id IN (SELECT rowid FROM intakes_search WHERE intakes_search MATCH $2))"
        );
        assert_eq!(w.args[1], "\"7kq2-9mxd\"");
    }

    #[test]
    fn the_cache_serves_a_page_only_at_the_version_it_was_read_at() {
        let cache = Cache::default();
        cache.put(5, "a".into(), (Vec::new(), 1));
        assert_eq!(cache.get(5, "a").map(|p| p.1), Some(1));
        assert!(cache.get(6, "a").is_none(), "a newer version misses");
        assert!(cache.get(5, "b").is_none(), "another filter, page or role misses");
        cache.put(4, "b".into(), (Vec::new(), 2));
        assert!(cache.get(4, "b").is_none(), "a page read before a later one is not kept");
        cache.put(6, "b".into(), (Vec::new(), 3));
        assert!(cache.get(5, "a").is_none() && cache.get(6, "a").is_none(), "a newer version drops older pages");
        assert_eq!(cache.get(6, "b").map(|p| p.1), Some(3));
        for i in 0..CACHED_PAGES + 1 {
            cache.put(6, format!("k{i}"), (Vec::new(), 0));
        }
        assert!(cache.inner.lock().unwrap().pages.len() <= CACHED_PAGES, "bounded");
    }

    #[test]
    fn the_consult_filter_is_an_exists_with_the_status_bound() {
        let f = QueueFilter { consult: Some(ConsultFilter::NotBooked), ..QueueFilter::default() };
        let w = where_of(&f, &TimeZone::UTC, Backend::Sqlite);
        assert_eq!(w.sql(), "WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.intake_id = i.id AND b.status = $1)");
        assert_eq!(w.args, ["booked"]);
        let f = QueueFilter { consult: Some(ConsultFilter::Booked), plan: Some(Plan::Uhc), ..QueueFilter::default() };
        assert!(where_of(&f, &TimeZone::UTC, Backend::Sqlite)
            .sql()
            .ends_with("AND EXISTS (SELECT 1 FROM bookings b WHERE b.intake_id = i.id AND b.status = $2)"));
    }

    #[test]
    fn a_consult_time_is_short_on_the_clinic_clock() {
        let tz = TimeZone::get("America/Chicago").unwrap();
        assert_eq!(consult_time("2027-03-15T14:00:00Z", &tz), "Mar 15, 9:00 a.m.");
        assert_eq!(consult_time("2027-01-05T19:30:00Z", &tz), "Jan 5, 1:30 p.m.");
    }

    #[test]
    fn list_filters_are_counted_from_queue_counts_dates_and_names_from_the_rows() {
        let tz = TimeZone::UTC;
        let f = QueueFilter { outcome: Some(Outcome::Emergency), plan: Some(Plan::Cigna), ..QueueFilter::default() };
        assert_eq!(
            count_sql(&where_of(&f, &tz, Backend::Sqlite)),
            "SELECT CAST(COALESCE(SUM(i.n), 0) AS BIGINT) AS n FROM queue_counts i WHERE i.outcome = $1 AND i.plan = $2"
        );
        assert!(count_sql(&where_of(&QueueFilter::default(), &tz, Backend::Sqlite)).contains("FROM queue_counts i "));
        for f in [
            QueueFilter { from: Some("2026-11-01".into()), ..QueueFilter::default() },
            QueueFilter { to: Some("2026-11-01".into()), ..QueueFilter::default() },
            QueueFilter { search: Some("ana".into()), ..QueueFilter::default() },
            QueueFilter { consult: Some(ConsultFilter::Booked), ..QueueFilter::default() },
            QueueFilter { consult: Some(ConsultFilter::NotBooked), ..QueueFilter::default() },
        ] {
            assert!(count_sql(&where_of(&f, &tz, Backend::Postgres))
                .starts_with("SELECT COUNT(*) AS n FROM intakes i WHERE"));
        }
    }

    #[test]
    fn bad_dates_are_ignored_not_errors() {
        let f = QueueFilter { from: Some("yesterday".into()), to: Some("2026-02-30".into()), ..QueueFilter::default() };
        assert_eq!(where_of(&f, &TimeZone::UTC, Backend::Sqlite).sql(), "");
    }
}
