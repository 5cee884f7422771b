//! Downloads: the CSV of the filtered queue (admins) and a FHIR R4 Bundle of one
//! submission (clinicians and admins). Both are audited before a byte is sent, are
//! never cached, and carry no patient data in their file names.

use super::audit;
use super::error::StaffError;
use super::guard::{ExportsFhir, ExportsQueue, SignedIn};
use super::pages::QUEUE_FILTER;
use crate::server::bookings::{self, ConsultStatus};
use crate::server::http::AppState;
use crate::server::staff::audit::Action;
use crate::server::staff::{fhir, queue, submissions};
use crate::shared::staff::QueueFilter;
use crate::shared::staff::QueueRow;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::response::Response;

/// A cell as spreadsheets should read it: text that starts like a formula is prefixed
/// with `'` so opening the file cannot run it (CSV injection).
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Rows per chunk of the CSV body: the export holds about this many rows (and the
/// channel two chunks more) at any time, however long the file.
const CSV_CHUNK: usize = 256;

const CSV_HEADER: [&str; 12] = [
    "reference",
    "name",
    "age",
    "outcome",
    "safety_alert",
    "priority",
    "plan",
    "verification",
    "status",
    "received",
    "assignee",
    "consult",
];

/// CSV lines, the header first when `header`.
fn csv_lines(header: bool, rows: &[QueueRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    if header {
        out.write_record(CSV_HEADER)?;
    }
    for r in rows {
        out.write_record([
            cell(&r.reference),
            cell(&r.name),
            r.age.to_string(),
            r.outcome.map(|o| o.as_str().to_owned()).unwrap_or_default(),
            r.safety_alert.map(|s| s.to_string()).unwrap_or_default(),
            r.priority.as_str().to_owned(),
            r.plan.as_str().to_owned(),
            r.verification.as_str().to_owned(),
            r.status.as_str().to_owned(),
            r.received.clone(),
            cell(r.assignee.as_deref().unwrap_or("")),
            r.consult.clone().unwrap_or_default(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// `GET /staff/export.csv`
///
/// Streamed: the rows are read from the database while the file is sent, a chunk at a
/// time, so a 100,000-row export costs the server no more memory than a small one
/// (BENCHMARKS.md). The count is audited before the first byte. A failure after the
/// first byte ends the response without its final chunk, so the download fails rather
/// than leaving a file that looks complete.
pub async fn queue_csv(State(state): State<AppState>, who: SignedIn<ExportsQueue>) -> Result<Response, StaffError> {
    use futures_util::StreamExt;
    let filter: QueueFilter = who.session.get(QUEUE_FILTER).await.ok().flatten().unwrap_or_default();
    let tz = &state.settings.clinic_timezone;
    let export = queue::Export::open(&state.db, &filter, who.staff.role, tz, state.settings.today()).await?;
    let detail = format!("{} rows", export.total);
    audit(&state, Some(&who.staff), Action::ExportCsv, "", &detail, &who.origin).await?;
    let (to, from) = tokio::sync::mpsc::channel::<Result<Vec<QueueRow>, sqlx::Error>>(2);
    tokio::spawn(export.send(CSV_CHUNK, to));
    let chunks = futures_util::stream::unfold(from, |mut from| async move { from.recv().await.map(|c| (c, from)) });
    let lines =
        |header: bool, rows: &[QueueRow]| csv_lines(header, rows).map(Bytes::from).map_err(std::io::Error::other);
    let body =
        futures_util::stream::once(async move { lines(true, &[]) }).chain(chunks.map(move |chunk| match chunk {
            Ok(rows) => lines(false, &rows),
            Err(e) => {
                tracing::error!(error = %e, "the CSV export stopped: the database failed");
                Err(std::io::Error::other("the database failed"))
            }
        }));
    // Fused: hyper may poll a body once more after its end, which `unfold` answers with a
    // panic (the browser test's download caught it); a fused stream says "ended" again.
    let body = body.fuse();
    Ok(super::attachment(
        "text/csv; charset=utf-8",
        &format!("intake-queue-{}.csv", state.settings.today()),
        Body::from_stream(body),
    ))
}

/// `GET /staff/submissions/{reference}/fhir`
pub async fn fhir_bundle(
    State(state): State<AppState>,
    who: SignedIn<ExportsFhir>,
    Path(reference): Path<String>,
) -> Result<Response, StaffError> {
    let found = super::find_submission(&state, &reference).await?;
    let reference = found.reference.clone();
    audit(&state, Some(&who.staff), Action::ExportFhir, reference.compact(), "", &who.origin).await?;
    let display = reference.display();
    let consent = submissions::consent(&state.db, found.id).await?;
    // The upcoming consult, else the latest (`of_intake` lists the latest first).
    let consults = bookings::of_intake(&state.db, found.id).await?;
    let consult = consults.iter().find(|c| c.status == ConsultStatus::Booked).or(consults.first());
    let appointment =
        consult.map(|c| fhir::Appointment { uid: &c.uid, start: c.slot.start, end: c.slot.end, status: c.status });
    let bundle = fhir::bundle(&fhir::Submission {
        reference: &display,
        received_at: &found.created_at,
        answers: &found.answers,
        evaluation: &found.evaluation,
        consent: consent.as_ref(),
        consult: appointment.as_ref(),
    });
    let name = format!("intake-{}.fhir.json", reference.compact());
    Ok(super::attachment("application/fhir+json; charset=utf-8", &name, bundle.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::cell("-1+2"), "'-1+2");
        assert_eq!(super::cell("O'Neil"), "O'Neil");
    }
}
