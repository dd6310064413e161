package store

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
)

// Every way a store fails to open is one sentence that says what to do,
// names the file or the database (never the password), and says whether
// STORE_URL must change (Setting: the bot exits 78, not restarted); the
// driver's words are kept for the log.
func TestOpenErrorsSayWhatToDo(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(notDB, []byte("shopping list: eggs, milk, a database\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	type test struct {
		name     string
		url      string
		opts     []Option
		want     string
		setting  bool
		password string
	}
	tests := []test{
		{"sqlite file that is no database", notDB, nil, "STORE_URL names " + notDB + ", which is not a SQLite database: give the bot's store file", true, ""},
		{"the same, read-only", notDB, []Option{ReadOnly()}, "which is not a SQLite database", true, ""},
		{"sqlite folder missing", filepath.Join(dir, "no", "such", "a.db"), nil, "the folder " + filepath.Join(dir, "no", "such") + " of STORE_URL's SQLite file does not exist: create it", true, ""},
		{"sqlite folder not writable", "/proc/attendees.db", nil, "the bot cannot write in the folder /proc", true, ""},
		{"sqlite file missing, read-only", filepath.Join(dir, "none.db"), []Option{ReadOnly()}, "no database at " + filepath.Join(dir, "none.db") + ": is STORE_URL right?", false, ""},
		{"postgres down", "postgres://bot:hunter2-secret@" + closed + "/attendees?connect_timeout=5", nil, "PostgreSQL at " + closed + " cannot be reached (connection refused): check that it runs", false, "hunter2-secret"},
		{"postgres down, read-only", "postgres://bot:hunter2-secret@" + closed + "/attendees", []Option{ReadOnly()}, "cannot be reached (connection refused)", false, "hunter2-secret"},
	}
	if base := os.Getenv(storetest.PostgresEnv); base != "" {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		noDB := *u
		noDB.Path = "/no_such_database_42"
		tests = append(tests,
			test{"postgres no such database", noDB.String(), nil, "PostgreSQL at " + u.Host + " has no database no_such_database_42: create it, or correct STORE_URL", true, ""})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Open(t.Context(), tt.url, tt.opts...)
			if err == nil {
				st.Close()
				t.Fatal("opened")
			}
			var oe *OpenError
			if !errors.As(err, &oe) || oe.Setting != tt.setting || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Open = %q (setting %v); want one line with %q, setting %v", err, oe != nil && oe.Setting, tt.want, tt.setting)
			}
			if oe != nil && (oe.Detail() == "" || strings.Contains(oe.Detail(), "\n")) {
				t.Errorf("Detail = %q; want the driver's words on one line", oe.Detail())
			}
			if tt.password != "" && oe != nil && strings.Contains(err.Error()+oe.Detail(), tt.password) {
				t.Errorf("the password is in %q / %q", err, oe.Detail())
			}
		})
	}
}

// What the server answers a login or a migration with (a test server
// trusts every password, so these come as the server would send them).
func TestOpenErrorsOfPostgresAnswers(t *testing.T) {
	const storeURL = "postgres://bot:hunter2-secret@db.example:5432/attendees?sslmode=require"
	tests := []struct {
		code, message, want string
		setting             bool
	}{
		{"28P01", `password authentication failed for user "bot"`, "PostgreSQL at db.example:5432 refused user bot: check the user name and password in STORE_URL", true},
		{"28000", `no pg_hba.conf entry for host "10.0.0.7", user "bot", database "attendees"`, "refused user bot", true},
		{"3D000", `database "attendees" does not exist`, "PostgreSQL at db.example:5432 has no database attendees: create it, or correct STORE_URL", true},
		{"42501", "permission denied for schema public", "user bot may not create the bot's tables in attendees at db.example:5432: grant it CREATE there", true},
		{"42P01", `relation "schema_migrations" does not exist`, "database attendees of PostgreSQL at db.example:5432 holds no attendees-bot tables", false},
		{"57P03", "the database system is starting up", "the PostgreSQL store (PostgreSQL at db.example:5432, database attendees) could not be opened: set LOG_LEVEL=debug", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			cause := fmt.Errorf("migrate: begin: %w", &pgconn.PgError{Severity: "FATAL", Code: tt.code, Message: tt.message + " (hunter2-secret)"})
			err := explain(cause, postgresDialect, storeURL, "")
			var oe *OpenError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) || oe.Setting != tt.setting {
				t.Errorf("explain(%s) = %q; want %q, setting %v", tt.code, err, tt.want, tt.setting)
			}
			if strings.Contains(err.Error()+oe.Detail(), "hunter2-secret") || !strings.Contains(oe.Detail(), tt.message) {
				t.Errorf("Detail = %q; want the server's words without the password", oe.Detail())
			}
		})
	}
}
