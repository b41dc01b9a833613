//! Counts GraphQL operations by type and outcome, on every transport.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
    NextSubscribe,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerResult, Variables};
use futures_util::stream::{BoxStream, StreamExt};

use super::{recorded, OperationLabels};

/// Longest outcome label kept; a longer code is counted as `other`.
const MAX_OUTCOME: usize = 48;

/// The extension factory (one [`Count`] per request).
#[derive(Debug, Clone, Copy, Default)]
pub struct CountOperations;

impl ExtensionFactory for CountOperations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Count::default())
    }
}

/// What one request learns before it runs: its operation name, then type.
#[derive(Debug, Default)]
struct Count {
    name: Mutex<Option<String>>,
    operation: Mutex<Option<&'static str>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Count {
    /// Every operation over a WebSocket is a stream; it counts as an active
    /// subscription while it lives (a query or mutation only for its instant).
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let held = super::Held::new(&recorded().subscriptions);
        next.run(ctx, stream)
            .map(move |response| {
                let _alive = &held;
                response
            })
            .boxed()
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Ok(mut name) = self.name.lock() {
            name.clone_from(&request.operation_name);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let name = self.name.lock().ok().and_then(|name| name.clone());
        let ty = match &document.operations {
            DocumentOperations::Single(operation) => Some(operation.node.ty),
            DocumentOperations::Multiple(operations) => name
                .as_deref()
                .and_then(|name| operations.get(name))
                .or_else(|| operations.values().next())
                .map(|operation| operation.node.ty),
        };
        let label = match ty {
            Some(OperationType::Query) => "query",
            Some(OperationType::Mutation) => "mutation",
            Some(OperationType::Subscription) => {
                // A subscription's answer is a stream, not one `request`: counted here.
                count("subscription", "ok".to_owned());
                "subscription"
            }
            None => "unknown",
        };
        if let Ok(mut operation) = self.operation.lock() {
            *operation = Some(label);
        }
        Ok(document)
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        let operation = self
            .operation
            .lock()
            .ok()
            .and_then(|operation| *operation)
            .unwrap_or("unknown");
        if operation != "subscription" {
            count(operation, outcome(&response));
        }
        response
    }
}

fn count(operation: &'static str, outcome: String) {
    recorded()
        .graphql_operations
        .get_or_create(&OperationLabels { operation, outcome })
        .inc();
}

/// `ok`, or the first error's code (`other` if it has none fit for a label).
fn outcome(response: &Response) -> String {
    let Some(error) = response.errors.first() else {
        return "ok".to_owned();
    };
    let code = error
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(code) => Some(code.clone()),
            _ => None,
        });
    match code {
        Some(code)
            if code.len() <= MAX_OUTCOME
                && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') =>
        {
            code
        }
        _ => "other".to_owned(),
    }
}
