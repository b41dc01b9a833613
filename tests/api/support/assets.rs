//! The browser pages' files (`/assets/…` of GraphiQL and the API reference,
//! `/desk/assets/…` of the desk): what every one of them must answer.

use super::TestApp;

impl TestApp {
    /// GETs a script or stylesheet at `url`, asserting `200`, a year's
    /// immutable caching and a JavaScript or CSS type; returns its bytes.
    pub async fn immutable_asset(&self, url: &str) -> Vec<u8> {
        let response = self.get(url).await;
        assert_eq!(response.status(), 200, "{url}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{url}"
        );
        let kind = response.headers()["content-type"]
            .to_str()
            .expect("a textual Content-Type")
            .to_owned();
        assert!(
            kind.starts_with("text/javascript") || kind.starts_with("text/css"),
            "{url}: {kind}"
        );
        response.bytes().await.expect("the file").to_vec()
    }
}
