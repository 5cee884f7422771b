//! The clinic as patients see it: its name, the reviewer of the education pages, and
//! the contact details every patient page shows (`booking.md`, "Clinic details"). The
//! server fills this in from the settings, checked at start-up; the pages read it from
//! the context.

use crate::domain::values::Phone;

/// Clinic settings the pages show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClinicInfo {
    pub name: String,
    /// Shown as "Medically reviewed by" on the education pages.
    pub reviewer: String,
    /// `CLINIC_PHONE`: shown as `(214) 555-0182`, dialled as `tel:+12145550182`.
    pub phone: Option<Phone>,
    /// `CLINIC_ADDRESS`, one line.
    pub address: Option<String>,
    /// `CLINIC_HOURS_TEXT`, e.g. "Monday to Friday, 8 a.m. to 5 p.m."
    pub hours: Option<String>,
    /// `PRIVACY_NOTICE_URL`: the notice of privacy practices the consent step links to.
    pub privacy_url: Option<String>,
    /// `CLINIC_LOGO`: a picture on this site (the pages' CSP allows only this site's
    /// images), shown beside the name in the header.
    pub logo: Option<String>,
}

impl ClinicInfo {
    /// The `tel:` link of the clinic's phone, if set.
    pub fn phone_link(&self) -> Option<(String, String)> {
        self.phone.as_ref().map(|p| (format!("tel:+1{}", p.as_str()), p.display()))
    }
}
