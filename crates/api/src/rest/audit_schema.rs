//! The typed shape of an audit entry in the OpenAPI document: `action` as the
//! enum of [`AuditAction::ALL`], and `detail` as an object of the facts the
//! stores record (each optional, which ones depends on the action), so a
//! generated client reads `detail.from` as a string and `detail.revision` as
//! a number instead of an untyped map.

use masthead_persistence::audit::AuditAction;
use serde_json::{json, Value};

/// Replaces `AuditEntry.action` and `AuditEntry.detail` in `schemas` with their typed shapes.
pub fn declare(schemas: &mut Value) {
    let actions: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
    let text = |about: &str| json!({ "type": "string", "description": about });
    schemas["AuditDetail"] = json!({
        "type": "object",
        "additionalProperties": false,
        "description": "Facts about the action; which are present depends on `action`.",
        "properties": {
            "from": text("The status or role before (transitions, moderation, role changes)."),
            "to": text("The status or role after."),
            "action": text("The moderation action (`moderate`)."),
            "published_at": { "type": "string", "format": "date-time",
                "description": "When the article becomes public (`publish`, `schedule`)." },
            "revision": { "type": "integer", "minimum": 1,
                "description": "The revision the save produced (`create`, `update`, `restore`)." },
            "restored_from": { "type": "integer", "minimum": 1,
                "description": "The revision restored (`restore`)." },
            "slug": text("The article's or tag's slug."),
            "previous_slug": text("The slug before the save, when it changed."),
            "title": text("The article's title."),
            "status": text("The article's status when it was deleted (`delete`)."),
            "name": text("The tag's name."),
            "role": text("The role of a created account."),
            "display_name": text("A staff account's new display name."),
            "bio": { "type": "string", "enum": ["changed"],
                "description": "Present when a staff account's biography changed." },
            "correction": { "type": "string", "format": "uuid",
                "description": "The correction (`correct`, `retract_correction`)." },
            "kind": text("The correction's kind."),
            "reason": text("Why the correction was retracted."),
            "preview_link": { "type": "string", "format": "uuid",
                "description": "The preview link (`share_preview`, `revoke_preview`)." },
            "expires_at": { "type": "string", "format": "date-time",
                "description": "When the preview link stops working (`share_preview`)." },
            "url": { "type": "string", "format": "uri",
                "description": "A webhook endpoint's address (`create`, `update`, `delete` of a webhook)." },
            "events": { "type": "array", "items": { "type": "string" },
                "description": "The events a webhook endpoint receives, when set or changed." },
            "description": text("A webhook endpoint's new description."),
            "enabled": { "type": "boolean",
                "description": "A webhook endpoint switched on or off." },
            "previous_secret_until": { "type": "string", "format": "date-time",
                "description": "Until when the old signing secret still signs (`rotate_secret`)." },
            "delivery": { "type": "string", "format": "uuid",
                "description": "The webhook delivery sent again (`redeliver`)." },
            "event": { "type": "string", "format": "uuid",
                "description": "The event of that delivery (`redeliver`)." },
            "file_name": text("An uploaded image's file name (media `create`)."),
            "sha256": text("An uploaded image's SHA-256, hex (media `create`)."),
        }
    });
    let entry = &mut schemas["AuditEntry"]["properties"];
    entry["detail"] = json!({ "$ref": "#/components/schemas/AuditDetail" });
    entry["action"] = json!({ "type": "string", "enum": actions, "description": "What was done." });
}
