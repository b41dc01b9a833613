//! `--graphql-trusted-only` inside the schema: every transport (HTTP, and
//! WebSocket, whose `subscribe` messages may carry queries too) runs an
//! anonymous caller's operation only when its document is in the trusted
//! manifest. Over HTTP the door ([`crate::graphql::persisted`]) refuses
//! first with a 403; this is the same rule where there is no door.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Request, ServerError, ServerResult};

use crate::auth::Caller;
use crate::graphql::codes::RequestCode;
use crate::state::AppState;

/// The extension; it does nothing unless `--graphql-trusted-only` is set.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrustedOnly;

impl ExtensionFactory for TrustedOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(TrustedOnly)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for TrustedOnly {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(state) = ctx.data_opt::<AppState>() {
            // HTTP puts the caller in the request's data, WebSocket in the connection's.
            let caller = request
                .data
                .get(&std::any::TypeId::of::<Caller>())
                .and_then(|caller| caller.downcast_ref::<Caller>())
                .or_else(|| ctx.data_opt::<Caller>())
                .copied()
                .unwrap_or_default();
            if state.settings.graphql_trusted_only
                && !caller.is_staff()
                && !state.persisted.trusted().trusts(&request.query)
            {
                let mut error = ServerError::new(
                    "this server runs only its trusted documents for anonymous callers",
                    None,
                );
                error
                    .extensions
                    .get_or_insert_with(Default::default)
                    .set("code", RequestCode::TrustedDocumentRequired.as_str());
                return Err(error);
            }
        }
        next.run(ctx, request).await
    }
}
