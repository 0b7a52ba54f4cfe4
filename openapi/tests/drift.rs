//! Fails when the committed OpenAPI document and the code disagree.
use std::path::Path;

#[test]
fn the_committed_spec_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; run `cargo run -p ipdr-openapi`",
            path.display()
        )
    });
    let generated = ipdr_api::openapi::spec_json();
    if committed != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}:\n  committed: {a}\n  generated: {b}", i + 1))
            .unwrap_or_else(|| "the documents differ in length".to_owned());
        panic!(
            "openapi/openapi.json is out of date with the code ({first_difference}).\n\
             Regenerate it with `cargo run -p ipdr-openapi` and commit the result."
        );
    }
}
