//! `#[each_database]` and `#[postgres_only]`: one test function becomes one
//! test per database backend, so the harness's summary line counts the
//! PostgreSQL variants as *ignored* when `MASTHEAD_TEST_POSTGRES_URL` is unset
//! (instead of passing silently), and runs them when it is set.
//!
//! ```ignore
//! #[each_database]
//! async fn drafts_are_private() {
//!     for app in TestApp::spawn_all().await { /* … */ }
//! }
//! ```
//! expands to a module `drafts_are_private` holding the body once and two
//! tests, `sqlite` and `postgres`, each running the body with
//! `masthead_persistence::testing::Backend` set, which `TestDatabase::all()`
//! (and everything built on it) follows. Arguments are passed to `tokio::test`.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{parse_macro_input, ItemFn, Meta, Token};

/// The variable that points the tests at a PostgreSQL server.
const POSTGRES_ENV: &str = "MASTHEAD_TEST_POSTGRES_URL";

/// One test on SQLite and one on PostgreSQL (ignored when no server is set).
#[proc_macro_attribute]
pub fn each_database(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args with Punctuated::<Meta, Token![,]>::parse_terminated);
    let test = parse_macro_input!(item as ItemFn);
    expand(&args, test, &[Backend::Sqlite, Backend::Postgres]).into()
}

/// One test on PostgreSQL only (ignored when no server is set): for what only
/// PostgreSQL has, such as `LISTEN/NOTIFY` between nodes.
#[proc_macro_attribute]
pub fn postgres_only(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args with Punctuated::<Meta, Token![,]>::parse_terminated);
    let test = parse_macro_input!(item as ItemFn);
    expand(&args, test, &[Backend::Postgres]).into()
}

#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

fn expand(args: &Punctuated<Meta, Token![,]>, test: ItemFn, backends: &[Backend]) -> Tokens {
    if test.sig.asyncness.is_none() {
        return syn::Error::new_spanned(test.sig.fn_token, "a database test must be `async fn`")
            .to_compile_error();
    }
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = test;
    let name = &sig.ident;
    let output = &sig.output;
    let (docs, others): (Vec<_>, Vec<_>) = attrs
        .into_iter()
        .partition(|attr| attr.path().is_ident("doc"));
    let postgres_configured = std::env::var_os(POSTGRES_ENV).is_some_and(|url| !url.is_empty());
    let tests = backends.iter().map(|backend| {
        let (function, variant) = match backend {
            Backend::Sqlite => (quote!(sqlite), quote!(Sqlite)),
            Backend::Postgres => (quote!(postgres), quote!(Postgres)),
        };
        let ignore = match backend {
            Backend::Postgres if !postgres_configured => {
                let reason = format!("PostgreSQL skipped: {POSTGRES_ENV} is not set");
                quote!(#[ignore = #reason])
            }
            _ => Tokens::new(),
        };
        let runtime = if args.is_empty() {
            quote!(#[::tokio::test])
        } else {
            quote!(#[::tokio::test(#args)])
        };
        quote! {
            #runtime
            #ignore
            async fn #function() #output {
                ::masthead_persistence::testing::Backend::#variant.scope(body()).await
            }
        }
    });
    quote! {
        #(#docs)*
        #vis mod #name {
            #[allow(unused_imports)]
            use super::*;

            #(#others)*
            async fn body() #output #block

            #(#tests)*
        }
    }
}
