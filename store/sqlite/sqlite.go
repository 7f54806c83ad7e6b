package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"modernc.org/sqlite"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/migrate"
	"github.com/cpqkit/cpq/store/internal/record"
)

// Config configures a store. Only Path is required.
type Config struct {
	// Path is the database file; it is created if it does not exist.
	Path string
	// BusyTimeout is how long a write waits for another process holding
	// the write lock; zero means 5 seconds.
	BusyTimeout time.Duration
	// Readers is the most connections reading at once; zero means 4.
	Readers int
	// RelaxedSync syncs the log to disk at checkpoints only, not at every
	// commit: faster writes, still safe if the process dies, but the last
	// commits can be lost if the machine loses power.
	RelaxedSync bool
}

// ErrSchemaTooNew: the database was migrated by a newer build.
var ErrSchemaTooNew = migrate.ErrTooNew

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a quote store in an SQLite database. It is safe for concurrent
// use; Close it when done.
type Store struct {
	writer   *sql.DB // one connection: writes queue here
	readers  *sql.DB
	sessions *Sessions
}

var (
	_ quote.Repository = (*Store)(nil)
	_ quote.Transactor = (*Store)(nil)
	_ quote.Outbox     = (*Store)(nil)
)

// Open opens or creates the database and brings its schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Path == "" {
		return nil, errors.New("open sqlite store: no path")
	}
	if strings.ContainsAny(cfg.Path, "?#") {
		return nil, fmt.Errorf("open sqlite store: path %q holds ? or #", cfg.Path)
	}
	if cfg.BusyTimeout <= 0 {
		cfg.BusyTimeout = 5 * time.Second
	}
	if cfg.Readers <= 0 {
		cfg.Readers = 4
	}
	syncMode := "FULL"
	if cfg.RelaxedSync {
		syncMode = "NORMAL"
	}
	params := func(extra ...string) string {
		v := url.Values{}
		v.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", cfg.BusyTimeout.Milliseconds()))
		v.Add("_pragma", "foreign_keys(1)")
		for i := 0; i+1 < len(extra); i += 2 {
			v.Add(extra[i], extra[i+1])
		}
		return cfg.Path + "?" + v.Encode()
	}
	writer, err := openDB(params("_pragma", "journal_mode(WAL)", "_pragma", "synchronous("+syncMode+")", "_txlock", "immediate"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", cfg.Path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	if err := migrateSchema(ctx, writer); err != nil {
		writer.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", cfg.Path, err)
	}
	readers, err := openDB(params("_pragma", "query_only(1)"))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", cfg.Path, err)
	}
	readers.SetMaxOpenConns(cfg.Readers)
	readers.SetMaxIdleConns(cfg.Readers)
	sessions, err := prepareSessions(ctx, writer, readers, cfg.RelaxedSync)
	if err != nil {
		readers.Close()
		writer.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", cfg.Path, err)
	}
	return &Store{writer: writer, readers: readers, sessions: sessions}, nil
}

func openDB(dsn string) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.sessions.close(), s.readers.Close(), s.writer.Close())
}

// migrateSchema applies the migrations the database lacks, all in one
// transaction that holds the write lock.
func migrateSchema(ctx context.Context, db *sql.DB) error {
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	pending, err := migrate.Pending(ms, current)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range pending {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// SchemaVersion returns the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.readers.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// InTx runs fn in a transaction that holds the write lock from its start.
// Inside fn, use tx, not the store: the store's writes would wait for the
// transaction's end.
func (s *Store) InTx(ctx context.Context, fn func(tx quote.Tx) error) error {
	return s.inTx(ctx, func(t *tx) error { return fn(t) })
}

func (s *Store) inTx(ctx context.Context, fn func(t *tx) error) error {
	sqlTx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	t := &tx{sqlTx: sqlTx}
	t.GuardedQuoteReads = record.GuardedQuoteReads{Guard: record.Guard{Finished: &t.finished}, Reads: repo{q: sqlTx}}
	committed := false
	defer func() {
		t.finished = true
		if !committed {
			_ = sqlTx.Rollback() // also on a panic in fn
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	t.finished = true
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	return nil
}

// write runs one write in its own transaction, and leaves q's version as
// it was when the transaction fails.
func (s *Store) write(ctx context.Context, q *quote.Quote, fn func(tx quote.Tx) error) error {
	v := int64(0)
	if q != nil {
		v = q.Version
	}
	err := s.InTx(ctx, fn)
	if err != nil && q != nil {
		q.Version = v
	}
	return err
}

// Create stores a new quote at version 1.
func (s *Store) Create(ctx context.Context, q *quote.Quote) error {
	return s.write(ctx, q, func(tx quote.Tx) error { return tx.Create(ctx, q) })
}

// Update stores q if q.Version is the stored version.
func (s *Store) Update(ctx context.Context, q *quote.Quote) error {
	return s.write(ctx, q, func(tx quote.Tx) error { return tx.Update(ctx, q) })
}

// Get returns the current revision of a quote.
func (s *Store) Get(ctx context.Context, tenant, id string) (*quote.Quote, error) {
	return repo{q: s.readers}.Get(ctx, tenant, id)
}

// GetByNumber returns the current revision of the quote with the number.
func (s *Store) GetByNumber(ctx context.Context, tenant, number string) (*quote.Quote, error) {
	return repo{q: s.readers}.GetByNumber(ctx, tenant, number)
}

// List returns quotes matching the filter, ordered by number.
func (s *Store) List(ctx context.Context, tenant string, f quote.Filter) (quote.Page, error) {
	return repo{q: s.readers}.List(ctx, tenant, f)
}

// Revision returns the last stored state of one revision.
func (s *Store) Revision(ctx context.Context, tenant, id string, revision int) (*quote.Quote, error) {
	return repo{q: s.readers}.Revision(ctx, tenant, id, revision)
}

// Revisions returns the last stored state of every revision, oldest first.
func (s *Store) Revisions(ctx context.Context, tenant, id string) ([]*quote.Quote, error) {
	return repo{q: s.readers}.Revisions(ctx, tenant, id)
}
