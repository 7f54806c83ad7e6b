// Package store groups the reference implementations of cpqkit's storage
// interfaces: memory, sqlite (the embedded default) and postgres, and the
// storetest conformance suite.
package store
