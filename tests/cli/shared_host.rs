//! Tests where another user misbehaves against a running fedaws: a flood of connections to
//! the credential server, and reading the memory of a fedaws process.
