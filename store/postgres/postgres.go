package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpqkit/cpq/quote"
	"github.com/cpqkit/cpq/store/internal/migrate"
	"github.com/cpqkit/cpq/store/internal/record"
)

// Config configures a store: either URL, for a pool the store makes and
// closes, or Pool, the host's own.
type Config struct {
	// URL is the database's address, as pgx parses it
	// ("postgres://user@host:5432/db?sslmode=disable" or key=value
	// pairs).
	URL string
	// Pool, when set, is used instead of URL; Close leaves it open.
	Pool *pgxpool.Pool
	// Schema holds the store's tables; it is created if missing. Zero
	// means "cpq".
	Schema string
}

// DefaultSchema is the schema of the tables unless configured.
const DefaultSchema = "cpq"

// ErrSchemaTooNew: the database was migrated by a newer build.
var ErrSchemaTooNew = migrate.ErrTooNew

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a quote store in PostgreSQL. It is safe for concurrent use;
// Close it when done.
type Store struct {
	pool    *pgxpool.Pool
	ownPool bool
	schema  *strings.Replacer
}

var (
	_ quote.Repository = (*Store)(nil)
	_ quote.Transactor = (*Store)(nil)
	_ quote.Outbox     = (*Store)(nil)
)

// Open connects (unless given a pool) and brings the schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Schema == "" {
		cfg.Schema = DefaultSchema
	}
	s := &Store{pool: cfg.Pool, schema: strings.NewReplacer("{schema}", pgx.Identifier{cfg.Schema}.Sanitize())}
	if s.pool == nil {
		if cfg.URL == "" {
			return nil, errors.New("open postgres store: neither a URL nor a pool")
		}
		pool, err := pgxpool.New(ctx, cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("open postgres store: %w", err)
		}
		s.pool, s.ownPool = pool, true
	}
	if err := s.migrate(ctx, cfg.Schema); err != nil {
		s.Close()
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	return s, nil
}

// Close closes the pool if the store made it.
func (s *Store) Close() {
	if s.ownPool {
		s.pool.Close()
	}
}

// sql puts the schema into a statement.
func (s *Store) sql(query string) string { return s.schema.Replace(query) }

// migrate applies the migrations the schema lacks, in one transaction,
// holding a lock that makes concurrent openers wait.
func (s *Store) migrate(ctx context.Context, schema string) error {
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('cpq schema ' || $1, 0))`, schema); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if _, err := tx.Exec(ctx, s.sql(`CREATE SCHEMA IF NOT EXISTS {schema}`)); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if _, err := tx.Exec(ctx, s.sql(`CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`)); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		var current int
		if err := tx.QueryRow(ctx, s.sql(`SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_migrations`)).Scan(&current); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		pending, err := migrate.Pending(ms, current)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		for _, m := range pending {
			if _, err := tx.Exec(ctx, s.sql(m.SQL)); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
			if _, err := tx.Exec(ctx, s.sql(`INSERT INTO {schema}.schema_migrations (version, name) VALUES ($1, $2)`),
				m.Version, m.Name); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
		}
		return nil
	})
}

// SchemaVersion returns the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, s.sql(`SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_migrations`)).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// InTx runs fn in a transaction (read committed).
func (s *Store) InTx(ctx context.Context, fn func(tx quote.Tx) error) error {
	pgTx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	t := &tx{s: s, pgTx: pgTx}
	t.GuardedQuoteReads = record.GuardedQuoteReads{Guard: record.Guard{Finished: &t.finished}, Reads: repo{s: s, q: pgTx}}
	committed := false
	defer func() {
		t.finished = true
		if !committed {
			// Also on a panic in fn. A cancelled context must not stop
			// the rollback.
			_ = pgTx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	t.finished = true
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := pgTx.Commit(ctx); err != nil {
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
	return repo{s: s, q: s.pool}.Get(ctx, tenant, id)
}

// GetByNumber returns the current revision of the quote with the number.
func (s *Store) GetByNumber(ctx context.Context, tenant, number string) (*quote.Quote, error) {
	return repo{s: s, q: s.pool}.GetByNumber(ctx, tenant, number)
}

// List returns quotes matching the filter, ordered by number.
func (s *Store) List(ctx context.Context, tenant string, f quote.Filter) (quote.Page, error) {
	return repo{s: s, q: s.pool}.List(ctx, tenant, f)
}

// Revision returns the last stored state of one revision.
func (s *Store) Revision(ctx context.Context, tenant, id string, revision int) (*quote.Quote, error) {
	return repo{s: s, q: s.pool}.Revision(ctx, tenant, id, revision)
}

// Revisions returns the last stored state of every revision, oldest first.
func (s *Store) Revisions(ctx context.Context, tenant, id string) ([]*quote.Quote, error) {
	return repo{s: s, q: s.pool}.Revisions(ctx, tenant, id)
}

// querier is what reads and writes need: the pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
