//! Server-wide values kept in the database, so that every node on one database
//! (and every restart) agrees without set-up — the reply salt, for one.

use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set};

use crate::entities::setting;
use crate::error::Result;
use crate::store::Store;

/// Server settings.
pub struct SettingRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The server-settings repository.
    pub fn settings(&self) -> SettingRepo<'_> {
        SettingRepo { store: self }
    }
}

impl SettingRepo<'_> {
    /// The value of `key`, if set.
    pub async fn get(&self, key: &str) -> Result<Option<String>> {
        let row = setting::Entity::find_by_id(key.to_owned())
            .one(self.store.db())
            .await?;
        Ok(row.map(|row| row.value))
    }

    /// Deletes `key` (nothing happens when it is not set).
    pub async fn remove(&self, key: &str) -> Result<()> {
        setting::Entity::delete_by_id(key.to_owned())
            .exec(self.store.db())
            .await?;
        Ok(())
    }

    /// Stores `value` under `key`, replacing what was there.
    pub async fn set(&self, key: &str, value: &str) -> Result<()> {
        let row = setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value.to_owned()),
        };
        setting::Entity::insert(row)
            .on_conflict(
                OnConflict::column(setting::Column::Key)
                    .update_column(setting::Column::Value)
                    .to_owned(),
            )
            .exec(self.store.writer())
            .await?;
        Ok(())
    }

    /// The value of `key`; when absent, stores `make()` first. When two nodes
    /// race, both end up with the value that was stored first.
    pub async fn get_or_insert(&self, key: &str, make: impl FnOnce() -> String) -> Result<String> {
        let db = self.store.writer();
        if let Some(row) = setting::Entity::find_by_id(key.to_owned()).one(db).await? {
            return Ok(row.value);
        }
        let row = setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(make()),
        };
        setting::Entity::insert(row)
            .on_conflict(
                OnConflict::column(setting::Column::Key)
                    .do_nothing()
                    .to_owned(),
            )
            .do_nothing()
            .exec(db)
            .await?;
        let stored = setting::Entity::find_by_id(key.to_owned()).one(db).await?;
        Ok(stored.map(|row| row.value).unwrap_or_default())
    }
}
