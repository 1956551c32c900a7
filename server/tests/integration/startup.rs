//! Start-up: an invalid study file stops the server with the file, the field and the problem.

use std::process::Command;

fn run_server_with_study(study_text: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let studies = dir.path().join("studies");
    std::fs::create_dir(&studies).unwrap();
    std::fs::write(studies.join("sam.toml"), study_text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("STUDIES_DIR", &studies)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/db.sqlite", dir.path().display()),
        )
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .output()
        .expect("server runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn sam_study() -> String {
    std::fs::read_to_string(crate::support::studies_dir().join("sam.toml")).unwrap()
}

#[test]
fn an_unknown_scale_stops_the_server_naming_file_field_and_problem() {
    let broken = sam_study().replacen("scale = \"likelihood\"", "scale = \"likeliness\"", 1);
    let (ok, stderr) = run_server_with_study(&broken);
    assert!(!ok, "the server must not start");
    let line = broken[..broken.find("scale = \"likeliness\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(
        stderr.contains(&format!(
            "sam.toml: line {line}: pages[3].questions[3].scale: no scale named \"likeliness\""
        )),
        "{stderr}"
    );
}

#[test]
fn a_toml_syntax_error_names_the_line() {
    let broken = sam_study().replacen("[consent]", "[consent", 1);
    let (ok, stderr) = run_server_with_study(&broken);
    assert!(!ok);
    assert!(stderr.contains("sam.toml: line "), "{stderr}");
}

#[test]
fn check_studies_reports_the_sam_study() {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("check-studies")
        .env("STUDIES_DIR", crate::support::studies_dir())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("sam 1.0.0 ok (7 pages)"));
}

#[test]
fn help_names_the_database_variable_but_never_its_password() {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--help")
        .env(
            "DATABASE_URL",
            "postgres://vignette:s3cret-pass@db.internal/vignette",
        )
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(help.contains("DATABASE_URL"), "{help}");
    assert!(!help.contains("s3cret-pass"), "{help}");
}

#[test]
fn listening_beyond_this_machine_needs_a_public_url() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("STUDIES_DIR", crate::support::studies_dir())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/db.sqlite", dir.path().display()),
        )
        .env("LISTEN_ADDR", "0.0.0.0:0")
        .env_remove("PUBLIC_URL")
        .output()
        .expect("server runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the server must not start");
    assert!(
        stderr.contains("PUBLIC_URL is required when listening on 0.0.0.0:0"),
        "{stderr}"
    );
}
