pub mod common;

mod canary;
mod completions;
mod credentials;
mod download;
mod listing;
mod nginx;
mod pieces;
mod progress;
mod resume;
mod safety;
mod servers;
mod state;
mod sync;
mod tls;
mod urls;
mod verify;
