//! Authentication: password hashing now; tokens arrive with the auth issue.

pub mod password;
