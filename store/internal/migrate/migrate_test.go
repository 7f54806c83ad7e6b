package migrate

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_outbox.sql": {Data: []byte("CREATE TABLE b (x INT);")},
		"m/0001_init.sql":   {Data: []byte("CREATE TABLE a (x INT);")},
		"m/README":          {Data: []byte("not a migration")},
	}
	ms, err := Load(fsys, "m")
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, Migration{Version: 1, Name: "init", SQL: "CREATE TABLE a (x INT);"}, ms[0])
	assert.Equal(t, "outbox", ms[1].Name)

	pending, err := Pending(ms, 1)
	require.NoError(t, err)
	assert.Equal(t, []Migration{ms[1]}, pending)
	pending, err = Pending(ms, 2)
	require.NoError(t, err)
	assert.Empty(t, pending)
	_, err = Pending(ms, 3)
	assert.True(t, errors.Is(err, ErrTooNew), "%v", err)
}

func TestLoadRefusesBadSets(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"repeated":  {"m/0001_a.sql": {}, "m/0001_b.sql": {}},
		"no number": {"m/init.sql": {}},
		"zero":      {"m/0000_a.sql": {}},
	} {
		_, err := Load(fsys, "m")
		assert.Error(t, err, name)
	}
}
