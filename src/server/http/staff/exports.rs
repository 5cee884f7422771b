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
use crate::shared::staff::{QueueFilter, Refusal};
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

/// `GET /staff/export.csv`
pub async fn queue_csv(State(state): State<AppState>, who: SignedIn<ExportsQueue>) -> Result<Response, StaffError> {
    let filter: QueueFilter = who.session.get(QUEUE_FILTER).await.ok().flatten().unwrap_or_default();
    let tz = &state.settings.clinic_timezone;
    let rows = queue::all(&state.db, &filter, who.staff.role, tz, state.settings.today()).await?;
    let detail = format!("{} rows", rows.len());
    audit(&state, Some(&who.staff), Action::ExportCsv, "", &detail, &who.origin).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
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
    let mut ok = out.write_record(header).is_ok();
    for r in &rows {
        let record = [
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
        ];
        ok &= out.write_record(&record).is_ok();
    }
    // Writing to memory fails only if the writer itself does: say so, never half a file.
    let bytes = out.into_inner().ok().filter(|_| ok).ok_or(StaffError::Refused(Refusal::Unavailable))?;
    Ok(super::attachment("text/csv; charset=utf-8", &format!("intake-queue-{}.csv", state.settings.today()), bytes))
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
