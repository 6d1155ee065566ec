//! `dossier serve`: the HTML page served live, with a query box that runs
//! queries on the server, and the files watched and reloaded all or
//! nothing. Read-only: `GET /` (the page), `GET /api/graph` (the JSON
//! export) and `POST /api/query` (the answer as `--json` prints it);
//! anything else is 404, and no path from a request reaches the file
//! system.
//!
//! The HTTP server is `tiny_http`: blocking, a few small dependencies and
//! no async runtime, served by a pool of threads; a query holds a thread
//! for at most its time limit.

use crate::build::Options;
use crate::graph::Graph;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// The largest request body: a query is a line or a few.
pub const MAX_BODY: usize = 1 << 20;
/// Threads that answer requests.
const WORKERS: usize = 8;
/// How often the files are looked at.
const WATCH_EVERY: Duration = Duration::from_millis(300);

/// What is served: the last graph that loaded, and the diagnostics of the
/// last load if it failed.
struct State {
    graph: Arc<Graph>,
    page: Arc<String>,
    json: Arc<String>,
    /// Counts loads, good or bad: the page's ETag.
    version: u64,
    error: Option<String>,
}

fn state(graph: Graph, version: u64) -> State {
    let title = graph.files.join(", ");
    let page = crate::export::html::page(&graph, &title, true);
    let json = crate::export::json::json(&graph);
    State {
        graph: Arc::new(graph),
        page: Arc::new(page),
        json: Arc::new(json),
        version,
        error: None,
    }
}

/// Each file's modification time and length, to see a change.
fn stamp(files: &[String]) -> Vec<Option<(SystemTime, u64)>> {
    files
        .iter()
        .map(|f| {
            let m = std::fs::metadata(f).ok()?;
            Some((m.modified().ok()?, m.len()))
        })
        .collect()
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("headers are ASCII")
}

fn respond(
    request: tiny_http::Request,
    status: u16,
    kind: &str,
    body: &str,
    extra: Vec<tiny_http::Header>,
) {
    let mut response = tiny_http::Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    for h in extra {
        response.add_header(h);
    }
    let _ = request.respond(response);
}

const JSON: &str = "application/json; charset=utf-8";

/// The answer to a query, as `--json` prints it, and its status.
pub fn answer(graph: &Graph, query: &str, time_limit: Duration) -> (u16, String) {
    let mut sources = crate::diagnostic::Sources::new();
    let file = sources.add("<query>", query);
    let parsed = crate::query::parse_query(file, 0, query);
    let deadline = Instant::now() + time_limit;
    let answer = parsed.and_then(|q| {
        let limits = crate::query::eval::default_limits();
        crate::query::eval::evaluate_until(graph, file, &q, limits, deadline).map(|a| (a, q.why))
    });
    match answer {
        Ok((answer, why)) => {
            let mut out = Vec::new();
            let _ =
                crate::output::write(&mut out, graph, &answer, crate::output::Format::Json, why);
            (200, String::from_utf8_lossy(&out).trim_end().to_string())
        }
        Err(d) => {
            let text = sources.render(std::slice::from_ref(&d), false);
            (
                400,
                serde_json::json!({"error": d.message, "diagnostic": text}).to_string(),
            )
        }
    }
}

fn handle(shared: &RwLock<State>, mut request: tiny_http::Request, time_limit: Duration) {
    let (graph, page, json, version, error) = {
        let s = shared.read().expect("the state's lock");
        (
            s.graph.clone(),
            s.page.clone(),
            s.json.clone(),
            s.version,
            s.error.clone(),
        )
    };
    let etag = format!("\"{version}\"");
    let mut extra = vec![header("ETag", &etag)];
    if let Some(e) = &error {
        let mut encoded = String::new();
        crate::export::ntriples::percent_encode(&mut encoded, e);
        extra.push(header("X-Dossier-Diagnostics", &encoded));
    }
    let url = request.url().to_string();
    let path = url.split('?').next().unwrap_or("");
    match (request.method(), path) {
        (tiny_http::Method::Get, "/") => {
            respond(request, 200, "text/html; charset=utf-8", &page, extra)
        }
        (tiny_http::Method::Get, "/api/graph") => {
            let fresh = request
                .headers()
                .iter()
                .any(|h| h.field.equiv("If-None-Match") && h.value.as_str() == etag);
            if fresh {
                let mut response = tiny_http::Response::empty(304);
                for h in extra {
                    response.add_header(h);
                }
                let _ = request.respond(response);
            } else {
                respond(request, 200, JSON, &json, extra)
            }
        }
        (tiny_http::Method::Post, "/api/query") => {
            let mut body = Vec::new();
            let read = std::io::Read::read_to_end(
                &mut std::io::Read::take(request.as_reader(), MAX_BODY as u64 + 1),
                &mut body,
            );
            if body.len() > MAX_BODY {
                let e = serde_json::json!({"error": "the query is over 1 MB"}).to_string();
                return respond(request, 413, JSON, &e, extra);
            }
            let Ok(text) = read
                .map_err(|_| ())
                .and_then(|_| String::from_utf8(body).map_err(|_| ()))
            else {
                let e = serde_json::json!({"error": "the query is not UTF-8 text"}).to_string();
                return respond(request, 400, JSON, &e, extra);
            };
            let (status, body) = answer(&graph, &text, time_limit);
            respond(request, status, JSON, &body, extra)
        }
        _ => {
            let e = serde_json::json!({"error": "not found"}).to_string();
            respond(request, 404, JSON, &e, extra)
        }
    }
}

/// Serves `files` on `bind:port` until killed; each query runs for at
/// most `time_limit`, then answers what it found, marked partial.
pub fn run(
    files: &[PathBuf],
    bind: &str,
    port: u16,
    time_limit: Duration,
    options: Options,
) -> std::process::ExitCode {
    let graph = match crate::cli::load(files, options) {
        Ok((graph, _)) => graph,
        Err(e) => {
            crate::load::report(&e);
            return std::process::ExitCode::FAILURE;
        }
    };
    let loopback = bind
        .parse::<std::net::IpAddr>()
        .map(|a| a.is_loopback())
        .unwrap_or(bind == "localhost");
    if !loopback {
        eprintln!(
            "warning: serving on {bind}, not a loopback address: anyone who can reach it can read the graph"
        );
    }
    let server = match tiny_http::Server::http((bind, port)) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: cannot listen on {bind}:{port}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let watched = graph.files.clone();
    let shared = Arc::new(RwLock::new(state(graph, 1)));
    let addr = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or_default();
    eprintln!(
        "serving {} on http://{addr}/ (Ctrl-C stops)",
        watched.join(", ")
    );
    // The watcher: a change reloads every file; a failure keeps the graph
    // and shows its diagnostics.
    {
        let shared = shared.clone();
        let files = files.to_vec();
        std::thread::spawn(move || {
            let mut watched = watched;
            let mut last = stamp(&watched);
            loop {
                std::thread::sleep(WATCH_EVERY);
                let now = stamp(&watched);
                if now == last {
                    continue;
                }
                last = now;
                let mut graph = Graph::new();
                let loaded = graph.load_with_warnings(&crate::load::inputs(&files), options);
                let mut s = shared.write().expect("the state's lock");
                let version = s.version + 1;
                match loaded {
                    Ok(_) => {
                        watched = graph.files.clone();
                        last = stamp(&watched);
                        *s = state(graph, version);
                        eprintln!("reloaded");
                    }
                    Err(e) => {
                        s.version = version;
                        s.error = Some(e.render(false));
                        eprintln!(
                            "the files do not load; serving the last graph that did:\n{}",
                            e.render(false)
                        );
                    }
                }
            }
        });
    }
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let server = server.clone();
            let shared = shared.clone();
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(&shared, request, time_limit);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    std::process::ExitCode::SUCCESS
}
