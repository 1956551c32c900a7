//! The R script export checked by R itself (Debian's r-base-core): it reads the wide CSV with
//! labelled factors, question wording as labels, and neutralised cells restored.

use crate::support::TestApp;
use domain::export::ExportFormat;

/// Runs `script` with Rscript in `dir`; fails (never skips) when R is missing:
/// scripts/install-tools.sh test installs it.
fn run_r(dir: &std::path::Path, script: &str) -> String {
    let output = std::process::Command::new("Rscript")
        .arg("--vanilla")
        .arg(script)
        .current_dir(dir)
        .output()
        .expect("Rscript runs (Debian r-base-core; scripts/install-tools.sh test installs it)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "R failed: {stderr}");
    assert!(!stderr.contains("Warning"), "R warned: {stderr}");
    String::from_utf8(output.stdout).expect("R prints UTF-8")
}

#[tokio::test]
async fn r_reads_the_wide_csv_with_labelled_factors() {
    let app = TestApp::spawn().await;
    app.submit_response("inpatient", "Diolch: ŵyr a ŷd 🙂, سام\nail linell")
        .await;
    app.submit_response("community", "=HYPERLINK(\"http://evil\")")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let formats = [ExportFormat::CsvWide, ExportFormat::RScript];
    app.export_side_by_side(dir.path(), &formats).await;
    let checks = "source(\"sam-wide.R\")\n\
        cat(nrow(answers), \"\\n\", sep = \"\")\n\
        cat(class(answers[[\"money_support\"]]), \"\\n\")\n\
        cat(levels(answers[[\"money_support\"]]), sep = \"|\"); cat(\"\\n\")\n\
        cat(as.character(answers[[\"money_support\"]][1]), \"\\n\", sep = \"\")\n\
        cat(as.character(answers[[\"setting\"]][2]), \"\\n\", sep = \"\")\n\
        cat(as.character(answers[[\"experience\"]][1]), \"\\n\", sep = \"\")\n\
        cat(attr(answers[[\"r3\"]], \"label\"), \"\\n\", sep = \"\")\n\
        cat(answers[[\"r2\"]][1], \"\\n\", sep = \"\")\n\
        cat(answers[[\"r2\"]][2], \"\\n\", sep = \"\")\n";
    std::fs::write(dir.path().join("checks.R"), checks).unwrap();

    let printed = run_r(dir.path(), "checks.R");
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "2", "{printed}");
    assert_eq!(lines[1].trim(), "ordered factor");
    assert_eq!(
        lines[2],
        "Strongly discourage|Discourage|Neither encourage nor discourage|Support|Strongly support"
    );
    assert_eq!(lines[3], "Support", "4 on the scale");
    assert_eq!(lines[4], "Community mental health services");
    assert_eq!(lines[5], "1 year to less than 2 years");
    assert_eq!(lines[6], "What may hinder Sam's recovery, as you see it?");
    assert_eq!(lines[7], "Diolch: ŵyr a ŷd 🙂, سام");
    assert_eq!(
        lines[8], "ail linell",
        "a line break inside an answer survives"
    );
    assert_eq!(
        lines[9], "=HYPERLINK(\"http://evil\")",
        "the ' is taken off again"
    );
}
