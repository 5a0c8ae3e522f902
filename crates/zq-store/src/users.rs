//! Accounts and role bindings. Passwords are hashed with argon2id (random salt per hash) on a
//! blocking thread; no password, hash or default account ever leaves this module.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::access::{ClusterRole, Grants, TenantRole};
use zq_domain::security::{LoginName, check_password};
use zq_domain::{TenantId, UserId};

use crate::entity::{role_binding, tenant, user};
use crate::error::parse_stored;
use crate::{Store, StoreError};

/// An account as the rest of the platform sees it (never with its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub login: LoginName,
    pub display_name: String,
    pub cluster_role: Option<ClusterRole>,
    pub disabled: bool,
    /// Its password was set by someone else: it must choose its own at the next sign-in.
    pub must_change_password: bool,
    pub last_sign_in_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a new account needs.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: LoginName,
    pub display_name: String,
    pub password: String,
    pub cluster_role: Option<ClusterRole>,
    /// Someone else chose the password: the account changes it at its first sign-in.
    pub must_change_password: bool,
}

/// A hash of a random password, verified against when the login does not exist, so a
/// missing account takes as long to refuse as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=7168,t=5,p=1$c29tZXNhbHRzb21lc2FsdA$Jx6Q1m5VYTfNEwW3WbV2Vq1xXnRvGqCCoQ0WmS3yL6c";

/// argon2id with 7 MiB and 5 passes: one of OWASP's equivalent recommended settings, chosen
/// over 19 MiB × 2 because glibc keeps freed hashing memory in its arenas, and the server's
/// resident memory is budgeted (150 MiB).
fn hasher() -> Result<Argon2<'static>, StoreError> {
    let params = Params::new(7 * 1024, 5, 1, None)
        .map_err(|e| StoreError::Corrupt(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Work for the hashing thread.
type HashJob = Box<dyn FnOnce() + Send>;

/// Runs password hashing on one dedicated thread: a flood of sign-ins queues instead of taking
/// every core, and the hashing memory is reused by one allocator arena instead of being kept by
/// many (glibc does not return it).
fn on_hashing_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> tokio::sync::oneshot::Receiver<T> {
    static WORKER: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>> =
        std::sync::OnceLock::new();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: HashJob = Box::new(move || {
        let _ = tx.send(f());
    });
    let worker = WORKER.get_or_init(|| {
        let (jobs, queue) = std::sync::mpsc::channel::<HashJob>();
        let spawned = std::thread::Builder::new()
            .name("zq-password-hash".into())
            .spawn(move || {
                for job in queue {
                    job();
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the password hashing thread");
        }
        std::sync::Mutex::new(jobs)
    });
    let sender = match worker.lock() {
        Ok(g) => g.clone(),
        Err(p) => p.into_inner().clone(),
    };
    let _ = sender.send(job);
    rx
}

async fn hash(password: String) -> Result<String, StoreError> {
    on_hashing_thread(move || {
        hasher()?
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Corrupt(format!("hashing a password failed: {e}")))
    })
    .await
    .map_err(|_| StoreError::Corrupt("the password hashing thread is gone".into()))?
}

async fn verify(password: String, stored: String) -> bool {
    on_hashing_thread(move || {
        PasswordHash::new(&stored).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

fn to_user(row: user::Model) -> Result<User, StoreError> {
    Ok(User {
        id: UserId(row.id),
        login: LoginName::parse(&row.login).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        display_name: row.display_name,
        cluster_role: row.cluster_role.as_deref().map(parse_stored).transpose()?,
        disabled: row.disabled,
        must_change_password: row.must_change_password,
        last_sign_in_at: row.last_sign_in_at,
    })
}

impl Store {
    /// Creates an account after checking the password policy (the login must be free), with
    /// `who`'s audit row in the same transaction.
    pub async fn create_user(&self, new: NewUser, who: &crate::Who) -> Result<User, StoreError> {
        check_password(new.login.as_str(), &new.password)
            .map_err(|p| StoreError::NotAllowed(p.to_string()))?;
        if new.display_name.trim().is_empty() {
            return Err(StoreError::NotAllowed("请填写姓名".into()));
        }
        let password_hash = hash(new.password).await?;
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let row = user::ActiveModel {
            login: Set(new.login.as_str().to_owned()),
            display_name: Set(new.display_name.trim().to_owned()),
            password_hash: Set(password_hash),
            cluster_role: Set(new.cluster_role.map(|r| r.as_str().to_owned())),
            disabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            password_changed_at: Set(Some(now)),
            must_change_password: Set(new.must_change_password),
            last_sign_in_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| crate::error::conflict_as(e, || format!("登录名 {} 已被使用", new.login)))?;
        let entry = who.entry(None, format!("user:{}", new.login), "user.create");
        crate::audit::audit_in(&txn, entry, now).await?;
        txn.commit().await?;
        to_user(row)
    }

    /// The account with this login and password, if both match and it is not disabled.
    pub async fn verify_login(
        &self,
        login: &LoginName,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find()
            .filter(user::Column::Login.eq(login.as_str()))
            .one(&self.db)
            .await?;
        let stored = row
            .as_ref()
            .map_or_else(|| DUMMY_HASH.to_owned(), |r| r.password_hash.clone());
        let ok = verify(password.to_owned(), stored).await;
        match row {
            Some(r) if ok && !r.disabled => to_user(r).map(Some),
            _ => Ok(None),
        }
    }

    /// Sets an account's password after checking the policy, audited as `password.change`.
    pub async fn set_password(
        &self,
        user: &User,
        password: String,
        who: &crate::Who,
    ) -> Result<(), StoreError> {
        self.store_password(user, password, false, who).await
    }

    /// Sets a password chosen by someone else (an admin's reset, the command line): the
    /// account must change it at its next sign-in. Audited as `password.reset`.
    pub async fn reset_password(
        &self,
        user: &User,
        password: String,
        who: &crate::Who,
    ) -> Result<(), StoreError> {
        self.store_password(user, password, true, who).await
    }

    /// Checks the policy, hashes and stores a password with its audit row: the account's own
    /// choice (`password.change`) or someone else's (`password.reset`, to be changed).
    async fn store_password(
        &self,
        user: &User,
        password: String,
        by_someone_else: bool,
        who: &crate::Who,
    ) -> Result<(), StoreError> {
        check_password(user.login.as_str(), &password)
            .map_err(|p| StoreError::NotAllowed(p.to_string()))?;
        let password_hash = hash(password).await?;
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        user::ActiveModel {
            id: Set(user.id.0),
            password_hash: Set(password_hash),
            password_changed_at: Set(Some(now)),
            must_change_password: Set(by_someone_else),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        let action = if by_someone_else {
            "password.reset"
        } else {
            "password.change"
        };
        let entry = who.entry(None, format!("user:{}", user.login), action);
        crate::audit::audit_in(&txn, entry, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Disables or enables an account (a disabled account cannot sign in and its tokens stop
    /// working), audited as `user.disable` / `user.enable`.
    pub async fn set_disabled(
        &self,
        user: &User,
        disabled: bool,
        who: &crate::Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        user::ActiveModel {
            id: Set(user.id.0),
            disabled: Set(disabled),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        let entry = who.entry(None, format!("user:{}", user.login), action);
        crate::audit::audit_in(&txn, entry, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Notes a successful sign-in (shown to the admins; bookkeeping, not audited).
    pub async fn record_sign_in(&self, user: UserId) -> Result<(), StoreError> {
        user::ActiveModel {
            id: Set(user.0),
            last_sign_in_at: Set(Some(self.now())),
            ..Default::default()
        }
        .update(&self.db)
        .await?;
        Ok(())
    }

    /// When the account's password was last set (its creation, if never since).
    pub async fn password_set_at(
        &self,
        user: UserId,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        Ok(user::Entity::find_by_id(user.0)
            .one(&self.db)
            .await?
            .map(|r| r.password_changed_at.unwrap_or(r.created_at)))
    }

    /// One account by login.
    pub async fn user_by_login(&self, login: &LoginName) -> Result<Option<User>, StoreError> {
        user::Entity::find()
            .filter(user::Column::Login.eq(login.as_str()))
            .one(&self.db)
            .await?
            .map(to_user)
            .transpose()
    }

    /// One account by id.
    pub async fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        user::Entity::find_by_id(id.0)
            .one(&self.db)
            .await?
            .map(to_user)
            .transpose()
    }

    /// Every account, by login.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        user::Entity::find()
            .order_by_asc(user::Column::Login)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_user)
            .collect()
    }

    /// Gives (`bound`) or takes away a role of an account on a tenant, writing `who`'s audit
    /// row in the same transaction; doing what is already the case changes nothing.
    pub async fn set_binding(
        &self,
        user: UserId,
        tenant: TenantId,
        role: TenantRole,
        bound: bool,
        who: &crate::Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        if tenant::Entity::find_by_id(tenant.0)
            .one(&txn)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound(format!("tenant {tenant}")));
        }
        let Some(account) = user::Entity::find_by_id(user.0).one(&txn).await? else {
            return Err(StoreError::NotFound(format!("user {user}")));
        };
        let existing = role_binding::Entity::find()
            .filter(role_binding::Column::UserId.eq(user.0))
            .filter(role_binding::Column::TenantId.eq(tenant.0))
            .filter(role_binding::Column::Role.eq(role.as_str()))
            .one(&txn)
            .await?;
        match (existing, bound) {
            (None, true) => {
                role_binding::ActiveModel {
                    user_id: Set(user.0),
                    tenant_id: Set(tenant.0),
                    role: Set(role.as_str().to_owned()),
                    created_at: Set(self.now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            (Some(b), false) => {
                role_binding::Entity::delete_by_id(b.id).exec(&txn).await?;
            }
            _ => return Ok(()),
        }
        let action = if bound { "role.bind" } else { "role.unbind" };
        let object = format!("user:{}:{role}", account.login);
        crate::audit::audit_in(&txn, who.entry(Some(tenant), object, action), self.now()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every account with a role on the tenant, with those roles.
    pub async fn tenant_users(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<(User, Vec<TenantRole>)>, StoreError> {
        let bindings = role_binding::Entity::find()
            .filter(role_binding::Column::TenantId.eq(tenant.0))
            .all(&self.db)
            .await?;
        let mut out: Vec<(User, Vec<TenantRole>)> = Vec::new();
        for u in self.list_users().await? {
            let roles: Vec<TenantRole> = bindings
                .iter()
                .filter(|b| b.user_id == u.id.0)
                .map(|b| parse_stored::<TenantRole>(&b.role))
                .collect::<Result<_, _>>()?;
            if !roles.is_empty() {
                out.push((u, roles));
            }
        }
        Ok(out)
    }

    /// Everything an account holds, for `zq_domain::access::allowed`. A disabled account holds nothing.
    pub async fn grants(&self, user: UserId) -> Result<Grants, StoreError> {
        let Some(row) = user::Entity::find_by_id(user.0).one(&self.db).await? else {
            return Ok(Grants::default());
        };
        if row.disabled {
            return Ok(Grants::default());
        }
        let bindings = role_binding::Entity::find()
            .filter(role_binding::Column::UserId.eq(user.0))
            .order_by_asc(role_binding::Column::TenantId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|b| Ok((TenantId(b.tenant_id), parse_stored::<TenantRole>(&b.role)?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(Grants {
            cluster: row.cluster_role.as_deref().map(parse_stored).transpose()?,
            bindings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash_so_missing_logins_cost_the_same() {
        let parsed = PasswordHash::new(DUMMY_HASH).expect("dummy hash parses");
        assert!(
            Argon2::default()
                .verify_password(b"anything", &parsed)
                .is_err()
        );
    }
}
