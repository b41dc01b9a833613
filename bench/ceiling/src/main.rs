//! The ceiling of the read benchmark: actix-web answering every request with
//! the same bytes from memory, with the same worker count as Masthead. What
//! Masthead's read path achieves is reported as a fraction of this.
//!
//! Usage: `masthead-ceiling <bind address> <file with the response body>`.

use actix_web::{web, App, HttpResponse, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(bind), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: masthead-ceiling <bind address> <body file>");
        std::process::exit(2);
    };
    let body = web::Bytes::from(std::fs::read(&path)?);
    HttpServer::new(move || {
        let body = body.clone();
        App::new().default_service(web::to(move || {
            let body = body.clone();
            async move {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(body)
            }
        }))
    })
    .bind(bind)?
    .run()
    .await
}
