package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// OpenError is why Open failed, as one sentence that says what to do: it
// names the file, or the database's host, user and name, never a password.
// The driver's own words (pgx's dial errors run to three lines) are for
// the log: Detail. Setting reports that STORE_URL, or what it names, must
// change: trying again will not help.
type OpenError struct {
	msg     string
	Setting bool
	err     error
	secret  string // STORE_URL's password, cut from Detail
}

func (e *OpenError) Error() string { return e.msg }
func (e *OpenError) Unwrap() error { return e.err }

// Detail is the underlying error's text, on one line, for a log.
func (e *OpenError) Detail() string {
	d := strings.Join(strings.Fields(e.err.Error()), " ")
	// As written and as a URL writes it. A short password garbles the
	// line (every such letter is cut), which is better than showing it.
	if e.secret != "" {
		d = strings.ReplaceAll(d, e.secret, "[redacted]")
		d = strings.ReplaceAll(d, url.QueryEscape(e.secret), "[redacted]")
	}
	return d
}

// explain turns what went wrong opening the store at rawURL (a path, for
// SQLite) into an OpenError. Errors that already say what to do (another
// process holds the file, an older schema, no file to read) keep their
// words.
func explain(err error, d dialect, rawURL, path string) error {
	if err == nil {
		return nil
	}
	e := &OpenError{err: err}
	if d == postgresDialect {
		e.msg, e.Setting, e.secret = explainPostgres(err, rawURL)
	} else {
		e.msg, e.Setting = explainSQLite(err, path)
	}
	return e
}

func explainSQLite(err error, path string) (string, bool) {
	var se *sqlite.Error
	code := -1
	if errors.As(err, &se) {
		code = se.Code() & 0xff // the primary result code
	}
	switch {
	case code == sqlite3.SQLITE_NOTADB:
		return fmt.Sprintf("STORE_URL names %s, which is not a SQLite database: give the bot's store file, or a new file name for a new store", path), true
	case code == sqlite3.SQLITE_READONLY || code == sqlite3.SQLITE_CANTOPEN || code == sqlite3.SQLITE_PERM:
		return fmt.Sprintf("the bot cannot write STORE_URL's SQLite file %s: it and its folder must be writable by the bot's user", path), true
	case errors.Is(err, errBadURL):
		return err.Error(), true
	case errors.Is(err, ErrLocked), errors.Is(err, ErrSchemaOld), errors.Is(err, errNoFile):
		return err.Error(), false
	case errors.Is(err, errNoSchema):
		return fmt.Sprintf("the SQLite file %s of STORE_URL holds no attendees-bot tables: is STORE_URL right? The bot makes them when it first starts", path), false
	case errors.Is(err, fs.ErrNotExist) && !exists(folder(path)):
		return fmt.Sprintf("the folder %s of STORE_URL's SQLite file does not exist: create it or mount a volume there, or use PostgreSQL", folder(path)), true
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		// A folder that is there but refuses a new file (a read-only root
		// filesystem; /proc says "no such file").
		return fmt.Sprintf("the bot cannot write in the folder %s of STORE_URL's SQLite file: make it writable by the bot's user, mount a volume there, or use PostgreSQL", folder(path)), true
	}
	return fmt.Sprintf("the SQLite store %s could not be opened: set LOG_LEVEL=debug to see why", path), false
}

// explainPostgres also returns STORE_URL's password, which the driver's
// words must not carry into a log.
func explainPostgres(err error, rawURL string) (msg string, setting bool, secret string) {
	where, user, db := "the PostgreSQL server of STORE_URL", "STORE_URL's user", "STORE_URL's database"
	if u, perr := url.Parse(rawURL); perr == nil {
		if u.Host != "" {
			where = "PostgreSQL at " + u.Host
		}
		if name := u.User.Username(); name != "" {
			user = "user " + name
		}
		if name := strings.TrimPrefix(u.Path, "/"); name != "" {
			db = "database " + name
		}
		secret, _ = u.User.Password()
	}
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, errBadURL):
		return err.Error(), true, secret
	case errors.Is(err, ErrSchemaOld):
		return err.Error(), false, secret
	}
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000": // invalid_password, invalid_authorization_specification
			return fmt.Sprintf("%s refused %s: check the user name and password in STORE_URL", where, user), true, secret
		case "3D000": // invalid_catalog_name
			return fmt.Sprintf("%s has no %s: create it, or correct STORE_URL", where, db), true, secret
		case "42P01": // undefined_table: a database the bot never set up
			return fmt.Sprintf("%s of %s holds no attendees-bot tables: is STORE_URL right? The bot makes them when it first starts", db, where), false, secret
		case "42501": // insufficient_privilege
			return fmt.Sprintf("%s may not create the bot's tables in %s at %s: grant it CREATE there", user, strings.TrimPrefix(db, "database "), strings.TrimPrefix(where, "PostgreSQL at ")), true, secret
		}
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && pe == nil {
		why := "it does not answer"
		var dns *net.DNSError
		var errno syscall.Errno
		switch {
		case errors.As(err, &dns):
			why = "no such host"
		case errors.As(err, &errno):
			why = errno.Error()
		case errors.Is(err, context.DeadlineExceeded):
			why = "timed out"
		}
		return fmt.Sprintf("%s cannot be reached (%s): check that it runs and that STORE_URL's host and port are right", where, why), false, secret
	}
	return fmt.Sprintf("the PostgreSQL store (%s, %s) could not be opened: set LOG_LEVEL=debug to see why", where, db), false, secret
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// folder is the directory of the SQLite file at path, for a sentence.
func folder(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return filepath.Dir(path)
}
