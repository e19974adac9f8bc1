//! The axum router: Leptos pages and server functions, health checks, static files
//! with cache headers, sessions, the cross-origin guard, client addresses, compression.

use app::accounts::server::session_store::AccountSessionStore;
use app::state::{AppState, ClientIp};
use app::{shell, App};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::net::SocketAddr;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::CompressionLevel;
use tower_http::LatencyUnit;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

pub const SESSION_COOKIE: &str = "gigforge_session";

/// How the HTTP layer treats cookies and client addresses.
#[derive(Clone)]
pub struct HttpSettings {
    pub cookie_key: Key,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
}

pub fn build(state: AppState, settings: HttpSettings) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let fallback_state = state.clone();
    let sessions = SessionManagerLayer::new(AccountSessionStore::new(state.pool.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(30)))
        .with_signed(settings.cookie_key.clone());
    let trust_forwarded_for = settings.trust_forwarded_for;

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        // Streaming CSV upload; a plain handler rather than a server function so the body
        // is parsed as it arrives. It authorizes itself like every server function.
        .route("/api/jobs/{job_id}/units/import", post(app::units::server::import::handler))
        .route(
            "/api/gigs/{job_id}/reservations/{reservation_id}/submission",
            post(app::gigs::server::submit::handler)
                .layer(axum::extract::DefaultBodyLimit::max(app::gigs::server::submit::MAX_SUBMISSION_BYTES)),
        )
        // The training quiz posted as a plain form (before or without the WASM).
        .route("/api/gigs/training/{training_id}/quiz", post(app::gigs::server::quiz_form::handler))
        .route("/api/admin/payouts/{batch_id}/bank.csv", get(app::payouts::server::bank_file_handler))
        .route(
            "/api/review/photos/{job_id}/{submission_id}/{field}/{position}",
            get(app::review::server::photo_handler),
        )
        .route("/api/{*fn_name}", get(server_fn).post(server_fn))
        // The WASM, JS and CSS, from the copies compressed once at their best
        // (precompress.rs) when the browser takes that encoding and they exist yet.
        .nest_service("/pkg", ServeDir::new(pkg_dir(&state)).precompressed_br().precompressed_gzip())
        .leptos_routes_with_context(&state, routes, move || provide_context(context_state.clone()), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .layer(sessions)
        .layer(middleware::from_fn(refuse_cross_origin_writes))
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn(move |req, next| client_ip(trust_forwarded_for, req, next)))
        .layer(compression())
        .layer(TraceLayer::new_for_http().make_span_with(request_span).on_response(
            DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Millis),
        ))
        .with_state(state)
}

/// Compression of what the server makes per request (pages, JSON). The WASM, JS and
/// CSS are compressed once at their best instead (precompress.rs).
///
/// - Level 4, not the library's default: that is brotli's 11, which took several
///   milliseconds of CPU per server-rendered page, before the first byte reached the
///   phone. Brotli 4 is still smaller than gzip's default.
/// - Nothing under 1 KB: such a body fits in one packet either way, so compressing it
///   saves the phone no time and costs the server an encoder per response (most JSON
///   answers of the API are a few hundred bytes).
fn compression() -> CompressionLayer<impl Predicate> {
    let worth_it = SizeAbove::new(1024)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);
    CompressionLayer::new().quality(CompressionLevel::Precise(4)).compress_when(worth_it)
}

/// Where cargo-leptos put the WASM, JS and CSS.
pub fn pkg_dir(state: &AppState) -> std::path::PathBuf {
    let options = &state.leptos_options;
    std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

/// One span per request with the method and path only: query strings can carry phone
/// numbers and messages, and headers carry session cookies, so neither is logged.
fn request_span(request: &Request<Body>) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), request).await
}

/// Alive: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the database answers too.
async fn readyz(State(state): State<AppState>) -> Response {
    match sqlx::query("select 1").execute(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// Refuses state-changing requests that a browser says came from another site
/// (Sec-Fetch-Site), or whose Origin is not this host. Together with SameSite=Lax
/// cookies this stops cross-site request forgery, including of plain form posts.
async fn refuse_cross_origin_writes(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let allowed = match fetch_site {
        Some(site) => site == "same-origin" || site == "none",
        None => match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            None => true, // not a browser, or one that sends neither header: no ambient cookies to abuse
            Some(origin) => {
                let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
                origin.split_once("://").is_some_and(|(_, authority)| authority == host)
            }
        },
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "refused a cross-origin write");
        (StatusCode::FORBIDDEN, "Cross-origin requests may not change anything here.").into_response()
    }
}

/// Hashed assets under /pkg never change, so browsers keep them a year; the service
/// worker, its outbox script and the manifest must be re-checked on every visit; other files for an hour.
async fn cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let policy = if path.starts_with("/pkg/") {
        let hashed = path.rsplit('/').next().is_some_and(|name| name.matches('.').count() >= 2);
        if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }
    } else if path == "/sw.js" || path == "/outbox.js" || path == "/manifest.webmanifest" {
        "no-cache"
    } else if path.starts_with("/icons/") || path == "/favicon.ico" {
        "public, max-age=86400"
    } else if path.starts_with("/api/") {
        "no-store"
    } else {
        // Pages are personal (they depend on the session): never shared caches.
        "private, no-cache"
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Records the client's address for rate limits: the peer address, or the address
/// our trusted proxy appended to X-Forwarded-For (the last entry; earlier ones are
/// whatever the client claimed).
async fn client_ip(trust_forwarded_for: bool, mut request: Request, next: Next) -> Response {
    let forwarded = trust_forwarded_for
        // The last X-Forwarded-For line: proxies that add a line rather than merge
        // leave any client-forged line before theirs.
        .then(|| {
            request.headers().get_all("x-forwarded-for").iter().next_back().and_then(|v| v.to_str().ok())
        })
        .flatten()
        .and_then(|list| list.rsplit(',').next())
        .map(|ip| ip.trim().to_string())
        .filter(|ip| !ip.is_empty());
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip().to_string());
    let ip = forwarded.or(peer).unwrap_or_else(|| "unknown".to_string());
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}
