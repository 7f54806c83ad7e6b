package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cpqkit/cpq/store/internal/record"
)

// Sessions keeps configuration sessions (cpqhttp.SessionStore) in the
// store's database, in the sessions table: each session's state, opaque to
// the store, with a version for optimistic concurrency and the time it was
// last written. Every process that opens the database file shares them.
// Reads do not wait for writes (WAL). Writes go through statements
// prepared when the store was opened and are committed in groups: the
// writes that arrive while a commit is in progress are committed together
// in the next short transaction, each with its own version check and its
// own answer, so that many sessions cost one commit rather than one each.
// Sessions are drafts, so their commits do not wait for the disk, as with
// Config.RelaxedSync (quotes keep the store's setting): a session write
// survives the process dying, but the last ones can be lost if the
// machine loses power. Sessions is safe for concurrent use and lives as
// long as its Store.
type Sessions struct {
	writer                                  *sql.DB
	now                                     func() time.Time
	get, insert, update, exists, del, purge *sql.Stmt
	// relaxed: the whole store syncs at checkpoints only.
	relaxed bool

	// puts hands writes to the committer; closed tells Put and the
	// committer that the store is closing, and committed that the
	// committer has stopped.
	puts      chan *sessionPut
	closed    chan struct{}
	committed chan struct{}
	closeOnce sync.Once
}

// maxSessionBatch bounds the writes committed in one transaction.
const maxSessionBatch = 256

// sessionPut is one write waiting for its commit.
type sessionPut struct {
	ctx        context.Context
	tenant, id string
	state      []byte
	version    int64
	at         int64
	newVersion int64
	err        error
	done       chan struct{}
}

// ErrClosed: the store was closed.
var ErrClosed = errors.New("sqlite store is closed")

// Sessions returns the store's configuration sessions.
func (s *Store) Sessions() *Sessions { return s.sessions }

// prepareSessions prepares the statements of the sessions (writes on the
// writer, reads on the readers) and starts the committer.
func prepareSessions(ctx context.Context, writer, readers *sql.DB, relaxed bool) (*Sessions, error) {
	ss := &Sessions{writer: writer, relaxed: relaxed, now: time.Now}
	for _, p := range []struct {
		stmt  **sql.Stmt
		db    *sql.DB
		query string
	}{
		{&ss.get, readers, `SELECT state, version FROM sessions WHERE tenant = ? AND id = ?`},
		{&ss.exists, writer, `SELECT 1 FROM sessions WHERE tenant = ? AND id = ?`},
		{&ss.insert, writer, `INSERT INTO sessions (tenant, id, state, version, updated_at) VALUES (?, ?, ?, 1, ?) ON CONFLICT DO NOTHING`},
		{&ss.update, writer, `UPDATE sessions SET state = ?, version = version + 1, updated_at = ? WHERE tenant = ? AND id = ? AND version = ?`},
		{&ss.del, writer, `DELETE FROM sessions WHERE tenant = ? AND id = ?`},
		{&ss.purge, writer, `DELETE FROM sessions WHERE updated_at < ?`},
	} {
		stmt, err := p.db.PrepareContext(ctx, p.query)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("prepare session statements: %w", err), ss.closeStatements())
		}
		*p.stmt = stmt
	}
	ss.puts = make(chan *sessionPut)
	ss.closed = make(chan struct{})
	ss.committed = make(chan struct{})
	go ss.commitLoop()
	return ss, nil
}

// close stops the committer, once every write handed to it is answered,
// and closes the statements.
func (ss *Sessions) close() error {
	var err error
	ss.closeOnce.Do(func() {
		close(ss.closed)
		<-ss.committed
		err = ss.closeStatements()
	})
	return err
}

func (ss *Sessions) closeStatements() error {
	var errs []error
	for _, st := range []*sql.Stmt{ss.get, ss.exists, ss.insert, ss.update, ss.del, ss.purge} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// commitLoop commits the writes handed to it: the first that arrives and
// every other already waiting, in one transaction.
func (ss *Sessions) commitLoop() {
	defer close(ss.committed)
	batch := make([]*sessionPut, 0, maxSessionBatch)
	for {
		select {
		case <-ss.closed:
			return
		case p := <-ss.puts:
			batch = append(batch[:0], p)
		}
	more:
		for len(batch) < maxSessionBatch {
			select {
			case p := <-ss.puts:
				batch = append(batch, p)
			default:
				break more
			}
		}
		ss.commit(batch)
		for _, p := range batch {
			close(p.done)
		}
		clear(batch)
	}
}

// commit writes a batch in one transaction. A write whose context is done
// is left out; a write whose version does not match changes nothing and
// gets its own error. If the transaction fails, every write of the batch
// fails and nothing is written.
func (ss *Sessions) commit(batch []*sessionPut) {
	ctx := context.Background()
	fail := func(err error) {
		for _, p := range batch {
			if p.err == nil {
				p.err, p.newVersion = fmt.Errorf("put session %s: %w", p.id, err), 0
			}
		}
	}
	conn, err := ss.writer.Conn(ctx)
	if err != nil {
		fail(err)
		return
	}
	defer conn.Close()
	if !ss.relaxed {
		// Sessions are drafts: their commits need not wait for the disk
		// (the database stays consistent; a power loss may take the last
		// ones back). The connection, shared with the quotes, gets the
		// store's full sync back, or is discarded.
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
			fail(err)
			return
		}
		defer func() {
			if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback()
	insert, update, exists := tx.StmtContext(ctx, ss.insert), tx.StmtContext(ctx, ss.update), tx.StmtContext(ctx, ss.exists)
	written := 0
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.err = fmt.Errorf("put session %s: %w", p.id, err)
			continue
		}
		var res sql.Result
		if p.version == 0 {
			res, err = insert.ExecContext(ctx, p.tenant, p.id, p.state, p.at)
		} else {
			res, err = update.ExecContext(ctx, p.state, p.at, p.tenant, p.id, p.version)
		}
		var n int64
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err != nil {
			fail(err)
			return
		}
		switch {
		case n == 1:
			p.newVersion = p.version + 1
			written++
		case p.version == 0:
			p.err = record.SessionConflict(p.id, p.version)
		default:
			// Nothing matched: another write changed the version, or
			// the session is gone.
			var one int
			switch err := exists.QueryRowContext(ctx, p.tenant, p.id).Scan(&one); {
			case errors.Is(err, sql.ErrNoRows):
				p.err = record.SessionNotFound("put", p.id)
			case err != nil:
				fail(err)
				return
			default:
				p.err = record.SessionConflict(p.id, p.version)
			}
		}
	}
	if written == 0 {
		return // the deferred rollback ends the transaction
	}
	if err := tx.Commit(); err != nil {
		fail(err)
	}
}

// Get returns a session's state and its version, or an error wrapping
// store.ErrSessionNotFound.
func (ss *Sessions) Get(ctx context.Context, tenant, id string) ([]byte, int64, error) {
	var (
		state   []byte
		version int64
	)
	err := ss.get.QueryRowContext(ctx, tenant, id).Scan(&state, &version)
	return record.SessionRead(id, state, version, err, sql.ErrNoRows)
}

// Put stores a session's state if its version is still version and
// returns the new version, one more. Version zero creates the session,
// which must not exist yet. A stale version fails with an error wrapping
// store.ErrSessionConflict, a session that does not exist (with a version
// above zero) with one wrapping store.ErrSessionNotFound; either way
// nothing is written.
func (ss *Sessions) Put(ctx context.Context, tenant, id string, state []byte, version int64) (int64, error) {
	if err := record.CheckSessionPut(tenant, id, version); err != nil {
		return 0, err
	}
	if state == nil {
		state = []byte{}
	}
	p := &sessionPut{ctx: ctx, tenant: tenant, id: id, state: state, version: version, at: ss.now().UnixNano(), done: make(chan struct{})}
	select {
	case ss.puts <- p:
	case <-ctx.Done():
		return 0, fmt.Errorf("put session %s: %w", id, ctx.Err())
	case <-ss.closed:
		return 0, fmt.Errorf("put session %s: %w", id, ErrClosed)
	}
	<-p.done
	return p.newVersion, p.err
}

// Delete removes a session, or fails with an error wrapping
// store.ErrSessionNotFound.
func (ss *Sessions) Delete(ctx context.Context, tenant, id string) error {
	res, err := ss.del.ExecContext(ctx, tenant, id)
	if err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("delete session %s: %w", id, err)
	}
	if n == 0 {
		return record.SessionNotFound("delete", id)
	}
	return nil
}

// Purge removes the sessions of every tenant last written before the
// time and returns how many it removed.
func (ss *Sessions) Purge(ctx context.Context, before time.Time) (int, error) {
	res, err := ss.purge.ExecContext(ctx, before.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	return int(n), nil
}
