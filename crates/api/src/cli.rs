//! The `masthead` command line: `serve` (the default), `migrate`, `schema`,
//! `openapi`, `generate`, `backup`, `export`, `import` and `user` administration. Every subcommand takes the same
//! `--database-url` / `MASTHEAD_DATABASE_URL`, so they all work on the
//! database the server uses, also while it runs.

use std::io::Read;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use masthead_domain::{DisplayName, Email, Password, Role};
use masthead_persistence::users::NewUser;
use masthead_persistence::Store;

use crate::auth::password;
use crate::config::{DatabaseSettings, Settings};
use crate::startup::Application;

/// Masthead: a headless CMS for news publishers.
#[derive(Debug, Parser)]
#[command(name = "masthead", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    command: Option<Command>,

    /// Server settings for a bare `masthead`.
    #[command(flatten)]
    serve: Settings,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (migrations are applied first).
    Serve(Box<Settings>),
    /// Apply pending migrations and exit.
    Migrate(DatabaseSettings),
    /// Print the GraphQL schema (SDL), as checked in at `schema.graphql`.
    Schema,
    /// Print the REST API's OpenAPI 3.1 document (as served at
    /// `/api/v1/openapi.json`), for generating typed clients without a server.
    Openapi,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Insert generated published articles for load testing (loads the demo
    /// content first when the database is empty).
    Generate {
        #[command(flatten)]
        database: DatabaseSettings,
        /// How many articles.
        #[arg(long, default_value_t = 1_000)]
        articles: usize,
    },
    /// Copy a SQLite database, consistently, while the server keeps running
    /// (`VACUUM INTO`); for PostgreSQL use `pg_dump`.
    Backup {
        #[command(flatten)]
        database: DatabaseSettings,
        /// The new file to write (an existing file is never overwritten).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Write the whole newsroom (staff with password hashes, articles with
    /// bodies, revisions, replies, audit log, settings, webhooks with their
    /// secrets, media rows) to a new JSON Lines file, gzipped when it ends in
    /// `.gz`: the way from SQLite to PostgreSQL and back (see `import`).
    Export {
        #[command(flatten)]
        database: DatabaseSettings,
        /// The new file to write (an existing file is never overwritten).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Load an export into a new, empty database (migrated first), all or
    /// nothing; a non-empty database is refused.
    Import {
        /// The export to load (plain or gzipped).
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        #[command(flatten)]
        database: DatabaseSettings,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; prints a generated password unless `--password-stdin`.
    Create {
        #[command(flatten)]
        database: DatabaseSettings,
        /// Sign-in address.
        #[arg(long)]
        email: String,
        /// Byline name.
        #[arg(long)]
        name: String,
        /// admin, editor or author.
        #[arg(long)]
        role: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        database: DatabaseSettings,
    },
    /// Set a new password (read from stdin with `--password-stdin`, else generated and printed).
    SetPassword {
        #[command(flatten)]
        database: DatabaseSettings,
        /// Whose password.
        #[arg(long)]
        email: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: it can no longer sign in.
    Disable {
        #[command(flatten)]
        database: DatabaseSettings,
        /// Whose account.
        #[arg(long)]
        email: String,
    },
}

/// Parses the command line and runs it.
pub async fn run() -> anyhow::Result<()> {
    crate::telemetry::init();
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(settings)) => serve(*settings).await,
        Some(Command::Migrate(database)) => {
            open(&database).await?;
            println!("migrations applied");
            Ok(())
        }
        Some(Command::Schema) => {
            print!("{}", crate::graphql::sdl(&cli.serve));
            Ok(())
        }
        Some(Command::Openapi) => {
            println!("{:#}", crate::rest::openapi::document());
            Ok(())
        }
        Some(Command::User(command)) => user(command).await,
        Some(Command::Generate { database, articles }) => generate(&database, articles).await,
        Some(Command::Backup { database, out }) => {
            let bytes =
                masthead_persistence::backup::backup_sqlite(&database.database_url, &out).await?;
            println!("backed up {bytes} bytes to {}", out.display());
            Ok(())
        }
        Some(Command::Export { database, out }) => {
            let summary = masthead_persistence::transfer::export_to_file(
                &database.database_url,
                &database.search_language,
                &out,
            )
            .await?;
            println!("exported {} rows to {}", summary.rows, out.display());
            Ok(())
        }
        Some(Command::Import { file, database }) => {
            let summary = masthead_persistence::transfer::import_from_file(
                &database.database_url,
                &database.search_language,
                &file,
            )
            .await?;
            println!("imported {} rows from {}", summary.rows, file.display());
            Ok(())
        }
    }
}

async fn generate(database: &DatabaseSettings, count: usize) -> anyhow::Result<()> {
    let store = open(database).await?;
    if store.is_empty().await? {
        let admin_password = crate::demo::loader::load(&store, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "demo content loaded; first admin {} password: {admin_password}",
            crate::demo::loader::ADMIN_EMAIL
        );
    }
    let users = store
        .users()
        .list()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let Some(author) = users
        .iter()
        .find(|user| user.role != Role::Admin)
        .or(users.first())
    else {
        bail!("no user to put on the byline");
    };
    let tags: Vec<_> = store
        .tags()
        .list()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .take(2)
        .map(|tag| tag.id)
        .collect();
    let existing = store
        .articles()
        .count(masthead_persistence::Visibility::Staff, &Default::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .insert_generated_articles(count, existing as usize + 1, author.id, &tags)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("inserted {count} generated articles");
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let application = Application::build(settings).await?;
    application.run_until_stopped().await?;
    tracing::info!("Masthead stopped");
    Ok(())
}

async fn open(database: &DatabaseSettings) -> anyhow::Result<Store> {
    let store = Store::connect_with_writers(&database.database_url, database.postgres_writers)
        .await
        .context("connecting to the database")?
        .with_search_language(&database.search_language);
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// The password to set: from stdin (refused when common or guessable from
/// `related`, the account's address and name), or generated (and then printed once).
fn obtain_password(from_stdin: bool, related: &[&str]) -> anyhow::Result<(Password, bool)> {
    if from_stdin {
        let mut input = String::new();
        std::io::stdin()
            .take(masthead_domain::limits::PASSWORD_MAX_BYTES as u64 + 2)
            .read_to_string(&mut input)?;
        let line = input.strip_suffix('\n').unwrap_or(&input);
        let line = line.strip_suffix('\r').unwrap_or(line);
        Ok((
            Password::parse_new("password", line, related).map_err(|e| anyhow::anyhow!("{e}"))?,
            false,
        ))
    } else {
        let generated = password::random_password();
        Ok((
            Password::parse("password", &generated).map_err(|e| anyhow::anyhow!("{e}"))?,
            true,
        ))
    }
}

async fn user(command: UserCommand) -> anyhow::Result<()> {
    let field = |error: masthead_domain::FieldError| anyhow::anyhow!("{error}");
    let api = |error: crate::error::ApiError| anyhow::anyhow!("{error}");
    match command {
        UserCommand::Create {
            database,
            email,
            name,
            role,
            password_stdin,
        } => {
            let email = Email::parse("email", &email).map_err(field)?;
            let display_name = DisplayName::parse("name", &name).map_err(field)?;
            let role: Role = role.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            let (secret, generated) =
                obtain_password(password_stdin, &[email.as_str(), display_name.as_str()])?;
            let printable = generated.then(|| secret.expose().to_owned());
            let store = open(&database).await?;
            let password_hash = password::hash(secret).await.map_err(api)?;
            let user = store
                .users()
                .create(NewUser {
                    email,
                    display_name,
                    slug: None,
                    bio: None,
                    role,
                    password_hash,
                })
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            println!(
                "created {} ({}, {})",
                user.email.as_str(),
                user.role,
                user.slug
            );
            if let Some(secret) = printable {
                println!("password: {secret}");
            }
        }
        UserCommand::List { database } => {
            let store = open(&database).await?;
            for user in store
                .users()
                .list()
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?
            {
                let state = if user.active { "active" } else { "disabled" };
                println!(
                    "{}\t{}\t{}\t{}",
                    user.email.as_str(),
                    user.role,
                    state,
                    user.display_name.as_str()
                );
            }
        }
        UserCommand::SetPassword {
            database,
            email,
            password_stdin,
        } => {
            let (secret, generated) = obtain_password(password_stdin, &[email.as_str()])?;
            let printable = generated.then(|| secret.expose().to_owned());
            let store = open(&database).await?;
            let Some((user, _)) = store
                .users()
                .by_email(&email)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            else {
                bail!("no account with e-mail {email}");
            };
            let hash = password::hash(secret).await.map_err(api)?;
            store
                .users()
                .change_password(user.id, hash)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("password changed for {}", user.email.as_str());
            if let Some(secret) = printable {
                println!("password: {secret}");
            }
        }
        UserCommand::Disable { database, email } => {
            let store = open(&database).await?;
            let Some((user, _)) = store
                .users()
                .by_email(&email)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            else {
                bail!("no account with e-mail {email}");
            };
            store
                .users()
                .set_active(user.id, false)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("disabled {}", user.email.as_str());
        }
    }
    Ok(())
}
