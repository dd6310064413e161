package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// dialect is the SQL engine behind a Store. Statements are written once with
// ? placeholders; the differences live in a few fields of this type.
type dialect struct {
	name       string // "sqlite" or "postgres"
	driver     string // database/sql driver name
	dollarArgs bool   // $1, $2 … instead of ?
	skipLocked string // row-locking clause for the claim subquery
}

var (
	sqliteDialect   = dialect{name: "sqlite", driver: "sqlite"}
	postgresDialect = dialect{name: "postgres", driver: "pgx", dollarArgs: true, skipLocked: " FOR UPDATE SKIP LOCKED"}
)

// rebind turns ? placeholders into the dialect's. The statements in this
// package never contain a literal question mark.
func (d dialect) rebind(q string) string {
	if !d.dollarArgs {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Store is the durable state of automatic posts: subscriptions, cursors,
// leases and the outbox of posts. It is safe for concurrent use by many
// goroutines, and several processes may share one database: every state
// change is a single atomic statement (or transaction) whose WHERE clause
// checks ownership, so replicas coordinate through the database alone.
type Store struct {
	db       *sql.DB
	dialect  dialect
	now      func() time.Time
	ops      atomic.Int64
	readOnly bool // see ReadOnly

	// SQLite only: the file, its identity when opened, and this process's
	// lock on it (nil for a reader opened with ReadOnly).
	path string
	file os.FileInfo
	lock *fileLock
}

// Option configures Open.
type Option func(*Store)

// WithClock sets the clock used for bookkeeping times (created_at,
// updated_at) in methods that take no now argument. Default time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// ReadOnly opens the store for commands that only read it (audit), which
// may run beside the serving bot, as another user (root): it must not
// change the database or its schema. Open then fails, instead of creating
// an empty database, when the SQLite file does not exist; takes no lock on
// it; applies no migration, and fails with ErrSchemaOld when the schema
// is older than this program's (the bot migrates it when it starts); and
// opens the database read-only (SQLite mode=ro, PostgreSQL
// default_transaction_read_only), so any write fails.
//
// SQLite reads a WAL database through its -wal and -shm files: when no
// bot has them open, a read-only reader creates them (owned by the
// database file's owner, even when run as root) and, unable to write,
// leaves them behind, empty of changes; the bot uses them when it starts.
func ReadOnly() Option {
	return func(s *Store) { s.readOnly = true }
}

// ErrSchemaOld is a store opened ReadOnly whose schema is older than this
// program's migrations.
var ErrSchemaOld = errors.New("the store's schema is older than this program's")

// errNoFile is a ReadOnly SQLite store whose file does not exist, and
// errNoSchema one that holds no attendees-bot tables.
var (
	errNoFile   = errors.New("no database")
	errNoSchema = errors.New("no attendees-bot schema")
	errBadURL   = errors.New("STORE_URL cannot be used") // its words say why
)

// Open opens the store at rawURL and applies pending migrations.
//
// A postgres:// or postgresql:// URL opens PostgreSQL through pgx (every pgx
// connection parameter works, e.g. search_path or sslmode). Anything else is
// the path of an SQLite file, optionally prefixed with sqlite: or file:,
// created if missing and opened in WAL mode with a busy timeout. A query
// string on an SQLite path is passed to the driver (modernc.org/sqlite DSN
// parameters).
//
// An SQLite file serves one process: Open locks it (ErrLocked names the
// holder when another process has it), and since nobody else can be using
// it then, claims and leases left by a process that died are handed back
// at once rather than when they expire. Stores opened on one file within a
// process share the lock.
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	engine, err := Engine(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.open(ctx, engine, rawURL); err != nil {
		return nil, explain(err, s.dialect, rawURL, s.path)
	}
	return s, nil
}

// open is Open once the engine is known.
func (s *Store) open(ctx context.Context, engine, rawURL string) error {
	var dsn string
	var err error
	first := false
	if engine == postgresDialect.name {
		s.dialect = postgresDialect
		dsn = rawURL
		if s.readOnly {
			if dsn, err = readOnlyPostgres(rawURL); err != nil {
				return err
			}
		}
	} else {
		s.dialect = sqliteDialect
		if s.path, dsn, err = sqliteDSN(rawURL, s.readOnly); err != nil {
			return err
		}
		if s.readOnly {
			if _, err := os.Stat(s.path); err != nil {
				return fmt.Errorf("%w at %s: is STORE_URL right? The bot makes it when it first starts", errNoFile, s.path)
			}
		} else if s.lock, first, err = lockSQLite(s.path); err != nil {
			return err
		}
	}
	db, err := sql.Open(s.dialect.driver, dsn)
	if err != nil {
		s.unlock()
		return fmt.Errorf("open %s store: %w", s.dialect.name, err)
	}
	s.db = db
	if s.dialect == sqliteDialect {
		// SQLite has one writer at a time anyway; one connection per process
		// makes that queueing happen in Go instead of in busy-wait retries.
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	switch {
	case s.readOnly:
		err = s.checkSchema(ctx)
	case s.lock != nil:
		s.lock.setup.Lock()
		err = s.migrate(ctx)
		s.lock.setup.Unlock()
	default:
		err = s.migrate(ctx)
	}
	if err != nil {
		db.Close()
		s.unlock()
		return err
	}
	if s.dialect == sqliteDialect {
		if s.file, err = os.Stat(s.path); err != nil {
			db.Close()
			s.unlock()
			return fmt.Errorf("open sqlite store: %w", err)
		}
		if first {
			if err := s.releaseDead(ctx); err != nil {
				db.Close()
				s.unlock()
				return err
			}
		}
	}
	return nil
}

// releaseDead hands back the claims and leases of processes that are gone:
// with the SQLite file locked by this process, every holder is. The owner
// stays on a claimed post, so whoever claims it again knows its delivery
// may have reached Slack.
func (s *Store) releaseDead(ctx context.Context) error {
	if _, err := s.exec(ctx, "UPDATE posts SET lease_until = 0 WHERE state = 'pending' AND lease_until > 0"); err != nil {
		return fmt.Errorf("open sqlite store: release dead claims: %w", err)
	}
	if _, err := s.exec(ctx, "DELETE FROM leases"); err != nil {
		return fmt.Errorf("open sqlite store: release dead leases: %w", err)
	}
	return nil
}

func (s *Store) unlock() {
	if s.lock != nil {
		s.lock.release()
		s.lock = nil
	}
}

// urlScheme matches the scheme of a URL-looking STORE_URL ("mysql://…").
var urlScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// libpqKeywords matches a PostgreSQL connection string in libpq's
// keyword/value form ("host=db port=5432 …"): a keyword of it, then "=",
// at the start or after a space.
var libpqKeywords = regexp.MustCompile(`(?i)(^|\s)(host|hostaddr|port|dbname|user|password|passfile|sslmode|sslrootcert|sslcert|sslkey|service|connect_timeout|application_name|options|target_session_attrs)\s*=`)

// Engine reports which engine rawURL selects, "sqlite" or "postgres", the
// way Open reads it: postgres:// and postgresql:// are PostgreSQL, a path
// (optionally sqlite: or file:) is SQLite. Any other scheme://, and
// libpq's keyword/value form, are refused rather than taken for a file
// name; the error names the scheme only, as the URL may hold a password.
func Engine(rawURL string) (string, error) {
	if libpqKeywords.MatchString(rawURL) {
		// Taken for a file name it would make a new, empty SQLite store
		// named "host=…"; the error repeats none of it (a password).
		return "", errors.New("a PostgreSQL keyword/value string (host=… dbname=…) is not read: write it as a postgres:// URL, like postgres://user:password@host:5432/dbname?sslmode=require")
	}
	m := urlScheme.FindStringSubmatch(rawURL)
	if m == nil {
		return sqliteDialect.name, nil
	}
	switch m[1] {
	case "postgres", "postgresql":
		return postgresDialect.name, nil
	case "sqlite", "file":
		return sqliteDialect.name, nil
	}
	return "", fmt.Errorf("scheme %q is not supported: use a SQLite file path or a postgres:// URL", m[1])
}

// readOnlyPostgres is rawURL with every transaction of its sessions
// read-only (pgx sends unknown URL parameters as run-time parameters).
func readOnlyPostgres(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// The error would quote the URL, which may hold a password.
		return "", fmt.Errorf("%w: it is not a valid URL", errBadURL)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// sqliteDSN returns the file path and the modernc.org/sqlite DSN of an
// SQLite STORE_URL; readOnly opens it read-only (a file: URI with
// mode=ro, which SQLite itself enforces) without changing its settings.
func sqliteDSN(raw string, readOnly bool) (path, dsn string, err error) {
	for _, p := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if rest, ok := strings.CutPrefix(raw, p); ok {
			raw = rest
			break
		}
	}
	path, userQuery, _ := strings.Cut(raw, "?")
	if path == "" {
		return "", "", fmt.Errorf("%w: it names no file", errBadURL)
	}
	if path == ":memory:" {
		// Each connection would see its own empty database.
		return "", "", fmt.Errorf("%w: :memory: is not durable; give a file path", errBadURL)
	}
	q := url.Values{
		"_busy_timeout": {"10000"},
		"_journal_mode": {"WAL"},
		"_foreign_keys": {"1"},
		"_synchronous":  {"NORMAL"},
		"_txlock":       {"immediate"},
	}
	if readOnly {
		// Nothing that writes: the journal mode and the rest are the
		// database's, set by the bot.
		q = url.Values{"_busy_timeout": q["_busy_timeout"], "mode": {"ro"}, "_query_only": {"1"}}
	}
	if userQuery != "" {
		uq, err := url.ParseQuery(userQuery)
		if err != nil {
			return "", "", fmt.Errorf("%w: its query %q is not one: %w", errBadURL, userQuery, err)
		}
		for k, v := range uq {
			if !readOnly || (k != "mode" && k != "_query_only") {
				q[k] = v
			}
		}
	}
	if readOnly {
		// The file: form makes the driver pass the URI, mode=ro included,
		// to SQLite.
		return path, "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode(), nil
	}
	return path, path + "?" + q.Encode(), nil
}

// Dialect reports the engine: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Ops reports how many statements and transactions this Store has sent to the
// database, for benchmarks and metrics.
func (s *Store) Ops() int64 { return s.ops.Load() }

// Close closes the database (and, for SQLite, gives up the lock).
func (s *Store) Close() error {
	if s.dialect == sqliteDialect && !s.readOnly {
		// database/sql closes a connection still in use (a query the
		// shutdown cancelled) after Close returns; SQLite then removes its
		// -wal and -shm files behind the caller's back. Taking the one
		// connection first waits for it, so Close ends with the file.
		ctx, cancel := context.WithTimeout(context.Background(), closeWait)
		if c, err := s.db.Conn(ctx); err == nil {
			c.Close()
		}
		cancel()
	}
	err := s.db.Close()
	s.unlock()
	return err
}

// closeWait bounds how long Close waits for a query still running.
const closeWait = 5 * time.Second

func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	s.ops.Add(1)
	return s.db.ExecContext(ctx, s.dialect.rebind(q), args...)
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	s.ops.Add(1)
	return s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	s.ops.Add(1)
	return s.db.QueryRowContext(ctx, s.dialect.rebind(q), args...)
}

// ms is the stored form of a time: Unix milliseconds.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// timeOf reverses ms; 0 is the zero time.
func timeOf(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
