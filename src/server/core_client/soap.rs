//! The SOAP 1.2 envelope of CORE connectivity: `COREEnvelopeRealTimeRequest` in the
//! CORE namespace, credentials in a WS-Security `UsernameToken` (password as
//! `PasswordText`), the 270 as CDATA; the answer is `COREEnvelopeRealTimeResponse` with
//! the same fields as the MIME one.
//!
//! The envelope's children are written unqualified, as the rule's examples and the
//! clearinghouses' own samples show them (the schema's `elementFormDefault` is
//! `unqualified`); when reading, children are matched by local name whatever their
//! prefix, so either form is understood.

use super::{CoreError, RequestFields, ResponseFields, CORE_RULE_VERSION, PAYLOAD_TYPE_270, PROCESSING_MODE};
use quick_xml::events::{BytesCData, BytesDecl, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, Writer};

/// The request's media type (SOAP 1.2).
pub const CONTENT_TYPE: &str = "application/soap+xml; charset=UTF-8";
/// SOAP 1.2's envelope namespace.
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
/// The namespace of the CORE envelope elements.
pub const CORE_NS: &str = "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd";
/// WS-Security's namespace.
pub const WSSE_NS: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// The `Type` of a password sent as itself (over TLS).
pub const PASSWORD_TEXT: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";

/// The request document.
pub fn request(fields: &RequestFields<'_>) -> String {
    let mut writer = Writer::new(Vec::new());
    // Writing into a Vec cannot fail: its only errors are the sink's.
    write_request(&mut writer, fields).expect("writing XML into memory");
    String::from_utf8(writer.into_inner()).expect("quick-xml writes the UTF-8 it is given")
}

fn write_request(w: &mut Writer<Vec<u8>>, fields: &RequestFields<'_>) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("soapenv:Envelope")
        .with_attribute(("xmlns:soapenv", SOAP12_NS))
        .with_attribute(("xmlns:cor", CORE_NS))
        .write_inner_content(|w| {
            if let Some(credentials) = fields.credentials {
                w.create_element("soapenv:Header").write_inner_content(|w| {
                    w.create_element("wsse:Security")
                        .with_attribute(("xmlns:wsse", WSSE_NS))
                        .with_attribute(("soapenv:mustUnderstand", "true"))
                        .write_inner_content(|w| {
                            w.create_element("wsse:UsernameToken").write_inner_content(|w| {
                                w.create_element("wsse:Username")
                                    .write_text_content(BytesText::new(credentials.username()))?;
                                w.create_element("wsse:Password")
                                    .with_attribute(("Type", PASSWORD_TEXT))
                                    .write_text_content(BytesText::new(credentials.password()))?;
                                Ok(())
                            })?;
                            Ok(())
                        })?;
                    Ok(())
                })?;
            }
            w.create_element("soapenv:Body").write_inner_content(|w| {
                w.create_element("cor:COREEnvelopeRealTimeRequest").write_inner_content(|w| {
                    for (name, value) in [
                        ("PayloadType", PAYLOAD_TYPE_270),
                        ("ProcessingMode", PROCESSING_MODE),
                        ("PayloadID", fields.payload_id),
                        ("TimeStamp", fields.timestamp),
                        ("SenderID", fields.sender_id),
                        ("ReceiverID", fields.receiver_id),
                        ("CORERuleVersion", CORE_RULE_VERSION),
                    ] {
                        w.create_element(name).write_text_content(BytesText::new(value))?;
                    }
                    // CDATA keeps the X12 readable on the wire; a `]]>` in it (X12 allows
                    // `]` as a delimiter) is split across sections by quick-xml.
                    w.create_element("Payload").write_inner_content(|w| {
                        for section in BytesCData::escaped(fields.payload) {
                            w.write_event(Event::CData(section))?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                })?;
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

/// Where the reader is in the answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Before or around the SOAP envelope.
    Outside,
    Envelope,
    Header,
    Body,
    /// In `COREEnvelopeRealTimeResponse`.
    Response,
    /// In one of its fields.
    Field,
}

/// Reads a `COREEnvelopeRealTimeResponse` in a SOAP 1.2 envelope. Anything else (not
/// XML, a SOAP fault, another element, a field with elements inside) is
/// [`CoreError::Malformed`] with a reason that quotes nothing from the answer.
pub fn read(body: &[u8]) -> Result<ResponseFields, CoreError> {
    let malformed = |reason: &str| CoreError::Malformed(format!("the SOAP answer {reason}"));
    let text = std::str::from_utf8(body).map_err(|_| malformed("is not UTF-8"))?;
    let mut reader = NsReader::from_str(text);
    let mut place = Place::Outside;
    // Depth below Header, where WS-Security headers of any shape are skipped.
    let mut header_depth = 0usize;
    let mut field: Option<(String, String)> = None;
    let mut fields = ResponseFields::default();
    let mut answered = false;
    let not_xml = |_| malformed("is not well-formed XML");
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(not_xml)?;
        let in_ns = |uri: &str| matches!(ns, ResolveResult::Bound(n) if n.0 == uri.as_bytes());
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let local = e.local_name();
                let local = std::str::from_utf8(local.as_ref()).map_err(|_| malformed("is not UTF-8"))?.to_owned();
                place = match place {
                    Place::Outside if local == "Envelope" && in_ns(SOAP12_NS) => Place::Envelope,
                    Place::Outside => return Err(malformed("is not a SOAP 1.2 envelope")),
                    Place::Envelope if local == "Header" && in_ns(SOAP12_NS) => Place::Header,
                    Place::Envelope if local == "Body" && in_ns(SOAP12_NS) => Place::Body,
                    Place::Envelope => return Err(malformed("has an unexpected element in its envelope")),
                    Place::Header => {
                        header_depth += 1;
                        Place::Header
                    }
                    Place::Body if local == "Fault" && in_ns(SOAP12_NS) => {
                        return Err(malformed("is a SOAP fault"));
                    }
                    Place::Body if local == "COREEnvelopeRealTimeResponse" && in_ns(CORE_NS) && !answered => {
                        answered = true;
                        Place::Response
                    }
                    Place::Body => return Err(malformed("holds no COREEnvelopeRealTimeResponse")),
                    Place::Response => {
                        field = Some((local, String::new()));
                        Place::Field
                    }
                    Place::Field => return Err(malformed("has an element inside a field")),
                };
                if empty {
                    place = close(place, &mut header_depth, &mut field, &mut fields)?;
                }
            }
            Event::End(_) => place = close(place, &mut header_depth, &mut field, &mut fields)?,
            Event::Text(t) => {
                let t = t.decode().map_err(|_| malformed("is not UTF-8"))?;
                match (&mut field, place) {
                    (Some((_, value)), Place::Field) => value.push_str(&t),
                    _ if t.trim().is_empty() || place == Place::Header => {}
                    _ => return Err(malformed("has text outside the fields")),
                }
            }
            Event::CData(c) => match (&mut field, place) {
                (Some((_, value)), Place::Field) => value.push_str(&c.decode().map_err(|_| malformed("is not UTF-8"))?),
                _ => return Err(malformed("has text outside the fields")),
            },
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|_| malformed("has a bad character reference"))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|_| malformed("is not UTF-8"))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| malformed("uses an entity XML does not define"))?
                            .to_owned()
                    }
                };
                if let (Some((_, value)), Place::Field) = (&mut field, place) {
                    value.push_str(&resolved);
                } else if place != Place::Header {
                    return Err(malformed("has text outside the fields"));
                }
            }
            Event::Eof if place == Place::Outside && answered => return Ok(fields),
            Event::Eof if place == Place::Outside => return Err(malformed("holds no COREEnvelopeRealTimeResponse")),
            Event::Eof => return Err(malformed("is cut short")),
            // A DOCTYPE could declare entities: a CORE answer has no business with one.
            Event::DocType(_) => return Err(malformed("has a DOCTYPE")),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
}

/// Leaves the element the reader is in, recording a finished field.
fn close(
    place: Place,
    header_depth: &mut usize,
    field: &mut Option<(String, String)>,
    fields: &mut ResponseFields,
) -> Result<Place, CoreError> {
    Ok(match place {
        Place::Field => {
            if let Some((name, value)) = field.take() {
                fields.set(&name, value.trim().to_owned())?;
            }
            Place::Response
        }
        Place::Response => Place::Body,
        Place::Header if *header_depth > 0 => {
            *header_depth -= 1;
            Place::Header
        }
        Place::Header | Place::Body => Place::Envelope,
        Place::Envelope | Place::Outside => Place::Outside,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="{SOAP12_NS}"><soap:Header><x:Anything xmlns:x="urn:x"><x:Deep>1</x:Deep></x:Anything></soap:Header>
<soap:Body><ns1:COREEnvelopeRealTimeResponse xmlns:ns1="{CORE_NS}">{inner}</ns1:COREEnvelopeRealTimeResponse></soap:Body></soap:Envelope>"#
        )
    }

    #[test]
    fn an_answer_is_read_with_escapes_and_cdata() {
        let xml = answer(
            "<PayloadType>X12_271_Response_005010X279A1</PayloadType><ProcessingMode>RealTime</ProcessingMode>\
             <ErrorCode>Success</ErrorCode><ErrorMessage>A &amp; B &#x263A;</ErrorMessage><Payload>\n\
             <![CDATA[ISA*00*<x>~]]>IEA&#42;1~\n</Payload><Extra/>",
        );
        let f = read(xml.as_bytes()).unwrap();
        assert_eq!(f.payload_type.as_deref(), Some("X12_271_Response_005010X279A1"));
        assert_eq!(f.error_code.as_deref(), Some("Success"));
        assert_eq!(f.error_message.as_deref(), Some("A & B ☺"));
        assert_eq!(f.payload.as_deref(), Some("ISA*00*<x>~IEA*1~"));
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            "not xml at all".to_owned(),
            "<a><b></a>".to_owned(),
            answer("<ErrorCode>Success</ErrorCode>").replace("</soap:Envelope>", ""),
            answer("<ErrorCode>Success<b/></ErrorCode>"),
            answer("<ErrorCode>Success</ErrorCode><ErrorCode>Success</ErrorCode>"),
            answer("<ErrorCode>&nbsp;</ErrorCode>"),
            answer("").replace("COREEnvelopeRealTimeResponse", "SomethingElse"),
            answer("").replace(CORE_NS, "urn:other"),
            answer("").replace(SOAP12_NS, "http://schemas.xmlsoap.org/soap/envelope/"),
            format!(r#"<soap:Envelope xmlns:soap="{SOAP12_NS}"><soap:Body><soap:Fault/></soap:Body></soap:Envelope>"#),
            format!(r#"<soap:Envelope xmlns:soap="{SOAP12_NS}"><soap:Body/></soap:Envelope>"#),
            format!("<!DOCTYPE x [<!ENTITY e \"x\">]>{}", answer("")),
        ] {
            assert!(matches!(read(bad.as_bytes()), Err(CoreError::Malformed(_))), "{bad}");
        }
        assert!(matches!(read(b"\xff\xfe"), Err(CoreError::Malformed(_))));
    }

    #[test]
    fn the_request_carries_every_field_and_escapes_what_it_must() {
        let credentials = crate::server::core_client::EligibilityArgs {
            endpoint: Some("https://core.example/rt".into()),
            envelope: "soap".into(),
            username: Some("clinic<1>".into()),
            password: Some("p&ss]]>word".into()),
            receiver_id: Some("CH".into()),
            timeout_seconds: "25".into(),
            ..Default::default()
        }
        .settings("SUBMIT")
        .unwrap()
        .unwrap()
        .credentials()
        .cloned();
        let xml = request(&RequestFields {
            payload_id: "f81d4fae-7dec-41d0-a765-00a0c91e6bf6",
            timestamp: "2026-11-23T18:00:00Z",
            credentials: credentials.as_ref(),
            sender_id: "SUBMIT",
            receiver_id: "CH",
            payload: "ISA*00*]]>*~",
        });
        assert!(xml.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope"#), "{xml}");
        assert!(xml.contains("<wsse:Username>clinic&lt;1&gt;</wsse:Username>"), "{xml}");
        assert!(xml.contains(&format!(r#"<wsse:Password Type="{PASSWORD_TEXT}">p&amp;ss]]&gt;word</wsse:Password>"#)));
        assert!(
            xml.contains("<cor:COREEnvelopeRealTimeRequest><PayloadType>X12_270_Request_005010X279A1</PayloadType>")
        );
        assert!(xml.contains("<CORERuleVersion>2.2.0</CORERuleVersion>"));
        assert!(!xml.contains("ISA*00*]]>*~"), "a ]]> in the payload is split: {xml}");
    }
}
