//! Subscriptions over WebSocket at `GET /graphql` with `Upgrade: websocket`
//! (`graphql-transport-ws`, and the older `graphql-ws`). The caller comes from
//! the upgrade request's `Authorization` header, or from the `connection_init`
//! payload (`{"Authorization": "Bearer …"}`), since browsers cannot set headers
//! on WebSockets. A member of staff who no longer holds the connection (token
//! expired, account disabled, role or credentials changed) loses it: it is
//! closed with the protocol's close code (see [`crate::graphql::tenure`]).

use std::str::FromStr;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Session};
use async_graphql::http::{WebSocket, WebSocketProtocols, WsMessage};
use async_graphql::Data;
use futures_util::stream::{self, StreamExt};
use tokio::sync::mpsc;

use crate::auth::caller::TokenTimes;
use crate::auth::Caller;
use crate::graphql::loaders::uncached_loaders;
use crate::graphql::subscription::Budget;
use crate::graphql::tenure::{Holder, Lost, Tenure};
use crate::graphql::MastheadSchema;
use crate::state::AppState;

/// How often the server pings an idle client.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// Silence after which a client counts as gone.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest message a client may send (a subscription's query and variables).
const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Client messages read but not yet taken up; a client that sends faster
/// than that is closed (1008, policy violation).
const INBOX: usize = 64;

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
    let Some((name, protocol)) = protocol(&http) else {
        return Err(actix_web::error::ErrorBadRequest(
            "Sec-WebSocket-Protocol must name graphql-transport-ws or graphql-ws",
        ));
    };
    let authorization = http
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("invalid"));
    let (caller, times) = Caller::with_token_times(&state, authorization).await?;
    let tenure = Tenure::new(holder(caller, times));
    let mut data = Data::default();
    data.insert(caller);
    data.insert(tenure.clone());
    data.insert(uncached_loaders(state.store.clone()));
    data.insert(Budget::default());

    let (response, session, messages) = actix_ws::handle_with_protocols(&http, payload, &[name])?;
    let (to_graphql, from_client) = mpsc::channel::<Vec<u8>>(INBOX);
    let from_client = stream::unfold(from_client, |mut receiver| async move {
        receiver.recv().await.map(|message| (message, receiver))
    });
    let state = state.get_ref().clone();
    let on_init = {
        let (state, tenure) = (state.clone(), tenure.clone());
        move |payload: serde_json::Value| async move {
            let mut data = Data::default();
            if let Some(token) = init_token(&payload) {
                let (caller, times) = Caller::with_token_times(&state, Some(&token))
                    .await
                    .map_err(|error| {
                        tenure.lose(Lost::Refused);
                        error.to_graphql()
                    })?;
                tenure.hold(holder(caller, times));
                data.insert(caller);
            }
            Ok(data)
        }
    };
    let graphql = WebSocket::new(schema.get_ref().clone(), from_client, protocol)
        .connection_data(data)
        .on_connection_init(on_init);
    let messages = messages
        .max_frame_size(MAX_MESSAGE_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE_BYTES);
    actix_web::rt::spawn(serve(session, messages, graphql, to_graphql, tenure, state));
    Ok(response)
}

/// Carries messages both ways until either side ends, the client falls
/// silent, the caller loses the connection (closed with its code), or the
/// node's drain period ends (closed with `1001 Going Away`).
async fn serve(
    mut session: Session,
    mut messages: actix_ws::AggregatedMessageStream,
    graphql: impl futures_util::Stream<Item = WsMessage>,
    to_graphql: mpsc::Sender<Vec<u8>>,
    tenure: Tenure,
    state: AppState,
) {
    let _open = crate::metrics::Held::new(&crate::metrics::recorded().websockets);
    let mut graphql = std::pin::pin!(graphql);
    let lost = tenure.lost(&state);
    let mut lost = std::pin::pin!(lost);
    let drain = state.drain.clone();
    let mut going_away = std::pin::pin!(drain.closing());
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut heard = Instant::now();
    let close = loop {
        tokio::select! {
            message = messages.recv() => {
                heard = Instant::now();
                let bytes = match message {
                    Some(Ok(AggregatedMessage::Text(text))) => text.as_bytes().to_vec(),
                    Some(Ok(AggregatedMessage::Binary(bytes))) => bytes.to_vec(),
                    Some(Ok(AggregatedMessage::Ping(bytes))) => {
                        if session.pong(&bytes).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    Some(Ok(AggregatedMessage::Pong(_))) => continue,
                    Some(Ok(AggregatedMessage::Close(_))) | None => break None,
                    Some(Err(error)) => break Some(CloseReason {
                        code: CloseCode::Protocol,
                        description: Some(error.to_string()),
                    }),
                };
                match to_graphql.try_send(bytes) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => break Some(CloseReason {
                        code: CloseCode::Policy,
                        description: Some("too many messages at once".to_owned()),
                    }),
                    Err(mpsc::error::TrySendError::Closed(_)) => break None,
                }
            }
            outgoing = graphql.next() => match outgoing {
                Some(WsMessage::Text(text)) => {
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                // A refused `connection_init` is 4403 Forbidden, as the
                // protocol says (the library would send 1002).
                Some(WsMessage::Close(code, description)) => break Some(match tenure.lost_now() {
                    Some(lost) => close_reason(lost),
                    None => CloseReason { code: CloseCode::from(code), description: Some(description) },
                }),
                None => break None,
            },
            lost = &mut lost => break Some(close_reason(lost)),
            () = &mut going_away => break Some(CloseReason {
                code: CloseCode::Away,
                description: Some("the server is shutting down; reconnect".to_owned()),
            }),
            _ = heartbeat.tick() => {
                if heard.elapsed() > CLIENT_TIMEOUT {
                    break None;
                }
                if session.ping(b"").await.is_err() {
                    return;
                }
            }
        }
    };
    let _ = session.close(close).await;
}

fn close_reason(lost: Lost) -> CloseReason {
    CloseReason {
        code: CloseCode::from(lost.close_code()),
        description: Some(lost.reason().to_owned()),
    }
}

/// The subprotocol to speak: the first one the client offers that is known.
fn protocol(http: &HttpRequest) -> Option<(&'static str, WebSocketProtocols)> {
    http.headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|offered| {
            let offered = offered.trim();
            async_graphql::http::ALL_WEBSOCKET_PROTOCOLS
                .into_iter()
                .find(|known| known.eq_ignore_ascii_case(offered))
                .and_then(|known| Some((known, WebSocketProtocols::from_str(known).ok()?)))
        })
}

/// The holder of a connection opened by `caller` with a token of `times`.
fn holder(caller: Caller, times: Option<TokenTimes>) -> Option<Holder> {
    let (actor, times) = (caller.0?, times?);
    Some(Holder {
        actor,
        since: times.issued_at,
        expires_at: times.expires_at,
    })
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
