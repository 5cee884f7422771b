//! The MIME envelope of CORE connectivity: the request is a `multipart/form-data` POST
//! of named text fields, and the answer comes back in the same shape with `ErrorCode`,
//! `ErrorMessage` and the 271 (or 999) in `Payload`.

use super::{CoreError, RequestFields, ResponseFields, CORE_RULE_VERSION, PAYLOAD_TYPE_270, PROCESSING_MODE};
use reqwest::multipart::Form;

/// The most fields an answer may have: the rule's dozen, with room for a
/// clearinghouse's extras; past that it is not a CORE answer.
const MAX_FIELDS: usize = 32;

/// The request's form, fields in the rule's order.
pub fn form(fields: &RequestFields<'_>) -> Form {
    let mut form = Form::new()
        .text("PayloadType", PAYLOAD_TYPE_270)
        .text("ProcessingMode", PROCESSING_MODE)
        .text("PayloadID", fields.payload_id.to_owned())
        .text("TimeStamp", fields.timestamp.to_owned());
    if let Some(credentials) = fields.credentials {
        form = form
            .text("UserName", credentials.username().to_owned())
            .text("Password", credentials.password().to_owned());
    }
    form.text("SenderID", fields.sender_id.to_owned())
        .text("ReceiverID", fields.receiver_id.to_owned())
        .text("CORERuleVersion", CORE_RULE_VERSION)
        .text("Payload", fields.payload.to_owned())
}

/// Reads a `multipart/form-data` answer. A body that is not one (no boundary, cut
/// short, a field that is not text) is [`CoreError::Malformed`]; the reason names the
/// problem, never the content.
pub async fn read(content_type: Option<&str>, body: Vec<u8>) -> Result<ResponseFields, CoreError> {
    let malformed = |reason: &str| CoreError::Malformed(format!("the MIME answer {reason}"));
    let content_type = content_type.ok_or_else(|| malformed("has no Content-Type"))?;
    let boundary =
        multer::parse_boundary(content_type).map_err(|_| malformed("is not multipart/form-data with a boundary"))?;
    let stream = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(body)]);
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = ResponseFields::default();
    let mut count = 0;
    while let Some(field) = multipart.next_field().await.map_err(|_| malformed("is not well-formed multipart"))? {
        count += 1;
        if count > MAX_FIELDS {
            return Err(malformed(&format!("has more than {MAX_FIELDS} fields")));
        }
        let name = field.name().map(str::to_owned).ok_or_else(|| malformed("has a field without a name"))?;
        let value = field.text().await.map_err(|_| malformed("has a field that cannot be read as text"))?;
        fields.set(&name, value)?;
    }
    if count == 0 {
        return Err(malformed("has no fields"));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDARY: &str = "XyZ";

    fn body(parts: &[(&str, &str)], close: bool) -> Vec<u8> {
        let mut out = String::new();
        for (name, value) in parts {
            out += &format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        }
        if close {
            out += &format!("--{BOUNDARY}--\r\n");
        }
        out.into_bytes()
    }

    fn content_type() -> Option<&'static str> {
        Some("multipart/form-data; boundary=XyZ")
    }

    #[tokio::test]
    async fn an_answer_is_read_field_by_field() {
        let parts = [
            ("PayloadType", "X12_271_Response_005010X279A1"),
            ("ProcessingMode", "RealTime"),
            ("ErrorCode", "Success"),
            ("ErrorMessage", ""),
            ("Payload", "ISA*00~\r\nIEA*1~"),
        ];
        let fields = read(content_type(), body(&parts, true)).await.unwrap();
        assert_eq!(fields.payload_type.as_deref(), Some("X12_271_Response_005010X279A1"));
        assert_eq!(fields.error_code.as_deref(), Some("Success"));
        assert_eq!(fields.payload.as_deref(), Some("ISA*00~\r\nIEA*1~"));
    }

    #[tokio::test]
    async fn what_is_not_multipart_form_data_is_malformed() {
        let parts = [("ErrorCode", "Success")];
        for (ct, b) in [
            (None, body(&parts, true)),
            (Some("text/html"), body(&parts, true)),
            (Some("multipart/form-data"), body(&parts, true)),
            (content_type(), b"<html>gateway error</html>".to_vec()),
            (content_type(), body(&parts, false)),
            (content_type(), body(&[("ErrorCode", "Success"), ("ErrorCode", "Success")], true)),
        ] {
            assert!(matches!(read(ct, b).await, Err(CoreError::Malformed(_))), "{ct:?}");
        }
    }
}
