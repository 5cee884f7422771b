//! What a 271 means for the clinic's verification panel: status, plan, network, the
//! patient's cost shares and what staff must do about rejections.
//!
//! A suggestion only: staff read it next to the response and confirm (or correct) it
//! before it is saved. In-network figures are preferred because the clinic is in network
//! with the three plans it verifies; out-of-network ones are used when nothing else is given.

use super::parse271::{Benefit, BenefitKind, Eligibility, Network, Period, Status};
use serde::{Deserialize, Serialize};

/// The coverage details of a verification, as staff would write them: what a 271
/// suggests and what a saved verification holds (`shared::staff::VerificationForm`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostShares {
    pub plan_name: String,
    /// `in`, `out`, `unknown` or empty.
    pub network: String,
    pub copay: String,
    pub coinsurance: String,
    pub deductible_remaining: String,
    pub oop_remaining: String,
    /// `yes`, `no`, `unknown` or empty.
    pub prior_auth: String,
}

/// What a 271 suggests for the verification panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageSummary {
    /// `active`, `inactive` or `not_found` (the verification statuses a 271 can show).
    pub status: String,
    pub shares: CostShares,
    /// What staff should do about each rejection (AAA), most specific first.
    pub actions: Vec<String>,
    /// The payer's free-text messages (MSG), e.g. Cigna's network statement.
    pub messages: Vec<String>,
}

/// Rejection codes that mean "this person or member ID is not on file".
const NOT_FOUND_CODES: [&str; 5] = ["67", "72", "73", "75", "76"];

fn money(amount: f64) -> String {
    if amount.fract() == 0.0 {
        format!("${amount:.0}")
    } else {
        format!("${amount:.2}")
    }
}

fn with_network(text: String, network: Option<Network>) -> String {
    match network {
        Some(Network::In) => format!("{text} in network"),
        Some(Network::Out) => format!("{text} out of network"),
        _ => text,
    }
}

/// The most relevant benefit of a kind: in network before unknown before out of network.
fn pick(benefits: &[Benefit], kind: BenefitKind, period: Option<Period>) -> Option<&Benefit> {
    let rank = |b: &Benefit| match b.network {
        Some(Network::In) => 0,
        None | Some(Network::Unknown) | Some(Network::NotApplicable) => 1,
        Some(Network::Out) => 2,
    };
    benefits.iter().filter(|b| b.kind == kind && (period.is_none() || b.period == period)).min_by_key(|b| rank(b))
}

pub fn summarize(e: &Eligibility) -> CoverageSummary {
    let rejected_not_found = e.rejections.iter().any(|r| NOT_FOUND_CODES.contains(&r.code.as_str()));
    let status = match e.status {
        Status::Active => "active",
        Status::Inactive => "inactive",
        Status::Rejected if rejected_not_found => "not_found",
        Status::Rejected | Status::Unknown => "",
    };
    let b = &e.benefits;
    let copay = pick(b, BenefitKind::Copay, None)
        .and_then(|c| c.amount.map(|a| (a, c)))
        .map(|(a, c)| {
            let per = if c.period == Some(Period::Visit) { " per visit" } else { "" };
            with_network(format!("{}{per}", money(a)), c.network)
        })
        .unwrap_or_default();
    let coinsurance = pick(b, BenefitKind::Coinsurance, None)
        .and_then(|c| c.percent.map(|p| (p, c)))
        .map(|(p, c)| with_network(format!("{}%", (p * 100.0).round()), c.network))
        .unwrap_or_default();
    let remaining = |kind| {
        pick(b, kind, Some(Period::Remaining))
            .and_then(|c| c.amount.map(|a| with_network(money(a), c.network)))
            .unwrap_or_default()
    };
    let network = if b.iter().any(|x| x.network == Some(Network::In)) {
        "in"
    } else if b.iter().any(|x| x.network == Some(Network::Out)) {
        "out"
    } else if e.status == Status::Active {
        "unknown"
    } else {
        ""
    };
    let prior_auth = if b.iter().any(|x| x.auth_required == Some(true)) {
        "yes"
    } else if b.iter().any(|x| x.auth_required == Some(false)) {
        "no"
    } else {
        ""
    };
    let plan_name = e.plan.name.clone().unwrap_or_default();
    CoverageSummary {
        status: status.to_owned(),
        shares: CostShares {
            plan_name,
            network: network.to_owned(),
            copay,
            coinsurance,
            deductible_remaining: remaining(BenefitKind::Deductible),
            oop_remaining: remaining(BenefitKind::OutOfPocket),
            prior_auth: prior_auth.to_owned(),
        },
        actions: e.rejections.iter().map(|r| format!("AAA {}: {}", r.code, r.action)).collect(),
        messages: b.iter().flat_map(|x| x.messages.iter().cloned()).collect(),
    }
}
