package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// How cpq serve keeps its session table small: configuration sessions
// not written for a day are removed, once at start and then every hour.
const (
	serveSessionMaxAge  = 24 * time.Hour
	serveSessionPurging = time.Hour
)

// sessionPurger removes the sessions last written before a time: the
// Sessions of every store package.
type sessionPurger interface {
	Purge(ctx context.Context, before time.Time) (int, error)
}

// purgeSessions removes the sessions not written for maxAge now and then
// every interval, until ctx is done or the returned function is called;
// that function also waits for a purge in progress. Failures are written
// to w.
func purgeSessions(ctx context.Context, s sessionPurger, every, maxAge time.Duration, w io.Writer) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if _, err := s.Purge(ctx, time.Now().Add(-maxAge)); err != nil && ctx.Err() == nil {
				fmt.Fprintf(w, "purging configuration sessions: %v\n", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}
