package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cpqkit/cpq/quote"
)

var listTests = []subtest[Store]{
	{"Filters", testListFilters},
	{"Pagination", testListPagination},
	{"DefaultPageSize", testListDefaultPageSize},
	{"CursorSurvivesWrites", testListCursorSurvivesWrites},
	{"BadCursor", testListBadCursor},
}

func testListFilters(t *testing.T, s Store) {
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2030, time.June, d, 0, 0, 0, 0, time.UTC) }
	plus8 := time.FixedZone("", 8*60*60)
	rows := []struct {
		n          int
		status     quote.Status
		owner, opp string
		validUntil time.Time
	}{
		{1, quote.StatusDraft, "alice", "opp-a", day(10)},
		{2, quote.StatusApproved, "alice", "opp-b", day(20)},
		{3, quote.StatusPresented, "bob", "opp-a", day(5)},
		{4, quote.StatusDraft, "bob", "", time.Time{}},
		{5, quote.StatusInReview, "carol", "opp-c", day(15)},
		{6, quote.StatusPresented, "alice", "opp-a", day(15).Add(time.Nanosecond)},
		// Midnight in UTC+8 is 16:00 the day before in UTC.
		{7, quote.StatusApproved, "carol", "opp-b", time.Date(2030, time.June, 15, 0, 0, 0, 0, plus8)},
		{8, quote.StatusCancelled, "bob", "opp-c", day(1)},
	}
	// Created out of order: listing orders by number.
	for _, i := range []int{5, 0, 7, 2, 6, 1, 4, 3} {
		r := rows[i]
		q := SampleQuote(acme, r.n, 1)
		q.Status, q.Header.Owner, q.Header.Opportunity, q.Header.ValidUntil = r.status, r.owner, r.opp, r.validUntil
		create(t, s, q)
	}
	num := func(ns ...int) []string {
		out := []string{}
		for _, n := range ns {
			out = append(out, fmt.Sprintf("Q-%06d", n))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    quote.Filter
		want []string
	}{
		{"all", quote.Filter{}, num(1, 2, 3, 4, 5, 6, 7, 8)},
		{"one status", quote.Filter{Status: []quote.Status{quote.StatusPresented}}, num(3, 6)},
		{"two statuses", quote.Filter{Status: []quote.Status{quote.StatusDraft, quote.StatusApproved}}, num(1, 2, 4, 7)},
		{"a status nobody has", quote.Filter{Status: []quote.Status{quote.StatusOrdered}}, num()},
		{"owner", quote.Filter{Owner: "bob"}, num(3, 4, 8)},
		{"opportunity", quote.Filter{Opportunity: "opp-a"}, num(1, 3, 6)},
		{"owner and opportunity", quote.Filter{Owner: "alice", Opportunity: "opp-a"}, num(1, 6)},
		{"expiring before a date, the date itself excluded", quote.Filter{ExpiringBefore: day(15)}, num(1, 3, 7, 8)},
		{"expiring before, to the nanosecond", quote.Filter{ExpiringBefore: day(15).Add(time.Nanosecond)}, num(1, 3, 5, 7, 8)},
		{"expiring before, in another zone", quote.Filter{ExpiringBefore: time.Date(2030, time.June, 14, 16, 0, 1, 0, time.UTC)}, num(1, 3, 7, 8)},
		{"expiring before, just before UTC+8 midnight", quote.Filter{ExpiringBefore: time.Date(2030, time.June, 15, 0, 0, 0, 0, plus8)}, num(1, 3, 8)},
		{"everything together", quote.Filter{Status: []quote.Status{quote.StatusPresented, quote.StatusDraft}, Owner: "bob", ExpiringBefore: day(30)}, num(3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, listAll(t, s, acme, tc.f))
			tc.f.Limit = 2
			assert.Equal(t, tc.want, listAll(t, s, acme, tc.f), "two at a time")
		})
	}
	// Listed quotes are whole.
	p, err := s.List(ctx, acme, quote.Filter{Owner: "carol", Limit: 1})
	require.NoError(t, err)
	require.Len(t, p.Quotes, 1)
	got, err := s.Get(ctx, acme, "q-5")
	require.NoError(t, err)
	requireSame(t, got, p.Quotes[0])
}

func testListPagination(t *testing.T, s Store) {
	ctx := context.Background()
	var qs []*quote.Quote
	var want []string
	for n := 21; n >= 1; n-- {
		q := SampleQuote(acme, n, 1)
		q.Status = []quote.Status{quote.StatusDraft, quote.StatusApproved, quote.StatusPresented}[n%3]
		qs = append(qs, q)
	}
	create(t, s, qs...)
	for n := 1; n <= 21; n++ {
		want = append(want, fmt.Sprintf("Q-%06d", n))
	}

	var pages [][]string
	f := quote.Filter{Limit: 7}
	for {
		p, err := s.List(ctx, acme, f)
		require.NoError(t, err)
		pages = append(pages, numbers(p.Quotes))
		if p.Next == "" {
			break
		}
		require.Less(t, len(pages), 10, "listing did not end")
		f.Cursor = p.Next
	}
	require.Len(t, pages, 3, "21 quotes, 7 a page: three pages, the last one with no next cursor")
	assert.Equal(t, want[0:7], pages[0])
	assert.Equal(t, want[7:14], pages[1])
	assert.Equal(t, want[14:21], pages[2])

	for _, limit := range []int{1, 2, 5, 20, 21, 22, 1000} {
		assert.Equal(t, want, listAll(t, s, acme, quote.Filter{Limit: limit}), "limit %d", limit)
	}
	var approved []string
	for n := 1; n <= 21; n++ {
		if n%3 == 1 {
			approved = append(approved, fmt.Sprintf("Q-%06d", n))
		}
	}
	assert.Equal(t, approved, listAll(t, s, acme, quote.Filter{Status: []quote.Status{quote.StatusApproved}, Limit: 3}))
}

func testListDefaultPageSize(t *testing.T, s Store) {
	ctx := context.Background()
	var qs []*quote.Quote
	for n := 1; n <= quote.DefaultPageSize+3; n++ {
		qs = append(qs, SampleQuote(acme, n, 0))
	}
	create(t, s, qs...)
	p, err := s.List(ctx, acme, quote.Filter{})
	require.NoError(t, err)
	assert.Len(t, p.Quotes, quote.DefaultPageSize)
	require.NotEmpty(t, p.Next)
	p, err = s.List(ctx, acme, quote.Filter{Cursor: p.Next, Limit: -4})
	require.NoError(t, err)
	assert.Equal(t, []string{"Q-000051", "Q-000052", "Q-000053"}, numbers(p.Quotes))
	assert.Empty(t, p.Next)
}

func testListCursorSurvivesWrites(t *testing.T, s Store) {
	ctx := context.Background()
	for _, n := range []int{10, 20, 30, 40, 50, 60} {
		create(t, s, SampleQuote(acme, n, 0))
	}
	p, err := s.List(ctx, acme, quote.Filter{Limit: 3})
	require.NoError(t, err)
	assert.Equal(t, []string{"Q-000010", "Q-000020", "Q-000030"}, numbers(p.Quotes))

	// Between two pages, a quote is added before the cursor, one after,
	// and one already listed is changed.
	create(t, s, SampleQuote(acme, 15, 0), SampleQuote(acme, 45, 0))
	q := p.Quotes[0]
	q.Header.Notes = "changed"
	require.NoError(t, s.Update(ctx, q))

	rest := listAll(t, s, acme, quote.Filter{Limit: 3, Cursor: p.Next})
	assert.Equal(t, []string{"Q-000040", "Q-000045", "Q-000050", "Q-000060"}, rest,
		"the next pages start after the cursor: nothing listed twice, nothing after it missed")
}

func testListBadCursor(t *testing.T, s Store) {
	create(t, s, SampleQuote(acme, 1, 0))
	for _, c := range []string{"not a cursor!", "%%%", "Q-000001"} {
		_, err := s.List(context.Background(), acme, quote.Filter{Cursor: c})
		assertIs(t, err, quote.ErrInvalid, "cursor "+c)
	}
}
