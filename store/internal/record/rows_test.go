package record

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeRows is a result set of documents whose Err, after the last row,
// is err.
type fakeRows struct {
	docs []string
	i    int
	err  error
}

func (r *fakeRows) Next() bool { r.i++; return r.i <= len(r.docs) }
func (r *fakeRows) Scan(dest ...any) error {
	*(dest[0].(*[]byte)) = []byte(r.docs[r.i-1])
	return nil
}
func (r *fakeRows) Err() error { return r.err }

func atoi(b []byte) (int, error) { return strconv.Atoi(string(b)) }

func TestDocuments(t *testing.T) {
	got, err := Documents(&fakeRows{docs: []string{"3", "1", "2"}}, "list", atoi)
	require.NoError(t, err)
	assert.Equal(t, []int{3, 1, 2}, got, "in the rows' order")

	got, err = Documents(&fakeRows{}, "list", atoi)
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)

	_, err = Documents(&fakeRows{docs: []string{"1", "x"}}, "list numbers", atoi)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "list numbers: ")
	assert.ErrorIs(t, err, strconv.ErrSyntax)

	broken := errors.New("connection lost")
	_, err = Documents(&fakeRows{docs: []string{"1"}, err: broken}, "list numbers", atoi)
	assert.ErrorIs(t, err, broken)
	assert.Contains(t, err.Error(), "list numbers: ")
}
