use pain_intake::x12::*;
#[test]
fn dump() {
    for f in std::fs::read_dir("tests/fixtures/x12").unwrap() {
        let p = f.unwrap().path();
        if p.extension().map_or(true, |e| e != "271") { continue; }
        let bytes = std::fs::read(&p).unwrap();
        match parse_271(&bytes) {
            Ok(e) => println!("{}: {}", p.display(), serde_json::to_string_pretty(&e).unwrap()),
            Err(e) => println!("{}: ERR {e}", p.display()),
        }
    }
}
