use clap::Parser;
use server::config::{Cli, Command, ServeArgs};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::telemetry::init(cli.log_format);
    let database_url = cli.database.database_url.as_deref();
    let result = match cli.command {
        None => server::serve::run(database_url, ServeArgs::default()).await,
        Some(Command::Serve(args)) => server::serve::run(database_url, *args).await,
        Some(Command::Worker { stages, lease_seconds, settings }) => {
            server::worker::run(database_url, &stages, lease_seconds, *settings).await
        }
        Some(Command::Migrate) => server::serve::migrate_only(database_url).await,
        Some(Command::Seed { if_empty }) => server::seed::run(database_url, if_empty).await,
        Some(Command::ImportPincodes { file }) => server::pincodes::run(database_url, &file).await,
        Some(Command::CreateAdmin { email, name }) => {
            server::admin::create_admin(database_url, &email, &name).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("gigforge: {err}");
            ExitCode::FAILURE
        }
    }
}
