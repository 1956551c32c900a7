use clap::Parser;
use server::config::{Cli, Command, UserCommand};
use server::startup;

/// Under load glibc's allocator spent about a sixth of the server's time in malloc and free, much
/// of it waiting on its arena locks between the runtime's threads (perf, 200 clients).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    server::ops::init_logging(cli.config.operations.log_format);
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), startup::StartupError> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::CheckStudies => {
            let studies = domain::study::Studies::load_dir(
                &cli.config.studies_dir,
                &cli.config.default_study,
            )?;
            for study in studies.iter() {
                println!(
                    "{} {} ok ({} pages)",
                    study.slug,
                    study.version,
                    study.pages.len()
                );
            }
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            role,
            studies,
        }) => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let created = startup::add_user(&cli.config, &email, &role, password, &studies).await?;
            match studies.is_empty() {
                true => println!("added {created} as {role}"),
                false => println!("added {created} as {role}, reading {}", studies.join(", ")),
            }
            Ok(())
        }
        Command::User(UserCommand::ResetTwoFactor { email }) => {
            let reset = startup::reset_two_factor(&cli.config, &email).await?;
            println!(
                "two-factor sign-in of {reset} is off; it is set up again at the next sign-in"
            );
            Ok(())
        }
        Command::RotateTwoFactorKey { new_key_file } => {
            let count = startup::rotate_two_factor_key(&cli.config, &new_key_file).await?;
            println!(
                "sealed {count} two-factor secrets under the key in {}; now set TWO_FACTOR_KEY_FILE \
                 (or TWO_FACTOR_KEY) of every instance to it and restart them, then keep the old \
                 key only as long as backups sealed with it",
                new_key_file.display()
            );
            Ok(())
        }
        Command::Backup { out } => {
            startup::back_up(&cli.config, &out).await?;
            println!("backed up to {}", out.display());
            Ok(())
        }
        Command::Export {
            study,
            format,
            out,
            exact_experience,
        } => {
            let options = domain::export::ExportOptions { exact_experience };
            let written = startup::export(&cli.config, &study, &format, &out, options).await?;
            let with_responses = domain::export::ExportFormat::from_slug(&format)
                .is_some_and(domain::export::ExportFormat::reads_responses);
            if with_responses {
                println!("exported {written} participants to {}", out.display());
            } else {
                println!("exported to {}", out.display());
            }
            Ok(())
        }
        Command::Serve => {
            let running = startup::bind(&cli.config, startup::leptos_options()?).await?;
            tracing::info!("serving on http://{}", running.addr);
            if let Some(link) = &running.setup_link {
                print_setup_link(link);
            }
            running.serve.await?;
            Ok(())
        }
    }
}

/// The link creates the owner account, so it goes to a person at a terminal and never into a log
/// that others read; without a terminal the owner is added with `server user add`.
fn print_setup_link(link: &str) {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        println!(
            "No account exists yet. Create the owner account (the link works once, for one hour):\n  {link}"
        );
    } else {
        println!(
            "No account exists yet. Start the server in a terminal for a setup link, or run: \
             server user add --email EMAIL --role owner (the password is read from standard input)"
        );
    }
}
