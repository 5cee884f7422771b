//! The command line: `serve` (default), `migrate`, `screen`, `doctor`, `backup`,
//! `restore` and the rest. Each step of `serve` says why it is there; anything that can
//! go wrong at start-up ends in one clear line. The work is done in the modules named.

use super::config::{
    AuditCommand, BackupArgs, Build270Args, Cli, Command, DatabaseArgs, EligibilityCheckArgs, EligibilityCommand,
    GenerateArgs, HoursCommand, HoursDateArgs, KeysCommand, RestoreArgs, RotateArgs, ScreenArgs, ServeArgs, SlotsArgs,
    UserAddArgs, UserCommand, X12Command,
};
use super::db::Db;
use super::http::{self, AppState, Settings};
use super::rate_limit::RateLimiter;
use crate::domain::i18n::error_message;
use crate::domain::intake::Locale;
use crate::domain::screening::ScreeningRequest;
use crate::server::http::api::ScreeningOut;
use clap::Parser;
use leptos::prelude::LeptosOptions;
use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `doctor` reports a refused setting as one of its lines (exit 2 as from clap).
        Err(e) if e.use_stderr() && super::doctor::invoked() => {
            println!("{}", super::doctor::unparsable(&e));
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    match cli.command {
        Some(Command::Screen(args)) => screen(&args),
        Some(Command::Migrate(args)) => block_on(migrate(args)),
        Some(Command::Serve(args)) => block_on(serve(*args)),
        Some(Command::Doctor(args)) => doctor(&args),
        Some(Command::Backup(args)) => backup(args),
        Some(Command::Restore(args)) => restore(args),
        Some(Command::X12(X12Command::Parse271 { file })) => parse_271(&file),
        Some(Command::X12(X12Command::Build270(args))) => block_on(build_270(*args)),
        Some(Command::User(UserCommand::Add(args))) => block_on(user_add(args)),
        Some(Command::Audit(AuditCommand::Verify(args))) => audit_verify(args),
        Some(Command::Keys(KeysCommand::Generate { id })) => keys_generate(&id),
        Some(Command::Keys(KeysCommand::Rotate(args))) => block_on(keys_rotate(args)),
        Some(Command::Hours(command)) => block_on(hours(command)),
        Some(Command::Slots(args)) => block_on(slots(args)),
        Some(Command::Eligibility(EligibilityCommand::Check(args))) => eligibility_check(*args),
        Some(Command::Eligibility(EligibilityCommand::Pending(args))) => block_on(eligibility_pending(args)),
        Some(Command::BenchGenerate(args)) => block_on(bench_generate(args)),
        None => block_on(serve(cli.serve)),
    }
}

fn block_on(f: impl std::future::Future<Output = Result<(), String>>) -> ExitCode {
    // The blocking pool reads static files (and SQLite's own threads do the database
    // work): 16 threads are plenty, where tokio's default of 512 let a burst of asset
    // requests start a thread each and hold their memory (BENCHMARKS.md).
    let runtime = match tokio::runtime::Builder::new_multi_thread().max_blocking_threads(16).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(f) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(args: DatabaseArgs) -> Result<(), String> {
    Db::open(&args.database_url).await.map_err(|e| e.to_string())?;
    println!("migrations applied");
    Ok(())
}

/// `user add`: the way to create the first admin (later accounts are invited from the
/// staff pages). The password comes from standard input so it is never in the shell's
/// history or the process list.
async fn user_add(args: UserAddArgs) -> Result<(), String> {
    use super::staff::{accounts, password};
    use crate::domain::staff::Role;
    let role = Role::parse(&args.role).ok_or("unknown role")?;
    let email = accounts::normal_email(&args.email);
    if crate::domain::values::Email::parse(&email).is_err() {
        return Err(format!("{email:?} is not a valid e-mail address"));
    }
    let name = crate::domain::values::PersonName::parse(&args.name).map_err(|_| {
        "--name must be 1 to 100 characters, without ~ * : ^, control or invisible formatting characters".to_owned()
    })?;
    let name = name.as_str();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    let new = password::NewPassword::parse(line).map_err(|e| format!("password refused: {e}"))?;
    let db = Db::open(&args.database.database_url).await.map_err(|e| e.to_string())?;
    let hash = password::hash(&new).await.map_err(|e| e.to_string())?;
    let id = accounts::create(&db, &email, name, role, Some(&hash)).await.map_err(|e| e.to_string())?;
    println!("created {} account {email} (id {id}); two-factor enrolment happens at first sign-in", role.as_str());
    Ok(())
}

/// `hours …`: the consult hours, changed through the same functions as the staff portal.
async fn hours(command: HoursCommand) -> Result<(), String> {
    use super::bookings;
    let now = jiff::Timestamp::now();
    let open = |url: String| async move { Db::open(&url).await.map_err(|e| e.to_string()) };
    let db_error = |e: sqlx::Error| format!("cannot change the consult hours: {e}");
    match command {
        HoursCommand::Set(args) => {
            let db = open(args.database.database_url).await?;
            bookings::set_day(&db, args.weekday, &args.ranges, now).await.map_err(db_error)?;
            if args.slot_minutes.is_some() || args.capacity.is_some() {
                bookings::set_slots(&db, args.slot_minutes, args.capacity, now).await.map_err(db_error)?;
            }
            print_hours(&bookings::hours(&db).await.map_err(db_error)?);
        }
        HoursCommand::Close(args) => {
            let date = future_date(&args)?;
            let db = open(args.database.database_url).await?;
            bookings::close_date(&db, date, now).await.map_err(db_error)?;
            println!("{date} closed");
        }
        HoursCommand::Open(args) => {
            let date = future_date(&args.date)?;
            let db = open(args.date.database.database_url).await?;
            let extra = args.ranges.as_ref().map(|r| r.ranges().to_vec()).unwrap_or_default();
            bookings::open_date(&db, date, &extra, now).await.map_err(db_error)?;
            match args.ranges {
                Some(ranges) if !ranges.is_closed() => println!("{date} open, with extra hours {ranges}"),
                _ => println!("{date} open"),
            }
        }
        HoursCommand::Show(args) => {
            let db = open(args.database_url).await?;
            print_hours(&bookings::hours(&db).await.map_err(db_error)?);
        }
    }
    Ok(())
}

/// The date of `hours close/open`, refused when it has passed at the clinic.
fn future_date(args: &HoursDateArgs) -> Result<jiff::civil::Date, String> {
    let today = jiff::Timestamp::now().to_zoned(args.clinic_timezone.clone()).date();
    if args.date < today {
        return Err(format!("{} is in the past (today is {today} at the clinic)", args.date));
    }
    Ok(args.date)
}

fn print_hours(hours: &crate::domain::booking::ConsultHours) {
    use crate::domain::booking::Weekday;
    for weekday in Weekday::ALL {
        let day = hours.day(*weekday);
        let text = if day.is_closed() { "closed".to_owned() } else { day.to_string() };
        println!("{weekday}  {text}");
    }
    println!("slot {} minutes, capacity {}", hours.slot_minutes.get(), hours.capacity.get());
    let closed: Vec<String> = hours.closed.iter().map(ToString::to_string).collect();
    println!("closed dates: {}", if closed.is_empty() { "none".to_owned() } else { closed.join(", ") });
    for (date, range) in &hours.extra {
        println!("extra: {date} {range}");
    }
}

/// `slots`: the free slots as the API answers them.
async fn slots(args: SlotsArgs) -> Result<(), String> {
    let span = crate::domain::booking::DateSpan::new(args.from, args.to).map_err(|e| e.to_string())?;
    let db = Db::open(&args.database.database_url).await.map_err(|e| e.to_string())?;
    let tz = args.clinic_timezone;
    let (hours, free) =
        super::bookings::free_slots(&db, &tz, span, jiff::Timestamp::now(), &args.booking.policy().window)
            .await
            .map_err(|e| format!("cannot read the consult hours: {e}"))?;
    let out = http::booking::SlotsOut::new(&hours, &free, &tz);
    println!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
    Ok(())
}

fn keys_generate(id: &str) -> ExitCode {
    if crate::server::crypto::KeyId::parse(id).is_none() {
        eprintln!("error: a key id is 1 to 32 of a-z, 0-9 and '-'");
        return ExitCode::FAILURE;
    }
    println!("{id}:{}", crate::server::crypto::Keyring::generate_key());
    ExitCode::SUCCESS
}

async fn keys_rotate(args: RotateArgs) -> Result<(), String> {
    let keys = args.keys.keyring()?.ok_or("set ENCRYPTION_KEYS (or ENCRYPTION_KEYS_FILE), the new key first")?;
    let db = Db::open(&args.database.database_url).await.map_err(|e| e.to_string())?;
    let report = super::keys::rotate(&db, &keys).await.map_err(|e| e.to_string())?;
    println!(
        "under key {}: {} resealed from older keys, {} sealed that had no key, {} already current",
        keys.current_id(),
        report.resealed,
        report.sealed,
        report.current
    );
    Ok(())
}

/// `bench-generate` (hidden): submissions for `make bench`'s million-row runs, sealed
/// with the configured key (plain text without one, as in development mode).
async fn bench_generate(args: GenerateArgs) -> Result<(), String> {
    let keys = args.keys.keyring()?;
    let db = Db::open(&args.database.database_url).await.map_err(|e| e.to_string())?.with_keys(keys.map(Arc::new));
    let started = std::time::Instant::now();
    let written = super::generate::generate(&db, args.count, args.seed).await.map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    println!("{written} submissions in {seconds:.1} s ({:.0} a second)", written as f64 / seconds.max(0.001));
    Ok(())
}

/// `audit verify`: exit 0 when the chain is intact, 2 when an entry was changed or
/// removed, 1 when the database cannot be read.
fn audit_verify(args: DatabaseArgs) -> ExitCode {
    let mut outcome = ExitCode::SUCCESS;
    let code = block_on(async {
        let db = Db::connect(&args.database_url).await.map_err(|e| e.to_string())?;
        let v = super::staff::audit::verify(&db).await.map_err(|e| format!("cannot read the audit log: {e}"))?;
        match v.problem {
            None => println!("audit log intact: {} entries, hash chain verified", v.rows),
            Some(p) => {
                println!("audit log CHANGED: {p} ({} entries verified before it)", v.rows);
                outcome = ExitCode::from(2);
            }
        }
        Ok(())
    });
    if code == ExitCode::SUCCESS {
        outcome
    } else {
        code
    }
}

/// `doctor`: one line per check (`server::doctor`); exit 0 when none failed, 2 when one did.
fn doctor(args: &ServeArgs) -> ExitCode {
    let mut failed = false;
    let code = block_on(async {
        super::doctor::run(args, |finding| {
            failed |= finding.status == super::doctor::Status::Fail;
            println!("{finding}");
        })
        .await;
        Ok(())
    });
    match (code == ExitCode::SUCCESS, failed) {
        (true, true) => ExitCode::from(2),
        _ => code,
    }
}

/// Runs a backup or restore; a refusal (a missing source, a missing tool, a database
/// that would be overwritten) exits 2, a failure on the way 1.
fn backup_command(f: impl std::future::Future<Output = Result<(), super::backup::Error>>) -> ExitCode {
    let mut refused = false;
    let code = block_on(async {
        f.await.map_err(|e| {
            refused = e.is_refusal();
            e.to_string()
        })
    });
    if refused {
        ExitCode::from(2)
    } else {
        code
    }
}

/// `backup`: an online copy of the database (`server::backup`). Nothing is created where
/// the source is missing, neither there nor at `--to`.
fn backup(args: BackupArgs) -> ExitCode {
    backup_command(async {
        super::backup::backup(&args.database.database_url, &args.to).await?;
        println!("backup written to {}", args.to.display());
        Ok(())
    })
}

/// `restore`: the backup in place of the database (`server::backup`).
fn restore(args: RestoreArgs) -> ExitCode {
    backup_command(async {
        let url = &args.database.database_url;
        let restored = super::backup::restore(url, &args.from, args.force).await?;
        if let Some(kept) = &restored.kept {
            println!("the database it replaced is kept at {}", kept.display());
        }
        let m = &restored.migrations;
        let pending =
            if m.pending.is_empty() { String::new() } else { "; serve applies the rest when it starts".into() };
        println!(
            "restored {} into {}: {} of {} migrations applied{pending}; `pain-intake doctor` checks it",
            args.from.display(),
            crate::server::db::redact(url),
            m.applied,
            m.known
        );
        Ok(())
    })
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    // Logs go to stderr as one line per event; the filter was validated by clap.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&args.log_level))
        .with_writer(std::io::stderr)
        .try_init();

    // Checked before anything starts: a bad token stops start-up with one line.
    let metrics_token = args.metrics_token()?;
    // Health information is only stored encrypted: outside development mode a key is required.
    let keys = args.keyring()?;
    // Real-time eligibility (CORE): checked now, TLS files and password file included, so
    // a bad setting stops start-up; the eligibility worker takes the client.
    let core_client = args.core_client()?;
    // The database comes first: without it nothing can be stored, so fail fast.
    let db = Db::open(&args.database.database_url).await.map_err(|e| e.to_string())?.with_keys(keys.map(Arc::new));

    let leptos_options = LeptosOptions::builder()
        .output_name(http::assets::OUTPUT_NAME)
        .site_root(args.site_root.clone())
        .site_pkg_dir(http::assets::PKG_DIR)
        .site_addr(args.listen)
        // Hashed asset names when the build wrote hash.txt beside the binary.
        .hash_files(http::assets::hashed())
        .build();
    // The clinic's e-mails (new submissions, follow-up escalations): checked now, so a
    // bad SMTP setting stops start-up.
    let notify = args.notify_config()?;
    if args.bench_floors {
        http::bench::prepare(&db).await.map_err(|e| format!("cannot prepare the benchmark floor table: {e}"))?;
    }
    let limiter = RateLimiter::new(db.clone(), args.api_rate_limit_per_minute);
    let purge_db = db.clone();
    let mut state =
        AppState::new(db.clone(), Settings::from_args(&args, metrics_token), limiter.clone(), leptos_options);
    // Real-time eligibility checks: the worker sends the queued checks; without the
    // settings they wait (`eligibility pending` lists them) and staff use the files.
    match (core_client, state.settings.eligibility.clone()) {
        (Some(client), Some(clinic)) => {
            let recheck_days = client.settings().recheck_days();
            let realtime = super::eligibility_outbox::Realtime { client, clinic, recheck_days };
            let worker = super::eligibility_outbox::Worker::new(db.clone(), realtime, state.audit.clone());
            super::eligibility_outbox::spawn_worker(worker.clone());
            state = state.with_eligibility(worker);
        }
        _ => tracing::info!("ELIGIBILITY_ENDPOINT not set: eligibility checks wait; staff use the 270/271 files"),
    }
    // After the state: escalations are audited through this instance's audit writer.
    if let Some(config) = notify {
        let patient = super::patient_outbox::Context {
            clinic: state.settings.clinic.clone(),
            tz: args.clinic_timezone.clone(),
            public_url: state.settings.public_url.clone(),
            policy: state.settings.booking,
            reminder_hours: args.booking.reminder_hours.0.clone(),
        };
        super::notify::spawn_worker(db, config, args.follow_up.windows(), state.audit.clone(), patient);
    } else {
        tracing::warn!(
            "SMTP_URL not set: new-submission e-mails wait in the outbox, overdue follow-ups are not escalated"
        );
    }

    // Finished rate-limit windows hold client addresses, drafts expire after 30 days and
    // API idempotency keys after 24 hours: drop them every minute, so nothing is kept
    // longer than it is needed.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = limiter.purge().await {
                tracing::warn!(error = %e, "rate-limit purge failed");
            }
            match super::drafts::purge_expired(&purge_db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "expired drafts deleted"),
                Err(e) => tracing::warn!(error = %e, "draft purge failed"),
            }
            if let Err(e) = super::intakes::purge_idempotency_keys(&purge_db).await {
                tracing::warn!(error = %e, "idempotency key purge failed");
            }
            // Ended staff sessions and failure counters older than an hour.
            if let Err(e) = purge_db.sessions.purge_expired().await {
                tracing::warn!(error = %e, "session purge failed");
            }
            if let Err(e) = super::staff::accounts::purge_failures(&purge_db).await {
                tracing::warn!(error = %e, "sign-in failure purge failed");
            }
            // Latencies recorded since: into their buckets, even if nobody scrapes.
            super::metrics::upkeep();
        }
    });

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // No Nagle delay: a file answer is written as headers then body, and with Nagle the
    // body waited for the client's delayed ACK (about 40 ms per static file, measured).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    tracing::info!(%addr, "listening");
    eprintln!("pain-intake listening on http://{addr}");
    axum::serve(listener, http::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

/// `pain-intake screen FILE|-`: the same evaluation as `POST /api/v1/screening`.
fn screen(args: &ScreenArgs) -> ExitCode {
    let locale = if args.lang == "es" { Locale::Es } else { Locale::En };
    let text = if args.file == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(&args.file)
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.file);
            return ExitCode::from(2);
        }
    };
    let errors_json = |items: Vec<serde_json::Value>| serde_json::json!({ "errors": items });
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => {
            let message = if locale == Locale::Es {
                "La solicitud no es JSON válido."
            } else {
                "The request is not valid JSON."
            };
            println!(
                "{}",
                errors_json(vec![serde_json::json!({"field": "", "code": "malformed", "message": message})])
            );
            return ExitCode::from(2);
        }
    };
    let today = jiff::Timestamp::now().to_zoned(args.clinic_timezone.clone()).date();
    match ScreeningRequest::from_json(&value, today) {
        Ok(request) => {
            let out = ScreeningOut::new(&request.evaluate(), locale);
            match serde_json::to_string_pretty(&out) {
                Ok(json) => {
                    println!("{json}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(errors) => {
            let items = errors
                .iter()
                .map(|f| serde_json::json!({"field": f.field, "code": f.problem.code(), "message": error_message(f, locale)}))
                .collect();
            println!("{}", errors_json(items));
            ExitCode::from(2)
        }
    }
}

/// Reads a file, or standard input for `-`.
fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(file)
    }
}

/// `pain-intake x12 parse-271 FILE|-`: the parsed response as JSON, or exit 2.
fn parse_271(file: &str) -> ExitCode {
    let bytes = match read_input(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {file}: {e}");
            return ExitCode::from(2);
        }
    };
    match crate::x12::parse_271(&bytes).map(|e| serde_json::to_string_pretty(&e)) {
        Ok(Ok(json)) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: not a usable 271: {e}");
            ExitCode::from(2)
        }
    }
}

/// What an inquiry about a stored intake needs (`x12 build-270`, `eligibility check`): its
/// reference, the database opened with the keys, and the clinic's identity.
async fn inquiry_of(
    args: &Build270Args,
) -> Result<(crate::domain::values::Reference, Db, super::eligibility::Clinic), String> {
    let reference = crate::domain::values::Reference::parse(&args.reference)
        .map_err(|_| format!("{:?} is not a reference (8 letters and digits, like K7Q2-9XPM)", args.reference))?;
    let keys = args.keys.keyring()?.map(Arc::new);
    let db = Db::open(&args.database.database_url).await.map_err(|e| e.to_string())?.with_keys(keys);
    let clinic = super::eligibility::Clinic {
        name: args.clinic_name.clone(),
        npi: crate::x12::Npi::parse(&args.clinic_npi).map_err(|e| e.to_string())?,
        x12: args.x12.clone(),
        timezone: args.clinic_timezone.clone(),
    };
    Ok((reference, db, clinic))
}

/// `pain-intake x12 build-270 --reference REF`: the inquiry for a stored intake.
async fn build_270(args: Build270Args) -> Result<(), String> {
    let (reference, db, clinic) = inquiry_of(&args).await?;
    let intake = super::intakes::find(&db, &reference)
        .await
        .map_err(|e| format!("cannot read the intake: {e}"))?
        .ok_or_else(|| format!("no intake with reference {}", reference.display()))?;
    let payers =
        super::staff::insurance::directory(&db).await.map_err(|e| format!("cannot read the payer directory: {e}"))?;
    let text = super::eligibility::inquiry(&db, &clinic, payers, &intake.answers, &reference)
        .await
        .map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

/// `eligibility check --reference REF`: one real-time check now, saved like the worker's.
/// Exit 0 with the 271 as `x12 parse-271` prints it plus `"payload_id"`; 2 with one line
/// when no 271 came back (or it cannot be read, or checks are not configured); 1 when
/// the database fails.
fn eligibility_check(args: EligibilityCheckArgs) -> ExitCode {
    let mut refusal = None;
    let code = block_on(async {
        match run_eligibility_check(args).await? {
            Ok(json) => println!("{json}"),
            Err(line) => refusal = Some(line),
        }
        Ok(())
    });
    match refusal {
        Some(line) => {
            eprintln!("error: {line}");
            ExitCode::from(2)
        }
        None => code,
    }
}

/// `Err` is a failure of this program (exit 1); `Ok(Err)` the check's one line (exit 2).
async fn run_eligibility_check(args: EligibilityCheckArgs) -> Result<Result<String, String>, String> {
    use super::eligibility_outbox::{self as outbox, Outcome, Realtime, Worker};

    let Some(settings) = args.eligibility.settings(&args.inquiry.x12.sender_id)? else {
        return Ok(Err(
            "no endpoint configured: set ELIGIBILITY_ENDPOINT (and its settings) for real-time checks".into()
        ));
    };
    let client = super::core_client::CoreClient::new(&settings).map_err(|e| e.to_string())?;
    let (reference, db, clinic) = inquiry_of(&args.inquiry).await?;
    let db_error = |e: sqlx::Error| format!("database: {e}");
    let intake = sqlx::query("SELECT id, plan FROM intakes WHERE reference = $1")
        .bind(reference.compact())
        .fetch_optional(&db.pool)
        .await
        .map_err(db_error)?;
    let Some(intake) = intake else {
        return Ok(Err(format!("no intake with reference {}", reference.display())));
    };
    use sqlx::Row;
    let (intake_id, plan): (i64, String) =
        (intake.try_get("id").map_err(db_error)?, intake.try_get("plan").map_err(db_error)?);
    if !outbox::checks_plan(&plan) {
        return Ok(Err(format!("no 270 can be made for {}: its plan is {plan}", reference.display())));
    }
    let now = jiff::Timestamp::now();
    let seen = format!("cli:{}", super::core_client::PayloadId::new());
    let id = outbox::queue_manual(&db, intake_id, &seen, now)
        .await
        .map_err(db_error)?
        .ok_or("the check could not be queued")?;
    let recheck_days = settings.recheck_days();
    let audit = super::staff::audit::Writer::start(&db);
    let worker = Worker::new(db.clone(), Realtime { client, clinic, recheck_days }, audit);
    let report = worker.run(id, now).await.map_err(db_error)?.ok_or("the check was taken by another instance")?;
    Ok(match report.outcome {
        Outcome::Answered(read) => match *read {
            Ok(eligibility) => {
                let mut json = serde_json::to_value(&eligibility).map_err(|e| e.to_string())?;
                if let (Some(object), Some(payload_id)) = (json.as_object_mut(), report.payload_id) {
                    object.insert("payload_id".into(), serde_json::Value::String(payload_id.to_string()));
                }
                Ok(serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?)
            }
            Err(e) => Err(format!("the 271 that came back cannot be read: {e}")),
        },
        Outcome::Failed(e) => Err(e.to_string()),
        Outcome::NoInquiry(code) => Err(format!("no 270 can be made for {} ({code})", reference.display())),
    })
}

/// `eligibility pending`: the checks that wait or failed, one line each; only the
/// reference names the patient.
async fn eligibility_pending(args: DatabaseArgs) -> Result<(), String> {
    let db = Db::open(&args.database_url).await.map_err(|e| e.to_string())?;
    let checks = super::eligibility_outbox::pending(&db).await.map_err(|e| format!("database: {e}"))?;
    if checks.is_empty() {
        println!("no eligibility check waits or failed");
    }
    for c in checks {
        let v = &c.view;
        let error = if v.last_error.is_empty() { String::new() } else { format!(" ({})", v.last_error) };
        let when = if v.state == "waiting" { "next try" } else { "ended" };
        println!(
            "{}  {}  {}{error}  {} tries  {when} {}  {}",
            v.reference, v.reason, v.state, v.attempts, c.at, v.last_reason
        );
    }
    Ok(())
}
