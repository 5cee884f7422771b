//! Insurance over HTTP: card-photo uploads (limits, content checks, sealing, who may see
//! them), the 270 download, the 271 upload and confirming a verification, and the payer
//! directory.
#![allow(clippy::unwrap_used)] // a test that unwraps fails at the line that broke

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::staff::*;
use common::*;
use pain_intake::server::db::Backend;
use pain_intake::server::staff::cards;
use sqlx::Row;

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn png() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(PNG).unwrap()
}

const BOUNDARY: &str = "XyZpainintakeBoundary";

/// A multipart body with one file per `(field, bytes)`.
fn multipart(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (field, bytes) in files {
        body.extend(format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{field}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes());
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart_request(path: &str, cookie: &str, body: Vec<u8>, site: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .header("sec-fetch-site", site)
        .header("x-forwarded-for", next_client())
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap()
}

/// A new wizard draft; returns its cookie.
async fn draft(app: &TestApp) -> String {
    let reply = app.post_form("/intake/start", "", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    reply.header("set-cookie").split(';').next().unwrap().to_owned()
}

async fn upload(app: &TestApp, cookie: &str, files: &[(&str, &[u8])]) -> String {
    let reply = app.send(multipart_request("/intake/cards", cookie, multipart(files), "same-origin")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    reply.header("location").to_owned()
}

async fn stored_cards(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM card_images").await
}

#[tokio::test]
async fn oversized_renamed_and_truncated_photos_are_refused_with_a_clear_message() {
    let app = spawn(Backend::Sqlite).await;
    let cookie = draft(&app).await;

    let big = vec![0xFFu8; 10 * 1024 * 1024 + 1];
    assert_eq!(upload(&app, &cookie, &[("front", &big)]).await, "/intake/cards?m=too-large&side=front");
    assert_eq!(
        upload(&app, &cookie, &[("back", b"hello, this is not an image")]).await,
        "/intake/cards?m=not-image&side=back"
    );
    let cut = &png()[..40];
    assert_eq!(upload(&app, &cookie, &[("front", cut)]).await, "/intake/cards?m=truncated&side=front");
    assert_eq!(upload(&app, &cookie, &[]).await, "/intake/cards?m=empty");
    assert_eq!(stored_cards(&app).await, 0, "nothing refused is stored");

    // Each message is on the page in the patient's language.
    let page = app.get_with("/intake/cards?m=too-large", &cookie).await.text();
    assert!(page.contains("larger than 10 MB"), "{page}");
    let page = app
        .send(
            Request::get("/intake/cards?m=not-image")
                .header("cookie", &cookie)
                .header("accept-language", "es")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .text();
    assert!(page.contains("no es una foto que podamos leer"), "{page}");
}

#[tokio::test]
async fn uploads_need_a_draft_and_this_site() {
    let app = spawn(Backend::Sqlite).await;
    let cookie = draft(&app).await;
    let reply =
        app.send(multipart_request("/intake/cards", &cookie, multipart(&[("front", &png())]), "cross-site")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = app.send(multipart_request("/intake/cards", "", multipart(&[("front", &png())]), "same-origin")).await;
    assert_eq!(reply.header("location"), "/intake");
    // Not multipart at all: a message, never a 500.
    let reply = app.post_form("/intake/cards", &cookie, &[("front", "x")]).await;
    assert_eq!(reply.header("location"), "/intake/cards?m=empty");
    assert_eq!(stored_cards(&app).await, 0);
}

on_both_databases! {
    async fn a_photo_is_sealed_attached_at_submission_and_shown_only_to_staff(backend) {
        let app = spawn(backend).await;
        let (_admin, _clinician, desk) = create_team(&app).await;
        let cookie = draft(&app).await;
        assert_eq!(upload(&app, &cookie, &[("front", &png()), ("back", &png())]).await, "/intake/cards?m=saved");
        // A second front replaces the first.
        assert_eq!(upload(&app, &cookie, &[("front", &png())]).await, "/intake/cards?m=saved");
        assert_eq!(stored_cards(&app).await, 2);
        let data: String = sqlx::query("SELECT data FROM card_images WHERE side = 'front'").fetch_one(&app.db.pool).await.unwrap().try_get("data").unwrap();
        assert!(data.starts_with("enc:v1:test-1:"), "{data}");
        // Removing the back.
        let reply = app.post_form("/intake/cards/remove", &cookie, &[("side", "back")]).await;
        assert_eq!(reply.header("location"), "/intake/cards?m=removed");
        assert_eq!(stored_cards(&app).await, 1);

        // As the wizard's submission does: the draft's photos move to the intake.
        let reference = app.submit_intake(&valid_intake()).await;
        let ids = sqlx::query("SELECT (SELECT id FROM drafts) AS d, (SELECT id FROM intakes) AS i").fetch_one(&app.db.pool).await.unwrap();
        cards::attach(&app.db, ids.try_get("d").unwrap(), ids.try_get("i").unwrap()).await.unwrap();

        let path = format!("/staff/submissions/{reference}/card/front");
        let anonymous = app.get_with(&path, "").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        assert_eq!(anonymous.header("location"), "/staff/sign-in");
        let staff = app.sign_in(&desk).await;
        let image = app.get_with(&path, &staff).await;
        assert_eq!(image.status, StatusCode::OK);
        assert_eq!(image.header("content-type"), "image/png");
        assert_eq!(image.header("cache-control"), "no-store");
        assert_eq!(image.body, png());
        assert_eq!(app.get_with(&format!("/staff/submissions/{reference}/card/back"), &staff).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get_with(&format!("/staff/submissions/{reference}/card/side"), &staff).await.status, StatusCode::NOT_FOUND);
        let page = app.get_with(&format!("/staff/submissions/{reference}"), &staff).await.text();
        assert!(page.contains(&format!("/staff/submissions/{reference}/card/front")));
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE detail = 'card front'").await, 1);
    }
}

/// An active 271 answering the 270 of `reference` (its trace), with a $40 copay.
fn response_271(reference: &str) -> String {
    response_271_with_trn(&format!("TRN*2*{}*9CLINIC001", reference.replace('-', "")))
}

/// The same response with this TRN in place of the echo of our trace.
fn response_271_with_trn(trn: &str) -> String {
    let body = [
        "ST*271*0001*005010X279A1".to_owned(),
        "BHT*0022*11*REQ1*20261123*1415".into(),
        "HL*1**20*1".into(),
        "NM1*PR*2*BLUE CROSS BLUE SHIELD OF TEXAS*****PI*84980".into(),
        "HL*2*1*21*1".into(),
        "NM1*1P*2*TEST PAIN CLINIC*****XX*1234567893".into(),
        "HL*3*2*22*0".into(),
        trn.to_owned(),
        "NM1*IL*1*DOE*JANE****MI*XYZ123456789".into(),
        "EB*1*IND*30*PR*BLUE CHOICE PPO".into(),
        "EB*B*IND*98*PR**27*40*****Y".into(),
    ];
    let mut segments = vec![
        "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*CLINICSUBMIT   *261123*1415*^*00501*000000001*0*T*:"
            .to_owned(),
        "GS*HB*CLEARINGHOUSE*CLINICSUBMIT*20261123*1415*1*X*005010X279A1".into(),
    ];
    segments.extend(body.iter().cloned());
    segments.push(format!("SE*{}*0001", body.len() + 1));
    segments.push("GE*1*1".into());
    segments.push("IEA*1*000000001".into());
    segments.join("~\n") + "~\n"
}

fn upload_271(path: &str, cookie: &str, text: &[u8]) -> Request<Body> {
    let mut body = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.271\"\r\nContent-Type: text/plain\r\n\r\n").into_bytes();
    body.extend_from_slice(text);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    multipart_request(path, cookie, body, "same-origin")
}

on_both_databases! {
    async fn front_desk_verifies_coverage_with_a_270_and_a_271(backend) {
        let app = spawn(backend).await;
        let (_admin, _clinician, desk) = create_team(&app).await;
        let reference = app.submit_intake(&valid_intake()).await;
        let sub = format!("/staff/submissions/{reference}");
        assert_eq!(app.get_with(&format!("{sub}/270"), "").await.status, StatusCode::SEE_OTHER);

        let staff = app.sign_in(&desk).await;
        let inquiry = app.get_with(&format!("{sub}/270"), &staff).await;
        assert_eq!(inquiry.status, StatusCode::OK);
        assert!(inquiry.header("content-disposition").starts_with("attachment; filename=\"270-"));
        let text = inquiry.text();
        assert!(text.starts_with("ISA*") && text.contains("NM1*PR*2*BLUE CROSS BLUE SHIELD OF TEXAS*****PI*84980~"), "{text}");
        assert!(text.contains("NM1*1P*2*TEST PAIN CLINIC*****XX*1234567893~"));

        // Junk, an empty upload and an oversized one are refused with a message.
        let r = app.send(upload_271(&format!("{sub}/271"), &staff, b"this is not X12")).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-bad#insurance-h"));
        let r = app.send(upload_271(&format!("{sub}/271"), &staff, b"")).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-empty#insurance-h"));
        let r = app.send(upload_271(&format!("{sub}/271"), &staff, &vec![b'A'; 1024 * 1024 + 1])).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-large#insurance-h"));

        let r = app.send(upload_271(&format!("{sub}/271"), &staff, response_271(&reference).as_bytes())).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-read#insurance-h"));
        let page = app.get_with(&sub, &staff).await.text();
        assert!(page.contains("data-testid=\"suggestion\""), "{page}");
        assert!(page.contains("$40 per visit in network"));
        assert!(page.contains("Confirm verification"));

        let form = [
            ("status", "active"), ("plan_name", "BLUE CHOICE PPO"), ("network", "in"), ("copay", "$40 per visit in network"),
            ("coinsurance", ""), ("deductible_remaining", ""), ("oop_remaining", ""), ("prior_auth", ""),
            ("notes", "checked"), ("method", "x12_271"),
        ];
        let r = app.post_form(&format!("{sub}/verification"), &staff, &form).await;
        assert_eq!(r.header("location"), format!("{sub}?m=verification-saved#insurance-h"));
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM intakes WHERE verification_status = 'active'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM verifications WHERE method = 'x12_271' AND copay = '$40 per visit in network'").await, 1);
        for action in ["download_270", "upload_271", "change_verification"] {
            assert_eq!(app.count(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}'")).await, 1, "{action}");
        }
        // A bad form changes nothing.
        let mut bad = form;
        bad[0] = ("status", "covered");
        let r = app.post_form(&format!("{sub}/verification"), &staff, &bad).await;
        assert_eq!(r.header("location"), format!("{sub}?m=verification-bad#insurance-h"));
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM verifications").await, 1);
        // The queue filters by it.
        app.post_form("/staff/queue", &staff, &[("verification", "active")]).await;
        let queue = app.get_with("/staff", &staff).await.text();
        assert!(queue.contains(&format!("data-reference=\"{reference}\"")));
    }
}

#[tokio::test]
async fn no_270_for_self_pay() {
    let app = spawn(Backend::Sqlite).await;
    let (_admin, _clinician, desk) = create_team(&app).await;
    let mut intake = valid_intake();
    intake["insurance"] = serde_json::json!({"plan": "self_pay", "other_payer_name": null, "member_id": null,
        "group_number": null, "subscriber": "self", "subscriber_name": null, "subscriber_date_of_birth": null});
    let reference = app.submit_intake(&intake).await;
    let staff = app.sign_in(&desk).await;
    let r = app.get_with(&format!("/staff/submissions/{reference}/270"), &staff).await;
    assert_eq!(r.header("location"), format!("/staff/submissions/{reference}?m=no-270"));
    let page = app.get_with(&format!("/staff/submissions/{reference}"), &staff).await.text();
    assert!(page.contains("Self-pay: there is no coverage to check."));
}

#[tokio::test]
async fn admins_edit_the_payer_directory_and_the_270_follows_it() {
    let app = spawn(Backend::Sqlite).await;
    let (admin, _clinician, desk) = create_team(&app).await;
    let reference = app.submit_intake(&valid_intake()).await;
    let id: i64 = sqlx::query("SELECT id FROM payers WHERE plan = 'bcbs_tx'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    let path = format!("/staff/payers/{id}");
    let edit = [("name", "bcbs of texas"), ("payer_id", "G84980"), ("in_network", "1"), ("notes", "clearinghouse X")];

    let desk_cookie = app.sign_in(&desk).await;
    assert_eq!(app.post_form(&path, &desk_cookie, &edit).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get_with("/staff/payers", &desk_cookie).await.status, StatusCode::FORBIDDEN);

    let cookie = app.sign_in(&admin).await;
    let page = app.get_with("/staff/payers", &cookie).await.text();
    for seeded in ["84980", "87726", "62308"] {
        assert!(page.contains(seeded), "seeded {seeded}");
    }
    let bad = [("name", "BCBS*TX"), ("payer_id", "84980"), ("notes", "")];
    assert_eq!(app.post_form(&path, &cookie, &bad).await.header("location"), "/staff/payers?m=bad");
    assert_eq!(app.post_form(&path, &cookie, &edit).await.header("location"), "/staff/payers?m=saved");
    assert_eq!(app.post_form("/staff/payers/999", &cookie, &edit).await.status, StatusCode::NOT_FOUND);
    let text = app.get_with(&format!("/staff/submissions/{reference}/270"), &cookie).await.text();
    assert!(text.contains("NM1*PR*2*BCBS OF TEXAS*****PI*G84980~"), "{text}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'payer_changed'").await, 1);
}

/// ISA13, GS06 and BHT03 of a 270, checked against their closing twins IEA02 and GE02.
fn control_numbers(text: &str) -> [String; 3] {
    let segments: Vec<Vec<&str>> = text.split('~').map(|s| s.split('*').collect()).collect();
    let find = |id: &str| segments.iter().find(|s| s[0] == id).unwrap_or_else(|| panic!("no {id} in {text}"));
    let (isa13, gs06, bht03) = (find("ISA")[13], find("GS")[6], find("BHT")[3]);
    assert_eq!(find("IEA")[2], isa13, "IEA02 closes the interchange ISA13 opened");
    assert_eq!(find("GE")[2], gs06, "GE02 closes the group GS06 opened");
    assert!(isa13.len() == 9 && isa13.bytes().all(|b| b.is_ascii_digit()) && isa13 != "000000000", "ISA13 {isa13}");
    [isa13.to_owned(), gs06.to_owned(), bht03.to_owned()]
}

// Issue 15, item 14: five 270s built in one second carried one ISA13, and
// clearinghouses refuse a repeated ISA13. Each number now comes from the database.
on_both_databases! {
    async fn every_270_has_its_own_control_numbers_in_a_row_and_at_once(backend) {
        let app = spawn(backend).await;
        let (_admin, _clinician, desk) = create_team(&app).await;
        let reference = app.submit_intake(&valid_intake()).await;
        let staff = app.sign_in(&desk).await;
        let path = format!("/staff/submissions/{reference}/270");
        let mut texts = Vec::new();
        // Five in a row, as fast as a busy front desk clicks.
        for _ in 0..5 {
            texts.push(app.get_with(&path, &staff).await.text());
        }
        // Five at once, through two app instances sharing the database.
        let other = app.twin();
        let at_once = tokio::join!(
            app.get_with(&path, &staff),
            other.get_with(&path, &staff),
            app.get_with(&path, &staff),
            other.get_with(&path, &staff),
            app.get_with(&path, &staff),
        );
        texts.extend([at_once.0, at_once.1, at_once.2, at_once.3, at_once.4].map(|r| r.text()));
        let mut seen = [std::collections::HashSet::new(), std::collections::HashSet::new(), std::collections::HashSet::new()];
        for text in &texts {
            for (numbers, number) in seen.iter_mut().zip(control_numbers(text)) {
                assert!(numbers.insert(number.clone()), "{number} repeated in {texts:#?}");
            }
        }
        assert_eq!(app.count("SELECT COUNT(*) AS n FROM x12_control_numbers").await, 10);
    }
}

// Issue 15, item 16: the page says why a 271 was refused, in the reader's words,
// while the address carries only the fixed code.
on_both_databases! {
    async fn a_refused_271_shows_the_readers_reason_on_the_page(backend) {
        let app = spawn(backend).await;
        let (_admin, clinician, desk) = create_team(&app).await;
        let reference = app.submit_intake(&valid_intake()).await;
        let sub = format!("/staff/submissions/{reference}");
        let staff = app.sign_in(&desk).await;
        let good = response_271(&reference);

        let wrong_count = good.replace("SE*12*0001", "SE*172*0001");
        let r = app.send(upload_271(&format!("{sub}/271"), &staff, wrong_count.as_bytes())).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-bad#insurance-h"), "nothing but the code in the address");
        let page = app.get_with(&format!("{sub}?m=271-bad"), &staff).await.text();
        assert!(page.contains("That file is not a readable X12 271 response"), "{page}");
        let reason = "SE01 says the transaction has 172 segments, but it has 12";
        assert!(page.contains("data-testid=\"x12-refusal\"") && page.contains(reason), "{page}");

        // An ISA whose elements are not padded is named as such, not as bad delimiters.
        let trimmed = good.replacen("CLEARINGHOUSE  *", "CLEARINGHOUSE*", 1);
        let r = app.send(upload_271(&format!("{sub}/271"), &staff, trimmed.as_bytes())).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-bad#insurance-h"));
        let page = app.get_with(&format!("{sub}?m=271-bad"), &staff).await.text();
        assert!(page.contains("the ISA segment is not fixed width") && page.contains("ISA06"), "{page}");
        assert!(!page.contains(reason), "only the latest refusal is shown");
        assert!(!page.contains("unusable delimiters"), "{page}");

        // The reason belongs to the uploader's refusal: not on a later visit, not to
        // someone else following the same link.
        assert!(!app.get_with(&sub, &staff).await.text().contains("x12-refusal"));
        let other = app.sign_in(&clinician).await;
        assert!(!app.get_with(&format!("{sub}?m=271-bad"), &other).await.text().contains("x12-refusal"));
        // A readable upload clears it.
        let r = app.send(upload_271(&format!("{sub}/271"), &staff, good.as_bytes())).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-read#insurance-h"));
        assert!(!app.get_with(&format!("{sub}?m=271-bad"), &staff).await.text().contains("x12-refusal"));
    }
}

// Issue 15, item 15: a reply carrying only the payer's own TRN (TRN01 `1`), as a
// Medicaid reply did, has no trace: the page says nothing ties it to this
// submission, and shows the payer's number apart, for a call to the payer.
on_both_databases! {
    async fn a_271_without_our_trace_is_flagged_and_the_payers_trace_shown_apart(backend) {
        let app = spawn(backend).await;
        let (_admin, _clinician, desk) = create_team(&app).await;
        let reference = app.submit_intake(&valid_intake()).await;
        let sub = format!("/staff/submissions/{reference}");
        let staff = app.sign_in(&desk).await;

        let payer_only = response_271_with_trn("TRN*1*TMHP20261124000981*1741234567");
        let r = app.send(upload_271(&format!("{sub}/271"), &staff, payer_only.as_bytes())).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-read#insurance-h"));
        let page = app.get_with(&sub, &staff).await.text();
        assert!(page.contains("does not echo the trace number of our inquiry"), "{page}");
        assert!(page.contains("data-testid=\"payer-trace\">TMHP20261124000981<"), "{page}");

        // Our echo, with the payer's own TRN after it: no warning, and each in its place.
        let both = response_271(&reference).replace("*9CLINIC001~", "*9CLINIC001~\nTRN*1*TMHP20261124000982*1741234567~");
        let both = both.replace("SE*12*0001", "SE*13*0001");
        let r = app.send(upload_271(&format!("{sub}/271"), &staff, both.as_bytes())).await;
        assert_eq!(r.header("location"), format!("{sub}?m=271-read#insurance-h"));
        let page = app.get_with(&sub, &staff).await.text();
        assert!(!page.contains("trace-warning"), "{page}");
        assert!(page.contains("TMHP20261124000982"), "{page}");
    }
}
