//! One exported table, generic over its SeaORM entity: how its rows are
//! streamed out in key order, counted, and inserted back in batches.

use std::io::Write;
use std::marker::PhantomData;

use futures_util::TryStreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ColumnType, DatabaseBackend, DatabaseTransaction, EntityTrait,
    IdenStatic, IntoActiveModel, Iterable, Order, PaginatorTrait, PrimaryKeyToColumn, QueryOrder,
    Select,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{PersistenceError, Result};

/// Bound parameters per insert statement, below SQLite's (32,766) and
/// PostgreSQL's (65,535) limits.
const PARAMETERS_PER_INSERT: usize = 30_000;

/// A table as the export sees it; implemented once, by [`Of`].
#[async_trait::async_trait]
pub(super) trait Table: Sync {
    /// The table's name in the database and in the file.
    fn name(&self) -> String;

    /// Writes every row as one record line, in primary-key order; returns how many.
    async fn export(&self, txn: &DatabaseTransaction, out: &mut (dyn Write + Send)) -> Result<u64>;

    /// How many rows the export would take.
    async fn count(&self, txn: &DatabaseTransaction) -> Result<u64>;

    /// How many rows [`Table::insert`] takes at most at once.
    fn batch(&self) -> usize;

    /// Inserts `rows` (each with its line number, for errors).
    async fn insert(
        &self,
        txn: &DatabaseTransaction,
        rows: Vec<(usize, serde_json::Value)>,
    ) -> Result<()>;
}

/// The table of entity `E`, optionally narrowed to some rows (`scope`).
pub(super) struct Of<E: EntityTrait> {
    scope: Option<fn(Select<E>) -> Select<E>>,
    entity: PhantomData<fn() -> E>,
}

impl<E: EntityTrait> Of<E> {
    /// Every row of the table.
    pub(super) const ALL: Self = Self {
        scope: None,
        entity: PhantomData,
    };

    /// The rows `scope` selects.
    pub(super) const fn scoped(scope: fn(Select<E>) -> Select<E>) -> Self {
        Self {
            scope: Some(scope),
            entity: PhantomData,
        }
    }

    fn select(&self) -> Select<E> {
        let select = E::find();
        match self.scope {
            Some(scope) => scope(select),
            None => select,
        }
    }
}

/// One record line.
#[derive(Serialize)]
struct Record<'a, M> {
    table: &'a str,
    row: &'a M,
}

fn written(error: impl std::fmt::Display) -> PersistenceError {
    PersistenceError::Transfer(format!("writing the export failed: {error}"))
}

#[async_trait::async_trait]
impl<E> Table for Of<E>
where
    E: EntityTrait,
    E::Model: Serialize + DeserializeOwned + IntoActiveModel<E::ActiveModel> + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    fn name(&self) -> String {
        E::default().table_name().to_owned()
    }

    async fn export(&self, txn: &DatabaseTransaction, out: &mut (dyn Write + Send)) -> Result<u64> {
        let name = self.name();
        let backend = sea_orm::ConnectionTrait::get_database_backend(txn);
        let mut select = self.select();
        for key in E::PrimaryKey::iter() {
            let column = key.into_column();
            let text = matches!(
                column.def().get_column_type(),
                ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_)
            );
            // Byte order on both databases (SQLite's BINARY collation is
            // byte order already), so both write the rows in the same order.
            select = if text && backend == DatabaseBackend::Postgres {
                select.order_by(
                    Expr::cust(format!("\"{}\" COLLATE \"C\"", column.as_str())),
                    Order::Asc,
                )
            } else {
                select.order_by_asc(column)
            };
        }
        let mut rows = select.stream(txn).await?;
        let mut count = 0;
        while let Some(row) = rows.try_next().await? {
            serde_json::to_writer(
                &mut *out,
                &Record {
                    table: &name,
                    row: &row,
                },
            )
            .map_err(written)?;
            out.write_all(b"\n").map_err(written)?;
            count += 1;
        }
        Ok(count)
    }

    async fn count(&self, txn: &DatabaseTransaction) -> Result<u64> {
        Ok(self.select().count(txn).await?)
    }

    fn batch(&self) -> usize {
        (PARAMETERS_PER_INSERT / E::Column::iter().count().max(1)).clamp(1, 1_000)
    }

    async fn insert(
        &self,
        txn: &DatabaseTransaction,
        rows: Vec<(usize, serde_json::Value)>,
    ) -> Result<()> {
        let (Some(first), Some(last)) = (rows.first().map(|r| r.0), rows.last().map(|r| r.0))
        else {
            return Ok(());
        };
        let name = self.name();
        let mut models = Vec::with_capacity(rows.len());
        for (line, row) in rows {
            let model: E::Model = serde_json::from_value(row).map_err(|error| {
                PersistenceError::Transfer(format!("line {line}: not a row of {name}: {error}"))
            })?;
            models.push(model.into_active_model());
        }
        E::insert_many(models)
            .exec_without_returning(txn)
            .await
            .map_err(|error| {
                let lines = if first == last {
                    format!("line {first}")
                } else {
                    format!("lines {first}-{last}")
                };
                PersistenceError::Transfer(format!(
                    "{lines}: the database refused these rows of {name}: {error}"
                ))
            })?;
        Ok(())
    }
}
