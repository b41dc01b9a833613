//! Subscriptions over WebSocket at `GET /graphql` with `Upgrade: websocket`
//! (`graphql-transport-ws`, and the older `graphql-ws`). The caller comes from
//! the upgrade request's `Authorization` header, or from the `connection_init`
//! payload (`{"Authorization": "Bearer …"}`), since browsers cannot set headers
//! on WebSockets.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::Data;
use async_graphql_actix_web::GraphQLSubscription;

use crate::auth::Caller;
use crate::graphql::loaders::uncached_loaders;
use crate::graphql::subscription::Budget;
use crate::graphql::MastheadSchema;
use crate::state::AppState;

/// True when the request asks to become a WebSocket.
pub fn is_upgrade(http: &HttpRequest) -> bool {
    http.headers()
        .get(header::UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("websocket"))
}

/// Starts a subscription connection.
pub async fn connect(
    schema: web::Data<MastheadSchema>,
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    let authorization = http
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("invalid"));
    let caller = Caller::from_header(&state, authorization).await?;
    let mut data = Data::default();
    data.insert(caller);
    data.insert(uncached_loaders(state.store.clone()));
    data.insert(Budget::default());
    let state = state.get_ref().clone();
    GraphQLSubscription::new(schema.get_ref().clone())
        .with_data(data)
        .on_connection_init(move |payload| async move {
            let mut data = Data::default();
            if let Some(token) = init_token(&payload) {
                let caller = Caller::from_header(&state, Some(&token))
                    .await
                    .map_err(|error| error.to_graphql())?;
                data.insert(caller);
            }
            Ok(data)
        })
        .start(&http, payload)
}

/// The bearer token of a `connection_init` payload, if it carries one.
fn init_token(payload: &serde_json::Value) -> Option<String> {
    let lookup = |value: &serde_json::Value| {
        ["Authorization", "authorization"]
            .iter()
            .find_map(|key| value.get(key).and_then(|token| token.as_str()))
            .map(str::to_owned)
    };
    lookup(payload).or_else(|| payload.get("headers").and_then(lookup))
}
