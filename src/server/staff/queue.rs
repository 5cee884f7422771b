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
//! The name search finds a name by the start of its words, in order, or last name first
//! ("gar", "maría gar", "lópez", "garcía, maría"), and a reference exactly. It reads one
//! range of a B-tree of name keys, never the table (migration 20261207000019).

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

/// A value a queue statement binds: text, or an integer where the column holds one
/// (SQLite compares no text with an integer as equal, and a CAST in the statement would
/// keep it from the expression index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Int(i64),
}

impl Arg {
    /// Binds this value as the query's next one.
    pub fn bind<'q>(&'q self, q: Query<'q, Any, AnyArguments<'q>>) -> Query<'q, Any, AnyArguments<'q>> {
        match self {
            Arg::Text(t) => q.bind(t.as_str()),
            Arg::Int(n) => q.bind(*n),
        }
    }
}

#[cfg(test)]
impl PartialEq<&str> for Arg {
    fn eq(&self, other: &&str) -> bool {
        matches!(self, Arg::Text(t) if t == other)
    }
}

/// A WHERE clause with its bound values, built up filter by filter.
#[derive(Default, Clone)]
struct Where {
    clauses: Vec<String>,
    args: Vec<Arg>,
    /// Whether a clause filters by something other than the four list filters (a date,
    /// a name, a consult), which `queue_counts` cannot count.
    uncounted: bool,
    /// The name search's ids (a SELECT of `id`), evaluated once per statement as the
    /// common table `m`, which the page, its count and every keyset branch read: the
    /// index lookup was the largest part of a search's cost, and it ran twice.
    matches: Option<String>,
}

impl Where {
    fn push(&mut self, clause: &str, arg: String) {
        self.args.push(Arg::Text(arg));
        // `?` in the clause stands for this argument's placeholder.
        self.clauses.push(clause.replace('?', &format!("${}", self.args.len())));
    }

    /// What a statement using this WHERE starts with: the name search's table, if any.
    fn with(&self) -> String {
        match &self.matches {
            Some(m) => format!("WITH m AS MATERIALIZED ({m}) "),
            None => String::new(),
        }
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
            q = a.bind(q);
        }
        q
    }
}

/// The UTC instant a clinic date starts, as stored text.
fn start_of(date: Date, tz: &TimeZone) -> Option<String> {
    date.to_zoned(tz.clone()).ok().map(|z| text_at(z.timestamp()))
}

fn where_of(filter: &QueueFilter, tz: &TimeZone) -> Where {
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
        let (found, [from, to]) = name_match(search);
        w.uncounted = true;
        w.args.push(Arg::Text(from));
        w.args.push(Arg::Text(to));
        let n = w.args.len();
        let mut found = found.replacen('?', &format!("${}", n - 1), 1).replacen('?', &format!("${n}"), 1);
        // Eight letters can be a reference or a name ("Anderson"): try both, in `m`, so
        // each is an index lookup (an OR in the WHERE made PostgreSQL read every row).
        if let Ok(r) = Reference::parse(search) {
            w.args.push(Arg::Text(r.compact().to_owned()));
            found = format!("{found} UNION SELECT r.id FROM intakes r WHERE r.reference = ${}", w.args.len());
        }
        w.matches = Some(found);
        w.clauses.push("i.id IN (SELECT id FROM m)".to_owned());
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

/// The words of a name or a search: its runs of letters and digits, lower-cased. An
/// accent typed as a combining mark (decomposed text, "i" + U+0301) stays in its word.
fn words_of(text: &str) -> Vec<String> {
    let in_word = |c: char| c.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&c);
    text.split(|c: char| !in_word(c)).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// The keys a submission's name is found by (migration 20261207000019): its words from
/// each word on, then last name first. A search finds the names with a key that starts
/// with the search's words (`name_match`).
pub fn name_keys(first: &str, last: &str) -> Vec<String> {
    let (first, last) = (words_of(first), words_of(last));
    let mut keys: Vec<String> = Vec::new();
    let all: Vec<&String> = first.iter().chain(&last).collect();
    for n in 0..all.len() {
        keys.push(all[n..].iter().map(|w| w.as_str()).collect::<Vec<_>>().join(" "));
    }
    keys.push(last.iter().chain(&first).map(String::as_str).collect::<Vec<_>>().join(" "));
    keys.retain(|k| !k.is_empty());
    keys.sort();
    keys.dedup();
    keys
}

/// Stores the name keys of submissions just inserted, `(id, first name, last name)`, in
/// the inserting transaction.
pub async fn write_name_keys<'a>(
    tx: &mut sqlx::Transaction<'_, Any>,
    names: impl IntoIterator<Item = (i64, &'a str, &'a str)>,
) -> Result<(), sqlx::Error> {
    let keys: Vec<(i64, String)> = names
        .into_iter()
        .flat_map(|(id, first, last)| name_keys(first, last).into_iter().map(move |k| (id, k)))
        .collect();
    // Two values a key: well under SQLite's 32,766 a statement.
    for chunk in keys.chunks(8_000) {
        let sql = format!(
            "INSERT INTO intake_name_keys (intake_id, key) VALUES {}",
            crate::server::db::groups(chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for (id, key) in chunk {
            q = q.bind(*id).bind(key.as_str());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The SELECT of ids (with `?` for its two arguments) and the arguments that find the
/// names with a key starting with the search's words: one range of the B-tree, the keys
/// from the words up to the words followed by the last code point. A search with no
/// letters or digits is an empty range.
fn name_match(search: &str) -> (&'static str, [String; 2]) {
    let words = words_of(search).join(" ");
    let from = if words.is_empty() { char::MAX.to_string() } else { words };
    let to = format!("{from}{}", char::MAX);
    ("SELECT DISTINCT k.intake_id AS id FROM intake_name_keys k WHERE k.key >= ? AND k.key < ?", [from, to])
}

/// Open emergencies, urgent cases and safety alerts stay on top whatever the sort: every
/// queue order starts with this rank (0 to 2 pinned, 3 the rest).
const PIN: &str = "CASE WHEN i.status IN ('new', 'in_review') THEN i.pin_rank ELSE 3 END";

/// One run of a sort's key columns that share a direction.
struct Group {
    columns: &'static [Column],
    descending: bool,
}

/// A key column: its SQL expression on `i`, and whether it holds an integer (an anchor's
/// value is then bound as one).
struct Column {
    sql: &'static str,
    integer: bool,
}

const fn col(sql: &'static str, integer: bool) -> Column {
    Column { sql, integer }
}

/// A sort's key, the pin first: a total order, since the id ends every key.
fn key_of(sort: QueueSort) -> &'static [Group] {
    const PINNED: Group = Group { columns: &[col(PIN, true)], descending: false };
    const CREATED: &[Column] = &[col("i.created_at", false), col("i.id", true)];
    const NEWEST: &[Group] = &[PINNED, Group { columns: CREATED, descending: true }];
    const OLDEST: &[Group] = &[PINNED, Group { columns: CREATED, descending: false }];
    const NAME: &[Group] = &[
        PINNED,
        Group {
            columns: &[col("i.last_name", false), col("i.first_name", false), col("i.id", true)],
            descending: false,
        },
    ];
    const STATUS: &[Group] = &[
        PINNED,
        Group { columns: &[col("i.status", false)], descending: false },
        Group { columns: CREATED, descending: true },
    ];
    match sort {
        QueueSort::Newest => NEWEST,
        QueueSort::Oldest => OLDEST,
        QueueSort::Name => NAME,
        QueueSort::Status => STATUS,
    }
}

/// `groups` as an ORDER BY list, or in reverse.
fn order_by(groups: &[Group], reverse: bool) -> String {
    let mut terms = Vec::new();
    for g in groups {
        for c in g.columns {
            terms.push(if g.descending != reverse { format!("{} DESC", c.sql) } else { c.sql.to_owned() });
        }
    }
    terms.join(", ")
}

/// The ORDER BY of a queue sort. Each sort is served by its index of migration
/// 20261207000018 (`intakes_queue_newest`, `_oldest`, `_name`, `_status`), which repeats
/// the pin expression and the order exactly (tests check the plans).
pub fn order_of(sort: QueueSort) -> String {
    order_by(key_of(sort), false)
}

/// Where a page starts when it is reached from the page before it (`After` its last row)
/// or after it (`Before` its first row), as the queue's Next and Previous links do.
/// Such a page is found by its sort key, so page 2,000 costs what page 2 does; a page
/// asked for by number alone counts its way there (OFFSET).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cursor {
    After(Reference),
    Before(Reference),
}

/// A cursor resolved against the database: the sort key of the row it names.
struct Anchor {
    after: bool,
    values: Vec<Arg>,
}

/// Reads the sort key of the cursor's row; `None` without a cursor or when no submission
/// has that reference (then the page number alone decides).
async fn anchor_of(db: &Db, sort: QueueSort, cursor: Option<&Cursor>) -> Result<Option<Anchor>, sqlx::Error> {
    let (after, reference) = match cursor {
        Some(Cursor::After(r)) => (true, r),
        Some(Cursor::Before(r)) => (false, r),
        None => return Ok(None),
    };
    let columns: Vec<&Column> = key_of(sort).iter().flat_map(|g| g.columns).collect();
    let list = columns.iter().map(|c| c.sql).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {list} FROM intakes i WHERE i.reference = $1");
    let Some(row) = sqlx::query(&sql).bind(reference.compact()).fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    let mut values = Vec::with_capacity(columns.len());
    for (n, c) in columns.iter().enumerate() {
        values.push(if c.integer { Arg::Int(row.try_get(n)?) } else { Arg::Text(row.try_get(n)?) });
    }
    Ok(Some(Anchor { after, values }))
}

/// The subquery that picks a page's ids after (or before) `anchor`, as a contiguous
/// range of the sort's index. A key of mixed directions is no one range, so it is cut
/// into one branch per group: the rows that share the anchor's pin and come after it
/// within the pin, then the rows of every later pin (with the status sort, three
/// branches). Each branch reads at most a page from its index range; the page is the
/// first of their union in the queue's order. The branch leaves out the ORDER BY terms
/// its WHERE fixes (SQLite would otherwise sort the range instead of reading it in
/// order).
fn keyset_ids(w: &mut Where, sort: QueueSort, anchor: &Anchor, per_page: u32) -> String {
    let groups = key_of(sort);
    let columns: Vec<&Column> = groups.iter().flat_map(|g| g.columns).collect();
    let mut bound = Vec::with_capacity(columns.len());
    for v in &anchor.values {
        w.args.push(v.clone());
        bound.push(format!("${}", w.args.len()));
    }
    let filters = w.clauses.clone();
    let picked = columns.iter().enumerate().map(|(n, c)| format!("{} AS k{n}", c.sql)).collect::<Vec<_>>().join(", ");
    let mut branches = Vec::new();
    let mut first = 0; // index of the group's first column in `columns`
    for (g, group) in groups.iter().enumerate() {
        let mut clauses = filters.clone();
        // Every earlier group equals the anchor's.
        for (c, b) in columns[..first].iter().zip(&bound) {
            clauses.push(format!("{} = {b}", c.sql));
        }
        // This group is beyond the anchor's, in the direction of travel.
        let beyond = if group.descending == anchor.after { "<" } else { ">" };
        let here = &columns[first..first + group.columns.len()];
        let at = &bound[first..first + group.columns.len()];
        if here.len() == 1 {
            clauses.push(format!("{} {beyond} {}", here[0].sql, at[0]));
        } else {
            let cols = here.iter().map(|c| c.sql).collect::<Vec<_>>().join(", ");
            clauses.push(format!("({cols}) {beyond} ({})", at.join(", ")));
        }
        branches.push(format!(
            "SELECT * FROM (SELECT i.id AS id, {picked} FROM intakes i WHERE {} ORDER BY {} LIMIT {per_page}) AS b{g}",
            clauses.join(" AND "),
            order_by(&groups[g..], !anchor.after),
        ));
        first += group.columns.len();
    }
    // The union's order: the key's, by the aliases (k0 is the pin, and so on).
    let mut terms = Vec::new();
    let mut n = 0;
    for g in groups {
        for _ in g.columns {
            terms.push(if g.descending == anchor.after { format!("k.k{n} DESC") } else { format!("k.k{n}") });
            n += 1;
        }
    }
    format!(
        "WHERE i.id IN (SELECT k.id FROM ({}) AS k ORDER BY {} LIMIT {per_page})",
        branches.join(" UNION ALL "),
        terms.join(", ")
    )
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
/// `cursor`, when the page is reached by a Next or Previous link, is where it starts;
/// `page` is then only its number. `version` is the queue's version as the caller read it
/// moments ago (with the account, `accounts::standing`), or `None` to read it here; a
/// cached page read at that version is reused.
#[allow(clippy::too_many_arguments)]
pub async fn page(
    db: &Db,
    cache: &Cache,
    filter: &QueueFilter,
    page: u32,
    cursor: Option<&Cursor>,
    per_page: u32,
    role: Role,
    tz: &TimeZone,
    today: Date,
    version: Option<i64>,
) -> Result<Page, sqlx::Error> {
    // Only pages of the queue's size are kept.
    let key = (per_page <= PER_PAGE).then(|| {
        format!(
            "{}|{page}|{cursor:?}|{per_page}|{}|{today}",
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
    let w = where_of(filter, tz);
    let anchor = anchor_of(db, filter.sort, cursor).await?;
    let (sql, bound) = page_sql(&w, filter.sort, page, anchor.as_ref(), per_page);
    let rows = bound.bind(sqlx::query(&sql)).fetch_all(&db.pool).await?;
    let Some(first) = rows.first() else {
        // A page past the end has no row to carry the count.
        let total: i64 =
            w.bind(sqlx::query(&format!("{}{}", w.with(), count_sql(&w)))).fetch_one(&db.pool).await?.try_get("n")?;
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
pub async fn page_query(
    db: &Db,
    filter: &QueueFilter,
    page: u32,
    cursor: Option<&Cursor>,
    tz: &TimeZone,
) -> Result<(String, Vec<Arg>), sqlx::Error> {
    let w = where_of(filter, tz);
    let anchor = anchor_of(db, filter.sort, cursor).await?;
    let (sql, bound) = page_sql(&w, filter.sort, page, anchor.as_ref(), PER_PAGE);
    Ok((sql, bound.args))
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
///
/// OFFSET still walks the index entries it skips (page 2,000 of the million-row bench:
/// 100,000 of them, about 20 ms); a page with an anchor seeks its place instead
/// ([`keyset_ids`]). Returns the statement and the WHERE whose values it binds.
fn page_sql(w: &Where, sort: QueueSort, page: u32, anchor: Option<&Anchor>, per_page: u32) -> (String, Where) {
    let mut bound = w.clone();
    let ids = match anchor {
        Some(anchor) => keyset_ids(&mut bound, sort, anchor, per_page),
        None => {
            let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
            format!(
                "WHERE i.id IN (SELECT i.id FROM intakes i {} ORDER BY {} LIMIT {per_page} OFFSET {offset})",
                w.sql(),
                order_of(sort),
            )
        }
    };
    let sql = select_sql(
        &format!("({}) AS total, (SELECT n FROM queue_version WHERE id = 1) AS version,", count_sql(w)),
        &ids,
        sort,
    );
    (format!("{}{sql}", w.with()), bound)
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
        let w = where_of(filter, tz);
        let total: i64 =
            w.bind(sqlx::query(&format!("{}{}", w.with(), count_sql(&w)))).fetch_one(&mut *tx).await?.try_get("n")?;
        Ok(Self { tx, w, sort: filter.sort, role, tz: tz.clone(), today, total })
    }

    /// Reads the rows in the queue's order and sends them `chunk` at a time; stops early
    /// when the receiver is gone (the download was abandoned).
    pub async fn send(mut self, chunk: usize, to: tokio::sync::mpsc::Sender<Result<Vec<QueueRow>, sqlx::Error>>) {
        use futures_util::TryStreamExt;
        let sql = format!("{}{}", self.w.with(), select_sql("", &self.w.sql(), self.sort));
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
        // The names found once, as the table `m` every part of the statement reads.
        let w = where_of(&f, &tz);
        assert_eq!(
            w.sql(),
            "WHERE i.outcome = $1 AND i.plan = $2 AND i.created_at >= $3 AND i.id IN (SELECT id FROM m)"
        );
        assert_eq!(
            w.with(),
            "WITH m AS MATERIALIZED (SELECT DISTINCT k.intake_id AS id FROM intake_name_keys k \
             WHERE k.key >= $4 AND k.key < $5) "
        );
        assert_eq!(w.args[2], "2026-11-01T05:00:00.000Z");
        // Words only: the quote and the percent sign are not part of any key.
        assert_eq!(w.args[3], "o neil 50");
        assert_eq!(w.args[4], "o neil 50\u{10FFFF}");
        assert_eq!(where_of(&QueueFilter::default(), &tz).with(), "", "no search, no table");
    }

    #[test]
    fn a_search_is_the_range_of_keys_that_start_with_its_words() {
        let tz = TimeZone::UTC;
        let range = |text: &str| {
            let w = where_of(&QueueFilter { search: Some(text.into()), ..QueueFilter::default() }, &tz);
            (w.args[0].clone(), w.args[1].clone())
        };
        let text = |s: &str| Arg::Text(s.to_owned());
        assert_eq!(range("  García,   MARÍA "), (text("garcía maría"), text("garcía maría\u{10FFFF}")));
        assert_eq!(range("say \"hi\" OR *"), (text("say hi or"), text("say hi or\u{10FFFF}")), "operators are words");
        // Nothing to look for: an empty range, not every name.
        assert_eq!(range("%_*"), (text("\u{10FFFF}"), text("\u{10FFFF}\u{10FFFF}")));
    }

    #[test]
    fn a_name_is_found_by_each_word_on_and_last_name_first() {
        assert_eq!(
            name_keys("María", "García López"),
            ["garcía lópez", "garcía lópez maría", "lópez", "maría garcía lópez"]
        );
        assert_eq!(
            name_keys("Ann", "O'Brien-Smith"),
            ["ann o brien smith", "brien smith", "o brien smith", "o brien smith ann", "smith"]
        );
        assert_eq!(name_keys("ZOË", "Ng"), ["ng", "ng zoë", "zoë ng"]);
        // Decomposed accents stay in their word.
        assert_eq!(name_keys("Mari\u{301}a", "Li"), ["li", "li mari\u{301}a", "mari\u{301}a li"]);
        // Every key's prefix is what a search of those words looks for.
        let key = |s: &str| match name_match(s).1 {
            [from, to] => (from, to),
        };
        for search in ["mar", "maría gar", "lópez", "García López, María", "o'brien"] {
            let (from, to) = key(search);
            let keys = [name_keys("María", "García López"), name_keys("Ann", "O'Brien-Smith")].concat();
            assert!(keys.iter().any(|k| *k >= from && *k < to), "{search}: {keys:?}");
        }
        let (from, to) = key("arcí");
        assert!(
            !name_keys("María", "García").iter().any(|k| *k >= from && *k < to),
            "the middle of a word is no start"
        );
    }

    #[test]
    fn a_reference_searches_by_reference() {
        let tz = TimeZone::UTC;
        let f = QueueFilter { search: Some("7kq2-9mxd".into()), ..QueueFilter::default() };
        let w = where_of(&f, &tz);
        assert_eq!(w.sql(), "WHERE i.id IN (SELECT id FROM m)");
        assert!(w
            .with()
            .contains("k.key >= $1 AND k.key < $2 UNION SELECT r.id FROM intakes r WHERE r.reference = $3"));
        assert_eq!(w.args[0], "7kq2 9mxd");
        assert_eq!(w.args[2], "7KQ29MXD");
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
        let w = where_of(&f, &TimeZone::UTC);
        assert_eq!(w.sql(), "WHERE NOT EXISTS (SELECT 1 FROM bookings b WHERE b.intake_id = i.id AND b.status = $1)");
        assert_eq!(w.args, ["booked"]);
        let f = QueueFilter { consult: Some(ConsultFilter::Booked), plan: Some(Plan::Uhc), ..QueueFilter::default() };
        assert!(where_of(&f, &TimeZone::UTC)
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
            count_sql(&where_of(&f, &tz)),
            "SELECT CAST(COALESCE(SUM(i.n), 0) AS BIGINT) AS n FROM queue_counts i WHERE i.outcome = $1 AND i.plan = $2"
        );
        assert!(count_sql(&where_of(&QueueFilter::default(), &tz)).contains("FROM queue_counts i "));
        for f in [
            QueueFilter { from: Some("2026-11-01".into()), ..QueueFilter::default() },
            QueueFilter { to: Some("2026-11-01".into()), ..QueueFilter::default() },
            QueueFilter { search: Some("ana".into()), ..QueueFilter::default() },
            QueueFilter { consult: Some(ConsultFilter::Booked), ..QueueFilter::default() },
            QueueFilter { consult: Some(ConsultFilter::NotBooked), ..QueueFilter::default() },
        ] {
            assert!(count_sql(&where_of(&f, &tz)).starts_with("SELECT COUNT(*) AS n FROM intakes i WHERE"));
        }
    }

    #[test]
    fn bad_dates_are_ignored_not_errors() {
        let f = QueueFilter { from: Some("yesterday".into()), to: Some("2026-02-30".into()), ..QueueFilter::default() };
        assert_eq!(where_of(&f, &TimeZone::UTC).sql(), "");
    }
}
