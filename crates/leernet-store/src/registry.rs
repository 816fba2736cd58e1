//! Werkplaatsen, networks and people.

use crate::{conflict, get, Result, Store, StoreError};
use leernet_core::*;

/// A Werkplaats to add.
#[derive(Debug, Clone)]
pub struct NewWorkplace {
    pub slug: Slug,
    pub name: String,
    pub region: String,
}

/// A network to add.
#[derive(Debug, Clone)]
pub struct NewNetwork {
    pub slug: Slug,
    pub name: String,
    pub workplace: WorkplaceId,
}

/// A person's membership of a network, with when it began and ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub person: PersonId,
    pub network: NetworkId,
    /// Seconds since 1970 (UTC); `None`: from before anything was logged.
    pub from: Option<i64>,
    /// Seconds since 1970 (UTC); `None`: a member now.
    pub until: Option<i64>,
}

/// A person to add.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub networks: Vec<NetworkId>,
    /// An argon2id hash, when the person may log in.
    pub password_hash: Option<String>,
}

/// Inserts a Werkplaats into the `workplaces` table of `conn` (a study's or the
/// installation's: the same columns); its slug must be new there.
pub(crate) async fn insert_workplace(
    conn: &mut sqlx::AnyConnection,
    w: &NewWorkplace,
) -> Result<WorkplaceId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO workplaces (slug, name, region) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(w.slug.as_str())
    .bind(&w.name)
    .bind(&w.region)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        conflict(e, || {
            format!("a Werkplaats with slug {:?} exists", w.slug.as_str())
        })
    })?;
    Ok(WorkplaceId(id))
}

/// Inserts a network into the `networks` table of `conn` (a study's or the installation's);
/// its slug must be new there and may not be one of leernet's own pages.
pub(crate) async fn insert_network(
    conn: &mut sqlx::AnyConnection,
    n: &NewNetwork,
) -> Result<NetworkId> {
    if n.slug.reserved_for_networks() {
        return Err(StoreError::Conflict(format!(
            "the slug {:?} is the name of one of leernet's own pages; choose another for the network",
            n.slug.as_str()
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO networks (slug, name, workplace_id) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(n.slug.as_str())
    .bind(&n.name)
    .bind(n.workplace.0)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        conflict(e, || {
            format!("a network with slug {:?} exists", n.slug.as_str())
        })
    })?;
    Ok(NetworkId(id))
}

impl Store {
    /// Adds a Werkplaats; its slug must be new.
    pub async fn add_workplace(&self, w: &NewWorkplace) -> Result<WorkplaceId> {
        let mut tx = self.pool.begin().await?;
        let id = insert_workplace(&mut tx, w).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// All Werkplaatsen, by id.
    pub async fn workplaces(&self) -> Result<Vec<Workplace>> {
        let rows = sqlx::query("SELECT id, slug, name, region FROM workplaces ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Workplace {
                    id: WorkplaceId(get(r, "id")?),
                    slug: parse_slug(get(r, "slug")?)?,
                    name: get(r, "name")?,
                    region: get(r, "region")?,
                })
            })
            .collect()
    }

    /// Adds a network to an existing Werkplaats; its slug must be new.
    pub async fn add_network(&self, n: &NewNetwork) -> Result<NetworkId> {
        let mut tx = self.pool.begin().await?;
        let id = insert_network(&mut tx, n).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// All networks, by id.
    pub async fn networks(&self) -> Result<Vec<Network>> {
        let rows = sqlx::query("SELECT id, slug, name, workplace_id FROM networks ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(network_of).collect()
    }

    /// The network with this slug.
    ///
    /// One row, by the unique slug: every page of a network asks for it, and reading every
    /// network to keep one cost a national study's profile page 2,000 rows per view.
    pub async fn network_by_slug(&self, slug: &Slug) -> Result<Option<Network>> {
        let row = sqlx::query("SELECT id, slug, name, workplace_id FROM networks WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(network_of).transpose()
    }

    /// Adds a person with their networks, in one transaction.
    pub async fn add_person(&self, p: &NewPerson) -> Result<PersonId> {
        let mut tx = self.pool.begin().await?;
        let id = insert_person(&mut tx, p).await?;
        crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every membership of a network, ended ones too, by network then person: who was a
    /// member when (issue 19: the workspace's indicators count the members at the date of
    /// each session).
    pub async fn memberships(&self) -> Result<Vec<Membership>> {
        let rows = sqlx::query(
            "SELECT person_id, network_id, member_from, member_until FROM person_networks \
             ORDER BY network_id, person_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Membership {
                    person: PersonId(get(r, "person_id")?),
                    network: NetworkId(get(r, "network_id")?),
                    from: get(r, "member_from")?,
                    until: get(r, "member_until")?,
                })
            })
            .collect()
    }

    /// All people, by id, with their networks (the ones they are a member of now).
    pub async fn persons(&self) -> Result<Vec<Person>> {
        let rows = sqlx::query("SELECT id, email, name, role FROM persons ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let links = sqlx::query(
            "SELECT person_id, network_id FROM person_networks WHERE member_until IS NULL \
             ORDER BY person_id, network_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = get(r, "id")?;
            let email: String = get(r, "email")?;
            let role: String = get(r, "role")?;
            let mut networks = Vec::new();
            for l in &links {
                if get::<i64>(l, "person_id")? == id {
                    networks.push(NetworkId(get(l, "network_id")?));
                }
            }
            out.push(Person {
                id: PersonId(id),
                email: Email::parse(&email).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                name: get(r, "name")?,
                role: Role::parse(&role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                networks,
            });
        }
        Ok(out)
    }
}

/// Inserts a person with their networks inside the caller's transaction.
pub(crate) async fn insert_person(
    conn: &mut sqlx::AnyConnection,
    p: &NewPerson,
) -> Result<PersonId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO persons (email, name, role, password_hash) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(p.email.as_str())
    .bind(&p.name)
    .bind(p.role.as_str())
    .bind(p.password_hash.clone())
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| conflict(e, || format!("a person with e-mail {} exists", p.email)))?;
    for n in &p.networks {
        sqlx::query("INSERT INTO person_networks (person_id, network_id) VALUES ($1, $2)")
            .bind(id)
            .bind(n.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(PersonId(id))
}

fn parse_slug(s: String) -> Result<Slug> {
    Slug::parse(&s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A network from its row (`id, slug, name, workplace_id`).
fn network_of(r: &sqlx::any::AnyRow) -> Result<Network> {
    Ok(Network {
        id: NetworkId(get(r, "id")?),
        slug: parse_slug(get(r, "slug")?)?,
        name: get(r, "name")?,
        workplace: WorkplaceId(get(r, "workplace_id")?),
    })
}
