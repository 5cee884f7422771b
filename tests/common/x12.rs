//! X12 helpers of the `x12_*` tests: the hand-written 271s in `tests/fixtures/x12/`, the
//! reference's example 270, and the ISA of a hand-made 271.

pub const ACTIVE_CIGNA: &[u8] = include_bytes!("../fixtures/x12/active_cigna.271");
pub const ACTIVE_BCBS_DEPENDENT: &[u8] = include_bytes!("../fixtures/x12/active_bcbs_dependent.271");
pub const INACTIVE_UHC: &[u8] = include_bytes!("../fixtures/x12/inactive_uhc.271");
pub const REJECTED_72: &[u8] = include_bytes!("../fixtures/x12/rejected_72_bcbs.271");
pub const REJECTED_75: &[u8] = include_bytes!("../fixtures/x12/rejected_75_bcbs.271");
pub const REJECTED_42: &[u8] = include_bytes!("../fixtures/x12/rejected_42_uhc.271");
pub const CRLF_PIPES: &[u8] = include_bytes!("../fixtures/x12/crlf_pipes.271");
pub const MEDICAID_PAYER_TRN: &[u8] = include_bytes!("../fixtures/x12/active_medicaid_payer_trn_only.271");

pub const FIXTURES: [&[u8]; 8] = [
    ACTIVE_CIGNA,
    ACTIVE_BCBS_DEPENDENT,
    INACTIVE_UHC,
    REJECTED_72,
    REJECTED_75,
    REJECTED_42,
    CRLF_PIPES,
    MEDICAID_PAYER_TRN,
];

/// The reference's example 270, byte for byte (shown there one segment per line).
pub const SUBSCRIBER_270: &str = concat!(
    "ISA*00*          *00*          *ZZ*CLINICSUBMIT   *ZZ*CLEARINGHOUSE  *261123*1200*^*00501*000000001*0*T*:~",
    "GS*HS*CLINICSUBMIT*CLEARINGHOUSE*20261123*1200*1*X*005010X279A1~",
    "ST*270*0001*005010X279A1~",
    "BHT*0022*13*REQ0001*20261123*1200~",
    "HL*1**20*1~",
    "NM1*PR*2*BLUE CROSS BLUE SHIELD OF TEXAS*****PI*84980~",
    "HL*2*1*21*1~",
    "NM1*1P*2*EXAMPLE PAIN CLINIC*****XX*1234567893~",
    "HL*3*2*22*0~",
    "TRN*1*K7Q29XPM*9CLINIC001~",
    "NM1*IL*1*DOE*JANE****MI*XYZ123456789~",
    "DMG*D8*19800402~",
    "DTP*291*D8*20261123~",
    "EQ*30~",
    "SE*13*0001~",
    "GE*1*1~",
    "IEA*1*000000001~",
);

pub const ISA_271: &str =
    "ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*CLINICSUBMIT   *261123*1201*^*00501*000000001*0*T*:~";
