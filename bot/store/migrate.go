package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrations holds the numbered schema changes of each dialect:
// migrations/<dialect>/NNN_name.sql, applied in order, each once.
//
//go:embed migrations
var migrations embed.FS

// migrationLockID is the PostgreSQL advisory lock key that serializes
// migrations of replicas starting together ("attendee" in ASCII).
const migrationLockID int64 = 0x61747465_6e646565

type migration struct {
	version int
	name    string
	sql     string
}

// migrationSteps are the parts of a migration SQL cannot do (sorting
// words), run right after its SQL, in the same transaction.
var migrationSteps = map[int]func(context.Context, *sql.Tx, dialect) error{
	6: keySubjects,
}

func (s *Store) loadMigrations() ([]migration, error) {
	dir := path.Join("migrations", s.dialect.name)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: want NNN_name.sql", e.Name())
		}
		b, err := migrations.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies the migrations not yet recorded in schema_migrations, all
// in one transaction. On PostgreSQL a transaction-scoped advisory lock makes
// replicas that start together take turns; on SQLite the immediate
// transaction holds the file's write lock for the same effect.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := s.loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	s.ops.Add(1)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback()
	if s.dialect == postgresDialect {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockID); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at BIGINT  NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate: apply %s: %w", m.name, err)
		}
		if step := migrationSteps[m.version]; step != nil {
			if err := step(ctx, tx, s.dialect); err != nil {
				return fmt.Errorf("migrate: apply %s: %w", m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.dialect.rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
			m.version, m.name, s.now().UnixMilli()); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// querier is what appliedVersions reads through: the migration's
// transaction, or a read-only store's database.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// appliedVersions reads the versions recorded in schema_migrations.
func appliedVersions(ctx context.Context, q querier) (map[int]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := make(map[int]bool)
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, nil
}

// checkSchema is migrate for a ReadOnly store: it changes nothing and
// fails when a migration of this program is not applied yet.
func (s *Store) checkSchema(ctx context.Context) error {
	ms, err := s.loadMigrations()
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	// Connected first, so a failing query says the tables are missing.
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	s.ops.Add(1)
	applied, err := appliedVersions(ctx, s.db)
	if err != nil {
		return fmt.Errorf("%w: %w", errNoSchema, err)
	}
	for _, m := range ms {
		if !applied[m.version] {
			return fmt.Errorf("%w: migration %s is not applied; start this version of the bot once (it updates the schema), then try again", ErrSchemaOld, m.name)
		}
	}
	return nil
}

// SchemaVersion reports the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.queryRow(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v.Int64), nil
}
