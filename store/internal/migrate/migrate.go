// Package migrate reads the schema migrations a store embeds: files named
// NNNN_name.sql, applied in the order of their numbers, each once. The
// stores record the applied numbers in a schema_migrations table.
package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// ErrTooNew: the database was migrated by a newer build than this one.
var ErrTooNew = errors.New("database schema is newer than this build")

// Migration is one step of the schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Load reads the migrations in a directory of fsys, in order. Their
// numbers must run from 1 without gaps.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("migration %s: the name must be NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		ms = append(ms, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %d_%s: expected number %d; numbers run from 1 without gaps", m.Version, m.Name, i+1)
		}
	}
	return ms, nil
}

// Pending returns the migrations after the current version, or an error
// wrapping ErrTooNew when current is beyond the last one.
func Pending(ms []Migration, current int) ([]Migration, error) {
	if current > len(ms) {
		return nil, fmt.Errorf("schema version %d, this build knows up to %d: %w", current, len(ms), ErrTooNew)
	}
	return ms[current:], nil
}
