package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrLocked is returned by Open when another process holds the SQLite file.
var ErrLocked = errors.New("the SQLite store is in use by another process")

// fileLock is this process's exclusive lock on an SQLite store. SQLite
// itself lets several processes open one file, but the store's guarantees
// (one poller, claims that expire only when their owner is gone, no double
// answers) then rest on leases alone; two bots on one file both started and
// served. The lock makes a second process refuse to start instead. Stores
// opened on the same file within one process share the lock.
type fileLock struct {
	path string
	f    *os.File
	refs int
	// setup makes this process's Stores on the file migrate one at a
	// time: SQLite answers a connection that meets another's switch to
	// WAL with SQLITE_BUSY at once, whatever the busy timeout.
	setup sync.Mutex
}

var (
	locksMu sync.Mutex
	locks   = map[string]*fileLock{}
)

// lockSQLite takes the lock for the database at dbPath, creating
// dbPath+".lock" (which records the holder, for the message a second
// process gives). first reports that no other Store of this process holds
// it: nothing else can be using the file.
func lockSQLite(dbPath string) (l *fileLock, first bool, err error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return nil, false, fmt.Errorf("open sqlite store: %w", err)
	}
	path := abs + ".lock"
	locksMu.Lock()
	defer locksMu.Unlock()
	if l := locks[path]; l != nil {
		l.refs++
		return l, false, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		// Typically a read-only root filesystem: the file's directory must
		// be writable (WAL files live there too).
		return nil, false, fmt.Errorf("create the lock file: %w", err)
	}
	if err := flockExclusive(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, errWouldBlock) {
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another process"
			}
			return nil, false, fmt.Errorf("%w: %s holds %s. SQLite serves one process: stop the other one, or use PostgreSQL (STORE_URL=postgres://…) for several replicas", ErrLocked, who, dbPath)
		}
		return nil, false, fmt.Errorf("open sqlite store: lock %s: %w", path, err)
	}
	host, _ := os.Hostname()
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte("pid "+strconv.Itoa(os.Getpid())+" on "+host+" since "+time.Now().UTC().Format(time.RFC3339)+"\n"), 0)
	l = &fileLock{path: path, f: f, refs: 1}
	locks[path] = l
	return l, true, nil
}

// release drops one reference; the last one unlocks the file.
func (l *fileLock) release() {
	locksMu.Lock()
	defer locksMu.Unlock()
	if l.refs--; l.refs > 0 {
		return
	}
	delete(locks, l.path)
	l.f.Close() // closing the descriptor releases the lock
}
