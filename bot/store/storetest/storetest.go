// Package storetest gives tests fresh, isolated databases for package store:
// an SQLite file in t.TempDir(), or a PostgreSQL schema of its own on the
// server named by ATTENDEES_TEST_POSTGRES_URL (.ci/postgres.sh starts one and
// sets it).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// PostgresEnv names the variable holding the URL of a PostgreSQL database
// that tests may create schemas in.
const PostgresEnv = "ATTENDEES_TEST_POSTGRES_URL"

// Backend is a database engine tests run against.
type Backend struct {
	Name   string
	NewURL func(t testing.TB) string // a fresh, empty database each call
}

// Backends are SQLite (always) and PostgreSQL (skipped without PostgresEnv).
var Backends = []Backend{
	{"sqlite", SQLiteURL},
	{"postgres", PostgresURL},
}

// SQLiteURL returns the path of a new SQLite file in t.TempDir().
func SQLiteURL(t testing.TB) string {
	return filepath.Join(t.TempDir(), "attendees.db")
}

// PostgresURL creates a schema of its own for the test, dropped at cleanup,
// and returns the URL with search_path set to it, so tests never see each
// other's tables. It skips the test, saying why, when PostgresEnv is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(PostgresEnv + " is not set, so PostgreSQL is not tested (source .ci/postgres.sh to start one)")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
