//! Integration tests: the real binary against the local endpoint double,
//! one fresh double and sandbox per test.

mod cases;
