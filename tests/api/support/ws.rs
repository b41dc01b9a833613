//! A `graphql-transport-ws` client for subscription tests.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::TestApp;

/// A WebSocket client connection.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a test waits for something that should happen at once before
/// declaring it lost (a bound on a hang, not a timing assertion).
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Opens a `graphql-transport-ws` connection and completes the handshake.
pub async fn connect(app: &TestApp, init: Value) -> Socket {
    connect_to(&app.address, init).await
}

/// Opens a `graphql-transport-ws` connection to the server at `address` (`http://…`).
pub async fn connect_to(address: &str, init: Value) -> Socket {
    let url = format!("{}/graphql", address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("WebSocket upgrade");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": init }),
    )
    .await;
    assert_eq!(next(&mut socket).await["type"], "connection_ack");
    socket
}

/// Sends one protocol message.
pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

/// The next protocol message (WebSocket pings are answered by the client library).
pub async fn next(socket: &mut Socket) -> Value {
    let message = tokio::time::timeout(PATIENCE, async {
        loop {
            match socket
                .next()
                .await
                .expect("the connection stays open")
                .expect("a frame")
            {
                Message::Text(text) => {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    if value["type"] != "ping" && value["type"] != "pong" {
                        return value;
                    }
                }
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => {}
            }
        }
    })
    .await;
    message.expect("a message within the patience bound")
}

/// Starts subscription `id`.
pub async fn subscribe(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    send(socket, json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } })).await;
}

/// Waits until `app` holds `count` live subscribers: the subscription is
/// registered, so an event raised now cannot be missed.
pub async fn until_subscribed(app: &TestApp, count: usize) {
    tokio::time::timeout(PATIENCE, async {
        while app.events.subscriber_count() < count {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the subscription registers");
}

/// Reads until the server closes the connection: the close code, and the
/// protocol messages that came before it (pings and pongs left out).
/// Panics when the connection ends without a close frame or stays open.
pub async fn close_code(socket: &mut Socket) -> (u16, Vec<Value>) {
    let closed = tokio::time::timeout(PATIENCE, async {
        let mut before = Vec::new();
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(Some(frame)))) => return (u16::from(frame.code), before),
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    if value["type"] != "ping" && value["type"] != "pong" {
                        before.push(value);
                    }
                }
                Some(Ok(_)) => {}
                other => panic!("the connection ended without a close code: {other:?}"),
            }
        }
    })
    .await;
    closed.expect("the server closes the connection within the patience bound")
}
