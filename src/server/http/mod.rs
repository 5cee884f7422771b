//! The HTTP layer: the router, the middleware every response passes through, and the
//! handlers. Handlers stay thin: parse with the domain, call a store, shape the answer.

pub mod api;
pub mod assets;
pub mod bench;
pub mod booking;
pub mod browser;
pub mod cards;
mod compress;
pub mod consult;
pub mod error;
pub mod extract;
pub mod health;
pub mod metrics;
pub mod security;
pub mod staff;
pub mod wizard;

use super::config::ServeArgs;
use super::db::Db;
use super::intakes;
use super::rate_limit::RateLimiter;
use super::staff::sessions::Timeouts;
use super::staff::{audit, queue};
use crate::shared::clinic::ClinicInfo;
use crate::ui::{shell, App};
use axum::extract::{DefaultBodyLimit, FromRef, MatchedPath};
use axum::http::{Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use jiff::tz::TimeZone;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The largest JSON body the API accepts (the contract's 413 limit).
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// Settings the handlers need, fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The clinic's name, reviewer and contact details, as patient pages show them.
    pub clinic: ClinicInfo,
    /// `#rrggbb`, validated for contrast at start-up.
    pub brand_color: String,
    /// How patients reach the app, without a trailing slash (for resume links).
    pub public_url: String,
    pub clinic_timezone: TimeZone,
    pub https_only: bool,
    pub trust_forwarded_for: bool,
    /// Staff session limits (15 min idle, 10 h absolute; shorter in tests).
    pub staff_timeouts: Timeouts,
    /// Two-factor for every staff role, or only for admins.
    pub two_factor_for_all: bool,
    /// Sign-in attempts a minute from one client address.
    pub sign_in_per_minute: u32,
    /// The clinic's X12 identity; `None` until `CLINIC_NPI` is set (no 270 downloads then).
    pub eligibility: Option<crate::server::eligibility::Clinic>,
    /// Whether `POST /bench/insert` is routed (benchmark databases only).
    pub bench_floors: bool,
    /// Whether the staff queue's page cache is off (`BENCH_NO_QUEUE_CACHE`; benchmarks only).
    pub bench_no_queue_cache: bool,
    /// The safety follow-up's deadlines and escalation windows.
    pub follow_up: crate::domain::followup::Windows,
    /// `METRICS_TOKEN`: with it `/metrics` answers a bearer of it from anywhere; without
    /// it only loopback requests that came through no proxy (see `metrics`).
    pub metrics_token: Option<crate::server::config::MetricsToken>,
    /// The bookable window and the online change cutoff (`BOOKING_*`).
    pub booking: crate::domain::booking::BookingPolicy,
}

impl Settings {
    /// The settings of `serve`; `metrics_token` is `args.metrics_token()`, checked by the caller.
    pub fn from_args(args: &ServeArgs, metrics_token: Option<crate::server::config::MetricsToken>) -> Self {
        Self {
            clinic: ClinicInfo {
                name: args.clinic_name.clone(),
                reviewer: args.medical_reviewer.clone(),
                phone: args.clinic_phone.clone(),
                address: args.clinic_address.clone(),
                hours: args.clinic_hours_text.clone(),
                privacy_url: args.privacy_notice_url.clone(),
                logo: args.clinic_logo.clone(),
            },
            brand_color: args.brand_color.clone(),
            public_url: args.public_url.as_str().trim_end_matches('/').to_owned(),
            clinic_timezone: args.clinic_timezone.clone(),
            https_only: args.https_only(),
            trust_forwarded_for: args.trust_forwarded_for,
            staff_timeouts: Timeouts::default(),
            two_factor_for_all: args.staff_two_factor == "all",
            sign_in_per_minute: args.sign_in_rate_limit_per_minute,
            eligibility: args.clinic_npi.as_deref().and_then(|npi| crate::x12::Npi::parse(npi).ok()).map(|npi| {
                crate::server::eligibility::Clinic {
                    name: args.clinic_name.clone(),
                    npi,
                    x12: args.x12.clone(),
                    timezone: args.clinic_timezone.clone(),
                }
            }),
            bench_floors: args.bench_floors,
            bench_no_queue_cache: args.bench_no_queue_cache,
            follow_up: args.follow_up.windows(),
            metrics_token,
            booking: args.booking.policy(),
        }
    }

    /// Today's date at the clinic (ages and "not in the future" are judged by it).
    pub fn today(&self) -> jiff::civil::Date {
        jiff::Timestamp::now().to_zoned(self.clinic_timezone.clone()).date()
    }
}

/// Everything a request handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub limiter: RateLimiter,
    pub leptos_options: LeptosOptions,
    /// This instance's group-commit writers (see `intakes::Writer`, `audit::Writer`).
    pub intakes: intakes::Writer,
    pub audit: audit::Writer,
    /// Recent staff queue pages (see `staff::queue::Cache`).
    pub queue_cache: Arc<queue::Cache>,
    /// Real-time eligibility checks, when ELIGIBILITY_ENDPOINT is set: "Check now" runs
    /// one at once through it.
    pub eligibility: Option<crate::server::eligibility_outbox::Worker>,
}

impl AppState {
    /// The state of one app instance: its writers start here.
    pub fn new(db: Db, settings: Settings, limiter: RateLimiter, leptos_options: LeptosOptions) -> Self {
        Self {
            intakes: intakes::Writer::start(&db, settings.follow_up),
            audit: audit::Writer::start(&db),
            queue_cache: Arc::new(if settings.bench_no_queue_cache {
                queue::Cache::off()
            } else {
                queue::Cache::default()
            }),
            eligibility: None,
            db,
            settings: Arc::new(settings),
            limiter,
            leptos_options,
        }
    }
}

impl AppState {
    /// This state with real-time eligibility checks on (see `eligibility_outbox`).
    pub fn with_eligibility(self, worker: crate::server::eligibility_outbox::Worker) -> Self {
        Self { eligibility: Some(worker), ..self }
    }
}

/// The whole app: pages, API, health checks and the middleware around them.
pub fn app(state: AppState) -> Router {
    // The process's metrics recorder, before anything is counted (once per process).
    crate::server::metrics::handle();
    let routes = route_list();
    let clinic = state.settings.clinic.clone();
    let context = {
        let clinic = clinic.clone();
        move || provide_context(clinic.clone())
    };
    let api = Router::new()
        .route("/screening", post(api::screening))
        .route("/intakes", post(api::create_intake))
        .route("/slots", get(booking::slots))
        .route("/bookings", post(booking::book))
        .route("/bookings/reschedule", post(booking::reschedule))
        .route("/bookings/cancel", post(booking::cancel))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY));
    let mut pages = Router::new();
    if state.settings.bench_floors {
        pages = pages.route("/bench/insert", post(bench::insert));
    }
    let pages = pages
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/theme.css", get(theme_css))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .route("/intake/start", post(wizard::start))
        .route("/intake/stop", post(wizard::ask_for_call))
        .route("/intake/book", post(consult::book))
        .route("/intake/book/change", post(consult::change))
        .route("/intake/book/cancel", post(consult::cancel))
        .route("/consult", post(consult::open_link))
        .route("/intake/{step}", post(wizard::post_step))
        .route("/intake/resume", post(wizard::resume))
        .route("/intake/saved/email", post(wizard::email_link))
        .route("/lang/{code}", get(wizard::set_language))
        .route("/staff/sign-in", post(staff::auth::sign_in))
        .route("/staff/two-factor", post(staff::auth::two_factor))
        .route("/staff/enrol", post(staff::auth::enrol))
        .route("/staff/sign-out", post(staff::auth::sign_out))
        .route("/staff/sign-out-everywhere", post(staff::auth::sign_out_everywhere))
        .route("/staff/password", post(staff::auth::change_password))
        .route("/staff/keepalive", post(staff::auth::keepalive))
        .route("/staff/invite/{token}", post(staff::auth::accept_invitation))
        .route("/staff/queue", post(staff::actions::filter_queue))
        .route("/staff/audit", post(staff::actions::filter_audit))
        .route("/staff/export.csv", get(staff::exports::queue_csv))
        .route("/staff/submissions/{reference}/status", post(staff::actions::change_status))
        .route("/staff/submissions/{reference}/assign", post(staff::actions::assign))
        .route("/staff/submissions/{reference}/notes", post(staff::actions::add_note))
        .route("/staff/submissions/{reference}/follow-up/acknowledge", post(staff::follow_ups::acknowledge))
        .route("/staff/submissions/{reference}/follow-up/attempts", post(staff::follow_ups::attempt))
        .route("/staff/submissions/{reference}/follow-up/close", post(staff::follow_ups::close))
        .route("/staff/callbacks/{callback}/follow-up/acknowledge", post(staff::follow_ups::acknowledge))
        .route("/staff/callbacks/{callback}/follow-up/attempts", post(staff::follow_ups::attempt))
        .route("/staff/callbacks/{callback}/follow-up/close", post(staff::follow_ups::close))
        .route("/staff/submissions/{reference}/consult/book", post(staff::consults::book))
        .route("/staff/submissions/{reference}/consult/cancel", post(staff::consults::cancel))
        .route("/staff/submissions/{reference}/consult/mark", post(staff::consults::mark))
        .route("/staff/submissions/{reference}/consult/approve", post(staff::consults::approve))
        .route("/staff/submissions/{reference}/fhir", get(staff::exports::fhir_bundle))
        .route("/staff/submissions/{reference}/270", get(staff::insurance::download_270))
        .route(
            "/staff/submissions/{reference}/271",
            post(staff::insurance::upload_271)
                .layer(DefaultBodyLimit::max(staff::insurance::MAX_271_BYTES + 64 * 1024)),
        )
        .route("/staff/submissions/{reference}/verification", post(staff::insurance::save_verification))
        .route("/staff/payers/{id}", post(staff::insurance::update_payer))
        .route("/staff/hours/day", post(staff::hours::set_day))
        .route("/staff/hours/slots", post(staff::hours::set_slots))
        .route("/staff/hours/close", post(staff::hours::close))
        .route("/staff/hours/reopen", post(staff::hours::reopen))
        .route("/staff/hours/extra", post(staff::hours::add_extra))
        .route("/staff/hours/extra/clear", post(staff::hours::clear_extra))
        .route("/staff/submissions/{reference}/eligibility/check", post(staff::insurance::check_now))
        .route("/staff/submissions/{reference}/card/{side}", get(cards::view))
        .route("/intake/cards", post(cards::upload).layer(DefaultBodyLimit::max(cards::MAX_UPLOAD)))
        .route("/intake/cards/remove", post(cards::remove))
        .route("/staff/users", post(staff::actions::invite))
        .route("/staff/users/{id}/{change}", post(staff::actions::change_user))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(axum::middleware::from_fn(security::server_fns))
        .layer(staff::session_layer(&state))
        // After the session layer, so a scrape never touches the session store.
        .route("/metrics", get(metrics::scrape));
    let https_only = state.settings.https_only;
    let app = with_middleware(pages.nest("/api/v1", api).with_state(state));
    if https_only {
        app.layer(axum::middleware::from_fn(security::hsts))
    } else {
        app
    }
}

/// The app's Leptos routes, generated once per process.
///
/// Generating them renders the app once, and while it does Leptos keeps every resource
/// in the process from loading: a page whose resource first runs in that moment never
/// answers (leptos issue 4773). Built once, before the first router serves anything, the
/// list is never generated again while pages are rendered, however many routers are
/// built (tests build one per test, in parallel).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Wraps a router in the layers every response passes through. Public so tests can put
/// a deliberately failing route behind the same layers.
pub fn with_middleware(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(|_| internal_error_page()))
        .layer(axum::middleware::from_fn(security::headers))
        // Responses are compressed with gzip at its fastest level: the default (brotli
        // at quality 11) spent more CPU than rendering the page, each brotli stream held
        // megabytes of window (64 at once pushed the server past its memory budget), and
        // gzip level 4 was still a tenth of the wizard's profile (BENCHMARKS.md); a 10 KB
        // page still shrinks to about 3 KB. Pages go through `compress`, which reuses one
        // deflate stream per thread; the rest through tower-http. Built assets are served
        // already compressed with brotli at the highest level (cargo leptos
        // --precompress; not these layers).
        .layer(axum::middleware::from_fn(compress::pages))
        .layer(CompressionLayer::new().no_br().quality(CompressionLevel::Fastest))
        // Requests by route template and status, and their latency (compression included).
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                // The route template, never the concrete path or query: those could carry
                // identifiers. Request ids tie a log line to a support call.
                let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-")
                    .to_owned();
                tracing::info_span!("request", method = %req.method(), route = route.as_deref().unwrap_or("-"), request_id = %id)
            })
            // One line per response: status and latency, inside the span above.
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // The id is the server's own: `SetRequestIdLayer` keeps one the client sent, and
        // the audit log and the logs would then record whatever a client chose (another
        // request's id, or text made to mislead a reader). Outermost, so it runs first.
        .layer(axum::middleware::map_request(|mut req: Request<axum::body::Body>| async move {
            req.headers_mut().remove("x-request-id");
            req
        }))
}

/// The clinic's colours as CSS variables, overriding the stylesheet's defaults.
async fn theme_css(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let brand = &state.settings.brand_color;
    // A darker shade for hover states: each channel at three quarters.
    let dark: String = (0..3)
        .map(|i| {
            let c = u8::from_str_radix(&brand[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0);
            format!("{:02x}", (u16::from(c) * 3 / 4) as u8)
        })
        .collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        format!(":root {{ --brand: {brand}; --brand-dark: #{dark}; }}\n"),
    )
        .into_response()
}

/// The 500 page: says what happened and that nothing the patient typed is in a URL.
fn internal_error_page() -> Response {
    tracing::error!("a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Something went wrong</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
             <body><main id=\"main\" class=\"page narrow\"><h1>Something went wrong on our side</h1>\
             <p>Please try again in a minute. If it keeps happening, call the clinic.</p>\
             <p><a class=\"button\" href=\"/\">Go to the home page</a></p></main></body></html>",
            css = assets::stylesheet_href()
        )),
    )
        .into_response()
}
