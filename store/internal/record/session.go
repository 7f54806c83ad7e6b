package record

import (
	"errors"
	"fmt"

	"github.com/cpqkit/cpq/store"
)

// CheckSessionPut refuses a session write no store keeps: an empty tenant
// or ID, keys that are not text (Text) or a negative version. The stores
// call it first, so that they refuse the same writes.
func CheckSessionPut(tenant, id string, version int64) error {
	switch {
	case tenant == "" || id == "":
		return fmt.Errorf("put session %q: a tenant and an ID are required", id)
	case !Text(tenant, id):
		return fmt.Errorf("put session %q: the tenant and the ID must be UTF-8 text without NUL", id)
	case version < 0:
		return fmt.Errorf("put session %s: negative version %d", id, version)
	}
	return nil
}

// SessionNotFound is the error of a session the tenant does not have.
func SessionNotFound(op, id string) error {
	return fmt.Errorf("%s session %s: %w", op, id, store.ErrSessionNotFound)
}

// SessionRead turns the scan of a session row (its state and version, and
// the scan's error) into what Get returns: noRows is the driver's error
// for no row, reported as a session not found; a NULL state reads as
// empty.
func SessionRead(id string, state []byte, version int64, err, noRows error) ([]byte, int64, error) {
	if errors.Is(err, noRows) {
		return nil, 0, SessionNotFound("get", id)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("get session %s: %w", id, err)
	}
	if state == nil {
		state = []byte{}
	}
	return state, version, nil
}

// SessionConflict is the error of a write that named a version the
// session no longer has (zero: the session exists already).
func SessionConflict(id string, version int64) error {
	if version == 0 {
		return fmt.Errorf("put session %s: it exists already: %w", id, store.ErrSessionConflict)
	}
	return fmt.Errorf("put session %s: version %d is not the stored one: %w", id, version, store.ErrSessionConflict)
}
