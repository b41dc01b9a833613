//! The `masthead` binary: a thin shell around the library's command line.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    masthead_api::cli::run().await
}
